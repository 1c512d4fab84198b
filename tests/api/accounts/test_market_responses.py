"""recordMarketResponse: an answer must match both the account and the request, or nothing is written."""

from dataclasses import dataclass

import pytest

from db.enums import EnrollmentStatus as S
from db.models import UtilityAccount
from tests.api.accounts.helpers import create, history, respond
from tests.factories.accounts import make_account
from tests.factories.admin import Tenant
from tests.factories.customers import make_customer


@dataclass
class Scene:
    """A pending drop on `mine`; a sibling account of the same customer; another customer's; another client's."""

    mine: UtilityAccount
    sibling: UtilityAccount
    neighbour: UtilityAccount
    foreign: UtilityAccount
    request: dict
    foreign_request: dict


@pytest.fixture
async def scene(api, session, tenant, other_tenant) -> Scene:
    customer = await make_customer(session, tenant, "Resp Holder")
    mine = await make_account(session, customer, status=S.ACTIVE)
    sibling = await make_account(session, customer, status=S.ACTIVE)
    neighbour = await make_account(session, await make_customer(session, tenant, "Resp Neighbour"), status=S.ACTIVE)
    foreign = await make_account(session, await make_customer(session, other_tenant, "Resp Foreign"), status=S.ACTIVE)
    await session.commit()
    request = (await create(api, tenant.agent, mine, "DROP"))["marketTransaction"]
    foreign_request = (await create(api, other_tenant.agent, foreign, "DROP"))["marketTransaction"]
    return Scene(mine, sibling, neighbour, foreign, request, foreign_request)


async def assert_nothing_written(
    api, tenant: Tenant, *accounts: UtilityAccount, expected_status: str = "ACTIVE"
) -> None:
    for account in accounts:
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert shown["status"] == expected_status
        assert shown["marketTransactions"]["totalCount"] == 0
        assert shown["communicationLog"]["totalCount"] == 0


class TestMismatchedResponses:
    async def test_unknown_ldc_number(self, api, tenant, scene):
        refused = await respond(api, tenant.lead, "NO-SUCH-LDC", "R-1", "ACCEPT", respondsTo=scene.request["reference"])
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
            ("LDC_ACCOUNT_NOT_FOUND", ["input", "ldcAccountNumber"])]
        await self._request_still_waits(api, tenant, scene)

    async def test_unknown_request_reference(self, api, tenant, scene):
        refused = await respond(api, tenant.lead, scene.mine.ldc_account_number, "R-2", "ACCEPT", respondsTo="814-NOPE")
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
            ("REQUEST_NOT_FOUND", ["input", "respondsTo"])
        ]
        await self._request_still_waits(api, tenant, scene)

    async def test_request_of_another_account_of_the_same_customer(self, api, tenant, scene):
        refused = await respond(api, tenant.lead, scene.sibling.ldc_account_number, "R-3", "ACCEPT",
                                respondsTo=scene.request["reference"])
        error = refused["userErrors"][0]
        assert (error["code"], error["field"]) == ("RESPONSE_ACCOUNT_MISMATCH", ["input", "ldcAccountNumber"])
        assert "another account of the same customer" in error["message"]
        assert scene.mine.ldc_account_number in error["message"]
        assert scene.sibling.ldc_account_number in error["message"]
        await self._request_still_waits(api, tenant, scene)
        await assert_nothing_written(api, tenant, scene.sibling)

    async def test_request_of_another_customers_account(self, api, tenant, scene):
        refused = await respond(api, tenant.lead, scene.neighbour.ldc_account_number, "R-4", "REJECT",
                                respondsTo=scene.request["reference"], reason="No")
        error = refused["userErrors"][0]
        assert error["code"] == "RESPONSE_ACCOUNT_MISMATCH"
        assert "another customer's account" in error["message"]
        await self._request_still_waits(api, tenant, scene)
        await assert_nothing_written(api, tenant, scene.neighbour)

    async def test_request_or_account_of_another_client(self, api, tenant, other_tenant, scene):
        # their request answered on our account: their reference is unknown here
        theirs = await respond(api, tenant.lead, scene.mine.ldc_account_number, "R-5", "ACCEPT",
                               respondsTo=scene.foreign_request["reference"])
        assert [e["code"] for e in theirs["userErrors"]] == ["REQUEST_NOT_FOUND"]
        # our request answered on their account: their LDC number is unknown here
        their_ldc = await respond(api, tenant.lead, scene.foreign.ldc_account_number, "R-6", "ACCEPT",
                                  respondsTo=scene.request["reference"])
        assert [e["code"] for e in their_ldc["userErrors"]] == ["LDC_ACCOUNT_NOT_FOUND"]
        await self._request_still_waits(api, tenant, scene)
        foreign = await history(api, other_tenant.agent, scene.foreign.ldc_account_number)
        assert foreign["status"] == "PENDING_DROP"
        assert foreign["marketTransactions"]["totalCount"] == 1

    async def test_a_refused_reference_can_be_recorded_once_corrected(self, api, tenant, scene):
        await respond(
            api, tenant.lead, scene.sibling.ldc_account_number, "R-7", "ACCEPT", respondsTo=scene.request["reference"]
        )
        fixed = await respond(api, tenant.lead, scene.mine.ldc_account_number, "R-7", "ACCEPT",
                              respondsTo=scene.request["reference"])
        assert fixed["userErrors"] == []
        assert fixed["utilityAccount"]["status"] == "DROP_ACCEPTED"

    async def _request_still_waits(self, api, tenant, scene) -> None:
        shown = await history(api, tenant.agent, scene.mine.ldc_account_number)
        assert shown["status"] == "PENDING_DROP"
        assert [e["node"]["status"] for e in shown["marketTransactions"]["edges"]] == ["QUEUED"]
        assert shown["statusChanges"]["totalCount"] == 1
        assert shown["communicationLog"]["totalCount"] == 1


