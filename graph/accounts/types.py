"""GraphQL types of the accounts domain, built from ORM rows with plain attribute fields."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import models
from graph.accounts import loaders
from graph.accounts.enums import EnrollmentStatus, RatePlanKind
from graph.core.relay import Node, load_converted, to_global_id

if TYPE_CHECKING:
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]


@strawberry.type(description="A state or service territory (reference data).")
class Market(Node):
    code: str = strawberry.field(description="Short code, e.g. TX.")
    name: str = strawberry.field(description="Display name.")

    @classmethod
    def from_row(cls, row: models.Market) -> Self:
        return cls(id=to_global_id("Market", row.id), code=row.code, name=row.name)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.MarketById, ids, cls.from_row)


@strawberry.type(description="A local distribution company (LDC) serving one market.")
class Utility(Node):
    code: str = strawberry.field(description="Short code used in search filters, e.g. ONCOR.")
    name: str = strawberry.field(description="Display name.")
    market_pk: strawberry.Private[int]

    @strawberry.field(description="The market the utility serves.")
    async def market(self, info: strawberry.Info) -> Market:
        return Market.from_row(await info.context.loaders.of(loaders.MarketById).load(self.market_pk))

    @classmethod
    def from_row(cls, row: models.Utility) -> Self:
        return cls(id=to_global_id("Utility", row.id), code=row.code, name=row.name, market_pk=row.market_id)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.UtilityById, ids, cls.from_row)


@strawberry.type(description="A supplier's product: the price a customer is enrolled on.")
class RatePlan(Node):
    code: str = strawberry.field(description="Plan code shown in the results grid.")
    name: str = strawberry.field(description="Plan name.")
    kind: RatePlanKind = strawberry.field(description="How the plan prices energy.")  # type: ignore[valid-type]
    energy_rate: Decimal = strawberry.field(description="Energy price in cents per kWh.")
    term_months: int | None = strawberry.field(description="Contract term in months; null if month to month.")
    market_pk: strawberry.Private[int]

    @strawberry.field(description="The market the plan is sold in.")
    async def market(self, info: strawberry.Info) -> Market:
        return Market.from_row(await info.context.loaders.of(loaders.MarketById).load(self.market_pk))

    @classmethod
    def from_row(cls, row: models.RatePlan) -> Self:
        return cls(
            id=to_global_id("RatePlan", row.id), code=row.code, name=row.name,
            kind=RatePlanKind(row.kind.value), energy_rate=Decimal(row.energy_rate_millicents).scaleb(-3),
            term_months=row.term_months, market_pk=row.market_id,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.RatePlanById, ids, cls.from_row)


@strawberry.type(description="A service address: where the meter is.")
class Address:
    line1: str | None = strawberry.field(description="Street address.")
    line2: str | None = strawberry.field(description="Unit, suite or floor.")
    city: str | None = strawberry.field(description="City.")
    state: str | None = strawberry.field(description="Two-letter state code.")
    zip: str | None = strawberry.field(description="ZIP code.")


@strawberry.type(description="The premise of a utility account: service address and meter.")
class Premise:
    service_address: Address = strawberry.field(description="Where the energy is delivered.")
    meter_number: str | None = strawberry.field(description="The utility's meter number.")
    rate_class: str | None = strawberry.field(description="The utility's rate class (tariff).")
    load_profile: str | None = strawberry.field(description="The utility's load profile code.")
    premise_type: str | None = strawberry.field(description="Residential, small commercial, ...")


@strawberry.type(description="One plan and service period of a utility account (historical enrollments).")
class Enrollment:
    status: EnrollmentStatus = strawberry.field(description="Status of this period.")  # type: ignore[valid-type]
    start_date: date | None = strawberry.field(description="First day of service.")
    end_date: date | None = strawberry.field(description="Last day of service; null while open-ended.")
    rate_plan_pk: strawberry.Private[int | None]

    @strawberry.field(description="The plan of this period.")
    async def rate_plan(self, info: strawberry.Info) -> RatePlan | None:
        return await _rate_plan(info, self.rate_plan_pk)

    @classmethod
    def from_row(cls, row: models.Enrollment) -> Self:
        return cls(
            status=EnrollmentStatus(row.status.value),
            start_date=row.start_date, end_date=row.end_date, rate_plan_pk=row.rate_plan_id,
        )


async def _rate_plan(info: strawberry.Info, pk: int | None) -> RatePlan | None:
    row = await info.context.loaders.of(loaders.RatePlanById).load(pk) if pk else None
    return RatePlan.from_row(row) if row else None


@strawberry.type(description="One service point at a utility (ESI ID / LDC account).")
class UtilityAccount(Node):
    ldc_account_number: str = strawberry.field(description="The utility's account number (ESI ID in Texas).")
    status: EnrollmentStatus = strawberry.field(description="Current enrollment status.")  # type: ignore[valid-type]
    start_date: date | None = strawberry.field(description="Start of the current contract or service.")
    end_date: date | None = strawberry.field(description="End of the current contract or service.")
    contract_term_months: int | None = strawberry.field(description="Length of the current contract.")
    renewal_pending: bool = strawberry.field(description="A renewal is in progress.")
    pending_transfer: bool = strawberry.field(description="A transfer (move or switch) is in progress.")
    premise: Premise = strawberry.field(description="Service address, meter and rate class.")
    row: strawberry.Private[models.UtilityAccount]

    @strawberry.field(description="The utility (LDC) serving the account.")
    async def utility(self, info: strawberry.Info) -> Utility:
        return Utility.from_row(await info.context.loaders.of(loaders.UtilityById).load(self.row.utility_id))

    @strawberry.field(description="The market the account is in.")
    async def market(self, info: strawberry.Info) -> Market:
        return Market.from_row(await info.context.loaders.of(loaders.MarketById).load(self.row.market_id))

    @strawberry.field(description="The current rate plan.")
    async def rate_plan(self, info: strawberry.Info) -> RatePlan | None:
        return await _rate_plan(info, self.row.rate_plan_id)

    @strawberry.field(description="The account holder.")
    async def customer(self, info: strawberry.Info) -> CustomerRef:
        from graph.customers.types import Customer

        return await Customer.load(info, self.row.customer_id)

    @strawberry.field(description="Every plan and service period, newest first (historical enrollments).")
    async def enrollments(self, info: strawberry.Info) -> list[Enrollment]:
        rows = await info.context.loaders.of(loaders.EnrollmentsByAccountId).load(self.row.id)
        return [Enrollment.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: models.UtilityAccount) -> Self:
        address = Address(
            line1=row.service_line1, line2=row.service_line2, city=row.service_city,
            state=row.service_state, zip=row.service_zip,
        )
        premise = Premise(
            service_address=address, meter_number=row.meter_number, rate_class=row.rate_class,
            load_profile=row.load_profile, premise_type=row.premise_type,
        )
        return cls(
            id=to_global_id("UtilityAccount", row.id), ldc_account_number=row.ldc_account_number,
            status=EnrollmentStatus(row.status.value), start_date=row.start_date, end_date=row.end_date,
            contract_term_months=row.contract_term_months, renewal_pending=row.renewal_pending,
            pending_transfer=row.pending_transfer, premise=premise, row=row,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.AccountById, ids, cls.from_row)
