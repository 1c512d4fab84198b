"""GraphQL types of the accounts domain, built from ORM rows with plain attribute fields."""

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from db import models
from db.base import utcnow
from graph.accounts import loaders
from graph.accounts.enums import ConsumptionGranularity, EnrollmentStatus, RatePlanKind
from graph.accounts.transaction_types import (
    STATUS_CHANGE_CURSOR,
    TRANSACTION_CURSOR,
    EnrollmentStatusChange,
    MarketTransaction,
    status_change_connection,
    transaction_connection,
)
from graph.accounts.usage_types import (
    ConsumptionInterval,
    FromArg,
    GranularityArg,
    ToArg,
    consumption_rows,
)
from graph.admin.customer_fields import UtilityAccountAuditFields
from graph.billing import loaders as billing_loaders
from graph.commlog.customer_fields import UtilityAccountCommlogFields
from graph.core.columns import Children, Column, FromRow, Listed, by_value, column, declare, embedded, listed, reference
from graph.core.eager import Later, NowOrLater, at_once, load_for, loaded, selects
from graph.core.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    load_converted,
    to_global_id,
)
from graph.customers.loaders import customers_by_id
from resolvers.rules.consumption import Granularity
from resolvers.rules.rate_values import cents_per_kwh
from resolvers.rules.rates import Entry, in_force, superseded

if TYPE_CHECKING:
    from graph.billing.rate_types import RatePlanPrice
    from graph.billing.types import Money
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
MoneyRef = Annotated["Money", strawberry.lazy("graph.billing.types")]
RatePlanPriceRef = Annotated["RatePlanPrice", strawberry.lazy("graph.billing.rate_types")]


@strawberry.type(description="A state or service territory (reference data).")
class Market(Node):
    code: str = column(models.Market.code, description="Short code, e.g. TX.")
    name: str = column(models.Market.name, description="Display name.")

    @classmethod
    def from_row(cls, row: models.Market) -> Self:
        return cls(id=to_global_id("Market", row.id), code=row.code, name=row.name)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.markets_by_id, ids, cls.from_row)


@strawberry.type(description="A local distribution company (LDC) serving one market.")
class Utility(Node):
    code: str = column(models.Utility.code, description="Short code used in search filters, e.g. ONCOR.")
    name: str = column(models.Utility.name, description="Display name.")
    market_pk: strawberry.Private[int]

    @strawberry.field(graphql_type=Market, description="The market the utility serves.")
    def market(self, info: strawberry.Info) -> NowOrLater[Market]:
        loader = info.context.loaders.of(loaders.markets_by_id)
        return loaded(loader, self.market_pk, Market.from_row)

    @classmethod
    def from_row(cls, row: models.Utility) -> Self:
        return cls(id=to_global_id("Utility", row.id), code=row.code, name=row.name, market_pk=row.market_id)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.utilities_by_id, ids, cls.from_row)


def energy_rate_today(rows: Sequence[Any]) -> Decimal:
    """A plan's energy rate in force today from its price rows (oldest first); a plan not sold yet: its first price
    not superseded. Every plan has a price from its creation (createRatePlan, migration 0011)."""
    entries = [Entry(row.effective_from, row.id, row) for row in rows]  # each entry's value its row
    current = in_force(entries, utcnow().date())
    if current is None:  # what is superseded matters only then
        replaced = superseded(entries)
        current = next(entry for entry in entries if entry.entered not in replaced)
    return cents_per_kwh(current.value.energy_rate_millicents)


