"""Bodies of the accounts DataLoaders: one statement for a whole batch of keys."""

from collections.abc import Sequence

from sqlalchemy import select

from db.models import Enrollment, Market, RatePlan, Utility, UtilityAccount
from resolvers.batching import shared_rows_by_ids, tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.pagination import Page, PageRequest, count_by_parent, keyset_pages_by_parent
from resolvers.scope import tenant_scoped


async def accounts_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[UtilityAccount | None]:
    return await tenant_rows_by_ids(scope, UtilityAccount, ids)


async def account_pages(
    scope: RequestScope, customer_ids: Sequence[int], request: PageRequest
) -> list[Page[UtilityAccount]]:
    stmt = tenant_scoped(select(UtilityAccount), UtilityAccount, scope)
    return await keyset_pages_by_parent(
        scope.db, UtilityAccount, stmt, UtilityAccount.customer_id, customer_ids,
        [UtilityAccount.id], lambda a: (a.id,), request,
    )


async def account_counts(scope: RequestScope, customer_ids: Sequence[int]) -> list[int]:
    stmt = tenant_scoped(select(UtilityAccount), UtilityAccount, scope)
    return await count_by_parent(scope.db, stmt, UtilityAccount.customer_id, customer_ids)


async def primary_accounts(scope: RequestScope, customer_ids: Sequence[int]) -> list[UtilityAccount | None]:
    """The account the results grid shows: the first by status rank, then newest start."""
    stmt = tenant_scoped(select(UtilityAccount), UtilityAccount, scope)
    rows = (await scope.db.execute(stmt.where(UtilityAccount.customer_id.in_(customer_ids)))).scalars()
    best: dict[int, UtilityAccount] = {}
    for account in rows:
        current = best.get(account.customer_id)
        if current is None or _grid_rank(account) < _grid_rank(current):
            best[account.customer_id] = account
    return [best.get(i) for i in customer_ids]


STATUS_RANK = ["ACTIVE", "PENDING_DROP", "PENDING", "DROP_ACCEPTED", "DROPPED", "INACTIVE"]


def _grid_rank(account: UtilityAccount) -> tuple[int, int, int]:
    started = account.start_date.toordinal() if account.start_date else 0
    return (STATUS_RANK.index(account.status), -started, account.id)


async def enrollments_by_account_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[Enrollment]]:
    stmt = tenant_scoped(select(Enrollment), Enrollment, scope).where(Enrollment.utility_account_id.in_(ids))
    stmt = stmt.order_by(Enrollment.start_date.desc(), Enrollment.id.desc())
    grouped: dict[int, list[Enrollment]] = {i: [] for i in ids}
    for enrollment in (await scope.db.execute(stmt)).scalars():
        grouped[enrollment.utility_account_id].append(enrollment)
    return [grouped[i] for i in ids]


async def rate_plans_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[RatePlan | None]:
    return await tenant_rows_by_ids(scope, RatePlan, ids)


async def markets_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Market | None]:
    return await shared_rows_by_ids(scope, Market, ids)


async def utilities_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Utility | None]:
    return await shared_rows_by_ids(scope, Utility, ids)
