"""Builders for billing: invoices as a billing run would issue them (with lines and an INVOICE ledger row)."""

import itertools
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import InvoiceLineKind, InvoiceStatus, LedgerKind
from db.models import Customer, Invoice, InvoiceLine, LedgerEntry

_serial = itertools.count(1)


async def make_invoice(session: AsyncSession, customer: Customer, total_cents: int = 10_000, *,
                       due_on: date = date(2025, 2, 1), issued_on: date | None = None, number: str | None = None,
                       lines: int = 1) -> Invoice:
    """An OPEN invoice of `total_cents` split over `lines` ENERGY lines (the last takes the remainder)."""
    issued = issued_on or due_on - timedelta(days=21)
    invoice = Invoice(client_id=customer.client_id, customer_id=customer.id, number=number or f"T{next(_serial):08d}",
                      period_start=issued - timedelta(days=30), period_end=issued - timedelta(days=1), issued_on=issued,
                      due_on=due_on, status=InvoiceStatus.OPEN, total_cents=total_cents, charges_cents=total_cents,
                      open_cents=total_cents)
    session.add(invoice)
    await session.flush()
    share = total_cents // lines
    amounts = [share] * (lines - 1) + [total_cents - share * (lines - 1)]
    session.add_all(InvoiceLine(client_id=customer.client_id, invoice_id=invoice.id, kind=InvoiceLineKind.ENERGY,
                                description=f"Energy {n + 1}", amount_cents=a) for n, a in enumerate(amounts))
    session.add(LedgerEntry(client_id=customer.client_id, customer_id=customer.id, kind=LedgerKind.INVOICE,
                            amount_cents=total_cents, description=f"Invoice {invoice.number}", effective_on=issued,
                            invoice_id=invoice.id))
    await session.flush()
    return invoice
