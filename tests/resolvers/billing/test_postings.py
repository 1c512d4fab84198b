"""An invoice's status comes from one place (postings.status_after), for ORM invoices and plain rows alike, and
status_after_sql says the same in SQL (set-based updates)."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import BigInteger, literal, select

from db.enums import InvoiceStatus as S
from db.models import Invoice
from resolvers.billing.lookups import OpenInvoiceRow
from resolvers.billing.postings import set_open, status_after, status_after_sql

CASES = [
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
]


@pytest.mark.parametrize("charges, total, status, open_cents, reversed_any, expected", CASES)
def test_status_after(charges, total, status, open_cents, reversed_any, expected):
    row = OpenInvoiceRow(1, 1, "A-1", date(2025, 1, 1), date(2024, 12, 1), charges, charges, total, status.value)
    invoice = Invoice(charges_cents=charges, total_cents=total, status=status, open_cents=charges)
    assert status_after(row, open_cents, reversed_any) is expected
    set_open(invoice, open_cents, reversed_any)
    assert (invoice.open_cents, invoice.status) == (open_cents, expected)


def test_status_after_reads_only_what_rows_and_orm_invoices_share():
    plain = SimpleNamespace(charges_cents=1_000, total_cents=1_000, status=S.OPEN)
    assert status_after(plain, 1) is S.PARTIALLY_PAID


@pytest.mark.parametrize("charges, total, status, open_cents, reversed_any, expected",
                         [case for case in CASES if case[4] is None])
async def test_status_after_sql_agrees(session, charges, total, status, open_cents, reversed_any, expected):
    # given an invoice's columns as SQL values
    columns = Invoice.__table__.c
    invoice = select(literal(charges, BigInteger).label("charges_cents"),
                     literal(total, BigInteger).label("total_cents"),
                     literal(status, columns.status.type).label("status")).subquery("invoice")
    # when the database works out its status once `open_cents` is open
    found = (await session.execute(select(status_after_sql(invoice.c, literal(open_cents, BigInteger))))).scalar_one()
    # then
    assert found is expected is status_after(SimpleNamespace(charges_cents=charges, total_cents=total, status=status),
                                             open_cents)
