"""Builders for reference data and utility accounts."""

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    EnrollmentStatus,
    MarketDirection,
    MarketTransactionStatus,
    MarketTransactionType,
    RatePlanKind,
    ReadType,
)
from db.ldc_rules import missing_rule_inserts
from db.models import (
    Customer,
    Enrollment,
    Market,
    MarketTransaction,
    RatePlan,
    RatePlanPrice,
    UsagePeriod,
    Utility,
    UtilityAccount,
)
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
    for statement in missing_rule_inserts():
        await session.execute(statement)


async def market_id(session: AsyncSession, code: str) -> int:
    return (await session.execute(select(Market.id).where(Market.code == code))).scalar_one()


async def utility_of(session: AsyncSession, code: str) -> Utility:
    return (await session.execute(select(Utility).where(Utility.code == code))).scalar_one()


async def make_rate_plan(session: AsyncSession, client_id: int, market: str = "TX", code: str | None = None,
                         rate_millicents: int = 11_500, term_months: int | None = 12, monthly_fee_cents: int = 0,
                         priced_from: date = date(2000, 1, 1)) -> RatePlan:
    """A plan with one price, in force from `priced_from`."""
    plan = RatePlan(client_id=client_id, code=code or f"PLAN-{market}-{next(_ldc)}", name=f"Plan {market}",
                    kind=RatePlanKind.FIXED, market_id=await market_id(session, market), term_months=term_months)
    session.add(plan)
    await session.flush()
    session.add(RatePlanPrice(client_id=client_id, rate_plan_id=plan.id, effective_from=priced_from,
                              energy_rate_millicents=rate_millicents, monthly_fee_cents=monthly_fee_cents))
    await session.flush()
    return plan


async def make_account(
    session: AsyncSession,
    customer: Customer,
    *,
    utility: str = "ONCOR",
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE,
    ldc: str | None = None,
    line1: str = "100 Main St",
    city: str = "Dallas",
    state: str = "TX",
    zip: str = "75201",
    plan: RatePlan | None = None,
    start: date = date(2025, 1, 1),
    end: date | None = date(2026, 12, 31),
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
        session.add(
            Enrollment(
                client_id=customer.client_id,
                utility_account_id=account.id,
                status=EnrollmentStatus.INACTIVE,
                start_date=date(2020 + n, 1, 1),
                end_date=date(2020 + n, 12, 31),
            )
        )
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


async def make_transaction(
    session: AsyncSession,
    account: UtilityAccount,
    *,
    type: MarketTransactionType = MarketTransactionType.ENROLLMENT,
    direction: MarketDirection = MarketDirection.OUTBOUND,
    status: MarketTransactionStatus = MarketTransactionStatus.SENT,
    reference: str | None = None,
    related: MarketTransaction | None = None,
    details: dict | None = None,
    effective: date | None = None,
    at: datetime = datetime(2025, 1, 1, 12, tzinfo=UTC),
) -> MarketTransaction:
    transaction = MarketTransaction(
        client_id=account.client_id, utility_account_id=account.id, type=type, direction=direction, status=status,
        reference=reference or f"REF{next(_ldc):09d}", related_id=related.id if related else None,
        details=details if details is not None else {"ldcAccountNumber": account.ldc_account_number},
        effective_date=effective, created_at=at, sent_at=at if direction is MarketDirection.OUTBOUND else None,
    )
    session.add(transaction)
    await session.flush()
    return transaction


async def make_usage(
    session: AsyncSession,
    account: UtilityAccount,
    months: int = 24,
    *,
    first: date = date(2024, 1, 15),
    wh: int = 900_000,
    demand_w: int | None = None,
) -> list[UsagePeriod]:
    """`months` consecutive read periods from `first`, each from the read day to the day before the next."""
    periods = []
    for n in range(months):
        start, end = _shift(first, n), date.fromordinal(_shift(first, n + 1).toordinal() - 1)
        periods.append(UsagePeriod(client_id=account.client_id, utility_account_id=account.id, period_start=start,
                                   period_end=end, wh=wh + n, demand_w=demand_w, read_type=ReadType.ACTUAL,
                                   meter_number=account.meter_number))
    session.add_all(periods)
    await session.flush()
    return periods


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
