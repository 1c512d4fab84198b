"""Enrollment status changes: apply the rule's next state to an account and keep the history.

Every change is a row of `enrollment_status_changes` with its time and the transaction that
caused it; the account's current enrollment (its latest `Enrollment` row) follows the status.
"""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, literal, select, update

from db.base import UtcDateTime, utcnow
from db.enums import EnrollmentStatus as S
from db.models import Enrollment, EnrollmentStatusChange, UtilityAccount
from db.results import rows_changed
from resolvers.accounts.errors import refused
from resolvers.context import RequestScope
from resolvers.errors import Field
from resolvers.rules.enrollment import AccountState, ImpossibleTransition, MarketEvent, next_state
from resolvers.scope import tenant_scoped

DROP_DUE_REASON = "End date reached"


def today() -> date:
    """The current day in UTC, the day every status rule is applied on."""
    return utcnow().date()


def state_of(account: UtilityAccount) -> AccountState:
    return AccountState(status=account.status, start_date=account.start_date, end_date=account.end_date,
                        contract_term_months=account.contract_term_months, pending_transfer=account.pending_transfer)


def planned_state(account: UtilityAccount, event: MarketEvent, field: Field) -> AccountState:
    """The account's state after `event`, or the rule's refusal as a userError."""
    try:
        return next_state(state_of(account), event)
    except ImpossibleTransition as error:
        raise refused(error, field) from None


async def change_state(scope: RequestScope, account: UtilityAccount, new: AccountState, event: MarketEvent, *,
                       transaction_id: int | None, reason: str | None) -> EnrollmentStatusChange | None:
    """Write `new` onto the account; a new status is recorded and followed by the current enrollment."""
    old = account.status
    account.status, account.start_date, account.end_date = new.status, new.start_date, new.end_date
    account.pending_transfer = new.pending_transfer
    if new.status == old:
        return None
    change = EnrollmentStatusChange(
        client_id=scope.tenant_id, utility_account_id=account.id, from_status=old, to_status=new.status,
        market_transaction_id=transaction_id, reason=reason, actor_id=scope.viewer.user_id,
    )
    scope.db.add(change)
    await _follow_in_enrollments(scope, account, old, new, event)
    await scope.db.flush()
    return change


async def _follow_in_enrollments(scope: RequestScope, account: UtilityAccount, old: S, new: AccountState,
                                 event: MarketEvent) -> None:
    """A new enrollment starts a history row; other changes update the current one."""
    if new.status is S.PENDING:
        scope.db.add(Enrollment(client_id=scope.tenant_id, utility_account_id=account.id, status=S.PENDING,
                                rate_plan_id=account.rate_plan_id, start_date=event.on, end_date=None))
        return
    current = await _current_enrollment(scope, account.id)
    if current is None:
        return
    never_started = old is S.PENDING and new.status in (S.DROPPED, S.INACTIVE)
    current.status = S.INACTIVE if never_started else new.status
    if new.status in (S.ACTIVE, S.DROP_ACCEPTED):
        current.start_date, current.end_date = new.start_date, new.end_date


async def _current_enrollment(scope: RequestScope, account_id: int) -> Enrollment | None:
    stmt = tenant_scoped(select(Enrollment), Enrollment, scope).where(Enrollment.utility_account_id == account_id)
    return (await scope.db.execute(stmt.order_by(Enrollment.id.desc()).limit(1))).scalar_one_or_none()


async def status_change_of(scope: RequestScope, transaction_id: int) -> EnrollmentStatusChange | None:
    """The status change a transaction caused, if any."""
    stmt = tenant_scoped(select(EnrollmentStatusChange), EnrollmentStatusChange, scope)
    stmt = stmt.where(EnrollmentStatusChange.market_transaction_id == transaction_id)
    return (await scope.db.execute(stmt.limit(1))).scalar_one_or_none()


async def apply_due_drops(scope: RequestScope, on: date, account_ids: Sequence[int] | None = None) -> int:
    """DROP_ACCEPTED accounts whose end date has come become DROPPED, history and enrollments
    included, in three set-based statements. Returns how many accounts were dropped."""
    due = tenant_scoped(select(UtilityAccount.id), UtilityAccount, scope).where(
        UtilityAccount.status == S.DROP_ACCEPTED, UtilityAccount.end_date <= on)
    if account_ids is not None:
        due = due.where(UtilityAccount.id.in_(account_ids))
    history = due.with_only_columns(
        UtilityAccount.client_id, UtilityAccount.id, literal(S.DROP_ACCEPTED.value), literal(S.DROPPED.value),
        literal(utcnow(), UtcDateTime()), literal(DROP_DUE_REASON),
    )
    columns = ["client_id", "utility_account_id", "from_status", "to_status", "changed_at", "reason"]
    await scope.db.execute(insert(EnrollmentStatusChange).from_select(columns, history))
    no_sync = {"synchronize_session": False}
    due_ids = due.correlate(None).scalar_subquery()  # never correlated into the UPDATE of the same table
    await scope.db.execute(
        update(Enrollment).where(Enrollment.utility_account_id.in_(due_ids),
                                 Enrollment.status == S.DROP_ACCEPTED).values(status=S.DROPPED),
        execution_options=no_sync,
    )
    result = await scope.db.execute(
        update(UtilityAccount).where(UtilityAccount.id.in_(due_ids)).values(status=S.DROPPED),
        execution_options=no_sync,
    )
    return rows_changed(result)
