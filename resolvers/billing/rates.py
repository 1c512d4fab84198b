"""Dated rates read back, always the viewer's client's own: a plan's prices, delivery charges and sales tax as
histories, and as the runs of a billing period (which entry is in force is rules/rates.py's decision)."""

from datetime import date
from typing import Any

from sqlalchemy import Select, inspect, select

from db.models import DeliveryRate, Market, RatePlan, RatePlanPrice, TaxRate, Utility, UtilityAccount
from resolvers.batching import RowsByParent, in_parents
from resolvers.billing.rate_errors import RateErrorCode
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.rules.billing import DeliveryCharge, NoPriceInForce, PlanPrice, Pricing, pricing_runs
from resolvers.rules.rates import Entry, Run, in_force
from resolvers.scope import tenant_scoped


def plan_price_entry(row: RatePlanPrice) -> Entry[PlanPrice]:
    return Entry(row.effective_from, row.id, PlanPrice(row.energy_rate_millicents, row.monthly_fee_cents))


def delivery_entry(row: DeliveryRate) -> Entry[DeliveryCharge]:
    return Entry(row.effective_from, row.id, DeliveryCharge(row.per_kwh_millicents, row.fixed_cents))


def tax_entry(row: TaxRate) -> Entry[int]:
    return Entry(row.effective_from, row.id, row.rate_ppm)


def _history(stmt: Any, model: Any) -> Any:
    return stmt.order_by(model.effective_from, model.id)


def _prices(scope: RequestScope) -> Select[Any]:
    """The plans' prices as rows; by mapped attribute, so a session flushes a price just added before reading."""
    stmt = select(*(getattr(RatePlanPrice, c.key) for c in inspect(RatePlanPrice).column_attrs))
    return _history(tenant_scoped(stmt.where(in_parents(RatePlanPrice.rate_plan_id)), RatePlanPrice, scope),
                    RatePlanPrice)


# Each plan's prices, oldest first (by effective day, then as entered), as rows (columns by name).
prices_by_plan_ids = RowsByParent("rate-plan-prices", RatePlanPrice, _prices, "rate_plan_id")


async def price_in_force(scope: RequestScope, plan_id: int, day: date) -> RatePlanPrice | None:
    """The plan's price in force on `day` (what a letter quotes); None before its first."""
    rows = (await prices_by_plan_ids(scope, [plan_id]))[0]
    found = in_force([plan_price_entry(r) for r in rows], day)
    return next(r for r in rows if r.id == found.entered) if found else None


async def delivery_history(scope: RequestScope, utility_code: str | None = None) -> list[DeliveryRate]:
    """The client's delivery charges, by utility then oldest first; one utility's if a code is given."""
    stmt = select(DeliveryRate).join(Utility, Utility.id == DeliveryRate.utility_id)
    if utility_code is not None:
        stmt = stmt.where(Utility.code == utility_code.strip().upper())
    stmt = tenant_scoped(stmt, DeliveryRate, scope).order_by(Utility.code)
    return list((await scope.db.execute(_history(stmt, DeliveryRate))).scalars())


async def tax_history(scope: RequestScope, market_code: str | None = None) -> list[TaxRate]:
    """The client's sales tax rates, by market then oldest first; one market's if a code is given."""
    stmt = select(TaxRate).join(Market, Market.id == TaxRate.market_id)
    if market_code is not None:
        stmt = stmt.where(Market.code == market_code.strip().upper())
    stmt = tenant_scoped(stmt, TaxRate, scope).order_by(Market.code)
    return list((await scope.db.execute(_history(stmt, TaxRate))).scalars())


async def billing_runs(
    scope: RequestScope, account: UtilityAccount, start: date, end: date
) -> list[Run[Pricing]] | None:
    """The period's runs of days with one pricing, from the rates in force each day; None for an account without
    a plan. A day without a plan price makes the period unbillable: a userError naming the plan and the day."""
    if account.rate_plan_id is None:
        return None
    plan = (await prices_by_plan_ids(scope, [account.rate_plan_id]))[0]
    delivery = select(DeliveryRate).where(DeliveryRate.utility_id == account.utility_id)
    tax = select(TaxRate).where(TaxRate.market_id == account.market_id)
    deliveries = (
        await scope.db.execute(_history(tenant_scoped(delivery, DeliveryRate, scope), DeliveryRate))
    ).scalars()
    taxes = (await scope.db.execute(_history(tenant_scoped(tax, TaxRate, scope), TaxRate))).scalars()
    try:
        return pricing_runs(start, end, [plan_price_entry(p) for p in plan], [delivery_entry(d) for d in deliveries],
                            [tax_entry(t) for t in taxes])
    except NoPriceInForce as missing:
        code = await _plan_code(scope, account.rate_plan_id)
        raise UserInputError(RateErrorCode.RATE_PLAN_NOT_PRICED,
                             f"Rate plan {code} has no price on {missing.day.isoformat()}: give it a price from that "
                             "day or earlier (setRatePlanPrice) and bill again.", "period_start") from None


async def _plan_code(scope: RequestScope, plan_id: int) -> str:
    stmt = tenant_scoped(select(RatePlan.code).where(RatePlan.id == plan_id), RatePlan, scope)
    return (await scope.db.execute(stmt)).scalar_one()
