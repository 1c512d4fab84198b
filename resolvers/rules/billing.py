"""The billing calculator: one account's period of usage priced into invoice lines, and invoice status.

Rounding (the state rule): every line is rounded half-up to the cent on its own, and tax is
computed per taxed line, rounded per line, never on the invoice total.

Proration, when a rate changes within the period: the period is cut into runs of days with one
Pricing in force (rules.rates.runs). Each of the period's N days bills 1/N of it (its usage, the
plan's monthly fee and the delivery's fixed charge alike) at the rates in force that day. A
charge's exact share in a run is its days/N at the run's rates; the run's line is the cumulative
rounding of the shares (`split_rounded`): half-up of the exact shares through this run, less the
same through the run before. So a charge's lines add up to its exact total rounded once, each line
is within a cent of its exact share, and a period with one run bills what it did before rates had
dates. Each taxed line is taxed at the tax rate of its own run.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from db.enums import InvoiceLineKind, InvoiceStatus
from resolvers.rules.money import round_half_up
from resolvers.rules.rates import Entry, Run, in_force, merged, runs

WH_PER_KWH = 1_000
MILLI = 1_000  # millicents per cent
PPM = 1_000_000
TAXED = (InvoiceLineKind.ENERGY, InvoiceLineKind.DELIVERY, InvoiceLineKind.FEE)


@dataclass(frozen=True, slots=True)
class Pricing:
    """What prices a period: the plan's energy rate and fee, the utility's delivery charge, the market's tax."""

    energy_rate_millicents: int
    monthly_fee_cents: int
    delivery_millicents_per_kwh: int
    delivery_fixed_cents: int
    tax_rate_ppm: int


@dataclass(frozen=True, slots=True)
class PlanPrice:
    """A rate plan's price from a day: energy in thousandths of a cent per kWh, and the monthly fee."""

    energy_rate_millicents: int
    monthly_fee_cents: int


@dataclass(frozen=True, slots=True)
class DeliveryCharge:
    """A utility's delivery charge from a day: per kWh (millicents) and a fixed monthly charge."""

    per_kwh_millicents: int
    fixed_cents: int


class NoPriceInForce(Exception):
    """The account's plan has no price on `day` (its first price is effective later)."""

    def __init__(self, day: date):
        super().__init__(f"no plan price in force on {day.isoformat()}")
        self.day = day


@dataclass(frozen=True, slots=True)
class PendingCharge:
    id: int
    description: str
    cents: int


@dataclass(frozen=True, slots=True)
class Line:
    kind: InvoiceLineKind
    description: str
    cents: int
    quantity_milli: int | None = None
    special_charge_id: int | None = None


def energy_cents(wh: int, rate_millicents: int) -> int:
    """kWh x rate: wh / 1000 x millicents / 1000, rounded half-up once."""
    return round_half_up(wh * rate_millicents, WH_PER_KWH * MILLI)


def tax_cents(cents: int, rate_ppm: int) -> int:
    return round_half_up(cents * rate_ppm, PPM)


def pricing_runs(start: date, end: date, plan: Sequence[Entry[PlanPrice]], delivery: Sequence[Entry[DeliveryCharge]],
                 tax: Sequence[Entry[int]]) -> list[Run[Pricing]]:
    """The period cut into runs of days with one Pricing; a day without delivery charge or tax bills none of it.
    NoPriceInForce when the plan has no price on some day: such a period cannot be billed."""
    found = []
    for run in runs(start, end, plan, delivery, tax):
        # run.value holds the same entries, typed as objects: in_force on the typed timelines keeps their types
        price, charge, rate = in_force(plan, run.start), in_force(delivery, run.start), in_force(tax, run.start)
        if price is None:
            raise NoPriceInForce(run.start)
        charge_value = charge.value if charge else DeliveryCharge(0, 0)
        found.append(Run(run.start, run.end, Pricing(price.value.energy_rate_millicents, price.value.monthly_fee_cents,
                                                     charge_value.per_kwh_millicents, charge_value.fixed_cents,
                                                     rate.value if rate else 0)))
    return merged(found)


def split_rounded(numerators: Sequence[int], denominator: int) -> list[int]:
    """Each numerator/denominator rounded so the parts add up to the total rounded once (cumulative rounding)."""
    parts, running, rounded = [], 0, 0
    for numerator in numerators:
        running += numerator
        parts.append(round_half_up(running, denominator) - rounded)
        rounded += parts[-1]
    return parts


def price_period(wh: int, priced: Sequence[Run[Pricing]], pending: Sequence[PendingCharge] = ()) -> list[Line]:
    """The invoice lines for `wh` of usage over the runs of the period: energy, delivery and fee per run, a tax line
    per taxed line, then special charges. One run: one line of each, as without proration."""
    days = sum(run.days for run in priced)
    per_kwh = days * WH_PER_KWH * MILLI  # denominators: exact shares are integers over these
    when = [""] if len(priced) == 1 else [f" {r.start.isoformat()} to {r.end.isoformat()}" for r in priced]
    kwh = split_rounded([wh * r.days for r in priced], days)
    energy = split_rounded([wh * r.value.energy_rate_millicents * r.days for r in priced], per_kwh)
    delivery = split_rounded(
        [
            (wh * r.value.delivery_millicents_per_kwh + r.value.delivery_fixed_cents * WH_PER_KWH * MILLI) * r.days
            for r in priced
        ],
        per_kwh,
    )
    fee = split_rounded([r.value.monthly_fee_cents * r.days for r in priced], days)
    charges = [
        (Line(InvoiceLineKind.ENERGY, "Energy charge" + w, c, q), r)
        for r, w, c, q in zip(priced, when, energy, kwh, strict=False)
    ]
    charges += [(Line(InvoiceLineKind.DELIVERY, "Utility delivery charge" + w, c, q), r)
                for r, w, c, q in zip(priced, when, delivery, kwh, strict=False)]
    charges += [(Line(InvoiceLineKind.FEE, "Monthly service fee" + w, c), r)
                for r, w, c in zip(priced, when, fee, strict=False) if r.value.monthly_fee_cents]
    taxes = [
        Line(InvoiceLineKind.TAX, f"Sales tax on {c.description.lower()}", tax_cents(c.cents, r.value.tax_rate_ppm))
        for c, r in charges
        if c.kind in TAXED and c.cents and r.value.tax_rate_ppm
    ]
    specials = [Line(InvoiceLineKind.SPECIAL_CHARGE, p.description, p.cents, special_charge_id=p.id) for p in pending]
    return [c for c, _r in charges] + taxes + specials


def invoice_status(net_charges_cents: int, open_cents: int, reversed_any: bool) -> InvoiceStatus:
    """REVERSED once every charge is reversed; else by what is still open."""
    if net_charges_cents == 0 and reversed_any:
        return InvoiceStatus.REVERSED
    if open_cents <= 0:
        return InvoiceStatus.PAID
    if open_cents < net_charges_cents:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN
