"""Adjustments: a debit or credit with a reason code, on the account or against one invoice.

Above the client's threshold (settings `adjustment_threshold_cents`, default $100.00) only a
TEAM_LEAD may post one. A credit against an invoice may not exceed its open amount; a debit against a
REVERSED invoice is refused (its period may have been billed again: it would be billed twice).
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select

from db.base import utcnow
from db.enums import AdjustmentDirection, InvoiceStatus, LedgerKind
from db.models import Adjustment
from resolvers import audit
from resolvers.admin.queries import client_settings
from resolvers.billing import idempotency
from resolvers.billing.errors import DESCRIPTIONS, BillingErrorCode
from resolvers.billing.locks import lock_customers
from resolvers.billing.lookups import customer_or_not_found, invoice_or_not_found
from resolvers.billing.postings import add_entry, set_open
from resolvers.context import RequestScope
from resolvers.errors import Invalid, NotFound, UserInputError
from resolvers.permissions import Action, can, ensure_allowed
from resolvers.rules.money import format_cents
from resolvers.scope import tenant_scoped

DEFAULT_THRESHOLD_CENTS = 10_000
MAX_REASON_CODE = 40


@dataclass(frozen=True, slots=True)
class AdjustmentRequest:
    customer_id: int
    direction: AdjustmentDirection
    amount_cents: int
    reason_code: str
    note: str | None = None
    invoice_id: int | None = None
    effective_on: date | None = None
    idempotency_key: str | None = field(default=None, compare=False)


OPERATION = "create_adjustment"


async def create_adjustment(scope: RequestScope, request: AdjustmentRequest) -> Adjustment:
    """Post a debit or credit; with an idempotency key a retry returns the first adjustment."""
    ensure_allowed(scope, Action.CREATE_ADJUSTMENT)
    code = _checked(request)
    hashed = {k: v for k, v in asdict(request).items() if k != "idempotency_key"}
    digest = idempotency.request_hash(OPERATION, hashed)
    earlier = await idempotency.claim(scope, request.idempotency_key, OPERATION, digest)
    if earlier is not None:
        stmt = tenant_scoped(select(Adjustment).where(Adjustment.id == earlier["adjustment_id"]), Adjustment, scope)
        return (await scope.db.execute(stmt)).scalar_one()
    adjustment = await _post(scope, request, code)
    await idempotency.store(scope, request.idempotency_key, {"adjustment_id": adjustment.id})
    return adjustment


async def _post(scope: RequestScope, request: AdjustmentRequest, code: str) -> Adjustment:
    await _check_threshold(scope, request.amount_cents)
    customer = await customer_or_not_found(scope, request.customer_id)
    await lock_customers(scope, [customer.id])
    signed = request.amount_cents if request.direction is AdjustmentDirection.DEBIT else -request.amount_cents
    if request.invoice_id is not None:
        await _against_invoice(scope, customer.id, request.invoice_id, signed)
    on = request.effective_on or utcnow().date()
    adjustment = Adjustment(
        client_id=scope.tenant_id,
        customer_id=customer.id,
        invoice_id=request.invoice_id,
        direction=request.direction,
        reason_code=code,
        note=request.note,
        amount_cents=request.amount_cents,
        effective_on=on,
        created_by=scope.viewer.user_id,
    )
    scope.db.add(adjustment)
    await scope.db.flush()
    add_entry(
        scope,
        customer.id,
        LedgerKind.ADJUSTMENT,
        signed,
        f"{request.direction.value.title()} adjustment ({code})",
        on,
        adjustment_id=adjustment.id,
        invoice_id=request.invoice_id,
    )
    await audit.record(
        scope, "billing.create_adjustment", "Adjustment", adjustment.id, {"amount_cents": {"from": None, "to": signed}}
    )
    await scope.db.flush()
    return adjustment


def _checked(request: AdjustmentRequest) -> str:
    if request.amount_cents <= 0:
        raise UserInputError(BillingErrorCode.INVALID_AMOUNT, "The amount must be more than zero.", "amount")
    code = (request.reason_code or "").strip().upper()
    if not code or len(code) > MAX_REASON_CODE:
        raise Invalid(f"Give a reason code (1-{MAX_REASON_CODE} characters).", "reason_code")
    return code


async def _check_threshold(scope: RequestScope, amount_cents: int) -> None:
    threshold = int((await client_settings(scope)).get("adjustment_threshold_cents", DEFAULT_THRESHOLD_CENTS))
    if amount_cents > threshold and not can(scope.viewer.role, Action.APPROVE_LARGE_ADJUSTMENT):
        raise UserInputError(BillingErrorCode.ADJUSTMENT_NEEDS_TEAM_LEAD,
                             f"Adjustments above {format_cents(threshold)} need a TEAM_LEAD.", "amount")


async def _against_invoice(scope: RequestScope, customer_id: int, invoice_id: int, signed: int) -> None:
    invoice = await invoice_or_not_found(scope, invoice_id, "invoice_id")  # under the customer's lock (_post)
    await scope.db.refresh(invoice)
    if invoice.customer_id != customer_id:
        raise NotFound("Invoice", "invoice_id")
    if invoice.status is InvoiceStatus.REVERSED and signed > 0:  # it would bill its period beside its re-billing
        raise UserInputError(BillingErrorCode.INVOICE_REVERSED, DESCRIPTIONS[BillingErrorCode.INVOICE_REVERSED],
                             "invoice_id")
    if invoice.open_cents + signed < 0:
        raise UserInputError(
            BillingErrorCode.CREDIT_EXCEEDS_OPEN_AMOUNT, "The credit is more than the invoice's open amount.", "amount"
        )
    invoice.charges_cents += signed
    set_open(invoice, invoice.open_cents + signed)
