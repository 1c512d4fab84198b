"""GraphQL types of dated rates: a rate plan's price, a utility's delivery charge, a market's sales tax, each in
force from a day; the viewer's client's own."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

import strawberry

from db import models
from graph.accounts import loaders as account_loaders
from graph.accounts.types import Market, Utility
from graph.billing.types import Money
from graph.core.eager import NowOrLater, loaded
from resolvers.billing.rates import delivery_entry, plan_price_entry, tax_entry
from resolvers.rules.rate_values import cents_per_kwh, percent
from resolvers.rules.rates import Entry, in_force, superseded

EFFECTIVE = "The first day this rate applies (to every day until the next one takes effect)."
SUPERSEDED = "True when a later entry for the same day corrected this one: it is never in force, and kept as history."
IN_FORCE = "True when this entry is the one in force today."
ENTERED = "When it was entered."


def _flags(entries: Sequence[Entry[Any]], today: date) -> tuple[set[int], int | None]:
    """(superseded entries, the entry in force today) of one rate's history."""
    current = in_force(entries, today)
    return superseded(entries), current.entered if current else None


def _flags_by(rows: Sequence[Any], key: Callable[[Any], int], entry_of: Callable[[Any], Entry[Any]],
              today: date) -> dict[int, tuple[set[int], int | None]]:
    """_flags of each key's history (a utility's, a market's) among rows of several."""
    histories: dict[int, list[Entry[Any]]] = defaultdict(list)
    for row in rows:
        histories[key(row)].append(entry_of(row))
    return {k: _flags(entries, today) for k, entries in histories.items()}


@strawberry.type(description="A rate plan's price from a day on (history: never edited; a change is a new entry).")
class RatePlanPrice:
    effective_from: date = strawberry.field(description=EFFECTIVE)
    energy_rate: Decimal = strawberry.field(description="Energy price in cents per kWh (three decimals).")
    monthly_fee: Money = strawberry.field(description="The plan's monthly service fee.")
    superseded: bool = strawberry.field(description=SUPERSEDED)
    in_force: bool = strawberry.field(description=IN_FORCE)
    entered_at: datetime = strawberry.field(description=ENTERED)

    @classmethod
    def history(cls, rows: Sequence[models.RatePlanPrice], today: date) -> list[Self]:
        replaced, current = _flags([plan_price_entry(r) for r in rows], today)
        return [cls(effective_from=r.effective_from, energy_rate=cents_per_kwh(r.energy_rate_millicents),
                    monthly_fee=Money.of(r.monthly_fee_cents), superseded=r.id in replaced, in_force=r.id == current,
                    entered_at=r.created_at) for r in rows]


@strawberry.type(description="A utility's delivery charge on the client's bills from a day on (never edited).")
class DeliveryCharge:
    effective_from: date = strawberry.field(description=EFFECTIVE)
    per_kwh: Decimal = strawberry.field(description="Cents per kWh delivered (three decimals).")
    monthly_charge: Money = strawberry.field(description="The fixed monthly customer charge.")
    superseded: bool = strawberry.field(description=SUPERSEDED)
    in_force: bool = strawberry.field(description=IN_FORCE)
    entered_at: datetime = strawberry.field(description=ENTERED)
    utility_pk: strawberry.Private[int]

    @strawberry.field(graphql_type=Utility, description="The utility that charges it.")
    def utility(self, info: strawberry.Info) -> NowOrLater[Utility]:
        return loaded(info.context.loaders.of(account_loaders.utilities_by_id), self.utility_pk, Utility.from_row)

    @classmethod
    def history(cls, rows: Sequence[models.DeliveryRate], today: date) -> list[Self]:
        flags = _flags_by(rows, lambda r: r.utility_id, delivery_entry, today)
        return [cls(effective_from=r.effective_from, per_kwh=cents_per_kwh(r.per_kwh_millicents),
                    monthly_charge=Money.of(r.fixed_cents), superseded=r.id in flags[r.utility_id][0],
                    in_force=r.id == flags[r.utility_id][1], entered_at=r.created_at, utility_pk=r.utility_id)
                for r in rows]


@strawberry.type(description="A market's sales tax on the client's bills from a day on (never edited).")
class TaxRate:
    effective_from: date = strawberry.field(description=EFFECTIVE)
    rate_percent: Decimal = strawberry.field(description="The rate in percent, e.g. 6.25; taxed per invoice line.")
    superseded: bool = strawberry.field(description=SUPERSEDED)
    in_force: bool = strawberry.field(description=IN_FORCE)
    entered_at: datetime = strawberry.field(description=ENTERED)
    market_pk: strawberry.Private[int]

    @strawberry.field(graphql_type=Market, description="The market it applies in.")
    def market(self, info: strawberry.Info) -> NowOrLater[Market]:
        return loaded(info.context.loaders.of(account_loaders.markets_by_id), self.market_pk, Market.from_row)

    @classmethod
    def history(cls, rows: Sequence[models.TaxRate], today: date) -> list[Self]:
        flags = _flags_by(rows, lambda r: r.market_id, tax_entry, today)
        return [cls(effective_from=r.effective_from, rate_percent=percent(r.rate_ppm),
                    superseded=r.id in flags[r.market_id][0], in_force=r.id == flags[r.market_id][1],
                    entered_at=r.created_at, market_pk=r.market_id) for r in rows]
