"""Mutations of dated rates (ADMIN): rate plans and their prices, delivery charges, sales tax."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

import strawberry

from db import enums
from db.base import utcnow
from graph.accounts.types import RatePlan
from graph.billing import rate_inputs as i
from graph.billing import rate_payloads as p
from graph.billing.rate_types import DeliveryCharge, RatePlanPrice, TaxRate
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from resolvers.billing import rate_changes, rates
from resolvers.context import RequestScope


def _price(input: i.CreateRatePlanInput | i.SetRatePlanPriceInput) -> rate_changes.Price:
    return rate_changes.Price(input.energy_rate, input.monthly_fee, input.effective_from)


def _entered(rows: Sequence[Any], row: Any, history: Callable[[Sequence[Any], date], list[Any]]) -> Any:
    """The GraphQL object of the row just entered, flagged (in force, superseded) against its whole history."""
    return history(rows, utcnow().date())[[r.id for r in rows].index(row.id)]


async def _priced(scope: RequestScope, plan: Any, price: Any) -> dict[str, Any]:
    rows = (await rates.prices_by_plan_ids(scope, [plan.id]))[0]
    return {"rate_plan": RatePlan.from_row(plan), "price": _entered(rows, price, RatePlanPrice.history)}


@strawberry.type
class RateMutations:
    @strawberry.mutation(description="Create a rate plan with its first price, effective from a day. ADMIN.")
    async def create_rate_plan(self, info: strawberry.Info,
                               input: Annotated[i.CreateRatePlanInput, INPUT]) -> p.RatePlanPricePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            new = rate_changes.NewRatePlan(input.code, input.name, input.market, enums.RatePlanKind(input.kind.value),
                                           input.term_months, _price(input))
            return await _priced(scope, *await rate_changes.create_rate_plan(scope, new))

        return await run_mutation(info, p.RatePlanPricePayload, action, input)

    @strawberry.mutation(description="Give a rate plan a new price from a day on; billing prorates periods across "
                         "the change. Earlier prices are kept. ADMIN.")
    async def set_rate_plan_price(self, info: strawberry.Info,
                                  input: Annotated[i.SetRatePlanPriceInput, INPUT]) -> p.RatePlanPricePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            plan_id = decode_id(input.rate_plan_id, "RatePlan", "rate_plan_id")
            return await _priced(scope, *await rate_changes.set_rate_plan_price(scope, plan_id, _price(input)))

        return await run_mutation(info, p.RatePlanPricePayload, action, input)

    @strawberry.mutation(description="Set a utility's delivery charge on this client's bills from a day on. ADMIN.")
    async def set_delivery_charge(self, info: strawberry.Info,
                                  input: Annotated[i.SetDeliveryChargeInput, INPUT]) -> p.SetDeliveryChargePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            row = await rate_changes.set_delivery_charge(scope, input.utility, input.per_kwh, input.monthly_charge,
                                                         input.effective_from)
            rows = await rates.delivery_history(scope, input.utility)
            return {"delivery_charge": _entered(rows, row, DeliveryCharge.history)}

        return await run_mutation(info, p.SetDeliveryChargePayload, action, input)

    @strawberry.mutation(description="Set a market's sales tax on this client's bills from a day on. ADMIN.")
    async def set_tax_rate(
        self, info: strawberry.Info, input: Annotated[i.SetTaxRateInput, INPUT]
    ) -> p.SetTaxRatePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            row = await rate_changes.set_tax_rate(scope, input.market, input.rate_percent, input.effective_from)
            return {"tax_rate": _entered(await rates.tax_history(scope, input.market), row, TaxRate.history)}

        return await run_mutation(info, p.SetTaxRatePayload, action, input)
