"""Create market transactions: the outbound requests a CSR starts (814 enrollment, drop, change, ...).

The request's immediate effect on the account's status (a drop leaves it PENDING_DROP) comes
from the enrollment rules and is recorded with the request; the utility's answer comes later
through `resolvers.accounts.responses`.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from db.base import utcnow
from db.enums import CommLogKind, EnrollmentStatus, MarketDirection, MarketTransactionStatus, MarketTransactionType
from db.models import MarketTransaction, RatePlan, UtilityAccount
from resolvers import audit
from resolvers.accounts.errors import AccountErrorCode
from resolvers.accounts.premises import get_account
from resolvers.accounts.status import apply_due_drops, change_state, planned_state, today
from resolvers.commlog.entries import append_entry
from resolvers.context import RequestScope
from resolvers.errors import Field, Invalid, UserInputError, field_path, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.enrollment import MarketEvent, Outcome, effective_date_is_plausible
from resolvers.scope import tenant_scoped

T = MarketTransactionType
EDI_SETS = {T.USAGE: "867", T.INVOICE: "810", T.REMITTANCE: "820"}  # every other type is an 814
LABELS = {T.ENROLLMENT: "Enrollment", T.DROP: "Drop", T.CHANGE: "Change", T.REINSTATEMENT: "Reinstatement",
          T.HISTORICAL_USAGE_REQUEST: "Historical usage request", T.MOVE_IN: "Move-in", T.MOVE_OUT: "Move-out",
          T.USAGE: "Usage", T.INVOICE: "Utility invoice", T.REMITTANCE: "Remittance"}
NEEDS_DATE = {T.MOVE_IN, T.MOVE_OUT}
ENROLLING = {T.ENROLLMENT, T.MOVE_IN}
MAX_DETAILS, MAX_NAME, MAX_VALUE, MAX_REASON = 50, 60, 500, 200
AWAITING = (MarketTransactionStatus.QUEUED, MarketTransactionStatus.SENT)


def edi_set(type_: MarketTransactionType) -> str:
    return EDI_SETS.get(type_, "814")


@dataclass(frozen=True, slots=True)
class NewTransaction:
    utility_account_id: int
    type: MarketTransactionType
    effective_date: date | None = None
    reason: str | None = None
    changes: tuple[tuple[str, str], ...] = ()


def clean_details(pairs: Sequence[tuple[str, str]], field: Field) -> dict[str, str]:
    """Named values as the transaction carries them: names unique and non-blank, lengths bounded."""
    if len(pairs) > MAX_DETAILS:
        raise Invalid(f"At most {MAX_DETAILS} fields.", field)
    details: dict[str, str] = {}
    for index, (name, value) in enumerate(pairs):
        name, value, at = (name or "").strip(), (value or "").strip(), (*field_path(field), index)
        if not name or len(name) > MAX_NAME or name in details:
            raise Invalid(f"Field names must be unique, non-blank and at most {MAX_NAME} characters.", at)
        if len(value) > MAX_VALUE:
            raise UserInputError(AccountErrorCode.VALUE_TOO_LONG, f"{name}: at most {MAX_VALUE} characters.", at)
        details[name] = value
    return details


def clean_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        message = f"The reason is longer than {MAX_REASON} characters."
        raise UserInputError(AccountErrorCode.VALUE_TOO_LONG, message, "reason")
    return reason


def new_reference(type_: MarketTransactionType) -> str:
    """A reference the utility quotes back: the EDI set and 12 random hex digits."""
    return f"{edi_set(type_)}-{uuid.uuid4().hex[:12].upper()}"


def check_effective_date(day: date | None) -> None:
    if day is not None and not effective_date_is_plausible(day, today()):
        raise UserInputError(AccountErrorCode.EFFECTIVE_DATE_OUT_OF_RANGE, f"The effective date {day.isoformat()} is "
                             "more than ten years from today.", "effective_date")


def _check(new: NewTransaction) -> dict[str, str]:
    if new.type in NEEDS_DATE and new.effective_date is None:
        message = f"A {LABELS[new.type].lower()} needs the date of the move."
        raise UserInputError(AccountErrorCode.EFFECTIVE_DATE_REQUIRED, message, "effective_date")
    check_effective_date(new.effective_date)
    changes = clean_details(new.changes, "changes")
    if new.type is T.CHANGE and not changes:
        raise UserInputError(AccountErrorCode.CHANGES_REQUIRED, "Name the fields the change request changes.",
                             "changes")
    if new.type is not T.CHANGE and changes:
        raise Invalid("Only a change request carries changes.", "changes")
    return changes


async def create_market_transaction(
    scope: RequestScope, new: NewTransaction
) -> tuple[MarketTransaction, UtilityAccount]:
    ensure_allowed(scope, Action.CREATE_MARKET_TRANSACTION)
    changes, reason = _check(new), clean_reason(new.reason)
    await apply_due_drops(scope, today(), [new.utility_account_id])
    account = get_or_not_found(await get_account(scope, new.utility_account_id, for_update=True), "Utility account",
                               "utility_account_id")
    event = MarketEvent(new.type, Outcome.REQUESTED, new.effective_date or today())
    planned = planned_state(account, event, "type")
    transaction = MarketTransaction(
        client_id=scope.tenant_id, utility_account_id=account.id, type=new.type, direction=MarketDirection.OUTBOUND,
        status=MarketTransactionStatus.QUEUED, reference=new_reference(new.type), reason=reason,
        details=await _request_details(scope, account, new, reason, changes), effective_date=new.effective_date,
        created_by=scope.viewer.user_id, created_at=utcnow(),
    )
    scope.db.add(transaction)
    await scope.db.flush()
    before = account.status
    await change_state(scope, account, planned, event, transaction_id=transaction.id,
                       reason=f"{LABELS[new.type]} requested")
    await record_and_log(scope, account, transaction, before, "market_transaction.create",
                         f"{edi_set(new.type)} {LABELS[new.type].lower()} request queued for the utility")
    return transaction, account


async def _request_details(scope: RequestScope, account: UtilityAccount, new: NewTransaction, reason: str | None,
                           changes: dict[str, str]) -> dict[str, Any]:
    """What the request carries to the utility, as the history panel's detail view shows it."""
    details: dict[str, Any] = {"ldcAccountNumber": account.ldc_account_number}
    if account.meter_number:
        details["meterNumber"] = account.meter_number
    if new.type in ENROLLING:
        details["serviceAddress"] = service_address(account)
        plan = await _plan_code(scope, account.rate_plan_id)
        if plan:
            details["ratePlan"] = plan
    if new.effective_date:
        details["effectiveDate"] = new.effective_date.isoformat()
    if reason:
        details["reason"] = reason
    return {**details, **changes}


