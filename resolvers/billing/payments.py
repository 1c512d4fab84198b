"""Post a payment (FIFO or SPEC, one customer or a master's hierarchy), preview it, or return it (NSF)."""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select

from db.base import utcnow
from db.enums import (
    AllocationMode,
    LedgerKind,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
)
from db.models import Customer, Payment
from resolvers import audit
from resolvers.billing import idempotency
from resolvers.billing.errors import BillingErrorCode, allocation_error, money_date_error
from resolvers.billing.locks import lock_customers
from resolvers.billing.lookups import OpenInvoiceRow, customer_or_not_found, hierarchy_ids, open_invoices
from resolvers.billing.postings import apply_many, ledger_row, use_credit
from resolvers.context import RequestScope
from resolvers.errors import UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.allocation import (
    Allocation,
    AllocationError,
    AllocationResult,
    Applied,
    Credit,
    Owing,
    allocate_fifo,
    allocate_spec,
    apply_credit_first,
)
from resolvers.rules.money_dates import MoneyDateError, check_money_day
from resolvers.scope import tenant_scoped
from resolvers.statements import reused

OPERATION = "postPayment"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    customer_id: int
    amount_cents: int
    method: PaymentMethod
    received_on: date
    mode: AllocationMode = AllocationMode.FIFO
    payment_scope: PaymentScope = PaymentScope.CUSTOMER  # whose invoices it pays: the customer's, or its hierarchy's
    allocations: tuple[Allocation, ...] = ()
    reference: str | None = None
    card_last4: str | None = None
    idempotency_key: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PaymentDone:
    payment: Payment
    replayed: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """What a posting would do, worked out from plain rows before anything is written."""

    invoices: dict[int, OpenInvoiceRow]  # the open invoices it may pay, by id
    credits: tuple[Applied, ...]  # what the payer's earlier credit pays first (FIFO only)
    result: AllocationResult  # what the new payment pays, and what it leaves as credit


async def post_payment(scope: RequestScope, request: PaymentRequest) -> PaymentDone:
    ensure_allowed(scope, Action.POST_PAYMENT)
    _check(request)
    digest = idempotency.request_hash(OPERATION, hashed_values(request))
    earlier = await idempotency.claim(scope, request.idempotency_key, OPERATION, digest)
    if earlier is not None:
        return PaymentDone(await get_payment_or_fail(scope, earlier["payment_id"]), replayed=True)
    customer = await customer_or_not_found(scope, request.customer_id)
    customer_ids = await _paid_customer_ids(scope, customer, request.payment_scope)
    await lock_customers(scope, customer_ids)
    payment = await _write(scope, request, await _plan(scope, customer, customer_ids, request))
    await idempotency.store(scope, request.idempotency_key, {"payment_id": payment.id})
    return PaymentDone(payment, replayed=False)


async def preview_allocation(scope: RequestScope, request: PaymentRequest) -> AllocationResult:
    """The allocations the posting would make, saving nothing (a FIFO posting applies earlier credit first)."""
    _check(request)
    customer = await customer_or_not_found(scope, request.customer_id)
    customer_ids = await _paid_customer_ids(scope, customer, request.payment_scope)
    return (await _plan(scope, customer, customer_ids, request)).result


async def _plan(scope: RequestScope, customer: Customer, customer_ids: list[int], request: PaymentRequest) -> Plan:
    """One read of the open invoices (and of the earlier credit), then one pass of the allocation rules."""
    invoices = await open_invoices(scope, customer_ids)
    credits = await _credits(scope, customer.id) if request.mode is AllocationMode.FIFO else []
    paid_by_credit, still_open = apply_credit_first(credits, invoices)
    return Plan({i.id: i for i in invoices}, paid_by_credit, _allocate(request, still_open))


async def _credits(scope: RequestScope, customer_id: int) -> list[Credit]:
    """The payer's posted payments with unapplied credit, oldest first."""
    stmt = reused(scope, "unapplied-credits", _unapplied_credits)
    return [Credit(*row) for row in (await scope.db.execute(stmt, {"customer_id": customer_id})).all()]


