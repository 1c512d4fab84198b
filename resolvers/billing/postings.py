"""What every money operation writes: ledger rows, allocation changes, invoice open amounts and status."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, update

from db.base import utcnow
from db.enums import InvoiceLineKind, InvoiceStatus, LedgerKind
from db.inserts import insert_rows
from db.models import Customer, Invoice, LedgerEntry, Payment, PaymentAllocation
from resolvers.context import RequestScope
from resolvers.customers.queries import get_customer
from resolvers.errors import get_or_not_found
from resolvers.rules.allocation import Allocation, OpenInvoice
from resolvers.rules.billing import invoice_status
from resolvers.scope import tenant_scoped

OPEN_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)


async def customer_or_not_found(scope: RequestScope, customer_id: int, field: str = "customerId") -> Customer:
    return get_or_not_found(await get_customer(scope, customer_id), "Customer", ["input", field])


async def hierarchy_ids(scope: RequestScope, customer: Customer) -> list[int]:
    """The customer and the customers directly under it (a master's hierarchy)."""
    stmt = tenant_scoped(select(Customer.id).where(Customer.master_id == customer.id), Customer, scope)
    return [customer.id, *sorted((await scope.db.execute(stmt)).scalars())]


OPEN_COLUMNS = (Invoice.id, Invoice.customer_id, Invoice.number, Invoice.due_on, Invoice.issued_on, Invoice.open_cents,
                Invoice.charges_cents, Invoice.status)


async def open_invoices(scope: RequestScope, customer_ids: list[int]) -> list[Any]:
    """The open invoices as plain rows (a payment may touch thousands: ORM objects would cost more than the SQL)."""
    stmt = select(*OPEN_COLUMNS).where(Invoice.customer_id.in_(customer_ids), Invoice.open_cents > 0)
    stmt = stmt.order_by(Invoice.due_on, Invoice.issued_on, Invoice.number, Invoice.id)
    return list((await scope.db.execute(tenant_scoped(stmt, Invoice, scope))).all())


def as_open(invoice: Any, open_cents: int | None = None) -> OpenInvoice:
    cents = invoice.open_cents if open_cents is None else open_cents
    return OpenInvoice(invoice.id, invoice.due_on, invoice.issued_on, invoice.number, cents)


def add_entry(scope: RequestScope, customer_id: int, kind: LedgerKind, cents: int, description: str,
              effective_on: date, **refs: int | None) -> LedgerEntry:
    entry = LedgerEntry(client_id=scope.tenant_id, customer_id=customer_id, kind=kind, amount_cents=cents,
                        description=description, effective_on=effective_on, **refs)
    scope.db.add(entry)
    return entry


def apply(scope: RequestScope, payment: Payment, invoice: Invoice, cents: int, on: date,
          reverses_id: int | None = None) -> None:
    """Move `cents` of the payment onto the invoice (negative: back off it) and keep both sides' balances right.

    When the payer is not the invoice's customer (a master paying a child), a CREDIT_TRANSFER pair
    moves the money between their ledgers, so each customer's balance stays the sum of its own ledger.
    """
    scope.db.add(PaymentAllocation(client_id=scope.tenant_id, payment_id=payment.id, invoice_id=invoice.id,
                                   amount_cents=cents, reverses_id=reverses_id))
    payment.unapplied_cents -= cents
    set_open(invoice, invoice.open_cents - cents)
    if payment.customer_id != invoice.customer_id:
        _transfer(scope, payment, invoice, cents, on)


async def apply_many(scope: RequestScope, payment: Payment, invoices: dict[int, Any], opens: dict[int, int],
                     allocations: Sequence[Allocation], on: date) -> None:
    """`apply` for a whole allocation over rows from `open_invoices`: one INSERT and one executemany UPDATE.

    `opens` holds the invoices' open amounts as this transaction changes them.
    """
    if not allocations:
        return
    rows, updates, now = [], [], utcnow()
    for item in allocations:
        invoice = invoices[item.invoice_id]
        rows.append({"client_id": scope.tenant_id, "payment_id": payment.id, "invoice_id": invoice.id,
                     "amount_cents": item.cents, "created_at": now})
        remaining = opens[invoice.id] = opens[invoice.id] - item.cents
        status = invoice_status(invoice.charges_cents, remaining, invoice.status is InvoiceStatus.REVERSED)
        updates.append({"id": invoice.id, "open_cents": remaining, "status": status})
        if payment.customer_id != invoice.customer_id:
            _transfer(scope, payment, invoice, item.cents, on)
    await insert_rows(scope.db, PaymentAllocation.__table__, rows)
    # the loaded invoices were brought up to date above: no session synchronization needed
    await scope.db.execute(update(Invoice).execution_options(synchronize_session=False), updates)
    payment.unapplied_cents -= sum(item.cents for item in allocations)


def _transfer(scope: RequestScope, payment: Payment, invoice: Any, cents: int, on: date) -> None:
    text = f"Payment {payment.id} applied to invoice {invoice.number}" if cents > 0 else \
        f"Payment {payment.id} taken back from invoice {invoice.number}"
    add_entry(scope, invoice.customer_id, LedgerKind.CREDIT_TRANSFER, -cents, text, on, payment_id=payment.id, invoice_id=invoice.id)
    add_entry(scope, payment.customer_id, LedgerKind.CREDIT_TRANSFER, cents, text, on, payment_id=payment.id, invoice_id=invoice.id)


def set_open(invoice: Invoice, open_cents: int, reversed_any: bool | None = None) -> None:
    invoice.open_cents = open_cents
    reversed_flag = invoice.status is InvoiceStatus.REVERSED if reversed_any is None else reversed_any
    invoice.status = invoice_status(invoice.charges_cents, open_cents, reversed_flag or invoice.charges_cents == 0 and
                                    invoice.total_cents > 0)


async def lock_invoice(scope: RequestScope, invoice_id: int, field: list[str]) -> Invoice:
    stmt = tenant_scoped(select(Invoice).where(Invoice.id == invoice_id), Invoice, scope)
    return get_or_not_found((await scope.db.execute(stmt)).scalar_one_or_none(), "Invoice", field)


REVERSIBLE = tuple(k for k in InvoiceLineKind if k is not InvoiceLineKind.REVERSAL)
