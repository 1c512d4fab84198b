"""Where each kind of timeline item comes from: its table, its one time column, and how it belongs to a customer.

The timeline is "what was recorded when": every source is placed by the instant its row was
written (created_at; a status change's changed_at; a returned payment's returned_at), not by a
business date such as an invoice's issue date or a payment's received day, which may lie earlier
than the moment the agent could first see it.

Rows that carry no customer of their own belong to the customer of what they hang from:
an allocation and a reversal line to the invoice's customer (whose AR they change, also when a
master's payment paid a child's invoice), a market transaction and a status change to the
utility account's customer, an audit event to the Customer it names.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from db.enums import InvoiceLineKind
from db.models import (
    Adjustment,
    AuditEvent,
    CommLogEntry,
    EnrollmentStatusChange,
    Invoice,
    InvoiceLine,
    MarketTransaction,
    Payment,
    PaymentAllocation,
    Refund,
    Ticket,
    UtilityAccount,
)
from resolvers.context import RequestScope
from resolvers.rules.timeline import ActivityKind
from resolvers.scope import tenant_scoped

Owner = Callable[[Any], Any]  # the condition "this customer column is the owner's", given the column
Owned = Callable[[RequestScope, Owner], Select[Any]]


@dataclass(frozen=True, slots=True)
class Source:
    """One kind's rows: `owned(scope, owner)` selects (occurred_at, id, customer_id) of the owner's customers."""

    model: Any
    at: Any  # the time column; with `model.id` it leads an index after the owner column
    owned: Owned
    actor: str | None  # the row's column naming the user who did it; None: not recorded (a billing run, a return)


def _own(model: Any, at: Any, actor: str | None, *conditions: Any) -> Source:
    """A table with its own customer_id."""

    def owned(scope: RequestScope, owner: Owner) -> Select[Any]:
        stmt = select(at.label("occurred_at"), model.id.label("id"), model.customer_id.label("customer_id"))
        return tenant_scoped(stmt.where(owner(model.customer_id), *conditions), model, scope)

    return Source(model, at, owned, actor)


def _through(model: Any, at: Any, actor: str | None, parent: Any, link: Any, *conditions: Any) -> Source:
    """A table whose rows belong to the customer of their parent row (an invoice, a utility account)."""

    def owned(scope: RequestScope, owner: Owner) -> Select[Any]:
        stmt = select(at.label("occurred_at"), model.id.label("id"), parent.customer_id.label("customer_id"))
        stmt = stmt.join(parent, parent.id == link).where(owner(parent.customer_id), *conditions)
        # The rows shown are the client's; their parents then are too (the ids are the client's customers), and
        # not filtering parents again lets their (customer_id, ...) index answer without reading the table.
        return tenant_scoped(stmt, model, scope)

    return Source(model, at, owned, actor)


def _audited(scope: RequestScope, owner: Owner) -> Select[Any]:
    stmt = select(AuditEvent.created_at.label("occurred_at"), AuditEvent.id.label("id"),
                  AuditEvent.object_id.label("customer_id"))
    stmt = stmt.where(AuditEvent.object_type == "Customer", owner(AuditEvent.object_id))
    return tenant_scoped(stmt, AuditEvent, scope)


SOURCES: dict[ActivityKind, Source] = {
    ActivityKind.COMM_LOG: _own(CommLogEntry, CommLogEntry.created_at, "author_id"),
    ActivityKind.INVOICE: _own(Invoice, Invoice.created_at, None),
    ActivityKind.PAYMENT: _own(Payment, Payment.created_at, "created_by"),
    ActivityKind.PAYMENT_RETURNED: _own(Payment, Payment.returned_at, None, Payment.returned_at.is_not(None)),
    ActivityKind.ALLOCATION: _through(PaymentAllocation, PaymentAllocation.created_at, None, Invoice,
                                      PaymentAllocation.invoice_id),
    ActivityKind.ADJUSTMENT: _own(Adjustment, Adjustment.created_at, "created_by"),
    ActivityKind.REVERSAL: _through(InvoiceLine, InvoiceLine.created_at, "created_by", Invoice, InvoiceLine.invoice_id,
                                    InvoiceLine.kind == InvoiceLineKind.REVERSAL),
    ActivityKind.REFUND: _own(Refund, Refund.created_at, "approved_by"),
    ActivityKind.MARKET_TRANSACTION: _through(MarketTransaction, MarketTransaction.created_at, "created_by",
                                              UtilityAccount, MarketTransaction.utility_account_id),
    ActivityKind.STATUS_CHANGE: _through(EnrollmentStatusChange, EnrollmentStatusChange.changed_at, "actor_id",
                                         UtilityAccount, EnrollmentStatusChange.utility_account_id),
    ActivityKind.TICKET: _own(Ticket, Ticket.created_at, "created_by"),
    ActivityKind.AUDIT: Source(AuditEvent, AuditEvent.created_at, _audited, "actor_id"),
}
