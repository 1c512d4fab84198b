"""Invoice and AR history as PDF and CSV; a PDF is emailed as a letter is: a queued email, logged as a LETTER entry."""

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.enums import LetterKind, NotificationChannel
from db.models import Customer, Document, Invoice, InvoiceLine
from resolvers import audit
from resolvers.billing.ar_history import HistoryRow, Window, full_history
from resolvers.billing.locks import lock_customers
from resolvers.billing.lookups import customer_or_not_found, invoice_or_not_found
from resolvers.commlog.letters.commands import Delivery, deliver, recipient_of
from resolvers.commlog.pdf import Column, RenderedPdf, printable, table_pdf
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.billing_periods import PeriodErrorCode
from resolvers.rules.money import format_cents
from resolvers.scope import tenant_scoped

INVOICE_COLUMNS = (Column("Kind", 35), Column("Description", 110), Column("Amount", 30, "RIGHT"))
HISTORY_COLUMNS = (Column("Date", 22), Column("Kind", 32), Column("Description", 82), Column("Amount", 22, "RIGHT"),
                   Column("Balance", 22, "RIGHT"))


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLine], customer: Customer) -> RenderedPdf:
    rows = [[line.kind.value, line.description, format_cents(line.amount_cents)] for line in lines]
    rows += [["", "Total", format_cents(invoice.total_cents)], ["", "Open amount", format_cents(invoice.open_cents)]]
    title = f"Invoice {invoice.number} - {customer.name} - due {invoice.due_on.isoformat()}"
    return table_pdf(title, INVOICE_COLUMNS, rows)


def history_rows(history: list[HistoryRow]) -> list[list[str]]:
    return [
        [
            h.entry.effective_on.isoformat(),
            h.entry.kind.value,
            h.entry.description,
            format_cents(h.entry.amount_cents),
            format_cents(h.balance_cents),
        ]
        for h in history
    ]


def history_pdf(customer: Customer, history: list[HistoryRow]) -> RenderedPdf:
    return table_pdf(f"AR history - {customer.name} ({customer.number})", HISTORY_COLUMNS, history_rows(history))


def history_csv(history: list[HistoryRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["effective_on", "kind", "description", "amount", "balance"])
    writer.writerows(history_rows(history))
    return out.getvalue().encode()


async def invoice_file(scope: RequestScope, invoice_id: int) -> tuple[str, bytes] | None:
    """The invoice as a PDF download; characters the font lacks show as boxes to the CSR, who sees them."""
    stmt = tenant_scoped(select(Invoice).where(Invoice.id == invoice_id), Invoice, scope)
    invoice = (await scope.db.execute(stmt)).scalar_one_or_none()
    if invoice is None:
        return None
    title, rendered = await _invoice_pdf(scope, invoice)
    return title, rendered.content


async def _invoice_pdf(scope: RequestScope, invoice: Invoice) -> tuple[str, RenderedPdf]:
    stmt = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.id)
    lines = list((await scope.db.execute(stmt)).scalars())
    customer = await scope.db.get_one(Customer, invoice.customer_id)  # the invoice's own: it exists
    return f"Invoice {invoice.number}", await asyncio.to_thread(invoice_pdf, invoice, lines, customer)


async def history_file(scope: RequestScope, customer_id: int, start: date | None, end: date | None,
                       as_csv: bool) -> tuple[str, bytes] | None:
    from resolvers.customers.queries import get_customer

    customer = await get_customer(scope, customer_id)
    if customer is None:
        return None
    history = await full_history(scope, customer.id, Window(start, end))
    data = history_csv(history) if as_csv else (await asyncio.to_thread(history_pdf, customer, history)).content
    return f"AR history {customer.number}", data


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A billing PDF laid out before its transaction (no lock is held while it renders), and whose it is."""

    customer_id: int
    title: str
    pdf: bytes
    field: str  # the input field that named it, blamed for a userError found in the transaction


async def prepare_invoice_email(scope: RequestScope, invoice_id: int) -> PreparedDocument:
    """Check the request and lay the invoice out as a PDF, saving nothing."""
    ensure_allowed(scope, Action.EMAIL_BILLING_DOCUMENT)
    field = "invoice_id"
    invoice = await invoice_or_not_found(scope, invoice_id, field)
    customer = await customer_or_not_found(scope, invoice.customer_id, "invoice_id")
    recipient_of(customer, NotificationChannel.EMAIL, field)  # refuse before laying out a PDF that cannot go
    title, rendered = await _invoice_pdf(scope, invoice)
    return PreparedDocument(customer.id, title, printable(rendered, field), "invoice_id")


async def prepare_ar_history_email(scope: RequestScope, customer_id: int, start: date | None,
                                   end: date | None) -> PreparedDocument:
    """Check the request and lay the customer's AR history out as a PDF, saving nothing."""
    ensure_allowed(scope, Action.EMAIL_BILLING_DOCUMENT)
    if start is not None and end is not None and end < start:
        raise UserInputError(PeriodErrorCode.INVALID_BILLING_PERIOD,
                             f"The history would end ({end}) before it starts ({start}).", "end")
    customer = await customer_or_not_found(scope, customer_id)
    recipient_of(customer, NotificationChannel.EMAIL, "customer_id")
    history = await full_history(scope, customer.id, Window(start, end))
    rendered = await asyncio.to_thread(history_pdf, customer, history)
    return PreparedDocument(customer.id, f"AR history {customer.number}", printable(rendered, "customer_id"),
                            "customer_id")


async def email_document(scope: RequestScope, prepared: PreparedDocument) -> Delivery:
    """Store the prepared PDF as the customer's document and deliver it as a letter is: queued email, logged,
    audited. The customer is locked and read again in the transaction: a contact change made since the PDF was
    laid out, or committing meanwhile (PostgreSQL: it holds the row; SQLite: the write lock), is what counts."""
    ensure_allowed(scope, Action.EMAIL_BILLING_DOCUMENT)
    await lock_customers(scope, [prepared.customer_id])
    customer = await customer_or_not_found(scope, prepared.customer_id, prepared.field)
    recipient = recipient_of(customer, NotificationChannel.EMAIL, prepared.field)
    return await _send(scope, customer, recipient, prepared.title, prepared.pdf)


async def _send(scope: RequestScope, customer: Customer, recipient: str, title: str, pdf: bytes) -> Delivery:
    """Store the PDF as the customer's document and deliver it as a letter is: queued email, logged, audited."""
    document = Document(client_id=scope.tenant_id, customer_id=customer.id, kind=LetterKind.GENERAL, title=title,
                        content=pdf, size_bytes=len(pdf))
    scope.db.add(document)
    await scope.db.flush()
    delivery = await deliver(scope, customer, document, NotificationChannel.EMAIL, recipient, reason=None)
    await audit.record(scope, "billing.email_document", "Document", document.id, {"title": {"from": None, "to": title}})
    return delivery
