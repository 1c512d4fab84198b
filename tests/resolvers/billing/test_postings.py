"""An invoice's status comes from one place (postings.status_after), for ORM invoices and plain rows alike."""

from datetime import date
from types import SimpleNamespace

import pytest

from db.enums import InvoiceStatus as S
from db.models import Invoice
from resolvers.billing.lookups import OpenInvoiceRow
from resolvers.billing.postings import set_open, status_after


@pytest.mark.parametrize("charges, total, status, open_cents, reversed_any, expected", [
    (1_000, 1_000, S.OPEN, 1_000, None, S.OPEN),
    (1_000, 1_000, S.OPEN, 400, None, S.PARTIALLY_PAID),
    (1_000, 1_000, S.PARTIALLY_PAID, 0, None, S.PAID),
    (1_000, 1_000, S.PAID, 300, None, S.PARTIALLY_PAID),  # a payment taken back
    (0, 1_000, S.OPEN, 0, True, S.REVERSED),  # every charge reversed
    (0, 1_000, S.PARTIALLY_PAID, 0, None, S.REVERSED),  # credited away by adjustments
    (0, 1_000, S.REVERSED, 0, None, S.REVERSED),
    (600, 1_000, S.OPEN, 600, True, S.OPEN),  # part reversed, nothing paid
    (600, 1_000, S.REVERSED, 200, None, S.PARTIALLY_PAID),  # re-debited after a reversal
    (0, 0, S.PAID, 0, None, S.PAID),  # a zero invoice was never reversed
])
def test_status_after(charges, total, status, open_cents, reversed_any, expected):
    row = OpenInvoiceRow(1, 1, "A-1", date(2025, 1, 1), date(2024, 12, 1), charges, charges, total, status.value)
    invoice = Invoice(charges_cents=charges, total_cents=total, status=status, open_cents=charges)
    assert status_after(row, open_cents, reversed_any) is expected
    set_open(invoice, open_cents, reversed_any)
    assert (invoice.open_cents, invoice.status) == (open_cents, expected)


def test_status_after_reads_only_what_rows_and_orm_invoices_share():
    plain = SimpleNamespace(charges_cents=1_000, total_cents=1_000, status=S.OPEN)
    assert status_after(plain, 1) is S.PARTIALLY_PAID