class TestAnswerRules:
    async def test_a_request_is_answered_once(self, api, tenant, scene):
        ldc, reference = scene.mine.ldc_account_number, scene.request["reference"]
        assert (await respond(api, tenant.lead, ldc, "A-1", "ACCEPT", respondsTo=reference))["userErrors"] == []
        again = await respond(api, tenant.lead, ldc, "A-2", "REJECT", respondsTo=reference, reason="late")
        assert [e["code"] for e in again["userErrors"]] == ["REQUEST_ALREADY_ANSWERED"]

    async def test_references_are_unique_within_the_client(self, api, tenant, scene):
        duplicate = await respond(api, tenant.lead, scene.mine.ldc_account_number, scene.request["reference"], "ACCEPT",
                                  respondsTo=scene.request["reference"])
        assert [e["code"] for e in duplicate["userErrors"]] == ["DUPLICATE_REFERENCE"]

    async def test_an_answer_must_answer_a_request(self, api, tenant, scene):
        await respond(api, tenant.lead, scene.mine.ldc_account_number, "IN-1", "INBOUND", type="USAGE")
        refused = await respond(api, tenant.lead, scene.mine.ldc_account_number, "IN-2", "ACCEPT", respondsTo="IN-1")
        assert [e["code"] for e in refused["userErrors"]] == ["NOT_A_REQUEST"]

    @pytest.mark.parametrize("outcome,extra,code,field", [
        ("REJECT", {"respondsTo": "X"}, "REJECTION_REASON_REQUIRED", ["input", "reason"]),
        ("ACCEPT", {}, "REQUEST_REFERENCE_REQUIRED", ["input", "respondsTo"]),
        ("INBOUND", {}, "INVALID", ["input", "type"]),
        ("INBOUND", {"type": "DROP", "respondsTo": "X"}, "INVALID", ["input", "respondsTo"]),
        ("ACCEPT", {"respondsTo": "X", "type": "DROP"}, "INVALID", ["input", "type"]),
    ])
    async def test_malformed_answers(self, api, tenant, scene, outcome, extra, code, field):
        refused = await respond(api, tenant.lead, scene.mine.ldc_account_number, "M-1", outcome, **extra)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [(code, field)]

    async def test_an_inbound_drop_on_a_dropped_account_is_refused(self, api, session, tenant):
        dropped = await make_account(session, await make_customer(session, tenant, "Gone"), status=S.DROPPED)
        await session.commit()
        refused = await respond(api, tenant.lead, dropped.ldc_account_number, "SW-9", "INBOUND", type="DROP")
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("ALREADY_DROPPED", ["input", "outcome"])]
        await assert_nothing_written(api, tenant, dropped, expected_status="DROPPED")


class TestRoles:
    async def test_agents_cannot_record_responses(self, api, tenant, scene):
        refused = await respond(api, tenant.agent, scene.mine.ldc_account_number, "AG-1", "ACCEPT",
                                respondsTo=scene.request["reference"])
        assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
        await self._still_pending(api, tenant, scene)

    @pytest.mark.parametrize("who", ["lead", "admin"])
    async def test_team_leads_and_admins_can(self, api, tenant, scene, who):
        done = await respond(api, getattr(tenant, who), scene.mine.ldc_account_number, f"OK-{who}", "ACCEPT",
                             respondsTo=scene.request["reference"])
        assert done["userErrors"] == []

    async def _still_pending(self, api, tenant, scene) -> None:
        assert (await history(api, tenant.agent, scene.mine.ldc_account_number))["status"] == "PENDING_DROP"
