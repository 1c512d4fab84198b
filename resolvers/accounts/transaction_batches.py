"""Bodies of the DataLoaders of the transaction history panel and the status history.

Market transactions are read as plain rows (SQLAlchemy Core), not ORM objects: the panel shows up
to 100 per account and a customer's accounts tab thousands, where building ORM objects would cost
more than the SQL. Rows have the same attribute names, so the GraphQL types take either.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, select

from db.models import EnrollmentStatusChange, MarketTransaction, UsagePeriod, User
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import ChildPages
from resolvers.scope import tenant_scoped

TRANSACTIONS = MarketTransaction.__table__


def _transactions(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(*TRANSACTIONS.c), MarketTransaction, scope)


# The transaction history panel of many accounts, newest first, in one statement; a first page (no cursor: the tab
# as it opens) with each account's total, so that totalCount needs no GROUP BY of its own. The loaders' and a
# compiled plan's (one declaration).
TRANSACTION_PAGES = ChildPages("transactions", MarketTransaction, _transactions, MarketTransaction.utility_account_id,
                               (MarketTransaction.id,), plain=True, descending=True, counted=True)
transaction_pages = TRANSACTION_PAGES.pages
transaction_counts = TRANSACTION_PAGES.counts


async def transactions_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Row | None]:
    found = {row.id: row for row in await scope.db.execute(_transactions(scope).where(MarketTransaction.id.in_(ids)))}
    return [found.get(i) for i in ids]


# The status history's links get loaders of their own: sharing transactions_by_id or users_by_id with the
# history panel would batch them together or apart depending on which page's query returns first.
async def status_change_transactions_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Row | None]:
    return await transactions_by_ids(scope, ids)


async def status_change_actors_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[User | None]:
    return await tenant_rows_by_ids(scope, User, ids)


def _status_changes(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(EnrollmentStatusChange), EnrollmentStatusChange, scope)


# Enrollment status history of many accounts, newest first: the loaders' and a compiled plan's.
STATUS_CHANGE_PAGES = ChildPages("status-changes", EnrollmentStatusChange, _status_changes,
                                 EnrollmentStatusChange.utility_account_id, (EnrollmentStatusChange.id,),
                                 descending=True)
status_change_pages = STATUS_CHANGE_PAGES.pages
status_change_counts = STATUS_CHANGE_PAGES.counts


async def usage_periods_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[UsagePeriod | None]:
    return await tenant_rows_by_ids(scope, UsagePeriod, ids)
