"""Payloads of the rate mutations."""

import strawberry

from graph.accounts.types import RatePlan
from graph.billing.rate_types import DeliveryCharge, RatePlanPrice, TaxRate
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of createRatePlan or setRatePlanPrice.")
class RatePlanPricePayload:
    rate_plan: RatePlan | None = strawberry.field(default=None, description="The plan, with its price history.")
    price: RatePlanPrice | None = strawberry.field(default=None, description="The price entered.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of setDeliveryCharge.")
class SetDeliveryChargePayload:
    delivery_charge: DeliveryCharge | None = strawberry.field(default=None, description="The charge entered.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of setTaxRate.")
class SetTaxRatePayload:
    tax_rate: TaxRate | None = strawberry.field(default=None, description="The rate entered.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