@strawberry.type(description="A supplier's product a customer is enrolled on; its price changes from dated entries.")
class RatePlan(Node):
    code: str = column(models.RatePlan.code, description="Plan code shown in the results grid.")
    name: str = column(models.RatePlan.name, description="Plan name.")
    kind: RatePlanKind = column(models.RatePlan.kind, convert=by_value(RatePlanKind),
                                description="How the plan prices energy.")
    term_months: int | None = column(models.RatePlan.term_months,
                                     description="Contract term in months; null if month to month.")
    market_pk: strawberry.Private[int]
    pk: strawberry.Private[int]

    @strawberry.field(graphql_type=Market, description="The market the plan is sold in.")
    def market(self, info: strawberry.Info) -> NowOrLater[Market]:
        loader = info.context.loaders.of(loaders.markets_by_id)
        return loaded(loader, self.market_pk, Market.from_row)

    @strawberry.field(description="Energy price in cents per kWh in force today (a plan not sold yet: its first).",
                      metadata=declare(Listed(billing_loaders.prices_by_rate_plan_id, models.RatePlan.id,
                                              energy_rate_today, value=energy_rate_today)))
    async def energy_rate(self, info: strawberry.Info) -> Decimal:
        return energy_rate_today(await info.context.loaders.of(billing_loaders.prices_by_rate_plan_id).load(self.pk))

    @strawberry.field(description="The monthly service fee in force today (a plan not sold yet: its first).")
    async def monthly_fee(self, info: strawberry.Info) -> MoneyRef:
        return (await self._price_today(info)).monthly_fee

    @strawberry.field(description="Every price the plan has had or will have, oldest first, corrections included: "
                      "each in force from its day until the next (setRatePlanPrice adds one).")
    async def prices(self, info: strawberry.Info) -> list[RatePlanPriceRef]:
        from graph.billing.rate_types import RatePlanPrice

        rows = await info.context.loaders.of(billing_loaders.prices_by_rate_plan_id).load(self.pk)
        return RatePlanPrice.history(rows, utcnow().date())

    async def _price_today(self, info: strawberry.Info) -> Any:
        """Every plan has a price from its creation (createRatePlan, migration 0011), maybe effective later."""
        prices = await self.prices(info)
        return next((p for p in prices if p.in_force), None) or next(p for p in prices if not p.superseded)

    @classmethod
    def from_row(cls, row: models.RatePlan) -> Self:
        return cls(id=to_global_id("RatePlan", row.id), code=row.code, name=row.name,
                   kind=RatePlanKind(row.kind.value), term_months=row.term_months, market_pk=row.market_id, pk=row.id)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.rate_plans_by_id, ids, cls.from_row)


@strawberry.type(description="A service address: where the meter is.")
class Address:
    line1: str | None = strawberry.field(description="Street address.")
    line2: str | None = strawberry.field(description="Unit, suite or floor.")
    city: str | None = strawberry.field(description="City.")
    state: str | None = strawberry.field(description="Two-letter state code.")
    zip: str | None = strawberry.field(description="ZIP code.")


def address_columns(model: type, prefix: str) -> dict[str, Column]:
    """An Address read from the row's columns named `prefix` + field (billing_line1, service_city, ...)."""
    return {field.name: Column(getattr(model, prefix + field.name)) for field in dataclasses.fields(Address)}


@strawberry.type(description="The premise of a utility account: service address and meter.")
class Premise:
    service_address: Address = embedded(Address, columns=address_columns(models.UtilityAccount, "service_"),
                                        description="Where the energy is delivered.")
    meter_number: str | None = column(models.UtilityAccount.meter_number, description="The utility's meter number.")
    rate_class: str | None = column(models.UtilityAccount.rate_class,
                                    description="The utility's rate class (tariff).")
    load_profile: str | None = column(models.UtilityAccount.load_profile,
                                      description="The utility's load profile code.")
    premise_type: str | None = column(models.UtilityAccount.premise_type,
                                      description="Residential, small commercial, ...")
    meter_type: str | None = column(models.UtilityAccount.meter_type,
                                    description="Kind of meter, e.g. AMS (interval) or a non-interval meter.")
    read_cycle: str | None = column(models.UtilityAccount.read_cycle,
                                    description="The utility's meter read cycle (route) code.")


def _plan_or_none(row: models.RatePlan | None) -> RatePlan | None:
    return RatePlan.from_row(row) if row else None


@strawberry.type(description="One plan and service period of a utility account (historical enrollments).")
class Enrollment:
    status: EnrollmentStatus = column(models.Enrollment.status, convert=by_value(EnrollmentStatus),
                                      description="Status of this period.")
    start_date: date | None = column(models.Enrollment.start_date, description="First day of service.")
    end_date: date | None = column(models.Enrollment.end_date,
                                   description="Last day of service; null while open-ended.")
    # A plain field filled when built (see graph/core/eager.py: at_once): no resolver to run per enrollment.
    rate_plan: RatePlan | Later[RatePlan | None] | None = reference(
        loaders.rate_plans_by_id, models.Enrollment.rate_plan_id, _plan_or_none,
        graphql_type=RatePlan | None, description="The plan of this period.")
    rate_plan_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Enrollment) -> Self:
        return cls(
            status=EnrollmentStatus(row.status.value), start_date=row.start_date, end_date=row.end_date,
            rate_plan=at_once(loaders.rate_plans_by_id, row.rate_plan_id or None, _plan_or_none),
            rate_plan_pk=row.rate_plan_id,
        )


def account_or_none(row: models.UtilityAccount | None) -> "UtilityAccount | None":
    return UtilityAccount.from_row(row) if row else None


def _customer(row: models.Customer) -> "Customer":
    from graph.customers.types import Customer

    return Customer.from_row(row)


def _enrollments(rows: list[models.Enrollment]) -> list[Enrollment]:
    return [Enrollment.from_row(r) for r in rows]


