"""A customer's timeline: one keyset-paged list over every source, one SQL statement per page.

A page is a UNION ALL of one SELECT of (occurred_at, rank, id, customer_id) per kind wanted. Each
branch is filtered by the owner's customers, the window and the cursor, and ordered and limited to
the page size + 1 on its own, so no source reads more than a page (an index range on the owner,
the time column and id, see timeline_sources); the outer ORDER BY ... LIMIT picks the page. The
rows behind a page's items are then read per kind (`subject_rows`), never per item.

Building such a statement costs SQLAlchemy milliseconds, far more than SQLite takes to run it, so
statements are built once per client and shape (which kinds, which bounds, how many owners) with
every value a bound parameter, and reused from the app's cache (resolvers/statements.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
    union_all,
)

from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.customers.timeline.sources import SOURCES, Owner, Source
from resolvers.pagination import Page, PageRequest, to_page
from resolvers.rules.timeline import (
    KINDS_BY_RANK,
    RANKS,
    ActivityKind,
    TimelineKey,
    kinds_wanted,
    source_bound,
)
from resolvers.statements import reused

# Timelines of several customers (a list asking each for its recent activity) share a statement, up to
# this many owners: each adds a branch per kind, and SQLite caps a compound SELECT at 500 terms.
OWNERS_PER_STATEMENT = 25


@dataclass(frozen=True, slots=True)
class TimelineWindow:
    """Which items: kinds (None: all), recorded at or after `since` and before `until`. Hashable for loaders."""

    kinds: frozenset[ActivityKind] | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class TimelineQuery:
    window: TimelineWindow
    request: PageRequest


class TimelineItem(NamedTuple):
    """One item of a page, before its row is read."""

    occurred_at: datetime
    rank: int
    id: int
    customer_id: int

    @property
    def kind(self) -> ActivityKind:
        return KINDS_BY_RANK[self.rank]

    @property
    def key(self) -> TimelineKey:
        return TimelineKey(self.occurred_at, self.rank, self.id)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a statement's SQL depends on, beyond the values it is run with (and the client: `reused`)."""

    kinds: tuple[ActivityKind, ...]
    since: bool
    until: bool
    several: tuple[bool, ...]  # per owner: several customers (IN) or one (=)
    after_rank: int | None = None
    before_rank: int | None = None
    backwards: bool = False


# ---- pages ------------------------------------------------------------------------------------------

async def timeline_pages(
    scope: RequestScope, owners: Sequence[tuple[int, ...]], query: TimelineQuery
) -> list[Page[TimelineItem]]:
    """The same page of the timelines of several owners (each a tuple of customer ids)."""
    pages: list[Page[TimelineItem]] = []
    for start in range(0, len(owners), OWNERS_PER_STATEMENT):
        pages += await _pages(scope, owners[start:start + OWNERS_PER_STATEMENT], query)
    return pages


async def _pages(
    scope: RequestScope, owners: Sequence[tuple[int, ...]], query: TimelineQuery
) -> list[Page[TimelineItem]]:
    found: list[list[TimelineItem]] = [[] for _ in owners]
    shape = _page_shape(owners, query)
    if shape.kinds:
        stmt = reused(scope, ("timeline-page", shape), lambda s: _page_statement(s, shape))
        for owner, *item in await scope.db.execute(stmt, _page_values(owners, query)):
            found[owner].append(TimelineItem(*item))
    return [_to_page(rows, query.request) for rows in found]


def _page_shape(owners: Sequence[tuple[int, ...]], query: TimelineQuery) -> _Shape:
    window, request = query.window, query.request
    return _Shape(
        tuple(kinds_wanted(window.kinds)), window.since is not None, window.until is not None,
        tuple(len(ids) > 1 for ids in owners), request.after[1] if request.after else None,
        request.before[1] if request.before else None, request.backwards,
    )


def _page_values(owners: Sequence[tuple[int, ...]], query: TimelineQuery) -> dict[str, Any]:
    values = _owner_values(owners, query.window)
    values["size"] = query.request.size + 1
    for name, key in (("after", query.request.after), ("before", query.request.before)):
        if key is not None:
            values[f"{name}_at"], values[f"{name}_id"] = key[0], key[2]
    return values


def _owner_values(owners: Sequence[tuple[int, ...]], window: TimelineWindow) -> dict[str, Any]:
    values: dict[str, Any] = {f"owner_{n}": list(ids) if len(ids) > 1 else ids[0] for n, ids in enumerate(owners)}
    if window.since is not None:
        values["since"] = window.since
    if window.until is not None:
        values["until"] = window.until
    return values


def _page_statement(scope: RequestScope, shape: _Shape) -> Select[Any]:
    selects = [_owner_page(scope, shape, n) for n in range(len(shape.several))]
    if len(selects) == 1:
        return selects[0]
    return union_all(*(select(s.subquery()) for s in selects))  # type: ignore[return-value]


