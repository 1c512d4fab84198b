"""AR history: a customer's ledger in order (effective date, then entry id) with the running balance."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Row, Select, bindparam, func, select, tuple_

from db.models import LedgerEntry
from resolvers.batching import in_parents
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, to_page
from resolvers.scope import tenant_scoped
from resolvers.statements import narrowed, reused

# The customer's balance after each entry: the running sum over the whole ledger, in ledger order.
RUNNING_BALANCE = func.sum(LedgerEntry.amount_cents).over(
    partition_by=LedgerEntry.customer_id, order_by=(LedgerEntry.effective_on, LedgerEntry.id)).label("balance")


@dataclass(frozen=True, slots=True)
class HistoryRow:
    entry: Row[Any]  # a ledger entry as a read-only row (same attribute names as LedgerEntry): no ORM entity to build
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
    stmt, params = HISTORY.page_query(scope, customer_ids, request, {"start": window.start, "end": window.end})
    by_customer: dict[int, list[HistoryRow]] = defaultdict(list)
    for row in (await scope.db.execute(stmt, params)).all():
        by_customer[row.customer_id].append(HistoryRow(row, int(row.balance)))
    return [_page(by_customer.get(k, []), request) for k in customer_ids]


@dataclass(frozen=True)
class HistoryPages:
    """The AR history's pages and counts of many customers, declared once: the loaders' statements and a compiled
    plan's (graph/compiled/connections.py); `start` and `end` (the window) are the connection's arguments."""

    model: Any = LedgerEntry
    arguments: tuple[str, ...] = ("start", "end")

    def page_query(self, scope: RequestScope, customer_ids: Sequence[int], request: PageRequest,
                   arguments: dict[str, Any] | None = None,
                   columns: tuple[str, ...] | None = None) -> tuple[Select[Any], dict[str, Any]]:
        """The pages' statement and its bound values; `columns`: the row keys the caller reads (a compiled plan's
        level: an entry's columns, `balance`), selected with the customer and order columns (None: all)."""
        window = Window(**(arguments or {}))
        bounds, backwards = _Bounds.of(window, request), request.backwards
        one = len(customer_ids) == 1  # a plan under node(id:), a customer's tab: no window to rank its entries
        stmt = reused(scope, ("ar-history", bounds, backwards, columns, one),
                      lambda s: (_one_customer_statement if one else _pages_statement)(s, bounds, backwards, columns))
        return stmt, {"customer_ids": list(customer_ids), "limit": request.size + 1, **bounds.params(window, request)}

    def group(self, rows: Sequence[Any], customer_ids: Sequence[int], request: PageRequest) -> list[Page[Any]]:
        """The rows of `page_query` (a ledger entry's columns, its `balance`) as each customer's page."""
        by_customer: dict[int, list[Any]] = {k: [] for k in customer_ids}
        for row in rows:
            by_customer[row.customer_id].append(row)
        return [to_page(by_customer[k], _row_key, request) for k in customer_ids]

    def count_query(self, scope: RequestScope,
                    arguments: dict[str, Any] | None = None) -> tuple[Select[Any], dict[str, Any]]:
        """Entries in the window per customer: (customer, count) rows, customers bound as `parent_ids`."""
        window = Window(**(arguments or {}))
        bounds = _Bounds.of(window, PageRequest())

        def build(scope: RequestScope) -> Select[Any]:
            stmt = select(LedgerEntry.customer_id, func.count()).where(in_parents(LedgerEntry.customer_id))
            return tenant_scoped(bounds.apply(stmt).group_by(LedgerEntry.customer_id), LedgerEntry, scope)
        return reused(scope, ("ar-history-count", bounds), build), bounds.params(window, PageRequest())


def _row_key(row: Any) -> tuple[date, int]:
    return (row.effective_on, row.id)


HISTORY = HistoryPages()


