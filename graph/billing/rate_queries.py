"""Root queries of dated rates: the client's delivery charges and sales tax, with their history (a plan's prices
are on RatePlan.prices). Any role may read them: agents explain bills."""

from typing import Annotated

import strawberry

from db.base import utcnow
from graph.billing.rate_types import DeliveryCharge, TaxRate
from resolvers.billing import rates


@strawberry.type
class RateQueries:
    @strawberry.field(description="The client's delivery charges, every entry (history and corrections included), "
                      "by utility, then in effect order.")
    async def delivery_charges(self, info: strawberry.Info, utility: Annotated[str | None, strawberry.argument(
            description="Only this utility's, by code, e.g. ONCOR.")] = None) -> list[DeliveryCharge]:
        async with info.context.session_scope() as scope:
            return DeliveryCharge.history(await rates.delivery_history(scope, utility), utcnow().date())

    @strawberry.field(description="The client's sales tax rates, every entry (history and corrections included), "
                      "by market, then in effect order.")
    async def tax_rates(self, info: strawberry.Info, market: Annotated[str | None, strawberry.argument(
            description="Only this market's, by code, e.g. PA.")] = None) -> list[TaxRate]:
        async with info.context.session_scope() as scope:
            return TaxRate.history(await rates.tax_history(scope, market), utcnow().date())