def _owner_page(scope: RequestScope, shape: _Shape, n: int) -> Select[Any]:
    """One owner's page: its branches, ordered and limited again as a whole."""
    owner = _owner(n, shape.several[n])
    items = _union([_branch(scope, shape, kind, owner) for kind in shape.kinds]).subquery("timeline")
    order = [items.c.occurred_at, items.c.rank, items.c.id]
    return (select(literal_column(str(n), Integer).label("owner"), *items.c)
            .order_by(*(c.asc() if shape.backwards else c.desc() for c in order))
            .limit(bindparam("size", type_=Integer)))


def _owner(n: int, several: bool) -> Owner:
    """`column IN (owner's ids)`, but `=` for one id: only then can SQLite read the (owner, time, id) index in
    order and stop after a page; several customers (a master with its children) are merged by a sort."""
    if several:
        return lambda column: column.in_(bindparam(f"owner_{n}", expanding=True))
    return lambda column: column == bindparam(f"owner_{n}")


def _branch(scope: RequestScope, shape: _Shape, kind: ActivityKind, owner: Owner) -> Select[Any]:
    """One source's candidates: at most a page + 1, already in page order, as a subquery SELECT."""
    source, rank = SOURCES[kind], RANKS[kind]
    stmt = _windowed(source, source.owned(scope, owner), shape.since, shape.until)
    if shape.after_rank is not None:
        stmt = stmt.where(_bounded(source, rank, shape.after_rank, "after", older=True))
    if shape.before_rank is not None:
        stmt = stmt.where(_bounded(source, rank, shape.before_rank, "before", older=False))
    order = [source.at, source.model.id]
    stmt = stmt.order_by(*(c.asc() if shape.backwards else c.desc() for c in order))
    branch = stmt.limit(bindparam("size", type_=Integer)).subquery()
    return select(branch.c.occurred_at, literal_column(str(rank), Integer).label("rank"), branch.c.id,
                  branch.c.customer_id)


def _windowed(source: Source, stmt: Select[Any], since: bool, until: bool) -> Select[Any]:
    if since:
        stmt = stmt.where(source.at >= bindparam("since", type_=source.at.type))
    if until:
        stmt = stmt.where(source.at < bindparam("until", type_=source.at.type))
    return stmt


def _bounded(source: Source, rank: int, cursor_rank: int, name: str, *, older: bool) -> Any:
    """The cursor's bound on this source as one range condition on its (time, id) index."""
    bound = source_bound(rank, cursor_rank, older=older)
    at = bindparam(f"{name}_at", type_=source.at.type)
    if bound.on_id:
        pair, cursor = tuple_(source.at, source.model.id), tuple_(at, bindparam(f"{name}_id", type_=Integer))
        return pair < cursor if older else pair > cursor
    if older:
        return source.at <= at if bound.inclusive else source.at < at
    return source.at >= at if bound.inclusive else source.at > at


def _union(selects: list[Select[Any]]) -> Any:
    return selects[0] if len(selects) == 1 else union_all(*selects)


def _to_page(rows: list[TimelineItem], request: PageRequest) -> Page[TimelineItem]:
    """One owner's rows (in any order when owners shared the statement) as a page, newest first."""
    rows.sort(key=lambda r: r.key, reverse=not request.backwards)
    return to_page(rows, lambda r: r.key, request)


# ---- counts and rows -----------------------------------------------------------------------------------

async def timeline_counts(scope: RequestScope, owners: Sequence[tuple[int, ...]], window: TimelineWindow) -> list[int]:
    """How many items each owner's timeline holds in the window: one statement, a count per owner."""
    counts: list[int] = []
    for start in range(0, len(owners), OWNERS_PER_STATEMENT):
        chunk = owners[start:start + OWNERS_PER_STATEMENT]
        shape = _Shape(tuple(kinds_wanted(window.kinds)), window.since is not None,
                       window.until is not None, tuple(len(ids) > 1 for ids in chunk))
        if not shape.kinds:
            counts += [0 for _ in chunk]
            continue
        stmt = reused(scope, ("timeline-count", shape), partial(_count_statement, shape=shape))
        counts += [int(n) for n in (await scope.db.execute(stmt, _owner_values(chunk, window))).one()]
    return counts


def _count_statement(scope: RequestScope, shape: _Shape) -> Select[Any]:
    def owner_count(n: int) -> Any:
        owner = _owner(n, shape.several[n])
        branches = [_windowed(SOURCES[kind], SOURCES[kind].owned(scope, owner), shape.since, shape.until)
                    for kind in shape.kinds]
        return select(func.count()).select_from(_union(branches).subquery()).scalar_subquery()

    return select(*(owner_count(n) for n in range(len(shape.several))))


def subject_kind(kind: ActivityKind) -> ActivityKind:
    """The kind whose rows `kind`'s items are: a returned payment is a payment (one read for both)."""
    return ActivityKind.PAYMENT if kind is ActivityKind.PAYMENT_RETURNED else kind


async def subject_rows(scope: RequestScope, ids: Sequence[int], kind: ActivityKind) -> list[Any | None]:
    """The rows of items of one kind, aligned with `ids`."""
    return await tenant_rows_by_ids(scope, SOURCES[kind].model, ids)


def actor_id(kind: ActivityKind, row: Any) -> int | None:
    """The user who did it, where the source records one."""
    column = SOURCES[kind].actor
    return getattr(row, column) if column else None
