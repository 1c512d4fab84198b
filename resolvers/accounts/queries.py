"""Read utility accounts and the reference data the search panel's dropdowns offer."""

from sqlalchemy import select

from db.models import Market, RatePlan, Utility, UtilityAccount
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped


async def get_account_by_ldc(scope: RequestScope, ldc_account_number: str) -> UtilityAccount | None:
    stmt = select(UtilityAccount).where(UtilityAccount.ldc_account_number == ldc_account_number.strip())
    return (await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).scalar_one_or_none()


async def list_markets(scope: RequestScope) -> list[Market]:
    return list((await scope.db.execute(select(Market).order_by(Market.code))).scalars())


async def list_utilities(scope: RequestScope, market_code: str | None) -> list[Utility]:
    stmt = select(Utility).order_by(Utility.name)
    if market_code:
        stmt = stmt.join(Market, Market.id == Utility.market_id).where(Market.code == market_code.upper())
    return list((await scope.db.execute(stmt)).scalars())


async def list_rate_plans(scope: RequestScope, market_code: str | None) -> list[RatePlan]:
    stmt = tenant_scoped(select(RatePlan), RatePlan, scope).order_by(RatePlan.code)
    if market_code:
        stmt = stmt.join(Market, Market.id == RatePlan.market_id).where(Market.code == market_code.upper())
    return list((await scope.db.execute(stmt)).scalars())
