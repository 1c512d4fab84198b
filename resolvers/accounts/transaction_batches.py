"""Bodies of the DataLoaders of the transaction history panel and the status history.

Market transactions are read as plain rows (SQLAlchemy Core), not ORM objects: the panel shows up
to 100 per account and a customer's accounts tab thousands, where building ORM objects would cost
more than the SQL. Rows have the same attribute names, so the GraphQL types take either.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Column, Row, Select, func, select

from db.models import EnrollmentStatusChange, MarketTransaction, UsagePeriod, User
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import (
    Page,
    PageRequest,
    count_by_parent,
    keyset_pages_by_parent,
    to_page,
)
from resolvers.scope import tenant_scoped

TRANSACTIONS = MarketTransaction.__table__


def _transactions(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(*TRANSACTIONS.c), MarketTransaction, scope)


async def transaction_pages(scope: RequestScope, account_ids: Sequence[int], request: PageRequest) -> list[Page[Row]]:
    """The transaction history panel of many accounts, newest first, in one statement; a first page (no cursor:
    the tab as it opens) with each account's total, so that totalCount needs no GROUP BY of its own."""
    stmt = _transactions(scope).where(MarketTransaction.utility_account_id.in_(account_ids))
    return await _newest_first_pages(
        scope, stmt, TRANSACTIONS.c.utility_account_id, TRANSACTIONS.c.id, account_ids, request
    )


async def _newest_first_pages(
    scope: RequestScope,
    stmt: Select[Any],
    parent: Column[int],
    key: Column[int],
    parent_ids: Sequence[int],
    request: PageRequest,
) -> list[Page[Row]]:
    """`keyset_pages_by_parent` over one descending integer key, returning Core rows (ROW_NUMBER per parent)."""
    if request.after is not None:
        stmt = stmt.where(key < request.after[0])
    if request.before is not None:
        stmt = stmt.where(key > request.before[0])
    order = key.asc() if request.backwards else key.desc()
    ranked = stmt.add_columns(func.row_number().over(partition_by=parent, order_by=order).label("rank"))
    counted = request.after is None and request.before is None  # every row of the parent is in the window
    if counted:
        ranked = ranked.add_columns(func.count().over(partition_by=parent).label("total"))
    pages = ranked.subquery()
    result = await scope.db.execute(select(pages).where(pages.c.rank <= request.size + 1).order_by(pages.c.rank))
    by_parent: dict[int, list[Row]] = {pid: [] for pid in parent_ids}
    for row in result:
        by_parent[row._mapping[parent.key]].append(row)
    return [_page(by_parent[pid], request, counted) for pid in parent_ids]


def _page(rows: list[Row], request: PageRequest, counted: bool) -> Page[Row]:
    page = to_page(rows, lambda r: (r.id,), request)
    if not counted:
        return page
    return replace(page, total=rows[0].total if rows else 0)  # no row: the parent has none


async def transaction_counts(scope: RequestScope, account_ids: Sequence[int]) -> list[int]:
    stmt = tenant_scoped(select(MarketTransaction), MarketTransaction, scope)
    return await count_by_parent(scope.db, stmt, MarketTransaction.utility_account_id, account_ids)


async def transactions_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Row | None]:
    found = {row.id: row for row in await scope.db.execute(_transactions(scope).where(MarketTransaction.id.in_(ids)))}
    return [found.get(i) for i in ids]


# The status history's links get loaders of their own: sharing transactions_by_id or users_by_id with the
# history panel would batch them together or apart depending on which page's query returns first.
async def status_change_transactions_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Row | None]:
    return await transactions_by_ids(scope, ids)


async def status_change_actors_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[User | None]:
    return await tenant_rows_by_ids(scope, User, ids)


async def status_change_pages(
    scope: RequestScope, account_ids: Sequence[int], request: PageRequest
) -> list[Page[EnrollmentStatusChange]]:
    """Enrollment status history of many accounts, newest first."""
    stmt = tenant_scoped(select(EnrollmentStatusChange), EnrollmentStatusChange, scope)
    return await keyset_pages_by_parent(
        scope.db, EnrollmentStatusChange, stmt, EnrollmentStatusChange.utility_account_id, account_ids,
        [EnrollmentStatusChange.id], lambda c: (c.id,), request, descending=True,
    )


async def status_change_counts(scope: RequestScope, account_ids: Sequence[int]) -> list[int]:
    stmt = tenant_scoped(select(EnrollmentStatusChange), EnrollmentStatusChange, scope)
    return await count_by_parent(scope.db, stmt, EnrollmentStatusChange.utility_account_id, account_ids)


async def usage_periods_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[UsagePeriod | None]:
    return await tenant_rows_by_ids(scope, UsagePeriod, ids)
