"""What money operations read before they write: the customer, a master's hierarchy, the open invoices, one invoice.

Reads only (resolvers/billing/postings.py writes). An operation that then writes what it read reads it
while it holds its customers' locks, or reads it again once it does (resolvers/billing/locks.py).
"""

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select

from db.models import Customer, Invoice
from resolvers.context import RequestScope
from resolvers.customers.queries import get_customer
from resolvers.errors import Field, get_or_not_found
from resolvers.scope import tenant_scoped
from resolvers.sql_text import code_text
from resolvers.statements import reused


class OpenInvoiceRow(NamedTuple):
    """What a SPEC posting or a preview needs of an open invoice: FIFO order (the allocation rules read it as it is),
    the transfer's text, and its next status (postings.status_after). A tuple: a preview reads thousands, and reading
    SQLAlchemy's rows field by field costs microseconds a field. (A FIFO posting reads none: fifo.py.)"""

    id: int
    customer_id: int
    number: str
    due_on: date
    issued_on: date
    open_cents: int
    charges_cents: int
    total_cents: int
    status: str  # last: an InvoiceStatus's name as stored (a StrEnum compares equal to it), no enum built per row


async def customer_or_not_found(scope: RequestScope, customer_id: int, field: str = "customer_id") -> Customer:
    return get_or_not_found(await get_customer(scope, customer_id), "Customer", field)


async def customer_id_or_not_found(scope: RequestScope, customer_id: int, field: str = "customer_id") -> int:
    """`customer_or_not_found` for a caller that needs only to know the customer is the client's: one column, no
    ORM object."""
    stmt = reused(scope, "customer-id", _customer_id)
    found = (await scope.db.execute(stmt, {"customer_id": customer_id})).scalar_one_or_none()
    return get_or_not_found(found, "Customer", field)


def _customer_id(scope: RequestScope) -> Any:
    customers = Customer.__table__.c
    return tenant_scoped(select(customers.id).where(customers.id == bindparam("customer_id")), customers, scope)


async def hierarchy_ids(scope: RequestScope, customer_id: int) -> list[int]:
    """The customer and the customers directly under it (a master's hierarchy)."""
    stmt = tenant_scoped(select(Customer.id).where(Customer.master_id == customer_id), Customer, scope)
    return [customer_id, *sorted((await scope.db.execute(stmt)).scalars())]


async def open_invoices(scope: RequestScope, customer_ids: list[int]) -> list[OpenInvoiceRow]:
    """The customers' open invoices, FIFO order, as plain rows (ORM objects would cost more than the SQL)."""
    stmt = reused(scope, "open-invoices", _open_invoices)
    return list(map(OpenInvoiceRow._make, (await scope.db.execute(stmt, {"customer_ids": customer_ids})).all()))


def _open_invoices(scope: RequestScope) -> Any:
    # the table's columns, not the ORM's attributes: rows come back through Core, without the ORM's loading
    invoices = Invoice.__table__.c
    stmt = select(*(invoices[name] for name in OpenInvoiceRow._fields[:-1]), code_text(invoices.status))
    stmt = stmt.where(invoices.customer_id.in_(bindparam("customer_ids", expanding=True)), invoices.open_cents > 0)
    stmt = stmt.order_by(invoices.due_on, invoices.issued_on, invoices.number, invoices.id)
    return tenant_scoped(stmt, invoices, scope)


async def invoice_or_not_found(scope: RequestScope, invoice_id: int, field: Field) -> Invoice:
    """The client's invoice (NOT_FOUND on `field` otherwise). It takes no lock: whoever writes it holds its
    customer's (locks.py), and reads it after taking that lock (`refresh`) when it read it before."""
    stmt = tenant_scoped(select(Invoice).where(Invoice.id == invoice_id), Invoice, scope)
    return get_or_not_found((await scope.db.execute(stmt)).scalar_one_or_none(), "Invoice", field)
