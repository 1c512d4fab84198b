"""Inputs of the rate mutations (ADMIN). Rates are Decimal strings, never floats; each takes effect from a day."""

from datetime import date
from decimal import Decimal

import strawberry

from db.models import Market, RatePlan, Utility
from graph.accounts.enums import RatePlanKind
from graph.core.scalars import Rate
from graph.core.text import client_mutation_id_field, text_field

EFFECTIVE_FROM = "The first day it applies: billing prices every later day with it until the next change."
ENERGY_RATE = "Energy price in cents per kWh, at most three decimals, e.g. \"11.5\"."
MONTHLY_FEE = "Monthly service fee in dollars, at most two decimals; \"0\" for none."


@strawberry.input(description="A new rate plan with its first price (ADMIN).")
class CreateRatePlanInput:
    code: str = text_field("Letters, digits, '-' or '_' (upper-cased); unique in the client.", RatePlan.code)
    name: str = text_field("The plan's name.", RatePlan.name)
    market: str = text_field("The market it is sold in, by code, e.g. TX.", Market.code)
    kind: RatePlanKind = strawberry.field(default=RatePlanKind.FIXED, description="How it prices energy.")
    term_months: int | None = strawberry.field(description="Contract term (1-120 months); null for month to month.")
    energy_rate: Rate = strawberry.field(description=ENERGY_RATE)
    monthly_fee: Decimal = strawberry.field(description=MONTHLY_FEE)
    effective_from: date = strawberry.field(description=EFFECTIVE_FROM)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A rate plan's price from a day on (ADMIN); a second price for the same day corrects it.")
class SetRatePlanPriceInput:
    rate_plan_id: strawberry.ID = strawberry.field(description="The plan.")
    energy_rate: Rate = strawberry.field(description=ENERGY_RATE)
    monthly_fee: Decimal = strawberry.field(description=MONTHLY_FEE)
    effective_from: date = strawberry.field(description=EFFECTIVE_FROM)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A utility's delivery charge on the client's bills from a day on (ADMIN).")
class SetDeliveryChargeInput:
    utility: str = text_field("The utility, by code, e.g. ONCOR.", Utility.code)
    per_kwh: Rate = strawberry.field(description="Cents per kWh delivered, at most three decimals.")
    monthly_charge: Decimal = strawberry.field(
        description="Fixed monthly customer charge in dollars, at most two decimals."
    )
    effective_from: date = strawberry.field(description=EFFECTIVE_FROM)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A market's sales tax on the client's bills from a day on (ADMIN).")
class SetTaxRateInput:
    market: str = text_field("The market, by code, e.g. PA.", Market.code)
    rate_percent: Rate = strawberry.field(
        description='The rate in percent (0-100, at most four decimals), e.g. "6.25".'
    )
    effective_from: date = strawberry.field(description=EFFECTIVE_FROM)
    client_mutation_id: str | None = client_mutation_id_field()
