"""An admin's changes to the client's rates: a new rate plan, a plan's price from a day, a utility's delivery
charge from a day, a market's sales tax from a day. Each is a new row (the history is never overwritten), in the
client's own tables only, audited from what was in force on that day to the new rate."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.enums import RatePlanKind
from db.models import DeliveryRate, Market, RatePlan, RatePlanPrice, TaxRate, Utility
from resolvers import audit
from resolvers.billing.rate_errors import RateErrorCode
from resolvers.billing.rates import delivery_entry, plan_price_entry, prices_by_plan_ids, tax_entry
from resolvers.context import RequestScope
from resolvers.errors import Invalid, NotFound, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.billing import PlanPrice
from resolvers.rules.money import MoneyFormatError, parse_amount
from resolvers.rules.rate_values import RateValueError, check_effective_from, parse_cents_per_kwh, parse_percent
from resolvers.rules.rates import Entry, in_force
from resolvers.scope import tenant_scoped

PLAN_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,29}")
MAX_TERM_MONTHS = 120


@dataclass(frozen=True, slots=True)
class Price:
    """A plan's price as typed: cents per kWh, dollars a month, from a day."""

    energy_rate: Decimal
    monthly_fee: Decimal
    effective_from: date


@dataclass(frozen=True, slots=True)
class NewRatePlan:
    code: str
    name: str
    market_code: str
    kind: RatePlanKind
    term_months: int | None
    price: Price


async def create_rate_plan(scope: RequestScope, new: NewRatePlan) -> tuple[RatePlan, RatePlanPrice]:
    """A plan in one market with its first price; its code is the client's to give once."""
    ensure_allowed(scope, Action.MANAGE_REFERENCE_DATA)
    code, name = _plan_code(new.code), _plan_name(new.name)
    _check_term(new.term_months)
    market = await _market(scope, new.market_code)
    values = _price_values(new.price)
    taken = select(RatePlan.id).where(RatePlan.code == code)
    if (await scope.db.execute(tenant_scoped(taken, RatePlan, scope))).first() is not None:
        raise _code_taken(code)
    plan = RatePlan(client_id=scope.tenant_id, code=code, name=name, kind=new.kind, market_id=market.id,
                    term_months=new.term_months)
    scope.db.add(plan)
    try:
        await scope.db.flush()
    except IntegrityError:  # the unique (client, code) index, should another admin have taken it meanwhile
        raise _code_taken(code) from None
    price = await _add_price(scope, plan, values, [])
    await audit.record(
        scope,
        "billing.create_rate_plan",
        "RatePlan",
        plan.id,
        {
            "code": {"from": None, "to": code},
            "name": {"from": None, "to": name},
            "market": {"from": None, "to": market.code},
            "term_months": {"from": None, "to": new.term_months},
        },
    )
    return plan, price


async def set_rate_plan_price(scope: RequestScope, plan_id: int, price: Price) -> tuple[RatePlan, RatePlanPrice]:
    """The plan's price from a day on; a second price for the same day corrects the first (both kept)."""
    ensure_allowed(scope, Action.MANAGE_REFERENCE_DATA)
    plan = await _plan(scope, plan_id)
    values = _price_values(price)
    history = (await prices_by_plan_ids(scope, [plan.id]))[0]
    return plan, await _add_price(scope, plan, values, [plan_price_entry(p) for p in history])


async def set_delivery_charge(scope: RequestScope, utility_code: str, per_kwh: Decimal, monthly_charge: Decimal,
                              effective_from: date) -> DeliveryRate:
    """The utility's delivery charge on the client's bills from a day on."""
    ensure_allowed(scope, Action.MANAGE_REFERENCE_DATA)
    utility = await _utility(scope, utility_code)
    row = DeliveryRate(client_id=scope.tenant_id, utility_id=utility.id, effective_from=_day(effective_from),
                       per_kwh_millicents=_rate(per_kwh, "per_kwh"), fixed_cents=_fee(monthly_charge, "monthly_charge"),
                       created_by=scope.viewer.user_id)
    stmt = tenant_scoped(select(DeliveryRate).where(DeliveryRate.utility_id == utility.id), DeliveryRate, scope)
    before = in_force([delivery_entry(r) for r in (await scope.db.execute(stmt)).scalars()], row.effective_from)
    await _save(scope, row, "billing.set_delivery_charge", {
        "utility": utility.code, "effective_from": row.effective_from.isoformat(),
        "per_kwh_millicents": _from_to(before.value.per_kwh_millicents if before else None, row.per_kwh_millicents),
        "fixed_cents": _from_to(before.value.fixed_cents if before else None, row.fixed_cents)})
    return row


