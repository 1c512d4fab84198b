"""Post a payment (FIFO or SPEC, one customer or a master's hierarchy), preview it, or return it (NSF)."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, insert, select

from db.base import utcnow
from db.enums import (
    AllocationMode,
    LedgerKind,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
)
from db.models import Payment
from resolvers import audit
from resolvers.billing import fifo, idempotency
from resolvers.billing.errors import BillingErrorCode, allocation_error, money_date_error
from resolvers.billing.locks import lock_customers
from resolvers.billing.lookups import customer_id_or_not_found, hierarchy_ids, open_invoices
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
    paid_in_order,
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
    payment: Payment | Row[Any]  # the row as written (a replay reads the earlier one)
    replayed: bool


async def post_payment(scope: RequestScope, request: PaymentRequest) -> PaymentDone:
    ensure_allowed(scope, Action.POST_PAYMENT)
    _check(request)
    digest = idempotency.request_hash(OPERATION, hashed_values(request))
    earlier = await idempotency.claim(scope, request.idempotency_key, OPERATION, digest)
    if earlier is not None:
        return PaymentDone(await get_payment_or_fail(scope, earlier["payment_id"]), replayed=True)
    customer_ids = await _paid_customer_ids(scope, request)
    await lock_customers(scope, customer_ids)
    post = _post_fifo if request.mode is AllocationMode.FIFO else _post_spec
    payment = await post(scope, request, customer_ids)
    await audit.insert_event(scope, "billing.post_payment", "Payment", payment.id, {
        "amount_cents": {"from": None, "to": payment.amount_cents}, "mode": {"from": None, "to": request.mode.value}})
    await idempotency.store(scope, request.idempotency_key, {"payment_id": payment.id})
    return PaymentDone(payment, replayed=False)


async def preview_allocation(scope: RequestScope, request: PaymentRequest) -> AllocationResult:
    """The allocations the posting would make, saving nothing (a FIFO posting applies earlier credit first),
    worked out by the allocation rules over the open invoices read as rows."""
    _check(request)
    invoices = await open_invoices(scope, await _paid_customer_ids(scope, request))
    credits = await _credits(scope, request.customer_id) if request.mode is AllocationMode.FIFO else []
    return _allocate(request, apply_credit_first(credits, invoices)[1])


async def _post_fifo(scope: RequestScope, request: PaymentRequest, customer_ids: list[int]) -> Row[Any]:
    """Earlier credit first, then the payment, FIFO: the database allocates (fifo.py); Python reads only what is
    owed in all and the credits."""
    held = await fifo.standing(scope, request.customer_id, customer_ids)
    *spent, paid = paid_in_order(held.owed_cents, [*(c.cents for c in held.credits), request.amount_cents])
    payment = await _insert_payment(scope, request, request.amount_cents - paid)
    payers = [*held.credits, Credit(payment.id, request.amount_cents)]
    await fifo.pay(scope, request.customer_id, customer_ids, payers, _own_entry(scope, request, payment.id))
    await use_credit(scope, [
        Credit(c.payment_id, cents) for c, cents in zip(held.credits, spent, strict=True) if cents])
    return payment


async def _post_spec(scope: RequestScope, request: PaymentRequest, customer_ids: list[int]) -> Row[Any]:
    """The named invoices, checked against their open amounts by the rules (a few rows)."""
    invoices = await open_invoices(scope, customer_ids)
    result = _allocate(request, invoices)
    payment = await _insert_payment(scope, request, result.unapplied_cents)
    await apply_many(scope, request.customer_id, {i.id: i for i in invoices}, [Applied(payment.id, result.allocations)],
                     request.received_on, {payment.id: [_own_entry(scope, request, payment.id)]})
    return payment


async def _insert_payment(scope: RequestScope, request: PaymentRequest, unapplied_cents: int) -> Row[Any]:
    """INSERT the payment, leaving `unapplied_cents` as credit: the row written, for the payload."""
    stmt = reused(scope, "insert-payment", _insert_payment_statement)
    values = {"client_id": scope.tenant_id, "customer_id": request.customer_id, "amount_cents": request.amount_cents,
              "method": request.method, "reference": request.reference, "card_last4": request.card_last4,
              "received_on": request.received_on, "mode": request.mode, "scope": request.payment_scope,
              "unapplied_cents": unapplied_cents, "status": PaymentStatus.POSTED,
              "idempotency_key": request.idempotency_key, "created_by": scope.viewer.user_id}
    return (await scope.db.execute(stmt, values)).one()


def _insert_payment_statement(scope: RequestScope) -> Any:
    payments = Payment.__table__  # Core: a row back, no ORM object
    return insert(payments).returning(*payments.c)


def _own_entry(scope: RequestScope, request: PaymentRequest, payment_id: int) -> dict[str, Any]:
    """The payment's own ledger row."""
    text = f"Payment ({request.method.value}{' ' + request.reference if request.reference else ''})"
    return ledger_row(scope, request.customer_id, LedgerKind.PAYMENT, -request.amount_cents, text,
                      request.received_on, payment_id=payment_id)


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


async def _paid_customer_ids(scope: RequestScope, request: PaymentRequest) -> list[int]:
    """The customers whose invoices the payment may pay (NOT_FOUND when the payer is not the client's)."""
    payer_id = await customer_id_or_not_found(scope, request.customer_id)
    return await hierarchy_ids(scope, payer_id) if request.payment_scope is PaymentScope.HIERARCHY else [payer_id]


def _allocate(request: PaymentRequest, invoices: Sequence[Owing]) -> AllocationResult:
    try:
        if request.mode is AllocationMode.SPEC:
            return allocate_spec(request.amount_cents, request.allocations, invoices)
        return allocate_fifo(request.amount_cents, invoices)
    except AllocationError as error:
        raise allocation_error(error) from None


async def get_payment(scope: RequestScope, payment_id: int) -> Payment | None:
    stmt = tenant_scoped(select(Payment).where(Payment.id == payment_id), Payment, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def get_payment_or_fail(scope: RequestScope, payment_id: int, field: str = "payment_id") -> Payment:
    return get_or_not_found(await get_payment(scope, payment_id), "Payment", field)
