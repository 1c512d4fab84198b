"""editPremise: validated, audited from-to, logged as a SYSTEM entry, and searchable at once."""

import pytest

from db.enums import EnrollmentStatus as S
from tests.api.accounts.helpers import account_id, history
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

EDIT = """
mutation($input: EditPremiseInput!) { editPremise(input: $input) {
  utilityAccount { ldcAccountNumber premise { serviceAddress { line1 line2 city state zip } meterNumber meterType
                   readCycle rateClass loadProfile premiseType } }
  userErrors { field code message } clientMutationId } }
"""
ADDRESS = {"line1": "42 Harbor View Rd", "line2": "Unit 5", "city": "Houston", "state": "tx", "zip": "77002-1234"}


@pytest.fixture
async def account(session, tenant):
    customer = await make_customer(session, tenant, "Premise Holder")
    account = await make_account(session, customer, status=S.ACTIVE, line1="100 Main St", city="Dallas", zip="75201")
    await session.commit()
    return account


async def edit(api, user, account, **changes) -> dict:
    variables = {"input": {"utilityAccountId": account_id(account), **changes}}
    return (await api.run(EDIT, variables, user=user))["editPremise"]


class TestEditPremise:
    async def test_changes_are_saved_audited_and_logged(self, api, tenant, account):
        # when an agent corrects the address and the meter
        done = await edit(api, tenant.agent, account, serviceAddress=ADDRESS, meterNumber="M-778", meterType="AMS",
                          readCycle="07", clientMutationId="p-1")
        # then the premise shows the change
        assert done["userErrors"] == []
        assert done["clientMutationId"] == "p-1"
        premise = done["utilityAccount"]["premise"]
        assert premise["serviceAddress"] == {**ADDRESS, "state": "TX"}
        assert (premise["meterNumber"], premise["meterType"], premise["readCycle"]) == ("M-778", "AMS", "07")
        assert (premise["rateClass"], premise["loadProfile"]) == ("RS", "RESLOWR")  # omitted: unchanged
        # and the audit trail has every changed field from-to
        shown = await history(api, tenant.lead, account.ldc_account_number)
        event = shown["auditTrail"]["edges"][0]["node"]
        assert event["action"] == "utility_account.edit_premise"
        assert event["actor"] == {"email": tenant.agent.email}
        assert sorted((c["field"], c["from"], c["to"]) for c in event["changes"]) == [
            ("meter_number", "M1", "M-778"), ("meter_type", None, "AMS"), ("read_cycle", None, "07"),
            ("service_city", "Dallas", "Houston"), ("service_line1", "100 Main St", "42 Harbor View Rd"),
            ("service_line2", None, "Unit 5"), ("service_zip", "75201", "77002-1234"),
        ]
        # and a SYSTEM entry in the account's log says the same in words
        entry = shown["communicationLog"]["edges"][0]["node"]
        assert entry["kind"] == "SYSTEM"
        assert "Premise information changed" in entry["subject"]
        assert "Service city: Dallas -> Houston" in entry["body"]
        assert "Meter type: (none) -> AMS" in entry["body"]

    async def test_the_customer_is_found_by_the_new_service_address(self, api, tenant, account):
        await edit(api, tenant.agent, account, serviceAddress=ADDRESS)
        found = await api.run(
            '{ customers(search: {address: "harbor view"}) { edges { node { name } } } }', user=tenant.agent
        )
        gone = await api.run('{ customers(search: {address: "100 main st"}) { totalCount } }', user=tenant.agent)
        assert found["customers"]["edges"] == [{"node": {"name": "Premise Holder"}}]
        assert gone["customers"]["totalCount"] == 0

    async def test_null_clears_an_optional_field(self, api, tenant, account):
        done = await edit(api, tenant.agent, account, loadProfile=None)
        assert done["utilityAccount"]["premise"]["loadProfile"] is None

    async def test_no_change_writes_nothing(self, api, tenant, account):
        done = await edit(api, tenant.agent, account, meterNumber="M1", rateClass="RS")
        assert done["userErrors"] == []
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert shown["auditTrail"]["totalCount"] == 0
        assert shown["communicationLog"]["totalCount"] == 0

    @pytest.mark.parametrize("changes,code,field", [
        ({"serviceAddress": {**ADDRESS, "state": "XX"}}, "INVALID_STATE_CODE", ["input", "serviceAddress", "state"]),
        ({"serviceAddress": {**ADDRESS, "state": "Texas"}}, "TEXT_TOO_LONG", ["input", "serviceAddress", "state"]),
        ({"serviceAddress": {**ADDRESS, "zip": "7700"}}, "INVALID_ZIP", ["input", "serviceAddress", "zip"]),
        ({"serviceAddress": {**ADDRESS, "zip": "77002-12"}}, "INVALID_ZIP", ["input", "serviceAddress", "zip"]),
        ({"serviceAddress": {**ADDRESS, "city": "  "}}, "BLANK_SERVICE_ADDRESS", ["input", "serviceAddress", "city"]),
        ({"serviceAddress": {"line1": "1 A St", "state": "TX", "zip": "75201"}}, "BLANK_SERVICE_ADDRESS",
         ["input", "serviceAddress", "city"]),
        ({"meterNumber": "M" * 41}, "TEXT_TOO_LONG", ["input", "meterNumber"]),
    ])
    async def test_invalid_input_changes_nothing(self, api, tenant, account, changes, code, field):
        done = await edit(api, tenant.agent, account, **{"rateClass": "GS-2", **changes})
        assert done["utilityAccount"] is None
        assert [(e["code"], e["field"]) for e in done["userErrors"]] == [(code, field)]
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert shown["auditTrail"]["totalCount"] == 0
        assert shown["communicationLog"]["totalCount"] == 0

    async def test_another_clients_account_is_not_found(self, api, session, tenant, other_tenant, account):
        done = await edit(api, other_tenant.admin, account, meterNumber="HIJACK")
        assert [(e["code"], e["field"]) for e in done["userErrors"]] == [("NOT_FOUND", ["input", "utilityAccountId"])]
        shown = await history(api, tenant.agent, account.ldc_account_number)
        assert shown["auditTrail"]["totalCount"] == 0
