"""Reverse chosen charges of an invoice: new REVERSAL credit lines and a ledger row, never an edit (TEAM_LEAD).

If the invoice was already paid past what remains, the excess goes back to the payments that paid
it (negative allocations), where it is unapplied credit again.
"""

from collections.abc import Sequence

from sqlalchemy import func, select

from db.base import utcnow
from db.enums import InvoiceLineKind, LedgerKind
from db.models import Invoice, InvoiceLine, Payment, PaymentAllocation
from resolvers import audit
from resolvers.billing.errors import BillingErrorCode, checked_reason
from resolvers.billing.locks import lock_customers
from resolvers.billing.lookups import invoice_or_not_found
from resolvers.billing.postings import add_entry, apply, set_open
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped


async def reverse_invoice_charges(scope: RequestScope, invoice_id: int, line_ids: Sequence[int],
                                  reason: str | None) -> tuple[Invoice, list[InvoiceLine]]:
    ensure_allowed(scope, Action.REVERSE_INVOICE_CHARGES)
    reason = checked_reason(reason)
    if not line_ids:
        raise UserInputError(BillingErrorCode.NO_LINES_CHOSEN, "Choose the lines to reverse.", "line_ids")
    invoice = await invoice_or_not_found(scope, invoice_id, "invoice_id")
    await lock_customers(scope, [invoice.customer_id, *await _payer_ids(scope, invoice.id)])  # one call: locks.py
    await scope.db.refresh(invoice)  # read again under the lock
    credits = await _credit_lines(scope, invoice, line_ids, reason)
    total = -sum(c.amount_cents for c in credits)
    await _take_back_payments(scope, invoice, total - invoice.open_cents)
    invoice.charges_cents -= total
    set_open(invoice, invoice.open_cents - total, reversed_any=True)
    add_entry(
        scope,
        invoice.customer_id,
        LedgerKind.REVERSAL,
        -total,
        f"Reversal on invoice {invoice.number}: {reason}",
        utcnow().date(),
        invoice_id=invoice.id,
    )
    await audit.record(scope, "billing.reverse_invoice_charges", "Invoice", invoice.id,
                       {"reversed_cents": {"from": None, "to": total}})
    await scope.db.flush()
    return invoice, credits


async def _credit_lines(
    scope: RequestScope, invoice: Invoice, line_ids: Sequence[int], reason: str
) -> list[InvoiceLine]:
    lines = await _lines(scope, invoice.id, line_ids)
    already = await _reversed_by_line(scope, line_ids)
    credits = []
    for index, line_id in enumerate(line_ids):
        line = lines.get(line_id)
        remaining = line.amount_cents + already.get(line_id, 0) if line else 0
        if line is None or line.kind is InvoiceLineKind.REVERSAL or remaining <= 0 or line_ids.index(line_id) != index:
            raise UserInputError(BillingErrorCode.LINE_NOT_REVERSIBLE, "That line cannot be reversed.",
                                 ("line_ids", index))
        credits.append(InvoiceLine(client_id=scope.tenant_id, invoice_id=invoice.id, kind=InvoiceLineKind.REVERSAL,
                                   description=f"Reversal: {line.description}", amount_cents=-remaining,
                                   reverses_line_id=line.id, reason=reason, created_by=scope.viewer.user_id))
    scope.db.add_all(credits)
    return credits


async def _lines(scope: RequestScope, invoice_id: int, line_ids: Sequence[int]) -> dict[int, InvoiceLine]:
    stmt = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id, InvoiceLine.id.in_(line_ids))
    return {row.id: row for row in (await scope.db.execute(tenant_scoped(stmt, InvoiceLine, scope))).scalars()}


async def _reversed_by_line(scope: RequestScope, line_ids: Sequence[int]) -> dict[int, int]:
    stmt = select(InvoiceLine.reverses_line_id, func.sum(InvoiceLine.amount_cents)).where(
        InvoiceLine.reverses_line_id.in_(line_ids)).group_by(InvoiceLine.reverses_line_id)
    return {k: int(v) for k, v in (await scope.db.execute(tenant_scoped(stmt, InvoiceLine, scope))).all()}


async def _take_back_payments(scope: RequestScope, invoice: Invoice, excess: int) -> None:
    """Un-apply `excess` cents of payments from the invoice, newest allocation first."""
    if excess <= 0:
        return
    for payment, net, last_id in await _paid_by(scope, invoice.id):
        cents = min(excess, net)
        apply(scope, payment, invoice, -cents, utcnow().date(), reverses_id=last_id)
        excess -= cents
        if excess == 0:
            return
    raise UserInputError(BillingErrorCode.REVERSAL_EXCEEDS_INVOICE_BALANCE,
                         "Credits applied to this invoice leave too little to reverse.", "line_ids")


async def _payer_ids(scope: RequestScope, invoice_id: int) -> list[int]:
    stmt = select(Payment.customer_id).join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
    return list((await scope.db.execute(tenant_scoped(stmt.where(PaymentAllocation.invoice_id == invoice_id), Payment,
                                                      scope).distinct())).scalars())


async def _paid_by(scope: RequestScope, invoice_id: int) -> list[tuple[Payment, int, int]]:
    net = func.sum(PaymentAllocation.amount_cents)
    stmt = (
        select(Payment, net, func.max(PaymentAllocation.id))
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .where(PaymentAllocation.invoice_id == invoice_id)
        .group_by(Payment.id)
        .having(net > 0)
        .order_by(func.max(PaymentAllocation.id).desc())
    )
    rows = (await scope.db.execute(tenant_scoped(stmt, Payment, scope))).all()
    await lock_customers(scope, [p.customer_id for p, _n, _l in rows])
    return [(p, int(n), last_id) for p, n, last_id in rows]  # PostgreSQL sums BIGINT as NUMERIC