def _pages_statement(scope: RequestScope, bounds: "_Bounds", backwards: bool,
                     columns: tuple[str, ...] | None = None) -> Select[Any]:
    order = (LedgerEntry.effective_on, LedgerEntry.id)
    customers = LedgerEntry.customer_id.in_(bindparam("customer_ids", expanding=True))
    sums = tenant_scoped(select(LedgerEntry.id, RUNNING_BALANCE).where(customers), LedgerEntry, scope).subquery()
    stmt = bounds.apply(select(*LedgerEntry.__table__.columns, sums.c.balance).join(sums, sums.c.id == LedgerEntry.id))
    stmt = _narrowed(stmt, columns)
    ordering = [c.desc() if backwards else c.asc() for c in order]
    rank = func.row_number().over(partition_by=LedgerEntry.customer_id, order_by=ordering).label("rank")
    ranked = stmt.add_columns(rank).subquery()
    return select(ranked).where(ranked.c.rank <= bindparam("limit")).order_by(ranked.c.rank)


def _narrowed(stmt: Select[Any], columns: tuple[str, ...] | None) -> Select[Any]:
    """`stmt` selecting the row keys `columns` (None: all) with what the page's grouping and keys read: the customer
    and the order columns."""
    return stmt if columns is None else narrowed(stmt, {*columns, "customer_id", "effective_on", "id"})


def _one_customer_statement(scope: RequestScope, bounds: "_Bounds", backwards: bool,
                            columns: tuple[str, ...] | None = None) -> Select[Any]:
    """`_pages_statement` for one customer: the running balance over the whole ledger, then the window's entries in
    order up to the limit; no join and no rank (SQLite: half the time on a year of entries). The same rows."""
    customers = LedgerEntry.customer_id.in_(bindparam("customer_ids", expanding=True))
    entries = tenant_scoped(select(*LedgerEntry.__table__.columns, RUNNING_BALANCE).where(customers), LedgerEntry,
                            scope)
    entries = _narrowed(entries, columns)
    summed = entries.subquery()
    order = (summed.c.effective_on, summed.c.id)
    stmt = bounds.apply(select(summed), *order)
    return stmt.order_by(*(c.desc() if backwards else c.asc() for c in order)).limit(bindparam("limit"))


@dataclass(frozen=True, slots=True)
class _Bounds:
    """Which of the window's days and the page's cursors are given: the shape of the statement's filter."""

    start: bool
    end: bool
    after: bool
    before: bool

    @classmethod
    def of(cls, window: Window, request: PageRequest) -> "_Bounds":
        return cls(window.start is not None, window.end is not None, request.after is not None,
                   request.before is not None)

    def apply(self, stmt: Any, day: Any = LedgerEntry.effective_on, entry_id: Any = LedgerEntry.id) -> Any:
        """`stmt` within the window and the cursors, on these columns (a ledger entry's, or a subquery's of them)."""
        key = tuple_(day, entry_id)
        if self.start:
            stmt = stmt.where(day >= bindparam("start", type_=Date))
        if self.end:
            stmt = stmt.where(day <= bindparam("end", type_=Date))
        if self.after:
            stmt = stmt.where(key > tuple_(bindparam("after_on", type_=Date), bindparam("after_id", type_=Integer)))
        if self.before:
            stmt = stmt.where(key < tuple_(bindparam("before_on", type_=Date), bindparam("before_id", type_=Integer)))
        return stmt

    def params(self, window: Window, request: PageRequest) -> dict[str, Any]:
        given = {"start": window.start, "end": window.end}
        if request.after is not None:
            given["after_on"], given["after_id"] = request.after
        if request.before is not None:
            given["before_on"], given["before_id"] = request.before
        return {k: v for k, v in given.items() if v is not None}


def _page(rows: list[HistoryRow], request: PageRequest) -> Page[HistoryRow]:
    return to_page(rows, key_of, request)


async def history_counts(scope: RequestScope, customer_ids: Sequence[int], window: Window) -> list[int]:
    stmt, params = HISTORY.count_query(scope, {"start": window.start, "end": window.end})
    found = dict((await scope.db.execute(stmt, {**params, "parent_ids": list(customer_ids)})).tuples().all())
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
