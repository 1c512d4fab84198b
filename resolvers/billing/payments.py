"""Post a payment (FIFO or SPEC, one customer or a master's hierarchy), preview it, or return it (NSF)."""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from db.enums import (
    AllocationMode,
    LedgerKind,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
)
from db.base import utcnow
from db.models import Customer, Payment
from resolvers import audit
from resolvers.billing import idempotency
from resolvers.billing.errors import BillingErrorCode, allocation_error, money_date_error
from resolvers.billing.locks import lock_customers
from resolvers.billing.postings import (
    add_entry,
    apply_many,
    as_open,
    customer_or_not_found,
    hierarchy_ids,
    open_invoices,
)
from resolvers.context import RequestScope
from resolvers.errors import UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.allocation import (
    Allocation,
    AllocationError,
    AllocationResult,
    OpenInvoice,
    allocate_fifo,
    allocate_spec,
)
from resolvers.rules.money_dates import MoneyDateError, check_money_day
from resolvers.scope import tenant_scoped

OPERATION = "postPayment"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    customer_id: int
    amount_cents: int
    method: PaymentMethod
    received_on: date
    mode: AllocationMode = AllocationMode.FIFO
    scope: PaymentScope = PaymentScope.CUSTOMER
    allocations: tuple[Allocation, ...] = ()
    reference: str | None = None
    card_last4: str | None = None
    idempotency_key: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PaymentDone:
    payment: Payment
    replayed: bool


async def post_payment(scope: RequestScope, request: PaymentRequest) -> PaymentDone:
    ensure_allowed(scope, Action.POST_PAYMENT)
    _check(request)
    digest = idempotency.request_hash(OPERATION, _hashed(request))
    earlier = await idempotency.claim(scope, request.idempotency_key, OPERATION, digest)
    if earlier is not None:
        return PaymentDone(await get_payment_or_fail(scope, earlier["payment_id"]), replayed=True)
    customer = await customer_or_not_found(scope, request.customer_id)
    customer_ids = await _scope_ids(scope, customer, request.scope)
    await lock_customers(scope, customer_ids)
    invoices = await open_invoices(scope, customer_ids)
    opens = {i.id: i.open_cents for i in invoices}
    await _apply_earlier_credit(scope, customer, invoices, opens, request)
    result = _allocate(request, _still_open(invoices, opens))
    payment = await _write(scope, request, invoices, opens, result)
    await idempotency.store(scope, request.idempotency_key, {"payment_id": payment.id})
    return PaymentDone(payment, replayed=False)


async def preview_allocation(scope: RequestScope, request: PaymentRequest) -> AllocationResult:
    """The allocations the posting would make, saving nothing (after the earlier credit a FIFO posting applies first)."""
    _check(request)
    customer = await customer_or_not_found(scope, request.customer_id)
    invoices = await open_invoices(scope, await _scope_ids(scope, customer, request.scope))
    opens = {i.id: i.open_cents for i in invoices}
    if request.mode is AllocationMode.FIFO:
        for credit in await _credits(scope, customer.id):
            for item in allocate_fifo(credit.unapplied_cents, _still_open(invoices, opens)).allocations:
                opens[item.invoice_id] -= item.cents
    return _allocate(request, _still_open(invoices, opens))


def _still_open(invoices: list[Any], opens: dict[int, int]) -> list[OpenInvoice]:
    return [as_open(i, opens[i.id]) for i in invoices if opens[i.id] > 0]


async def _credits(scope: RequestScope, customer_id: int) -> list[Payment]:
    """The payer's posted payments with unapplied credit, oldest first."""
    stmt = select(Payment).where(Payment.customer_id == customer_id, Payment.status == PaymentStatus.POSTED,
                                 Payment.unapplied_cents > 0).order_by(Payment.received_on, Payment.id)
    return list((await scope.db.execute(tenant_scoped(stmt, Payment, scope))).scalars())


