"""The billing calculator: energy, delivery, fee, taxes per line with half-up rounding, special charges, status."""

from db.enums import InvoiceLineKind, InvoiceStatus
from resolvers.rules.billing import (
    PendingCharge,
    Pricing,
    energy_cents,
    invoice_status,
    price_period,
    tax_cents,
)

PRICING = Pricing(energy_rate_millicents=11_500, monthly_fee_cents=495, delivery_millicents_per_kwh=3_100,
                  delivery_fixed_cents=345, tax_rate_ppm=62_500)


def test_energy_rounds_half_up_once():
    assert energy_cents(1_234_567, 11_500) == 14_198  # 141.975205
    assert energy_cents(1_000, 500) == 1  # 0.5 cent rounds up
    assert energy_cents(999, 500) == 0  # 0.4995 cent rounds down


def test_tax_is_per_line_half_up():
    assert tax_cents(14_198, 62_500) == 887  # 8.87375
    assert tax_cents(8, 62_500) == 1  # 0.5 -> 1: per-line rounding, the state rule
    lines = price_period(0, Pricing(0, 8, 0, 8, 62_500))
    assert [l.cents for l in lines if l.kind is InvoiceLineKind.TAX] == [1, 1]  # 2 cents, where tax on the 16-cent total would be 1


def test_price_period_lines():
    lines = price_period(1_234_567, PRICING, [PendingCharge(7, "Meter test", 2_500)])
    assert [(l.kind, l.cents) for l in lines] == [
        (InvoiceLineKind.ENERGY, 14_198), (InvoiceLineKind.DELIVERY, 4_172), (InvoiceLineKind.FEE, 495),
        (InvoiceLineKind.TAX, 887), (InvoiceLineKind.TAX, 261), (InvoiceLineKind.TAX, 31),
        (InvoiceLineKind.SPECIAL_CHARGE, 2_500)]
    assert lines[-1].special_charge_id == 7


def test_invoice_status():
    assert invoice_status(1_000, 1_000, False) is InvoiceStatus.OPEN
    assert invoice_status(1_000, 400, False) is InvoiceStatus.PARTIALLY_PAID
    assert invoice_status(1_000, 0, False) is InvoiceStatus.PAID
    assert invoice_status(0, 0, True) is InvoiceStatus.REVERSED
