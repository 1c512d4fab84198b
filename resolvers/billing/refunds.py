"""Refund unapplied credit, and return a payment (NSF): both TEAM_LEAD, both new rows, never edits of history."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.base import utcnow
from db.enums import LedgerKind, PaymentStatus
from db.models import Invoice, Payment, PaymentAllocation, Refund, SpecialCharge
from resolvers import audit
from resolvers.billing import idempotency
from resolvers.billing.errors import BillingErrorCode, checked_reason
from resolvers.billing.locks import lock_customers
from resolvers.billing.payments import get_payment_or_fail
from resolvers.billing.postings import add_entry, apply
from resolvers.billing.special_charges import new_special_charge
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped


@dataclass(frozen=True, slots=True)
class Returned:
    payment: Payment
    fee: SpecialCharge | None


REFUND_OPERATION = "refund_payment"


async def refund_payment(scope: RequestScope, payment_id: int, amount_cents: int, reason: str | None,
                         idempotency_key: str | None = None) -> Refund:
    """Pay back part or all of a payment's unapplied credit; never more than the credit.

    With an idempotency key, a retry of the same refund returns the first one and pays nothing more.
    """
    ensure_allowed(scope, Action.REFUND_PAYMENT)
    reason = checked_reason(reason)
    digest = idempotency.request_hash(REFUND_OPERATION, [payment_id, amount_cents, reason])
    earlier = await idempotency.claim(scope, idempotency_key, REFUND_OPERATION, digest)
    if earlier is not None:
        return await _refund(scope, earlier["refund_id"])
    refund = await _refund_credit(scope, payment_id, amount_cents, reason)
    await idempotency.store(scope, idempotency_key, {"refund_id": refund.id})
    return refund


async def _refund(scope: RequestScope, refund_id: int) -> Refund:
    stmt = tenant_scoped(select(Refund).where(Refund.id == refund_id), Refund, scope)
    return (await scope.db.execute(stmt)).scalar_one()


async def _refund_credit(scope: RequestScope, payment_id: int, amount_cents: int, reason: str) -> Refund:
    payment = await _locked_payment(scope, payment_id)
    if amount_cents <= 0 or amount_cents > payment.unapplied_cents:
        raise UserInputError(BillingErrorCode.REFUND_EXCEEDS_CREDIT,
                             "A refund must be more than zero and at most the payment's unapplied credit.", "amount")
    refund = Refund(client_id=scope.tenant_id, payment_id=payment.id, customer_id=payment.customer_id,
                    amount_cents=amount_cents, reason=reason, approved_by=scope.viewer.user_id)
    scope.db.add(refund)
    payment.unapplied_cents -= amount_cents
    await scope.db.flush()
    add_entry(scope, payment.customer_id, LedgerKind.REFUND, amount_cents, f"Refund of payment {payment.id}: {reason}",
              utcnow().date(), payment_id=payment.id, refund_id=refund.id)
    await audit.record(
        scope, "billing.refund_payment", "Refund", refund.id, {"amount_cents": {"from": None, "to": amount_cents}}
    )
    await scope.db.flush()
    return refund


async def reverse_payment(scope: RequestScope, payment_id: int, reason: str | None, fee_cents: int | None) -> Returned:
    """A returned payment: un-apply every allocation (negative rows), reopen the invoices, optionally add an NSF fee."""
    ensure_allowed(scope, Action.REVERSE_PAYMENT)
    reason = checked_reason(reason)
    payment = await _locked_payment(scope, payment_id)
    if payment.status is PaymentStatus.RETURNED:
        raise UserInputError(
            BillingErrorCode.PAYMENT_ALREADY_RETURNED, "The payment was already returned.", "payment_id"
        )
    if await _refunded(scope, payment.id):
        raise UserInputError(
            BillingErrorCode.PAYMENT_ALREADY_REFUNDED, "Part of this payment was refunded.", "payment_id"
        )
    today = utcnow().date()
    await _unapply_all(scope, payment, today)
    payment.status, payment.returned_reason, payment.returned_at = PaymentStatus.RETURNED, reason, utcnow()
    payment.unapplied_cents = 0
    add_entry(scope, payment.customer_id, LedgerKind.RETURNED_PAYMENT, payment.amount_cents,
              f"Returned payment {payment.id}: {reason}", today, payment_id=payment.id)
    fee = None
    if fee_cents:
        fee = await new_special_charge(scope, payment.customer_id, "Returned payment fee", fee_cents,
                                       f"Payment {payment.id} returned: {reason}")
    await audit.record(
        scope, "billing.reverse_payment", "Payment", payment.id, {"status": {"from": "POSTED", "to": "RETURNED"}}
    )
    await scope.db.flush()
    return Returned(payment, fee)


async def _locked_payment(scope: RequestScope, payment_id: int) -> Payment:
    payment = await get_payment_or_fail(scope, payment_id)
    invoice_customers = select(Invoice.customer_id).join(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
    invoice_customers = invoice_customers.where(PaymentAllocation.payment_id == payment.id)
    others = (await scope.db.execute(tenant_scoped(invoice_customers, Invoice, scope))).scalars()
    await lock_customers(scope, [payment.customer_id, *others])
    await scope.db.refresh(payment)  # read again under the lock
    return payment


async def _refunded(scope: RequestScope, payment_id: int) -> bool:
    stmt = tenant_scoped(select(Refund.id).where(Refund.payment_id == payment_id).limit(1), Refund, scope)
    return (await scope.db.execute(stmt)).first() is not None


async def _unapply_all(scope: RequestScope, payment: Payment, on: date) -> None:
    stmt = select(PaymentAllocation).where(PaymentAllocation.payment_id == payment.id).order_by(PaymentAllocation.id)
    net: dict[int, int] = defaultdict(int)
    last: dict[int, int] = {}
    for row in (await scope.db.execute(tenant_scoped(stmt, PaymentAllocation, scope))).scalars():
        net[row.invoice_id] += row.amount_cents
        last[row.invoice_id] = row.id
    invoices = await _invoices(scope, [i for i, c in net.items() if c > 0])
    for invoice in invoices:
        apply(scope, payment, invoice, -net[invoice.id], on, reverses_id=last[invoice.id])


async def _invoices(scope: RequestScope, ids: list[int]) -> list[Invoice]:
    if not ids:
        return []
    stmt = tenant_scoped(select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id), Invoice, scope)
    return list((await scope.db.execute(stmt)).scalars())
