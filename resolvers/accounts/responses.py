"""Record what the utility sends: the answer to one of our requests, or a transaction it sends unasked.

An answer must name both the account (its LDC number) and the request (its reference), and
they must belong together: responses posted to the wrong account are refused, nothing written.
"""

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.base import utcnow
from db.enums import MarketDirection, MarketTransactionStatus, MarketTransactionType
from db.models import MarketTransaction, UtilityAccount
from resolvers.accounts.errors import AccountErrorCode
from resolvers.accounts.premises import get_account
from resolvers.accounts.status import apply_due_drops, change_state, planned_state, status_change_of, today
from resolvers.accounts.transactions import (
    AWAITING,
    LABELS,
    check_effective_date,
    clean_details,
    clean_reason,
    edi_set,
    record_and_log,
)
from resolvers.context import RequestScope
from resolvers.errors import Invalid, UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.enrollment import MarketEvent, Outcome
from resolvers.scope import tenant_scoped

MAX_REFERENCE = 40


class ResponseOutcome(enum.StrEnum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    INBOUND = "INBOUND"


OUTCOMES = {ResponseOutcome.ACCEPT: Outcome.ACCEPTED, ResponseOutcome.REJECT: Outcome.REJECTED,
            ResponseOutcome.INBOUND: Outcome.RECEIVED}
STATUSES = {ResponseOutcome.ACCEPT: MarketTransactionStatus.ACCEPTED,
            ResponseOutcome.REJECT: MarketTransactionStatus.REJECTED,
            ResponseOutcome.INBOUND: MarketTransactionStatus.RECEIVED}


@dataclass(frozen=True, slots=True)
class MarketResponse:
    ldc_account_number: str
    reference: str
    outcome: ResponseOutcome
    responds_to: str | None = None
    type: MarketTransactionType | None = None  # what an INBOUND transaction is
    reason: str | None = None
    effective_date: date | None = None
    details: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Recorded:
    transaction: MarketTransaction
    account: UtilityAccount
    request: MarketTransaction | None


def _check(response: MarketResponse) -> None:
    reference = response.reference.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        raise Invalid(f"Give the utility's reference (at most {MAX_REFERENCE} characters).", "reference")
    answering = response.outcome is not ResponseOutcome.INBOUND
    if answering and not (response.responds_to or "").strip():
        raise UserInputError(AccountErrorCode.REQUEST_REFERENCE_REQUIRED,
                             "Name the request answered (its reference).", "responds_to")
    if not answering and response.responds_to:
        raise Invalid("An inbound transaction answers no request; leave respondsTo out.", "responds_to")
    if not answering and response.type is None:
        raise Invalid("Say what the inbound transaction is (its type).", "type")
    if answering and response.type is not None:
        raise Invalid("An answer has the type of its request; leave type out.", "type")
    if response.outcome is ResponseOutcome.REJECT and not (response.reason or "").strip():
        raise UserInputError(AccountErrorCode.REJECTION_REASON_REQUIRED, "Give the utility's rejection reason.",
                             "reason")
    check_effective_date(response.effective_date)


async def record_market_response(scope: RequestScope, response: MarketResponse) -> Recorded:
    ensure_allowed(scope, Action.RECORD_MARKET_RESPONSE)
    _check(response)
    details, reason = clean_details(response.details, "details"), clean_reason(response.reason)
    account_id = await _account_id_by_ldc(scope, response.ldc_account_number)
    await _check_reference_is_new(scope, response.reference.strip())
    await apply_due_drops(scope, today(), [account_id])
    account = await get_account(scope, account_id, for_update=True)
    assert account is not None  # found a moment ago in this transaction
    request = None
    if response.outcome is not ResponseOutcome.INBOUND:
        request = await _answered_request(scope, response.responds_to.strip(), account)  # type: ignore[union-attr]
    event = await _event(scope, response, request)
    planned = planned_state(account, event, "outcome")
    transaction = _response_row(scope, response, account, request, reason, details)
    scope.db.add(transaction)
    await scope.db.flush()
    before = account.status
    extra = {}
    if request is not None:
        extra = {"request": {"from": request.status.value, "to": transaction.status.value}}
        request.status, request.responded_at = transaction.status, transaction.created_at
        request.sent_at = request.sent_at or transaction.created_at  # it was answered, so it was sent
    await change_state(scope, account, planned, event, transaction_id=transaction.id, reason=_why(transaction, request))
    await record_and_log(scope, account, transaction, before, "market_transaction.record_response",
                         _subject(transaction, request), extra)
    return Recorded(transaction, account, request)


async def _account_id_by_ldc(scope: RequestScope, ldc: str) -> int:
    stmt = select(UtilityAccount.id).where(UtilityAccount.ldc_account_number == ldc.strip())
    found = (await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).scalar_one_or_none()
    if found is None:
        raise UserInputError(AccountErrorCode.LDC_ACCOUNT_NOT_FOUND,
                             f"No utility account with LDC account number {ldc.strip()!r}.", "ldc_account_number")
    return found


async def by_reference(scope: RequestScope, reference: str) -> MarketTransaction | None:
    stmt = select(MarketTransaction).where(MarketTransaction.reference == reference)
    return (await scope.db.execute(tenant_scoped(stmt, MarketTransaction, scope))).scalar_one_or_none()


async def _check_reference_is_new(scope: RequestScope, reference: str) -> None:
    if await by_reference(scope, reference) is not None:
        raise UserInputError(AccountErrorCode.DUPLICATE_REFERENCE,
                             f"A market transaction with reference {reference!r} is already recorded.", "reference")


async def _answered_request(scope: RequestScope, reference: str, account: UtilityAccount) -> MarketTransaction:
    """The request the answer names: it must exist, be ours, be for this account, and await an answer."""
    request = await by_reference(scope, reference)
    if request is None:
        raise UserInputError(AccountErrorCode.REQUEST_NOT_FOUND, f"No request with reference {reference!r}.",
                             "responds_to")
    if request.utility_account_id != account.id:
        other = await get_account(scope, request.utility_account_id)
        whose = "another account of the same customer" if other and other.customer_id == account.customer_id \
            else "another customer's account"
        message = (f"Request {reference} was sent for {whose} ({other.ldc_account_number if other else '?'}), "
                   f"not for {account.ldc_account_number}.")
        raise UserInputError(AccountErrorCode.RESPONSE_ACCOUNT_MISMATCH, message, "ldc_account_number")
    if request.direction is not MarketDirection.OUTBOUND:
        raise UserInputError(AccountErrorCode.NOT_A_REQUEST, f"{reference} came from the utility; it is not a request.",
                             "responds_to")
    if request.status not in AWAITING:
        message = f"Request {reference} was already answered ({request.status.value})."
        raise UserInputError(AccountErrorCode.REQUEST_ALREADY_ANSWERED, message, "responds_to")
    return request


async def _event(scope: RequestScope, response: MarketResponse, request: MarketTransaction | None) -> MarketEvent:
    outcome = OUTCOMES[response.outcome]
    if request is None:
        return MarketEvent(response.type, outcome, response.effective_date or today())  # type: ignore[arg-type]
    on = response.effective_date or request.effective_date or today()
    caused = await status_change_of(scope, request.id) if outcome is Outcome.REJECTED else None
    return MarketEvent(request.type, outcome, on, before_request=caused.from_status if caused else None,
                       after_request=caused.to_status if caused else None)


def _response_row(scope: RequestScope, response: MarketResponse, account: UtilityAccount,
                  request: MarketTransaction | None, reason: str | None, details: dict[str, str]) -> MarketTransaction:
    carried = {"ldcAccountNumber": account.ldc_account_number}
    if request is not None:
        carried["respondsTo"] = request.reference
    if response.effective_date:
        carried["effectiveDate"] = response.effective_date.isoformat()
    if reason:
        carried["reason"] = reason
    return MarketTransaction(
        client_id=scope.tenant_id, utility_account_id=account.id, type=request.type if request else response.type,
        direction=MarketDirection.INBOUND, status=STATUSES[response.outcome], reference=response.reference.strip(),
        related_id=request.id if request else None, reason=reason, details={**carried, **details},
        effective_date=response.effective_date, created_by=scope.viewer.user_id, created_at=utcnow(),
    )


def _why(transaction: MarketTransaction, request: MarketTransaction | None) -> str:
    label = LABELS[transaction.type]
    if request is None:
        return f"{label} received from the utility"
    return f"{label} {transaction.status.value.lower()} by the utility"


def _subject(transaction: MarketTransaction, request: MarketTransaction | None) -> str:
    label, code = LABELS[transaction.type].lower(), edi_set(transaction.type)
    if request is None:
        return f"{code} {label} received from the utility"
    return f"Utility {transaction.status.value.lower()} the {label} request {request.reference}"
