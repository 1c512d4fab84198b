"""GraphQL types of consumption: usage periods and the rows of the consumption view."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import models
from graph.accounts import loaders
from graph.accounts.enums import ConsumptionGranularity, ReadType
from graph.core.errors import client_error
from graph.core.relay import Node, load_converted, to_global_id
from resolvers.accounts import consumption
from resolvers.accounts.status import today
from resolvers.errors import UserInputError
from resolvers.rules.consumption import (
    Granularity,
    MonthTotal,
    days_of,
    format_thousandths,
    month_end,
)

if TYPE_CHECKING:
    from graph.accounts.transaction_types import MarketTransaction
    from graph.accounts.types import UtilityAccount

UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
MarketTransactionRef = Annotated["MarketTransaction", strawberry.lazy("graph.accounts.transaction_types")]


def _quantity(thousandths: int | None) -> Decimal | None:
    return format_thousandths(thousandths) if thousandths is not None else None


@strawberry.type(description="Metered consumption of one read period of a utility account (both dates inclusive).")
class UsagePeriod(Node):
    period_start: date = strawberry.field(description="First day of the read period.")
    period_end: date = strawberry.field(description="Last day of the read period (inclusive).")
    kwh: Decimal = strawberry.field(description="Energy used, kWh with three decimals.")
    demand_kw: Decimal | None = strawberry.field(
        description="Peak demand, kW with three decimals; null if not metered."
    )
    read_type: ReadType = strawberry.field(description="Actual or estimated read.")
    meter_number: str | None = strawberry.field(description="The meter read.")
    account_pk: strawberry.Private[int]
    source_pk: strawberry.Private[int | None]

    @strawberry.field(description="The utility account.")
    async def utility_account(self, info: strawberry.Info) -> UtilityAccountRef:
        from graph.accounts.types import UtilityAccount

        return UtilityAccount.from_row(await info.context.loaders.of(loaders.accounts_by_id).load(self.account_pk))

    @strawberry.field(description="The 867 transaction that brought it; null for imported files.")
    async def source_transaction(self, info: strawberry.Info) -> MarketTransactionRef | None:
        from graph.accounts.transaction_types import MarketTransaction

        return await MarketTransaction.load(info, self.source_pk)

    @classmethod
    def from_row(cls, row: models.UsagePeriod) -> Self:
        return cls(
            id=to_global_id("UsagePeriod", row.id), period_start=row.period_start, period_end=row.period_end,
            kwh=format_thousandths(row.wh), demand_kw=_quantity(row.demand_w), read_type=ReadType(row.read_type.value),
            meter_number=row.meter_number, account_pk=row.utility_account_id, source_pk=row.source_transaction_id,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.usage_periods_by_id, ids, cls.from_row)


@strawberry.type(description="One row of the consumption view: a read period, or a calendar month's total.")
class ConsumptionInterval:
    start: date = strawberry.field(description="First day (a period's start, or the 1st of the month).")
    end: date = strawberry.field(description="Last day, inclusive (a period's end, or the month's last day).")
    days: int = strawberry.field(description="Days with usage: the period's length, or the month's days covered.")
    kwh: Decimal = strawberry.field(
        description="kWh with three decimals. Monthly: each period's share by days, rounded to whole Wh so that "
        "the months add up exactly to the periods (largest remainders get the leftover Wh).")
    demand_kw: Decimal | None = strawberry.field(
        description="Peak demand in kW; monthly, the highest of the month's periods."
    )
    read_type: ReadType = strawberry.field(description="ESTIMATED if any read in it was estimated.")
    period: UsagePeriod | None = strawberry.field(description="The read period (PERIOD rows); null for MONTH rows.")

    @classmethod
    def of_period(cls, row: models.UsagePeriod) -> Self:
        period = UsagePeriod.from_row(row)
        return cls(start=row.period_start, end=row.period_end, days=days_of(row.period_start, row.period_end),
                   kwh=period.kwh, demand_kw=period.demand_kw, read_type=period.read_type, period=period)

    @classmethod
    def of_month(cls, total: MonthTotal) -> Self:
        return cls(start=total.month, end=month_end(total.month), days=total.days, kwh=format_thousandths(total.wh),
                   demand_kw=_quantity(total.demand_w), read_type=ReadType(total.read_type.value), period=None)


FromArg = Annotated[date | None, strawberry.argument(
    name="from", description="First day; default: the 1st of the month 23 months before `to`'s.")]
ToArg = Annotated[date | None, strawberry.argument(description="Last day, inclusive; default: the end of this month.")]
GranularityArg = Annotated[
    ConsumptionGranularity,
    strawberry.argument(
        description=("PERIOD: the read periods sharing a day with the window. MONTH: every calendar month the window "
                     "touches.")
    ),
]


async def consumption_rows(info: strawberry.Info, account_id: int, first: date | None, last: date | None,
                           granularity: Granularity) -> list[ConsumptionInterval]:
    try:
        window = consumption.window_of(first, last, today())
    except UserInputError as error:
        raise client_error(error) from None
    if granularity is Granularity.MONTH:
        window = consumption.month_window(window)
    periods = await info.context.loaders.grouped(loaders.usage_by_account_id).load((account_id, window))
    if granularity is Granularity.PERIOD:
        return [ConsumptionInterval.of_period(p) for p in periods]
    return [ConsumptionInterval.of_month(m) for m in consumption.months_of(periods, window)]
