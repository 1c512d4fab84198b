"""AR history: a customer's ledger in order (effective date, then entry id) with the running balance."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, tuple_

from db.models import LedgerEntry
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest
from resolvers.scope import tenant_scoped


@dataclass(frozen=True, slots=True)
class HistoryRow:
    entry: LedgerEntry
    balance_cents: int  # the customer's balance after this entry


@dataclass(frozen=True, slots=True)
class Window:
    start: date | None = None
    end: date | None = None


def key_of(row: HistoryRow) -> tuple[date, int]:
    return (row.entry.effective_on, row.entry.id)


async def history_pages(scope: RequestScope, customer_ids: Sequence[int], request: PageRequest,
                        window: Window) -> list[Page[HistoryRow]]:
    """One page per customer in one statement: the running sum is taken over the whole ledger, then windowed."""
    order = (LedgerEntry.effective_on, LedgerEntry.id)
    running = func.sum(LedgerEntry.amount_cents).over(partition_by=LedgerEntry.customer_id, order_by=order).label("balance")
    inner = tenant_scoped(select(LedgerEntry.id, running).where(LedgerEntry.customer_id.in_(customer_ids)), LedgerEntry, scope)
    sums = inner.subquery()
    stmt = select(LedgerEntry, sums.c.balance).join(sums, sums.c.id == LedgerEntry.id)
    stmt = _windowed(stmt, window, request)
    forward = not request.backwards
    ordering = [c.asc() if forward else c.desc() for c in order]
    rank = func.row_number().over(partition_by=LedgerEntry.customer_id, order_by=ordering).label("rank")
    ranked = stmt.add_columns(rank).subquery()
    outer = select(ranked).where(ranked.c.rank <= request.size + 1).order_by(ranked.c.rank)
    by_customer: dict[int, list[HistoryRow]] = defaultdict(list)
    for row in (await scope.db.execute(outer)).mappings():
        entry = LedgerEntry(**{c.key: row[c.key] for c in LedgerEntry.__table__.columns})
        by_customer[entry.customer_id].append(HistoryRow(entry, int(row["balance"])))
    return [_page(by_customer.get(k, []), request) for k in customer_ids]


def _windowed(stmt, window: Window, request: PageRequest):
    if window.start:
        stmt = stmt.where(LedgerEntry.effective_on >= window.start)
    if window.end:
        stmt = stmt.where(LedgerEntry.effective_on <= window.end)
    key = tuple_(LedgerEntry.effective_on, LedgerEntry.id)
    if request.after is not None:
        stmt = stmt.where(key > tuple_(*request.after))
    if request.before is not None:
        stmt = stmt.where(key < tuple_(*request.before))
    return stmt


def _page(rows: list[HistoryRow], request: PageRequest) -> Page[HistoryRow]:
    more = len(rows) > request.size
    rows = rows[: request.size]
    if request.backwards:
        rows.reverse()
        return Page(rows, [key_of(r) for r in rows], request.before is not None, more)
    return Page(rows, [key_of(r) for r in rows], more, request.after is not None)


async def history_counts(scope: RequestScope, customer_ids: Sequence[int], window: Window) -> list[int]:
    stmt = select(LedgerEntry.customer_id, func.count()).where(LedgerEntry.customer_id.in_(customer_ids))
    stmt = _windowed(stmt, window, PageRequest())
    found = dict((await scope.db.execute(tenant_scoped(stmt.group_by(LedgerEntry.customer_id), LedgerEntry, scope))).all())
    return [found.get(k, 0) for k in customer_ids]


async def full_history(scope: RequestScope, customer_id: int, window: Window) -> list[HistoryRow]:
    """Every row in the window (for the PDF and CSV), with running balances."""
    rows: list[HistoryRow] = []
    after = None
    while True:
        page = (await history_pages(scope, [customer_id], PageRequest(first=100, after=after), window))[0]
        rows.extend(page.rows)
        if not page.has_next:
            return rows
        after = page.keys[-1]
