"""Enrollment status changes through the resolvers: each request and answer moves the account as the rules say,
records the change with its transaction and actor, and keeps the current enrollment in step; the daily job drops
due accounts set-based, only the client's; an impossible request names its refusal and writes nothing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.enums import EnrollmentStatus as S
from db.enums import MarketTransactionType as T
from db.models import Enrollment, EnrollmentStatusChange, MarketTransaction, UtilityAccount
from resolvers.accounts.responses import MarketResponse, ResponseOutcome, record_market_response
from resolvers.accounts.status import DROP_DUE_REASON, apply_due_drops, today
from resolvers.accounts.transactions import NewTransaction, create_market_transaction
from resolvers.rules.enrollment import REQUEST_REFUSALS
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.resolvers.helpers import act, audit_trail, code_and_field, count, fetch, log_of, refused, status_changes


async def account_in(session, tenant, status: S, **extra) -> UtilityAccount:
    customer = await make_customer(session, tenant, f"Holder {status.value.title()}")
    account = await make_account(session, customer, status=status, **extra)
    await session.commit()
    return account


async def status_of(database, account) -> tuple[S, date | None]:
    [row] = await fetch(database, select(UtilityAccount.status, UtilityAccount.end_date)
                        .where(UtilityAccount.id == account.id))
    return tuple(row)


async def current_enrollment(database, account) -> S:
    stmt = select(Enrollment.status).where(Enrollment.utility_account_id == account.id).order_by(Enrollment.id.desc())
    return (await fetch(database, stmt))[0]


def answer(account, reference: str, outcome: ResponseOutcome, responds_to: str | None = None,
           **extra) -> MarketResponse:
    return MarketResponse(ldc_account_number=account.ldc_account_number, reference=reference, outcome=outcome,
                          responds_to=responds_to, **extra)


async def test_a_drop_runs_from_request_to_acceptance_to_its_end_date(database, session, tenant):
    account = await account_in(session, tenant, S.ACTIVE)
    end = today() + timedelta(days=30)
    request, _ = await act(database, tenant.agent, create_market_transaction,
                           NewTransaction(account.id, T.DROP, effective_date=end, reason="Moving abroad"))
    assert await status_of(database, account) == (S.PENDING_DROP, date(2026, 12, 31))
    accepted = await act(database, tenant.lead, record_market_response,
                         answer(account, "UTIL-1", ResponseOutcome.ACCEPT, request.reference))
    assert accepted.request.id == request.id
    assert await status_of(database, account) == (S.DROP_ACCEPTED, end)
    # the daily job leaves it until its end date, then drops it
    assert await act(database, tenant.admin, apply_due_drops, end - timedelta(days=1)) == 0
    assert await act(database, tenant.admin, apply_due_drops, end) == 1
    assert await status_of(database, account) == (S.DROPPED, end)
    assert await current_enrollment(database, account) is S.DROPPED
    assert await status_changes(database, account.id) == [
        (S.ACTIVE, S.PENDING_DROP, request.id, tenant.agent.id),
        (S.PENDING_DROP, S.DROP_ACCEPTED, accepted.transaction.id, tenant.lead.id),
        (S.DROP_ACCEPTED, S.DROPPED, None, None)]
    [reason] = await fetch(database, select(MarketTransaction.reason).where(MarketTransaction.id == request.id))
    assert reason == "Moving abroad"


async def test_an_enrollment_accepted_makes_the_account_active_and_a_new_enrollment(database, session, tenant):
    account = await account_in(session, tenant, S.DROPPED)
    start = today() + timedelta(days=7)
    request, _ = await act(database, tenant.agent, create_market_transaction,
                           NewTransaction(account.id, T.ENROLLMENT, effective_date=start))
    assert (await status_of(database, account))[0] is S.PENDING
    assert await count(database, Enrollment, Enrollment.utility_account_id == account.id) == 2
    await act(database, tenant.lead, record_market_response,
              answer(account, "UTIL-2", ResponseOutcome.ACCEPT, request.reference))
    assert (await status_of(database, account))[0] is S.ACTIVE
    assert await current_enrollment(database, account) is S.ACTIVE
    assert [(old, new) for old, new, _t, _a in await status_changes(database, account.id)] == [
        (S.DROPPED, S.PENDING), (S.PENDING, S.ACTIVE)]


@pytest.mark.parametrize("before, type_", [(S.DROPPED, T.ENROLLMENT), (S.INACTIVE, T.ENROLLMENT), (S.ACTIVE, T.DROP)])
async def test_a_rejection_restores_what_the_request_replaced(database, session, tenant, before, type_):
    account = await account_in(session, tenant, before)
    request, _ = await act(database, tenant.agent, create_market_transaction, NewTransaction(account.id, type_))
    rejected = await act(database, tenant.lead, record_market_response, answer(
        account, "UTIL-R", ResponseOutcome.REJECT, request.reference, reason="Meter mismatch"))
    assert (await status_of(database, account))[0] is before
    assert rejected.request.status.value == "REJECTED"
    changes = await status_changes(database, account.id)
    assert [(old, new) for old, new, _t, _a in changes][-1][1] is before
    if type_ is T.ENROLLMENT:  # an enrollment that never started is INACTIVE in the history
        assert await current_enrollment(database, account) is S.INACTIVE


@pytest.mark.parametrize("type_, status, refusal", [
    (type_, status, refusal) for type_, refusals in REQUEST_REFUSALS.items() for status, refusal in refusals.items()])
async def test_an_impossible_request_is_refused_and_writes_nothing(database, session, tenant, type_, status, refusal):
    account = await account_in(session, tenant, status)
    new = NewTransaction(account.id, type_, effective_date=today() + timedelta(days=3),
                         changes=(("rateClass", "GS-1"),) if type_ is T.CHANGE else ())
    error = await refused(database, tenant.agent, create_market_transaction, new)
    assert code_and_field(error) == (refusal.value, ["type"])
    assert f"status {status.value}" in error.message
    assert (await status_of(database, account))[0] is status
    assert await count(database, MarketTransaction, MarketTransaction.utility_account_id == account.id) == 0
    assert await status_changes(database, account.id) == []
    assert await audit_trail(database, "UtilityAccount", account.id) == []
    assert await log_of(database, account.customer_id) == []


async def test_the_daily_job_drops_only_the_clients_due_accounts(database, session, tenant, other_tenant):
    day = today()
    due = await account_in(session, tenant, S.DROP_ACCEPTED, end=day - timedelta(days=1))
    on_the_day = await account_in(session, tenant, S.DROP_ACCEPTED, end=day)
    later = await account_in(session, tenant, S.DROP_ACCEPTED, end=day + timedelta(days=1))
    active = await account_in(session, tenant, S.ACTIVE, end=day - timedelta(days=5))
    theirs = await account_in(session, other_tenant, S.DROP_ACCEPTED, end=day - timedelta(days=1))
    assert await act(database, tenant.admin, apply_due_drops, day) == 2
    assert [(await status_of(database, a))[0] for a in (due, on_the_day, later, active, theirs)] == [
        S.DROPPED, S.DROPPED, S.DROP_ACCEPTED, S.ACTIVE, S.DROP_ACCEPTED]
    [(old, new, transaction, actor)] = await status_changes(database, due.id)
    assert (old, new, transaction, actor) == (S.DROP_ACCEPTED, S.DROPPED, None, None)
    assert await current_enrollment(database, due) is S.DROPPED
    assert await status_changes(database, theirs.id) == []
    reasons = await fetch(database, select(EnrollmentStatusChange.reason).where(
        EnrollmentStatusChange.utility_account_id.in_([due.id, on_the_day.id])))
    assert reasons == [DROP_DUE_REASON, DROP_DUE_REASON]
    # run again, nothing more is due
    assert await act(database, tenant.admin, apply_due_drops, day) == 0


async def test_a_request_on_a_due_account_sees_it_dropped_first(database, session, tenant):
    account = await account_in(session, tenant, S.DROP_ACCEPTED, end=today() - timedelta(days=2))
    await act(database, tenant.agent, create_market_transaction, NewTransaction(account.id, T.ENROLLMENT))
    assert [(old, new) for old, new, _t, _a in await status_changes(database, account.id)] == [
        (S.DROP_ACCEPTED, S.DROPPED), (S.DROPPED, S.PENDING)]
