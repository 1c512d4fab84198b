"""Special charges: one-off charges PENDING until the next billing run; removal is recorded, never a delete."""

from sqlalchemy import select

from db.base import utcnow
from db.enums import SpecialChargeStatus
from db.models import SpecialCharge
from resolvers import audit
from resolvers.billing.errors import BillingErrorCode, checked_reason
from resolvers.billing.locks import lock_customers
from resolvers.billing.lookups import customer_or_not_found
from resolvers.context import RequestScope
from resolvers.errors import UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped

MAX_DESCRIPTION = 200


async def create_special_charge(scope: RequestScope, customer_id: int, description: str, amount_cents: int,
                                reason: str | None) -> SpecialCharge:
    ensure_allowed(scope, Action.MANAGE_SPECIAL_CHARGES)
    reason = checked_reason(reason)
    text = " ".join((description or "").split())
    if not text or len(text) > MAX_DESCRIPTION:
        raise UserInputError(
            BillingErrorCode.BILLING_REASON_REQUIRED,
            f"Describe the charge (1-{MAX_DESCRIPTION} characters).",
            "description",
        )
    customer = await customer_or_not_found(scope, customer_id)
    charge = await new_special_charge(scope, customer.id, text, amount_cents, reason)
    await audit.record(scope, "billing.create_special_charge", "SpecialCharge", charge.id,
                       {"amount_cents": {"from": None, "to": amount_cents}})
    return charge


async def new_special_charge(scope: RequestScope, customer_id: int, description: str, amount_cents: int,
                             reason: str) -> SpecialCharge:
    if amount_cents <= 0:
        raise UserInputError(BillingErrorCode.INVALID_AMOUNT, "The amount must be more than zero.", "amount")
    charge = SpecialCharge(
        client_id=scope.tenant_id,
        customer_id=customer_id,
        description=description,
        reason=reason,
        amount_cents=amount_cents,
        status=SpecialChargeStatus.PENDING,
        created_by=scope.viewer.user_id,
    )
    scope.db.add(charge)
    await scope.db.flush()
    return charge


async def remove_special_charge(scope: RequestScope, charge_id: int, reason: str | None) -> SpecialCharge:
    """Mark a PENDING charge REMOVED with who, when and why; a billed charge stays (reverse its line instead)."""
    ensure_allowed(scope, Action.MANAGE_SPECIAL_CHARGES)
    reason = checked_reason(reason)
    charge = await get_special_charge(scope, charge_id)
    charge = get_or_not_found(charge, "Special charge", "special_charge_id")
    await lock_customers(scope, [charge.customer_id])  # a billing run must not bill it meanwhile
    await scope.db.refresh(charge)
    if charge.status is not SpecialChargeStatus.PENDING:
        raise UserInputError(BillingErrorCode.SPECIAL_CHARGE_NOT_PENDING, f"The charge is {charge.status.value}.",
                             "special_charge_id")
    charge.status, charge.removed_by, charge.removed_at, charge.removed_reason = (
        SpecialChargeStatus.REMOVED, scope.viewer.user_id, utcnow(), reason)
    await audit.record(scope, "billing.remove_special_charge", "SpecialCharge", charge.id,
                       {"status": {"from": "PENDING", "to": "REMOVED"}})
    await scope.db.flush()
    return charge


async def get_special_charge(scope: RequestScope, charge_id: int) -> SpecialCharge | None:
    stmt = tenant_scoped(select(SpecialCharge).where(SpecialCharge.id == charge_id), SpecialCharge, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()
