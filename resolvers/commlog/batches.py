"""Bodies of the communication-log DataLoaders: pages of entries, memos, alerts."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from db.enums import CommLogKind
from db.models import CommLogEntry, CommLogMemo, Disposition
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_by_parent, keyset_pages_by_parent
from resolvers.scope import tenant_scoped


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Which entries of a log to show; hashable, so a loader can batch equal filters."""

    kinds: tuple[CommLogKind, ...] | None = None
    category: str | None = None
    disposition: str | None = None
    critical: bool | None = None
    author_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class LogPage:
    filter: LogFilter
    request: PageRequest
    newest_first: bool = True


def filtered(scope: RequestScope, f: LogFilter) -> Select[Any]:
    stmt = tenant_scoped(select(CommLogEntry), CommLogEntry, scope)
    conditions: list[ColumnElement[bool]] = []
    if f.kinds is not None:
        conditions.append(CommLogEntry.kind.in_(f.kinds))
    if f.category:
        conditions.append(CommLogEntry.category == f.category)
    if f.disposition:
        conditions.append(CommLogEntry.disposition == f.disposition)
    if f.critical is not None:
        conditions.append(CommLogEntry.critical.is_(f.critical))
    if f.author_id is not None:
        conditions.append(CommLogEntry.author_id == f.author_id)
    if f.since is not None:
        conditions.append(CommLogEntry.created_at >= f.since)
    if f.until is not None:
        conditions.append(CommLogEntry.created_at < f.until)
    if f.text:
        conditions.append(_text_match(f.text))
    return stmt.where(*conditions)


def _text_match(text: str) -> ColumnElement[bool]:
    """Case-insensitive "contains" over the entry's text (one customer's log: no index needed)."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    columns = (CommLogEntry.subject, CommLogEntry.body, CommLogEntry.reason, CommLogEntry.resolution,
               CommLogEntry.contact_name, CommLogEntry.additional_info, CommLogEntry.follow_up)
    return or_(*(func.lower(c).like(f"%{escaped}%", escape="\\") for c in columns))


async def entry_pages(scope: RequestScope, parent_ids: Sequence[int], argument: tuple[str, LogPage]) -> list[Page[Any]]:
    """Pages of the logs of many customers (or utility accounts), newest first by default."""
    parent_name, page = argument
    parent = getattr(CommLogEntry, parent_name)
    return await keyset_pages_by_parent(
        scope.db, CommLogEntry, filtered(scope, page.filter), parent, parent_ids, [CommLogEntry.id],
        lambda e: (e.id,), page.request, descending=page.newest_first,
    )


async def entry_counts(scope: RequestScope, parent_ids: Sequence[int], argument: tuple[str, LogFilter]) -> list[int]:
    parent_name, log_filter = argument
    return await count_by_parent(scope.db, filtered(scope, log_filter), getattr(CommLogEntry, parent_name), parent_ids)


async def memos_by_entry_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[CommLogMemo]]:
    stmt = tenant_scoped(select(CommLogMemo), CommLogMemo, scope).where(CommLogMemo.entry_id.in_(ids))
    grouped: dict[int, list[CommLogMemo]] = {i: [] for i in ids}
    for memo in (await scope.db.execute(stmt.order_by(CommLogMemo.id))).scalars():
        grouped[memo.entry_id].append(memo)
    return [grouped[i] for i in ids]


async def entries_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[CommLogEntry | None]:
    return await tenant_rows_by_ids(scope, CommLogEntry, ids)


async def list_dispositions(scope: RequestScope) -> list[Disposition]:
    stmt = tenant_scoped(select(Disposition).where(Disposition.active.is_(True)), Disposition, scope)
    return list((await scope.db.execute(stmt.order_by(Disposition.label))).scalars())


async def memos_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[CommLogMemo | None]:
    return await tenant_rows_by_ids(scope, CommLogMemo, ids)