def _check(request: PaymentRequest) -> None:
    if request.amount_cents <= 0:
        raise UserInputError(BillingErrorCode.INVALID_AMOUNT, "The amount must be more than zero.", ["input", "amount"])
    if request.mode is AllocationMode.SPEC and not request.allocations:
        raise UserInputError(BillingErrorCode.SPEC_NEEDS_ALLOCATIONS, "Name the invoices a SPEC payment pays.",
                             ["input", "allocations"])
    if request.mode is AllocationMode.FIFO and request.allocations:
        raise UserInputError(BillingErrorCode.FIFO_TAKES_NO_ALLOCATIONS, "A FIFO payment takes no allocations.",
                             ["input", "allocations"])
    try:
        check_money_day(request.received_on, utcnow().date(), "The receipt day")
    except MoneyDateError as error:
        raise money_date_error(error, "receivedOn") from None
    last4 = request.card_last4
    if last4 is not None and not (len(last4) == 4 and last4.isascii() and last4.isdigit()):
        raise UserInputError(BillingErrorCode.INVALID_CARD_LAST4, "Give only the card's last four digits.",
                             ["input", "cardLast4"])


def _hashed(request: PaymentRequest) -> dict:
    values = asdict(request)
    values.pop("idempotency_key")
    return values


async def _scope_ids(scope: RequestScope, customer: Customer, payment_scope: PaymentScope) -> list[int]:
    return await hierarchy_ids(scope, customer) if payment_scope is PaymentScope.HIERARCHY else [customer.id]


def _allocate(request: PaymentRequest, invoices: list) -> AllocationResult:
    try:
        if request.mode is AllocationMode.SPEC:
            return allocate_spec(request.amount_cents, request.allocations, invoices)
        return allocate_fifo(request.amount_cents, invoices)
    except AllocationError as error:
        raise allocation_error(error) from None


async def _apply_earlier_credit(scope: RequestScope, customer: Customer, invoices: list[Any], opens: dict[int, int],
                                request: PaymentRequest) -> None:
    """FIFO postings first apply the payer's earlier unapplied credit (oldest payment first)."""
    if request.mode is not AllocationMode.FIFO:
        return
    by_id = {i.id: i for i in invoices}
    for credit in await _credits(scope, customer.id):
        result = allocate_fifo(credit.unapplied_cents, _still_open(invoices, opens))
        await apply_many(scope, credit, by_id, opens, result.allocations, request.received_on)


async def _write(scope: RequestScope, request: PaymentRequest, invoices: list[Any], opens: dict[int, int],
                 result: AllocationResult) -> Payment:
    payment = Payment(
        client_id=scope.tenant_id, customer_id=request.customer_id, amount_cents=request.amount_cents,
        method=request.method, reference=request.reference, card_last4=request.card_last4,
        received_on=request.received_on, mode=request.mode, scope=request.scope, unapplied_cents=request.amount_cents,
        status=PaymentStatus.POSTED, idempotency_key=request.idempotency_key, created_by=scope.viewer.user_id,
    )
    scope.db.add(payment)
    await scope.db.flush()
    add_entry(scope, payment.customer_id, LedgerKind.PAYMENT, -payment.amount_cents,
              f"Payment ({request.method.value}{' ' + request.reference if request.reference else ''})",
              request.received_on, payment_id=payment.id)
    await apply_many(scope, payment, {i.id: i for i in invoices}, opens, result.allocations, request.received_on)
    await audit.record(scope, "billing.post_payment", "Payment", payment.id, {
        "amount_cents": {"from": None, "to": payment.amount_cents}, "mode": {"from": None, "to": request.mode.value}})
    await scope.db.flush()
    return payment


async def get_payment(scope: RequestScope, payment_id: int) -> Payment | None:
    stmt = tenant_scoped(select(Payment).where(Payment.id == payment_id), Payment, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def get_payment_or_fail(scope: RequestScope, payment_id: int, field: str = "paymentId") -> Payment:
    return get_or_not_found(await get_payment(scope, payment_id), "Payment", ["input", field])
