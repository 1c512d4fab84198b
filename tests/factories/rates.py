"""Builders for a client's dated delivery charges and sales tax (as setDeliveryCharge and setTaxRate write them),
and an account priced by them with usage to bill."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ReadType
from db.models import Customer, DeliveryRate, TaxRate, UsagePeriod, UtilityAccount
from tests.factories.accounts import make_account, make_rate_plan, market_id, utility_of
from tests.factories.admin import Tenant
from tests.factories.customers import make_customer

SINCE = date(2000, 1, 1)


async def add_delivery_rate(
    session: AsyncSession,
    client_id: int,
    utility: str = "ONCOR",
    per_kwh_millicents: int = 3_100,
    fixed_cents: int = 345,
    effective_from: date = SINCE,
) -> DeliveryRate:
    row = DeliveryRate(client_id=client_id, utility_id=(await utility_of(session, utility)).id,
                       effective_from=effective_from, per_kwh_millicents=per_kwh_millicents, fixed_cents=fixed_cents)
    session.add(row)
    await session.flush()
    return row


async def add_tax_rate(session: AsyncSession, client_id: int, market: str = "TX", rate_ppm: int = 62_500,
                       effective_from: date = SINCE) -> TaxRate:
    row = TaxRate(client_id=client_id, market_id=await market_id(session, market), effective_from=effective_from,
                  rate_ppm=rate_ppm)
    session.add(row)
    await session.flush()
    return row


async def make_billed_account(session: AsyncSession, tenant: Tenant) -> tuple[Customer, UtilityAccount]:
    """A TX customer on 11.5c/kWh with a $4.95 fee, ONCOR delivery 3.1c/kWh + $3.45, tax 6.25%, all in force since
    2000, and 1,234.567 kWh read on 2025-01-31 (January's usage)."""
    customer = await make_customer(session, tenant)
    plan = await make_rate_plan(session, tenant.client.id, "TX", rate_millicents=11_500, monthly_fee_cents=495)
    account = await make_account(session, customer, utility="ONCOR", plan=plan)
    await add_delivery_rate(session, tenant.client.id, "ONCOR", 3_100, 345)
    await add_tax_rate(session, tenant.client.id, "TX", 62_500)
    session.add(UsagePeriod(client_id=tenant.client.id, utility_account_id=account.id, period_start=date(2025, 1, 1),
                            period_end=date(2025, 1, 31), wh=1_234_567, read_type=ReadType.ACTUAL))
    await session.flush()
    return customer, account
