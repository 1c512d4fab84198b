"""Bodies of the accounts DataLoaders: one statement for a whole batch of keys."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Row, Select, select

from db.models import Enrollment, Market, RatePlan, Utility, UtilityAccount
from resolvers.batching import RowsByParent, in_parents, shared_rows_by_ids, tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import ChildPages
from resolvers.scope import tenant_scoped


async def accounts_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[UtilityAccount | None]:
    return await tenant_rows_by_ids(scope, UtilityAccount, ids)


def _client_accounts(scope: RequestScope) -> Select[Any]:
    return tenant_scoped(select(UtilityAccount), UtilityAccount, scope)


# A customer's accounts, oldest first, as rows (the GraphQL type reads columns only): the loaders' pages and counts,
# and a compiled plan's (one declaration).
ACCOUNTS = ChildPages("accounts", UtilityAccount, _client_accounts, UtilityAccount.customer_id, (UtilityAccount.id,),
                      plain=True)
account_pages = ACCOUNTS.pages
account_counts = ACCOUNTS.counts


async def primary_accounts(scope: RequestScope, customer_ids: Sequence[int]) -> list[UtilityAccount | None]:
    """The account the results grid shows: the first by status rank, then newest start."""
    stmt = tenant_scoped(select(UtilityAccount), UtilityAccount, scope)
    rows = (await scope.db.execute(stmt.where(UtilityAccount.customer_id.in_(customer_ids)))).scalars()
    return best_by_customer(rows, customer_ids)


async def primary_account_rows(scope: RequestScope, customer_ids: Sequence[int]) -> list[Row[Any] | None]:
    """primary_accounts as plain rows, same columns and attribute names: the search grid reads every
    account of its page's customers, and ORM instances cost several times a row each."""
    stmt = tenant_scoped(select(*UtilityAccount.__table__.columns), UtilityAccount, scope)
    rows = (await scope.db.execute(stmt.where(UtilityAccount.customer_id.in_(customer_ids)))).all()
    return best_by_customer(rows, customer_ids)


def best_by_customer(
    rows: Iterable[Any], customer_ids: Sequence[int], first: Callable[[Any], tuple[Any, ...]] | None = None
) -> list[Any | None]:
    """Each customer's first account by `first` (lowest first), then in the results grid's order."""
    best: dict[int, Any] = {}
    rank = _grid_rank if first is None else lambda account: (*first(account), *_grid_rank(account))
    for account in rows:
        current = best.get(account.customer_id)
        if current is None or rank(account) < rank(current):
            best[account.customer_id] = account
    return [best.get(i) for i in customer_ids]


STATUS_RANK = ["ACTIVE", "PENDING_DROP", "PENDING", "DROP_ACCEPTED", "DROPPED", "INACTIVE"]


def _grid_rank(account: Any) -> tuple[int, int, int]:
    started = account.start_date.toordinal() if account.start_date else 0
    return (STATUS_RANK.index(account.status), -started, account.id)


def _enrollments(scope: RequestScope) -> Select[Any]:
    """Ordered by account first: each account's newest first, as its rows are taken (`RowsByParent.group`), in the
    order of the index on (utility_account_id, start_date, id), which serves it without a sort (SQLite: the
    profile's 10 rows 13.4 -> 12.2 us; docs/compiled-plans.md 18d)."""
    stmt = tenant_scoped(select(*Enrollment.__table__.columns), Enrollment, scope)
    return stmt.where(in_parents(Enrollment.utility_account_id)).order_by(
        Enrollment.utility_account_id.desc(), Enrollment.start_date.desc(), Enrollment.id.desc())


# Each account's enrollments, newest first, as rows (columns by name): cheaper than ORM instances.
enrollments_by_account_ids = RowsByParent("enrollments", Enrollment, _enrollments, "utility_account_id")


async def rate_plans_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Row[Any] | None]:
    """The client's rate plans as plain rows (columns by name): the RatePlan type reads columns only."""
    return await tenant_rows_by_ids(scope, RatePlan, ids, plain=True)


async def markets_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Market | None]:
    return await shared_rows_by_ids(scope, Market, ids)


async def utilities_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Utility | None]:
    return await shared_rows_by_ids(scope, Utility, ids)