def service_address(account: UtilityAccount) -> str:
    parts = (account.service_line1, account.service_line2, account.service_city,
             f"{account.service_state} {account.service_zip}")
    return ", ".join(p for p in parts if p)


async def _plan_code(scope: RequestScope, plan_id: int | None) -> str | None:
    if plan_id is None:
        return None
    stmt = tenant_scoped(select(RatePlan.code).where(RatePlan.id == plan_id), RatePlan, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def record_and_log(
    scope: RequestScope,
    account: UtilityAccount,
    transaction: MarketTransaction,
    before: EnrollmentStatus,
    action: str,
    subject: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """The audit event and the SYSTEM log entry every market transaction leaves on its account."""
    changes: dict[str, Any] = {"marketTransaction": {"from": None, "to": transaction.reference}, **(extra or {})}
    lines = [f"Reference {transaction.reference} ({transaction.type.value}, {transaction.status.value})."]
    if account.status != before:
        changes["status"] = {"from": before.value, "to": account.status.value}
        lines.append(f"Enrollment status: {before.value} -> {account.status.value}.")
    lines += [f"{name}: {value}" for name, value in transaction.details.items() if value]
    await audit.record(scope, action, "UtilityAccount", account.id, changes)
    await append_entry(scope, customer_id=account.customer_id, kind=CommLogKind.SYSTEM, category="Market transaction",
                       subject=f"{subject} ({account.ldc_account_number})"[:200], body="\n".join(lines),
                       utility_account_id=account.id)
