"""Builders for reference data and utility accounts."""

import itertools
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import EnrollmentStatus, RatePlanKind
from db.models import Customer, Enrollment, Market, RatePlan, Utility, UtilityAccount
from db.search_keys import address_key

MARKETS = {"TX": ["ONCOR", "CENTERPOINT"], "PA": ["PECO", "PPL"], "OH": ["AEPOH"], "IL": ["COMED"]}
_ldc = itertools.count(1)


async def ensure_reference_data(session: AsyncSession) -> None:
    known = set((await session.execute(select(Market.code))).scalars())
    for code, utilities in MARKETS.items():
        if code in known:
            continue
        market = Market(code=code, name=f"Market {code}")
        session.add(market)
        await session.flush()
        session.add_all(Utility(code=u, name=f"Utility {u}", market_id=market.id) for u in utilities)
    await session.flush()


async def market_id(session: AsyncSession, code: str) -> int:
    return (await session.execute(select(Market.id).where(Market.code == code))).scalar_one()


async def utility_of(session: AsyncSession, code: str) -> Utility:
    return (await session.execute(select(Utility).where(Utility.code == code))).scalar_one()


async def make_rate_plan(session: AsyncSession, client_id: int, market: str = "TX", code: str | None = None,
                         rate_millicents: int = 11_500, term_months: int | None = 12) -> RatePlan:
    plan = RatePlan(client_id=client_id, code=code or f"PLAN-{market}-{next(_ldc)}", name=f"Plan {market}",
                    kind=RatePlanKind.FIXED, market_id=await market_id(session, market),
                    energy_rate_millicents=rate_millicents, term_months=term_months)
    session.add(plan)
    await session.flush()
    return plan


async def make_account(
    session: AsyncSession, customer: Customer, *, utility: str = "ONCOR", status: EnrollmentStatus = EnrollmentStatus.ACTIVE,
    ldc: str | None = None, line1: str = "100 Main St", city: str = "Dallas", state: str = "TX",
    zip: str = "75201", plan: RatePlan | None = None, start: date = date(2025, 1, 1), end: date | None = date(2026, 12, 31),
    history: int = 0,
) -> UtilityAccount:
    """A utility account with `history` earlier enrollments before the current one."""
    util = await utility_of(session, utility)
    account = UtilityAccount(
        client_id=customer.client_id, customer_id=customer.id, ldc_account_number=ldc or f"LDC{next(_ldc):010d}",
        utility_id=util.id, market_id=util.market_id, rate_plan_id=plan.id if plan else None, status=status,
        start_date=start, end_date=end, contract_term_months=12, service_line1=line1, service_city=city,
        service_state=state, service_zip=zip, meter_number="M1", rate_class="RS", load_profile="RESLOWR",
    )
    session.add(account)
    await session.flush()
    for n in range(history):
        session.add(Enrollment(client_id=customer.client_id, utility_account_id=account.id, status=EnrollmentStatus.INACTIVE,
                               start_date=date(2020 + n, 1, 1), end_date=date(2020 + n, 12, 31)))
    session.add(Enrollment(client_id=customer.client_id, utility_account_id=account.id, status=status,
                           rate_plan_id=account.rate_plan_id, start_date=start, end_date=end))
    await _reindex_addresses(session, customer)
    await session.flush()
    return account


async def _reindex_addresses(session: AsyncSession, customer: Customer) -> None:
    rows = await session.execute(
        select(UtilityAccount.service_line1, UtilityAccount.service_line2, UtilityAccount.service_city,
               UtilityAccount.service_state, UtilityAccount.service_zip)
        .where(UtilityAccount.customer_id == customer.id).order_by(UtilityAccount.id)
    )
    billing = (customer.billing_line1, customer.billing_line2, customer.billing_city, customer.billing_state,
               customer.billing_zip)
    customer.address_key = address_key([billing, *rows.all()])