async def set_tax_rate(scope: RequestScope, market_code: str, rate_percent: Decimal, effective_from: date) -> TaxRate:
    """The market's sales tax on the client's bills from a day on."""
    ensure_allowed(scope, Action.MANAGE_REFERENCE_DATA)
    market = await _market(scope, market_code)
    try:
        ppm = parse_percent(rate_percent)
    except RateValueError as error:
        raise _invalid_rate(error, "rate_percent") from None
    row = TaxRate(client_id=scope.tenant_id, market_id=market.id, effective_from=_day(effective_from), rate_ppm=ppm,
                  created_by=scope.viewer.user_id)
    stmt = tenant_scoped(select(TaxRate).where(TaxRate.market_id == market.id), TaxRate, scope)
    before = in_force([tax_entry(r) for r in (await scope.db.execute(stmt)).scalars()], row.effective_from)
    await _save(scope, row, "billing.set_tax_rate", {
        "market": market.code, "effective_from": row.effective_from.isoformat(),
        "rate_ppm": _from_to(before.value if before else None, ppm)})
    return row


async def _add_price(scope: RequestScope, plan: RatePlan, values: tuple[int, int, date],
                     history: Sequence[Entry[PlanPrice]]) -> RatePlanPrice:
    rate, fee, day = values
    row = RatePlanPrice(client_id=scope.tenant_id, rate_plan_id=plan.id, effective_from=day,
                        energy_rate_millicents=rate, monthly_fee_cents=fee, created_by=scope.viewer.user_id)
    before = in_force(history, day)
    await _save(scope, row, "billing.set_rate_plan_price", {
        "rate_plan": plan.code, "effective_from": day.isoformat(),
        "energy_rate_millicents": _from_to(before.value.energy_rate_millicents if before else None, rate),
        "monthly_fee_cents": _from_to(before.value.monthly_fee_cents if before else None, fee)})
    return row


async def _save(scope: RequestScope, row: RatePlanPrice | DeliveryRate | TaxRate, action: str,
                changes: dict[str, Any]) -> None:
    scope.db.add(row)
    await scope.db.flush()
    await audit.record(scope, action, type(row).__name__, row.id, changes)


def _from_to(before: int | None, after: int) -> dict[str, int | None]:
    return {"from": before, "to": after}


def _price_values(price: Price) -> tuple[int, int, date]:
    return _rate(price.energy_rate, "energy_rate"), _fee(price.monthly_fee, "monthly_fee"), _day(price.effective_from)


def _rate(value: Decimal, field: str) -> int:
    try:
        return parse_cents_per_kwh(value)
    except RateValueError as error:
        raise _invalid_rate(error, field) from None


def _fee(value: Decimal, field: str) -> int:
    try:
        return parse_amount(value, allow_zero=True)
    except MoneyFormatError as error:
        raise UserInputError(RateErrorCode.INVALID_RATE, str(error), field) from None


def _day(day: date) -> date:
    try:
        return check_effective_from(day)
    except RateValueError as error:
        raise UserInputError(RateErrorCode.INVALID_EFFECTIVE_DATE, str(error), "effective_from") from None


def _invalid_rate(error: RateValueError, field: str) -> UserInputError:
    return UserInputError(RateErrorCode.INVALID_RATE, str(error), field)


def _plan_code(code: str) -> str:
    cleaned = code.strip().upper()
    if not PLAN_CODE.fullmatch(cleaned):
        raise Invalid("A plan code is 1 to 30 letters, digits, '-' or '_', starting with a letter or digit.",
                      "code")
    return cleaned


def _plan_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise Invalid("A plan name is 1 to 200 characters.", "name")
    return cleaned


def _check_term(months: int | None) -> None:
    if months is not None and not 1 <= months <= MAX_TERM_MONTHS:
        raise Invalid(f"A term is 1 to {MAX_TERM_MONTHS} months, or none for month to month.", "term_months")


def _code_taken(code: str) -> UserInputError:
    return UserInputError(RateErrorCode.RATE_PLAN_CODE_TAKEN, f"A rate plan with code {code} exists already.",
                          "code")


async def _plan(scope: RequestScope, plan_id: int) -> RatePlan:
    stmt = tenant_scoped(select(RatePlan).where(RatePlan.id == plan_id), RatePlan, scope)
    plan = (await scope.db.execute(stmt.with_for_update())).scalar_one_or_none()  # one price change at a time
    if plan is None:
        raise NotFound("Rate plan", "rate_plan_id")
    return plan


async def _market(scope: RequestScope, code: str) -> Market:
    market = (await scope.db.execute(select(Market).where(Market.code == code.strip().upper()))).scalar_one_or_none()
    if market is None:
        raise NotFound(f"Market {code!r}", "market")
    return market


async def _utility(scope: RequestScope, code: str) -> Utility:
    utility = (await scope.db.execute(select(Utility).where(Utility.code == code.strip().upper()))).scalar_one_or_none()
    if utility is None:
        raise NotFound(f"Utility {code!r}", "utility")
    return utility