def _unapplied_credits(scope: RequestScope) -> Any:
    payments = Payment.__table__.c  # Core columns: plain rows, no ORM loading
    stmt = select(payments.id, payments.unapplied_cents).where(
        payments.customer_id == bindparam("customer_id"), payments.status == PaymentStatus.POSTED,
        payments.unapplied_cents > 0)
    return tenant_scoped(stmt.order_by(payments.received_on, payments.id), payments, scope)


def _check(request: PaymentRequest) -> None:
    if request.amount_cents <= 0:
        raise UserInputError(BillingErrorCode.INVALID_AMOUNT, "The amount must be more than zero.", "amount")
    if request.mode is AllocationMode.SPEC and not request.allocations:
        raise UserInputError(BillingErrorCode.SPEC_NEEDS_ALLOCATIONS, "Name the invoices a SPEC payment pays.",
                             "allocations")
    if request.mode is AllocationMode.FIFO and request.allocations:
        raise UserInputError(BillingErrorCode.FIFO_TAKES_NO_ALLOCATIONS, "A FIFO payment takes no allocations.",
                             "allocations")
    try:
        check_money_day(request.received_on, utcnow().date(), "The receipt day")
    except MoneyDateError as error:
        raise money_date_error(error, "received_on") from None
    last4 = request.card_last4
    if last4 is not None and not (len(last4) == 4 and last4.isascii() and last4.isdigit()):
        raise UserInputError(BillingErrorCode.INVALID_CARD_LAST4, "Give only the card's last four digits.",
                             "card_last4")


def hashed_values(request: PaymentRequest) -> dict:
    """What the idempotency hash covers: the request without its key."""
    values = asdict(request)
    values.pop("idempotency_key")
    # hashed under the input's name, as before the field was renamed, so keys stored before still replay
    values["scope"] = values.pop("payment_scope")
    return values


async def _paid_customer_ids(scope: RequestScope, customer: Customer, payment_scope: PaymentScope) -> list[int]:
    """The customers whose invoices the payment may pay."""
    return await hierarchy_ids(scope, customer) if payment_scope is PaymentScope.HIERARCHY else [customer.id]


def _allocate(request: PaymentRequest, invoices: list[Owing]) -> AllocationResult:
    try:
        if request.mode is AllocationMode.SPEC:
            return allocate_spec(request.amount_cents, request.allocations, invoices)
        return allocate_fifo(request.amount_cents, invoices)
    except AllocationError as error:
        raise allocation_error(error) from None


async def _write(scope: RequestScope, request: PaymentRequest, plan: Plan) -> Payment:
    """The payment (with the credit it leaves), its ledger row, and every allocation of the plan, set-based."""
    payment = Payment(
        client_id=scope.tenant_id, customer_id=request.customer_id, amount_cents=request.amount_cents,
        method=request.method, reference=request.reference, card_last4=request.card_last4,
        received_on=request.received_on, mode=request.mode, scope=request.payment_scope,
        unapplied_cents=plan.result.unapplied_cents, status=PaymentStatus.POSTED,
        idempotency_key=request.idempotency_key, created_by=scope.viewer.user_id,
    )
    scope.db.add(payment)
    await scope.db.flush()
    entry = ledger_row(scope, payment.customer_id, LedgerKind.PAYMENT, -payment.amount_cents,
                       f"Payment ({request.method.value}{' ' + request.reference if request.reference else ''})",
                       request.received_on, payment_id=payment.id)
    applied = [*plan.credits, Applied(payment.id, plan.result.allocations)]
    await apply_many(scope, payment.customer_id, plan.invoices, applied, request.received_on, {payment.id: [entry]})
    await use_credit(scope, plan.credits)
    await audit.record(scope, "billing.post_payment", "Payment", payment.id, {
        "amount_cents": {"from": None, "to": payment.amount_cents}, "mode": {"from": None, "to": request.mode.value}})
    await scope.db.flush()
    return payment


async def get_payment(scope: RequestScope, payment_id: int) -> Payment | None:
    stmt = tenant_scoped(select(Payment).where(Payment.id == payment_id), Payment, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def get_payment_or_fail(scope: RequestScope, payment_id: int, field: str = "payment_id") -> Payment:
    return get_or_not_found(await get_payment(scope, payment_id), "Payment", field)
