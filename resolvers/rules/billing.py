"""The billing calculator: one account's period of usage priced into invoice lines, and invoice status.

Rounding (the state rule): every line is rounded half-up to the cent on its own, and tax is
computed per taxed line, rounded per line, never on the invoice total.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from db.enums import InvoiceLineKind, InvoiceStatus
from resolvers.rules.money import round_half_up

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


def price_period(wh: int, pricing: Pricing, pending: Sequence[PendingCharge] = ()) -> list[Line]:
    """The invoice lines for `wh` of usage: energy, delivery, fee, a tax line per taxed line, special charges."""
    charges = [
        Line(InvoiceLineKind.ENERGY, "Energy charge", energy_cents(wh, pricing.energy_rate_millicents), wh),
        Line(InvoiceLineKind.DELIVERY, "Utility delivery charge",
             energy_cents(wh, pricing.delivery_millicents_per_kwh) + pricing.delivery_fixed_cents, wh),
    ]
    if pricing.monthly_fee_cents:
        charges.append(Line(InvoiceLineKind.FEE, "Monthly service fee", pricing.monthly_fee_cents))
    taxes = [Line(InvoiceLineKind.TAX, f"Sales tax on {c.description.lower()}", tax_cents(c.cents, pricing.tax_rate_ppm))
             for c in charges if c.kind in TAXED and c.cents and pricing.tax_rate_ppm]
    specials = [Line(InvoiceLineKind.SPECIAL_CHARGE, p.description, p.cents, special_charge_id=p.id) for p in pending]
    return charges + taxes + specials


def invoice_status(net_charges_cents: int, open_cents: int, reversed_any: bool) -> InvoiceStatus:
    """REVERSED once every charge is reversed; else by what is still open."""
    if net_charges_cents == 0 and reversed_any:
        return InvoiceStatus.REVERSED
    if open_cents <= 0:
        return InvoiceStatus.PAID
    if open_cents < net_charges_cents:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN
