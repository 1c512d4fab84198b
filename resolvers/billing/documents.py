"""Invoice and AR history as PDF (fpdf2) and CSV; emailing a PDF through the outbox, logged as a LETTER entry."""

import asyncio
import csv
import io
from datetime import date

from fpdf import FPDF
from sqlalchemy import select

from db.enums import CommLogKind, LetterKind, NotificationChannel, NotificationStatus
from db.models import Customer, Document, Invoice, InvoiceLine, Notification
from resolvers import audit
from resolvers.billing.ar_history import HistoryRow, Window, full_history
from resolvers.billing.postings import customer_or_not_found, lock_invoice
from resolvers.commlog.entries import append_entry
from resolvers.commlog.letters import cover_note, recipient_of
from resolvers.context import RequestScope
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.money import format_cents
from resolvers.scope import tenant_scoped


def _pdf(title: str, header: list[str], rows: list[list[str]], widths: list[int]) -> bytes:
    pdf = FPDF(format="letter")
    pdf.set_title(title)
    pdf.set_creator("csrgraph")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 10, title.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 9)
    for text, width in zip(header, widths):
        pdf.cell(width, 7, text, border=1)
    pdf.ln()
    pdf.set_font("helvetica", "", 9)
    for row in rows:
        for text, width in zip(row, widths):
            pdf.cell(width, 6, text.encode("latin-1", "replace").decode("latin-1")[:60], border=1)
        pdf.ln()
    return bytes(pdf.output())


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLine], customer: Customer) -> bytes:
    rows = [[line.kind.value, line.description, format_cents(line.amount_cents)] for line in lines]
    rows += [["", "Total", format_cents(invoice.total_cents)], ["", "Open amount", format_cents(invoice.open_cents)]]
    title = f"Invoice {invoice.number} - {customer.name} - due {invoice.due_on.isoformat()}"
    return _pdf(title, ["Kind", "Description", "Amount"], rows, [35, 110, 30])


def history_rows(history: list[HistoryRow]) -> list[list[str]]:
    return [[h.entry.effective_on.isoformat(), h.entry.kind.value, h.entry.description, format_cents(h.entry.amount_cents),
             format_cents(h.balance_cents)] for h in history]


def history_pdf(customer: Customer, history: list[HistoryRow]) -> bytes:
    return _pdf(f"AR history - {customer.name} ({customer.number})", ["Date", "Kind", "Description", "Amount", "Balance"],
                history_rows(history), [22, 32, 82, 22, 22])


def history_csv(history: list[HistoryRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["effective_on", "kind", "description", "amount", "balance"])
    writer.writerows(history_rows(history))
    return out.getvalue().encode()


async def invoice_file(scope: RequestScope, invoice_id: int) -> tuple[str, bytes] | None:
    stmt = tenant_scoped(select(Invoice).where(Invoice.id == invoice_id), Invoice, scope)
    invoice = (await scope.db.execute(stmt)).scalar_one_or_none()
    if invoice is None:
        return None
    lines = (await scope.db.execute(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.id))).scalars()
    customer = await scope.db.get(Customer, invoice.customer_id)
    pdf = await asyncio.to_thread(invoice_pdf, invoice, list(lines), customer)
    return f"Invoice {invoice.number}", pdf


async def history_file(scope: RequestScope, customer_id: int, start: date | None, end: date | None,
                       as_csv: bool) -> tuple[str, bytes] | None:
    from resolvers.customers.queries import get_customer

    customer = await get_customer(scope, customer_id)
    if customer is None:
        return None
    history = await full_history(scope, customer.id, Window(start, end))
    data = history_csv(history) if as_csv else await asyncio.to_thread(history_pdf, customer, history)
    return f"AR history {customer.number}", data


async def email_invoice(scope: RequestScope, invoice_id: int) -> Document:
    ensure_allowed(scope, Action.EMAIL_BILLING_DOCUMENT)
    invoice = await lock_invoice(scope, invoice_id, ["input", "invoiceId"])
    title, pdf = await invoice_file(scope, invoice.id)
    return await _send(scope, await customer_or_not_found(scope, invoice.customer_id, "invoiceId"), title, pdf)


async def email_ar_history(scope: RequestScope, customer_id: int, start: date | None, end: date | None) -> Document:
    ensure_allowed(scope, Action.EMAIL_BILLING_DOCUMENT)
    customer = await customer_or_not_found(scope, customer_id)
    title, pdf = await history_file(scope, customer.id, start, end, as_csv=False)
    return await _send(scope, customer, title, pdf)


async def _send(scope: RequestScope, customer: Customer, title: str, pdf: bytes) -> Document:
    """Store the PDF as the customer's document, queue the email with it attached, and log a LETTER entry."""
    recipient = recipient_of(customer, NotificationChannel.EMAIL)
    document = Document(client_id=scope.tenant_id, customer_id=customer.id, kind=LetterKind.GENERAL, title=title,
                        content=pdf, size_bytes=len(pdf))
    scope.db.add(document)
    await scope.db.flush()
    scope.db.add(Notification(client_id=scope.tenant_id, customer_id=customer.id, document_id=document.id,
                              channel=NotificationChannel.EMAIL, recipient=recipient, subject=title,
                              body_text=cover_note(customer.name, title), status=NotificationStatus.QUEUED, attempts=0,
                              created_by=scope.viewer.user_id))
    await append_entry(scope, customer_id=customer.id, kind=CommLogKind.LETTER, subject=f"Sent: {title}"[:200],
                       body=f"By email to {recipient} (queued for delivery).", document_id=document.id)
    await audit.record(scope, "billing.email_document", "Document", document.id, {"title": {"from": None, "to": title}})
    await scope.db.flush()
    return document
