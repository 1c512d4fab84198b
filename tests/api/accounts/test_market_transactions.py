"""createMarketTransaction and the utility's answers: each kind, its effect on status, the history kept."""

from datetime import date

import pytest

from db.enums import EnrollmentStatus as S
from graph.core.relay import to_global_id
from tests.api.accounts.helpers import CREATE as CREATE_DOC
from tests.api.accounts.helpers import account_id, create, history, respond
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer


@pytest.fixture
async def holder(session, tenant):
    customer = await make_customer(session, tenant, "Market Holder")
    await session.commit()
    return customer


async def account_in(session, customer, status: S, **kwargs):
    account = await make_account(session, customer, status=status, **kwargs)
    await session.commit()
    return account


class TestDrop:
    async def test_drop_request_then_acceptance(self, api, session, tenant, holder):
        # given an ACTIVE account
        account = await account_in(session, holder, S.ACTIVE, start=date(2025, 1, 1), end=date(2026, 12, 31))
        # when the CSR asks for a drop
        created = await create(api, tenant.agent, account, "DROP", reason="Customer is moving abroad",
                                effectiveDate="2031-01-31", clientMutationId="d-1")
        # then the request is queued and the account waits for the utility
        assert created["userErrors"] == []
        assert created["clientMutationId"] == "d-1"
        request = created["marketTransaction"]
        assert (request["type"], request["transactionSet"], request["direction"], request["status"]) == \
            ("DROP", "814", "OUTBOUND", "QUEUED")
        assert request["reference"].startswith("814-")
        assert request["createdBy"] == {"email": tenant.agent.email}
        assert {"name": "reason", "value": "Customer is moving abroad"} in request["details"]
        assert {"name": "effectiveDate", "value": "2031-01-31"} in request["details"]
        assert created["utilityAccount"]["status"] == "PENDING_DROP"
        # when the utility accepts it
        accepted = await respond(api, tenant.lead, account.ldc_account_number, "UTIL-1", "ACCEPT",
                                 respondsTo=request["reference"], effectiveDate="2031-01-31")
        # then the drop is accepted with its date, and the request is answered
        assert accepted["userErrors"] == []
        assert accepted["utilityAccount"]["status"] == "DROP_ACCEPTED"
        assert accepted["utilityAccount"]["endDate"] == "2031-01-31"
        assert accepted["request"]["status"] == "ACCEPTED"
        assert accepted["request"]["respondedAt"]
        response = accepted["marketTransaction"]
        assert (response["direction"], response["status"], response["relatedTransaction"]) == \
            ("INBOUND", "ACCEPTED", {"reference": request["reference"], "status": "ACCEPTED"})
        shown = await history(api, tenant.agent, account.ldc_account_number)
        changes = [e["node"] for e in shown["statusChanges"]["edges"]]
        assert [(c["fromStatus"], c["toStatus"]) for c in changes] == [("PENDING_DROP", "DROP_ACCEPTED"),
                                                                         ("ACTIVE", "PENDING_DROP")]
        assert changes[0]["marketTransaction"] == {"reference": "UTIL-1", "type": "DROP", "direction": "INBOUND"}
        assert changes[1]["marketTransaction"]["reference"] == request["reference"]
        assert changes[1]["changedBy"] == {"email": tenant.agent.email}
        assert shown["enrollments"][0]["status"] == "DROP_ACCEPTED"
        # newest first: the response, then the request
        assert [e["node"]["reference"] for e in shown["marketTransactions"]["edges"]] == [
            "UTIL-1",
            request["reference"],
        ]

    async def test_rejected_drop_leaves_the_account_active(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        request = (await create(api, tenant.agent, account, "DROP"))["marketTransaction"]
        rejected = await respond(api, tenant.lead, account.ldc_account_number, "UTIL-REJ", "REJECT",
                                 respondsTo=request["reference"], reason="Customer has a pending switch")
        assert rejected["userErrors"] == []
        assert rejected["utilityAccount"]["status"] == "ACTIVE"
        assert rejected["request"]["status"] == "REJECTED"
        assert rejected["marketTransaction"]["reason"] == "Customer has a pending switch"
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert [(e["node"]["fromStatus"], e["node"]["toStatus"]) for e in shown["statusChanges"]["edges"]] == [
            ("PENDING_DROP", "ACTIVE"), ("ACTIVE", "PENDING_DROP")]

    async def test_a_drop_from_another_supplier_is_accepted_at_once(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        received = await respond(api, tenant.lead, account.ldc_account_number, "SWITCH-1", "INBOUND", type="DROP",
                                 effectiveDate="2031-02-28", reason="Switched to another supplier")
        assert received["userErrors"] == []
        assert received["request"] is None
        assert received["marketTransaction"]["status"] == "RECEIVED"
        assert received["utilityAccount"]["status"] == "DROP_ACCEPTED"
        assert received["utilityAccount"]["endDate"] == "2031-02-28"


class TestEnrollment:
    async def test_enrollment_of_a_dropped_account_starts_a_new_enrollment(self, api, session, tenant, holder):
        plan = await make_rate_plan(session, tenant.client.id, "TX", term_months=12)
        account = await account_in(
            session, holder, S.DROPPED, plan=plan, start=date(2023, 1, 1), end=date(2023, 12, 31)
        )
        created = await create(api, tenant.agent, account, "ENROLLMENT", effectiveDate="2031-03-01")
        assert created["utilityAccount"]["status"] == "PENDING"
        assert {"name": "ratePlan", "value": plan.code} in created["marketTransaction"]["details"]
        accepted = await respond(api, tenant.admin, account.ldc_account_number, "UTIL-ENR", "ACCEPT",
                                 respondsTo=created["marketTransaction"]["reference"])
        assert accepted["utilityAccount"]["status"] == "ACTIVE"
        assert (accepted["utilityAccount"]["startDate"], accepted["utilityAccount"]["endDate"]) == (
            "2031-03-01",
            "2032-02-29",
        )
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert [(e["status"], e["startDate"]) for e in shown["enrollments"]] == [
            ("ACTIVE", "2031-03-01"), ("DROPPED", "2023-01-01")]

    async def test_rejected_enrollment_restores_dropped_and_closes_the_pending_enrollment(
        self, api, session, tenant, holder
    ):
        account = await account_in(session, holder, S.DROPPED, start=date(2023, 1, 1), end=date(2023, 12, 31))
        created = await create(api, tenant.agent, account, "ENROLLMENT")
        rejected = await respond(api, tenant.lead, account.ldc_account_number, "UTIL-NO", "REJECT",
                                 respondsTo=created["marketTransaction"]["reference"], reason="Invalid ESI ID")
        assert rejected["utilityAccount"]["status"] == "DROPPED"
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert [e["status"] for e in shown["enrollments"]][:2] == ["INACTIVE", "DROPPED"]

    async def test_move_in_and_move_out_are_pending_transfers(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.INACTIVE)
        moving_in = await create(api, tenant.agent, account, "MOVE_IN", effectiveDate="2031-04-01")
        assert moving_in["utilityAccount"] == {
            **moving_in["utilityAccount"],
            "status": "PENDING",
            "pendingTransfer": True,
        }
        done = await respond(api, tenant.lead, account.ldc_account_number, "MI-1", "ACCEPT",
                             respondsTo=moving_in["marketTransaction"]["reference"])
        assert (done["utilityAccount"]["status"], done["utilityAccount"]["pendingTransfer"]) == ("ACTIVE", False)
        assert done["utilityAccount"]["startDate"] == "2031-04-01"
        moving_out = await create(api, tenant.agent, account, "MOVE_OUT", effectiveDate="2031-09-30")
        assert (moving_out["utilityAccount"]["status"], moving_out["utilityAccount"]["pendingTransfer"]) == (
            "PENDING_DROP",
            True,
        )
        out = await respond(api, tenant.lead, account.ldc_account_number, "MO-1", "ACCEPT",
                            respondsTo=moving_out["marketTransaction"]["reference"])
        assert (out["utilityAccount"]["status"], out["utilityAccount"]["endDate"]) == ("DROP_ACCEPTED", "2031-09-30")


class TestOtherKinds:
    async def test_reinstatement_of_an_accepted_drop_makes_the_account_active(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.DROP_ACCEPTED, start=date(2025, 1, 1), end=date(2031, 1, 31))
        created = await create(api, tenant.agent, account, "REINSTATEMENT", reason="Customer changed their mind")
        assert created["utilityAccount"]["status"] == "DROP_ACCEPTED"  # nothing changes until the utility agrees
        accepted = await respond(api, tenant.lead, account.ldc_account_number, "RE-1", "ACCEPT",
                                 respondsTo=created["marketTransaction"]["reference"])
        assert accepted["utilityAccount"]["status"] == "ACTIVE"

    async def test_change_carries_the_changed_fields_and_keeps_the_status(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        changes = [
            {"name": "rateClass", "value": "GS-1"},
            {"name": "billingAddress", "value": "9 Elm St, Austin TX 73301"},
        ]
        created = await create(api, tenant.agent, account, "CHANGE", changes=changes)
        assert created["userErrors"] == []
        assert created["utilityAccount"]["status"] == "ACTIVE"
        assert created["marketTransaction"]["details"][-2:] == changes
        accepted = await respond(api, tenant.lead, account.ldc_account_number, "CH-1", "ACCEPT",
                                 respondsTo=created["marketTransaction"]["reference"])
        assert accepted["utilityAccount"]["status"] == "ACTIVE"
        assert accepted["request"]["status"] == "ACCEPTED"

    async def test_historical_usage_request_in_any_status(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.DROPPED)
        created = await create(api, tenant.agent, account, "HISTORICAL_USAGE_REQUEST")
        assert created["userErrors"] == []
        assert created["utilityAccount"]["status"] == "DROPPED"
        usage = await respond(api, tenant.lead, account.ldc_account_number, "867-1", "INBOUND", type="USAGE",
                              details=[{"name": "months", "value": "12"}])
        assert usage["marketTransaction"]["type"] == "USAGE"
        assert usage["utilityAccount"]["status"] == "DROPPED"
        assert {"name": "months", "value": "12"} in usage["marketTransaction"]["details"]


class TestAuditAndLog:
    async def test_each_transaction_is_audited_and_logged_as_a_system_entry(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        request = (await create(api, tenant.agent, account, "DROP"))["marketTransaction"]
        await respond(api, tenant.lead, account.ldc_account_number, "UTIL-A", "ACCEPT", respondsTo=request["reference"])
        shown = await history(api, tenant.agent, account.ldc_account_number)
        events = [e["node"] for e in shown["auditTrail"]["edges"]]
        assert [e["action"] for e in events] == ["market_transaction.record_response", "market_transaction.create"]
        assert {"field": "status", "from": "ACTIVE", "to": "PENDING_DROP"} in events[1]["changes"]
        assert {"field": "request", "from": "QUEUED", "to": "ACCEPTED"} in events[0]["changes"]
        assert events[0]["actor"] == {"email": tenant.lead.email}
        log = [e["node"] for e in shown["communicationLog"]["edges"]]
        assert [e["kind"] for e in log] == ["SYSTEM", "SYSTEM"]
        assert "accepted the drop request" in log[0]["subject"]
        assert "Enrollment status: ACTIVE -> PENDING_DROP." in log[1]["body"]


class TestRefusals:
    @pytest.mark.parametrize("status,type_,code", [
        (S.DROPPED, "DROP", "ALREADY_DROPPED"),
        (S.ACTIVE, "ENROLLMENT", "ALREADY_ENROLLED"),
        (S.PENDING_DROP, "DROP", "DROP_PENDING"),
        (S.ACTIVE, "REINSTATEMENT", "NOTHING_TO_REINSTATE"),
        (S.INACTIVE, "CHANGE", "NOT_ENROLLED"),
    ])
    async def test_impossible_requests_are_user_errors_and_write_nothing(self, api, session, tenant, holder,
                                                                        status, type_, code):
        account = await account_in(session, holder, status)
        extra = {"changes": [{"name": "rateClass", "value": "GS"}]} if type_ == "CHANGE" else {}
        refused = await create(api, tenant.agent, account, type_, **extra)
        assert refused["marketTransaction"] is None
        assert refused["utilityAccount"] is None
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [(code, ["input", "type"])]
        assert status.value in refused["userErrors"][0]["message"]
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert shown["status"] == status.value
        assert shown["marketTransactions"]["totalCount"] == shown["statusChanges"]["totalCount"] == 0
        assert shown["auditTrail"]["totalCount"] == shown["communicationLog"]["totalCount"] == 0

    async def test_an_acceptance_the_status_does_not_expect_is_refused(self, api, session, tenant, holder):
        account = await account_in(session, holder, S.ACTIVE)
        drop = (await create(api, tenant.agent, account, "DROP"))["marketTransaction"]
        await respond(api, tenant.lead, account.ldc_account_number, "SW-1", "INBOUND", type="DROP",
                      effectiveDate="2031-01-31")  # the customer switched away meanwhile
        reinstate = (await create(api, tenant.agent, account, "REINSTATEMENT"))["marketTransaction"]
        await respond(
            api, tenant.lead, account.ldc_account_number, "RE-OK", "ACCEPT", respondsTo=reinstate["reference"]
        )
        late = await respond(
            api, tenant.lead, account.ldc_account_number, "LATE-1", "ACCEPT", respondsTo=drop["reference"]
        )
        assert [e["code"] for e in late["userErrors"]] == ["UNEXPECTED_ANSWER"]

    @pytest.mark.parametrize("type_,extra,code,field", [
        ("MOVE_IN", {}, "EFFECTIVE_DATE_REQUIRED", ["input", "effectiveDate"]),
        ("CHANGE", {}, "CHANGES_REQUIRED", ["input", "changes"]),
        ("DROP", {"changes": [{"name": "x", "value": "y"}]}, "INVALID", ["input", "changes"]),
        ("DROP", {"reason": "x" * 201}, "TEXT_TOO_LONG", ["input", "reason"]),
    ])
    async def test_incomplete_input_is_refused(self, api, session, tenant, holder, type_, extra, code, field):
        account = await account_in(session, holder, S.DROPPED if type_ == "MOVE_IN" else S.ACTIVE)
        refused = await create(api, tenant.agent, account, type_, **extra)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [(code, field)]


class TestOtherClients:
    async def test_another_clients_account_or_a_forged_id_is_not_found_and_nothing_is_written(
        self, api, session, tenant, other_tenant, holder
    ):
        account = await account_in(session, holder, S.ACTIVE)
        for user, target in (
            (other_tenant.admin, account_id(account)),
            (tenant.agent, to_global_id("Customer", holder.id)),
            (tenant.agent, "garbage"),
        ):
            variables = {"input": {"utilityAccountId": target, "type": "DROP"}}
            refused = (await api.run(CREATE_DOC, variables, user=user))["createMarketTransaction"]
            assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
                ("NOT_FOUND", ["input", "utilityAccountId"])
            ]
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert shown["status"] == "ACTIVE"
        assert shown["marketTransactions"]["totalCount"] == 0
