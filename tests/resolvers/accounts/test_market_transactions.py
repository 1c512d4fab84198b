"""Market transactions through the resolvers: a request carries what the utility needs and is audited and logged;
an answer must name a request of this client, for this account, still waiting; bad input names its field and
writes nothing; another client's account or request is not found."""

from datetime import timedelta

import pytest

from db.enums import CommLogKind, MarketDirection, MarketTransactionStatus
from db.enums import EnrollmentStatus as S
from db.enums import MarketTransactionType as T
from db.models import MarketTransaction
from resolvers.accounts.responses import MarketResponse, ResponseOutcome, record_market_response
from resolvers.accounts.status import today
from resolvers.accounts.transactions import NewTransaction, create_market_transaction
from tests.api.accounts.test_market_transactions import account_in
from tests.factories.accounts import make_rate_plan, make_transaction
from tests.factories.customers import make_customer
from tests.resolvers.helpers import act, audit_trail, code_and_field, count, from_today, log_of, refused, status_changes


@pytest.fixture
async def holder(session, tenant):
    made = await make_customer(session, tenant, "Market Holder")
    await session.commit()
    return made


async def transactions_of(database, account) -> int:
    return await count(database, MarketTransaction, MarketTransaction.utility_account_id == account.id)


class TestRequests:
    async def test_an_enrollment_carries_the_premise_and_plan_and_is_audited_and_logged(
            self, database, session, tenant, holder):
        plan = await make_rate_plan(session, tenant.client.id, "TX", code="TX-24")
        account = await account_in(session, holder, S.DROPPED, plan=plan, line1="5 Oak St")
        start = today() + timedelta(days=10)
        request, after = await act(database, tenant.agent, create_market_transaction,
                                   NewTransaction(account.id, T.ENROLLMENT, effective_date=start, reason="  Win-back "))
        assert (request.type, request.direction, request.status) == (
            T.ENROLLMENT, MarketDirection.OUTBOUND, MarketTransactionStatus.QUEUED)
        assert request.reference.startswith("814-")
        assert len(request.reference) == len("814-") + 12
        assert request.details == {"ldcAccountNumber": account.ldc_account_number, "meterNumber": "M1",
                                   "serviceAddress": "5 Oak St, Dallas, TX 75201", "ratePlan": "TX-24",
                                   "effectiveDate": start.isoformat(), "reason": "Win-back"}
        assert (request.created_by, request.client_id, after.status) == (tenant.agent.id, tenant.client.id, S.PENDING)
        [(action, changes, actor)] = await audit_trail(database, "UtilityAccount", account.id)
        assert (action, actor) == ("market_transaction.create", tenant.agent.id)
        assert changes == {"marketTransaction": {"from": None, "to": request.reference},
                           "status": {"from": "DROPPED", "to": "PENDING"}}
        [entry] = await log_of(database, holder.id)
        assert (entry.kind, entry.utility_account_id) == (CommLogKind.SYSTEM, account.id)
        assert entry.subject == f"814 enrollment request queued for the utility ({account.ldc_account_number})"
        assert "Enrollment status: DROPPED -> PENDING." in entry.body

    async def test_a_change_request_carries_its_fields_and_leaves_the_status(self, database, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        request, after = await act(database, tenant.agent, create_market_transaction, NewTransaction(
            account.id, T.CHANGE, changes=((" rateClass ", "GS-1"), ("billingAddress", "9 Elm St"))))
        assert request.details == {"ldcAccountNumber": account.ldc_account_number, "meterNumber": "M1",
                                   "rateClass": "GS-1", "billingAddress": "9 Elm St"}
        assert after.status is S.ACTIVE
        assert await status_changes(database, account.id) == []

    @pytest.mark.parametrize("type_, extra, code, field", [
        (T.MOVE_IN, {}, "EFFECTIVE_DATE_REQUIRED", ["effective_date"]),
        (T.MOVE_OUT, {}, "EFFECTIVE_DATE_REQUIRED", ["effective_date"]),
        (T.DROP, {"effective_date": timedelta(days=3_654)}, "EFFECTIVE_DATE_OUT_OF_RANGE",
         ["effective_date"]),
        (T.DROP, {"effective_date": timedelta(days=-3_654)}, "EFFECTIVE_DATE_OUT_OF_RANGE",
         ["effective_date"]),
        (T.CHANGE, {}, "CHANGES_REQUIRED", ["changes"]),
        (T.DROP, {"changes": (("rateClass", "GS"),)}, "INVALID", ["changes"]),
        (T.CHANGE, {"changes": (("rateClass", "GS"), ("rateClass", "LP"))}, "INVALID", ["changes", 1]),
        (T.CHANGE, {"changes": ((" ", "GS"),)}, "INVALID", ["changes", 0]),
        (T.CHANGE, {"changes": (("note", "x" * 501),)}, "VALUE_TOO_LONG", ["changes", 0]),
        (T.CHANGE, {"changes": tuple((f"f{n}", "v") for n in range(51))}, "INVALID", ["changes"]),
        (T.DROP, {"reason": "x" * 201}, "VALUE_TOO_LONG", ["reason"]),
        (T.USAGE, {}, "NOT_SENT_BY_SUPPLIER", ["type"]),
    ])
    async def test_bad_input_is_refused_at_its_field_and_writes_nothing(self, database, session, tenant, holder,
                                                                        type_, extra, code, field):
        account = await account_in(session, holder, S.DROPPED if type_ is T.MOVE_IN else S.ACTIVE)
        new = NewTransaction(account.id, type_, **from_today(extra))
        error = await refused(database, tenant.agent, create_market_transaction, new)
        assert code_and_field(error) == (code, field)
        assert await transactions_of(database, account) == 0
        assert await log_of(database, holder.id) == []

    async def test_another_clients_account_is_not_found(self, database, session, tenant, other_tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        new = NewTransaction(account.id, T.DROP)
        error = await refused(database, other_tenant.admin, create_market_transaction, new)
        assert code_and_field(error) == ("NOT_FOUND", ["utility_account_id"])
        assert await transactions_of(database, account) == 0


class TestAnswers:
    @pytest.fixture
    async def waiting(self, database, session, tenant, holder):
        """An ACTIVE account with a DROP request waiting for the utility."""
        account = await account_in(session, holder, S.ACTIVE)
        request, _ = await act(database, tenant.agent, create_market_transaction, NewTransaction(account.id, T.DROP))
        return account, request

    def response(self, account, reference="UTIL-9", outcome=ResponseOutcome.ACCEPT, **extra) -> MarketResponse:
        return MarketResponse(ldc_account_number=account.ldc_account_number, reference=reference, outcome=outcome,
                              **extra)

    async def test_an_answer_links_to_its_request_and_is_recorded_once(self, database, tenant, waiting):
        account, request = waiting
        done = await act(database, tenant.lead, record_market_response, self.response(
            account, " UTIL-9 ", responds_to=request.reference, details=(("confirmation", "C-1"),)))
        assert (done.transaction.reference, done.transaction.related_id) == ("UTIL-9", request.id)
        assert (done.transaction.direction, done.transaction.type) == (MarketDirection.INBOUND, T.DROP)
        assert done.transaction.details == {"ldcAccountNumber": account.ldc_account_number,
                                            "respondsTo": request.reference, "confirmation": "C-1"}
        assert (done.request.status, done.account.status) == (MarketTransactionStatus.ACCEPTED, S.DROP_ACCEPTED)
        again = await refused(database, tenant.lead, record_market_response, self.response(
            account, "UTIL-10", responds_to=request.reference))
        assert code_and_field(again) == ("REQUEST_ALREADY_ANSWERED", ["responds_to"])
        same_reference = await refused(database, tenant.lead, record_market_response, self.response(
            account, "UTIL-9", ResponseOutcome.INBOUND, type=T.USAGE))
        assert code_and_field(same_reference) == ("DUPLICATE_REFERENCE", ["reference"])
        assert await transactions_of(database, account) == 2

    @pytest.mark.parametrize("extra, code, field", [
        ({"reference": " "}, "INVALID", ["reference"]),
        ({"reference": "R" * 41}, "INVALID", ["reference"]),
        ({}, "REQUEST_REFERENCE_REQUIRED", ["responds_to"]),
        ({"responds_to": "NO-SUCH"}, "REQUEST_NOT_FOUND", ["responds_to"]),
        ({"responds_to": "{request}", "outcome": ResponseOutcome.REJECT}, "REJECTION_REASON_REQUIRED",
         ["reason"]),
        ({"responds_to": "{request}", "type": T.DROP}, "INVALID", ["type"]),
        ({"outcome": ResponseOutcome.INBOUND}, "INVALID", ["type"]),
        ({"outcome": ResponseOutcome.INBOUND, "type": T.USAGE, "responds_to": "{request}"}, "INVALID",
         ["responds_to"]),
        ({"outcome": ResponseOutcome.INBOUND, "type": T.ENROLLMENT}, "NOT_SENT_BY_UTILITY", ["outcome"]),
        ({"ldc_account_number": "NOPE", "responds_to": "{request}"}, "LDC_ACCOUNT_NOT_FOUND",
         ["ldc_account_number"]),
    ])
    async def test_bad_answers_are_refused_and_the_request_still_waits(self, database, tenant, waiting, extra, code,
                                                                       field):
        account, request = waiting
        fields = {"ldc_account_number": account.ldc_account_number, "reference": "UTIL-9",
                  "outcome": ResponseOutcome.ACCEPT, **extra}
        fields = {name: request.reference if value == "{request}" else value for name, value in fields.items()}
        error = await refused(database, tenant.lead, record_market_response, MarketResponse(**fields))
        assert code_and_field(error) == (code, field)
        assert await transactions_of(database, account) == 1
        assert [(old, new) for old, new, _t, _a in await status_changes(database, account.id)] == [
            (S.ACTIVE, S.PENDING_DROP)]

    async def test_an_answer_for_another_account_or_client_is_refused(self, database, session, tenant, other_tenant,
                                                                       holder, waiting):
        account, request = waiting
        sibling = await account_in(session, holder, S.ACTIVE)
        mismatch = await refused(database, tenant.lead, record_market_response, self.response(
            sibling, responds_to=request.reference))
        assert code_and_field(mismatch) == ("RESPONSE_ACCOUNT_MISMATCH", ["ldc_account_number"])
        assert "another account of the same customer" in mismatch.message
        # another client cannot answer this client's request, nor name this client's account
        theirs = await account_in(session, await make_customer(session, other_tenant, "Their Holder"), S.ACTIVE)
        by_them = await refused(database, other_tenant.lead, record_market_response, self.response(
            theirs, responds_to=request.reference))
        assert code_and_field(by_them) == ("REQUEST_NOT_FOUND", ["responds_to"])
        our_ldc = await refused(database, other_tenant.lead, record_market_response, self.response(
            account, responds_to=request.reference))
        assert code_and_field(our_ldc) == ("LDC_ACCOUNT_NOT_FOUND", ["ldc_account_number"])
        assert await transactions_of(database, account) == 1

    async def test_an_inbound_transaction_is_not_a_request_to_answer(self, database, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        inbound = await make_transaction(session, account, type=T.USAGE, direction=MarketDirection.INBOUND,
                                         status=MarketTransactionStatus.RECEIVED)
        await session.commit()
        error = await refused(database, tenant.lead, record_market_response, self.response(
            account, responds_to=inbound.reference))
        assert code_and_field(error) == ("NOT_A_REQUEST", ["responds_to"])

    async def test_agents_may_not_record_answers(self, database, tenant, waiting):
        account, request = waiting
        error = await refused(database, tenant.agent, record_market_response, self.response(
            account, responds_to=request.reference))
        assert code_and_field(error) == ("FORBIDDEN", None)