async def load_account_fields(info: strawberry.Info, rows: list[models.UtilityAccount], *at: str) -> None:
    """Load, in one go, what the selection at `at` (e.g. edges, node) reads of these accounts through loaders,
    so their resolvers answer without an await. Only what is selected: no statement for anything else."""
    of, wanted = info.context.loaders.of, []
    for name, loader, key in ACCOUNT_LOADS:
        if rows and selects(info, *at, name):
            wanted.append((of(loader), [key(r) for r in rows]))
    await load_for(*wanted)


ACCOUNT_LOADS = [  # (field, loader, key of an account row)
    ("utility", loaders.utilities_by_id, lambda r: r.utility_id),
    ("market", loaders.markets_by_id, lambda r: r.market_id),
    ("ratePlan", loaders.rate_plans_by_id, lambda r: r.rate_plan_id),
    ("enrollments", loaders.enrollments_by_account_id, lambda r: r.id),
]


@strawberry.type
class UtilityAccountServiceFields(Node):
    ldc_account_number: str = column(models.UtilityAccount.ldc_account_number,
                                     description="The utility's account number (ESI ID in Texas).")
    status: EnrollmentStatus = column(models.UtilityAccount.status, convert=by_value(EnrollmentStatus),
                                      description="Current enrollment status.")
    start_date: date | None = column(models.UtilityAccount.start_date,
                                     description="Start of the current contract or service.")
    end_date: date | None = column(models.UtilityAccount.end_date,
                                   description="End of the current contract or service.")
    contract_term_months: int | None = column(models.UtilityAccount.contract_term_months,
                                              description="Length of the current contract.")
    renewal_pending: bool = column(models.UtilityAccount.renewal_pending, description="A renewal is in progress.")
    pending_transfer: bool = column(models.UtilityAccount.pending_transfer,
                                    description="A transfer (move or switch) is in progress.")
    premise: Premise = embedded(Premise, description="Service address, meter and rate class.")
    # Plain fields filled when built (see graph/core/eager.py: at_once), at once when `load_account_fields`
    # loaded them with the page or the app caches them (utilities, markets): no resolver to run per account.
    # Each holds the value or a Later (graphql-core awaits it): `graphql_type` is what the schema shows.
    utility: Utility | Later[Utility] = reference(
        loaders.utilities_by_id, models.UtilityAccount.utility_id, Utility.from_row,
        graphql_type=Utility, description="The utility (LDC) serving the account.")
    market: Market | Later[Market] = reference(
        loaders.markets_by_id, models.UtilityAccount.market_id, Market.from_row,
        graphql_type=Market, description="The market the account is in.")
    rate_plan: RatePlan | Later[RatePlan | None] | None = reference(
        loaders.rate_plans_by_id, models.UtilityAccount.rate_plan_id, _plan_or_none,
        graphql_type=RatePlan | None, description="The current rate plan.")
    customer: "Customer | Later[Customer]" = reference(
        customers_by_id, models.UtilityAccount.customer_id, _customer,
        graphql_type=CustomerRef, description="The account holder.")
    enrollments: list[Enrollment] | Later[list[Enrollment]] = listed(
        loaders.enrollments_by_account_id, models.UtilityAccount.id, _enrollments, graphql_type=list[Enrollment],
        description="Every plan and service period, newest first (historical enrollments).")
    row: strawberry.Private[models.UtilityAccount]

    @strawberry.field(description="The transaction history panel: market transactions with the utility, newest first.",
                      metadata=declare(Children(loaders.transactions_of_account, TRANSACTION_CURSOR)))
    async def market_transactions(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[MarketTransaction]:
        return await transaction_connection(info, self.row.id, first, after, last, before)

    @strawberry.field(description="Every change of the enrollment status, newest first, with what caused it.",
                      metadata=declare(Children(loaders.status_changes_of_account, STATUS_CHANGE_CURSOR)))
    async def status_changes(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[EnrollmentStatusChange]:
        return await status_change_connection(info, self.row.id, first, after, last, before)

    @strawberry.field(description="Consumption in a date window: the read periods, or calendar-month totals.")
    async def consumption(
        self, info: strawberry.Info, from_: FromArg = None, to: ToArg = None,
        granularity: GranularityArg = ConsumptionGranularity.PERIOD,
    ) -> list[ConsumptionInterval]:
        return await consumption_rows(info, self.row.id, from_, to, Granularity(granularity.value))


@strawberry.type(description="One service point at a utility (ESI ID / LDC account).")
class UtilityAccount(UtilityAccountServiceFields, UtilityAccountCommlogFields, UtilityAccountAuditFields):
    """The service point's own fields, then the log's and the audit trail's (as Customer is composed)."""

    from_row = FromRow()

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.accounts_by_id, ids, cls.from_row)
