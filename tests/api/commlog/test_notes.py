"""Notes after a call: the notes policy (seed 003), blocking vs warning, card masking, memos, alerts."""

import pytest

from db.models import Client, Disposition
from graph.core.relay import to_global_id
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

ADD = """
mutation($input: AddNoteInput!) {
  addNote(input: $input) {
    entry { id kind subject body critical disposition createdBy { email } utilityAccount { ldcAccountNumber }
            note { contactName relationship reason resolution followUp followUpDue } }
    findings { code field start end message }
    userErrors { field code message }
  }
}
"""
CHECK = "query($input: NoteInput!) { checkNote(input: $input) { code field start end } }"
LOG = """
query($n: String!, $filter: CommLogFilter, $first: Int, $after: String, $order: SortDirection) {
  customer(number: $n) {
    alerts { kind severity message subject { ... on CommLogEntry { id } } }
    communicationLog(filter: $filter, first: $first, after: $after, order: $order) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id kind subject critical memos { text createdBy { email } } } }
    }
  }
}
"""
MEMO = """
mutation($input: AddMemoInput!) { addMemo(input: $input) {
  entry { id memos { text } } memo { text createdBy { email } } userErrors { field code } } }
"""
BAD_NOTE = 'Customer called in cuz they want to cancel. They said "Couldn\'t deal with this crap"'
GOOD_NOTE = {
    "contactName": "Alexander Erickson", "relationship": "Account Holder's Son", "isAccountHolder": False,
    "reason": "CT asking for refund since he cancelled his father's account 2 months ago, but is still being "
              "charged. Wanted to change email as well.",
    "resolution": "Verified previous agent Max failed to cancel on June 3rd. Informed the customer the reason for "
                  "the charges, and apologized. Changed email from alexmart@covesmart.com to "
                  "alex.cmart@covesmart.com. Submitted refund request for $49.98, approved by TL Anna. "
                  "Informed CT the refund arrives within 7-10 business days.",
    "followUp": "N/A",
}


@pytest.fixture
async def customer(session, tenant):
    customer = await make_customer(session, tenant, "Alexander Erickson")
    session.add(Disposition(client_id=tenant.client.id, code="CANCEL", label="Cancellation"))
    await session.commit()
    return customer


def gid(customer) -> str:
    return to_global_id("Customer", customer.id)


async def set_policy(session, tenant, mode: str) -> None:
    client = await session.get(Client, tenant.client.id)
    client.settings = {**client.settings, "note_policy": mode}
    await session.commit()


class TestAddNote:
    async def test_a_good_note_is_saved_without_findings(self, api, customer, tenant):
        payload = (await api.run(ADD, {"input": {"customerId": gid(customer), "disposition": "CANCEL", **GOOD_NOTE}},
                                 user=tenant.agent))["addNote"]
        assert payload["userErrors"] == []
        assert payload["findings"] == []
        entry = payload["entry"]
        assert entry["kind"] == "NOTE"
        assert entry["disposition"] == "CANCEL"
        assert entry["note"]["contactName"] == "Alexander Erickson"
        assert entry["createdBy"] == {"email": tenant.agent.email}

    async def test_the_seeds_bad_note_gets_a_finding_for_each_problem(self, api, customer, tenant):
        findings = (
            await api.run(CHECK, {"input": {"customerId": gid(customer), "reason": BAD_NOTE}}, user=tenant.agent)
        )["checkNote"]
        codes = {f["code"] for f in findings}
        assert {"MISSING_CONTACT_NAME", "MISSING_RESOLUTION", "SLANG", "PROFANITY", "DIRECT_QUOTE"} <= codes
        slang = next(f for f in findings if f["code"] == "SLANG")
        assert slang["field"] == "reason"
        assert BAD_NOTE[slang["start"]:slang["end"]] == "cuz"

    async def test_warning_clients_save_the_note_and_return_findings(self, api, customer, tenant):
        payload = (await api.run(ADD, {"input": {"customerId": gid(customer), "body": BAD_NOTE}}, user=tenant.agent))[
            "addNote"
        ]
        assert payload["entry"] is not None
        assert payload["userErrors"] == []
        assert "SLANG" in {f["code"] for f in payload["findings"]}

    async def test_blocking_clients_refuse_the_note_and_write_nothing(self, api, session, customer, tenant):
        await set_policy(session, tenant, "BLOCK")
        payload = (await api.run(ADD, {"input": {"customerId": gid(customer), "body": BAD_NOTE}}, user=tenant.agent))[
            "addNote"
        ]
        assert payload["entry"] is None
        assert payload["userErrors"][0]["code"] == "NOTE_POLICY_VIOLATION"
        assert "SLANG" in {f["code"] for f in payload["findings"]}
        log = (await api.run(LOG, {"n": customer.number}, user=tenant.agent))["customer"]["communicationLog"]
        assert log["totalCount"] == 0

    async def test_card_numbers_are_never_stored(self, api, session, customer, tenant):
        await set_policy(session, tenant, "BLOCK")  # masking is automatic, so it never blocks
        note = {**GOOD_NOTE, "resolution": GOOD_NOTE["resolution"] + " Card 4111 1111 1111 1111 on file."}
        payload = (await api.run(ADD, {"input": {"customerId": gid(customer), **note}}, user=tenant.agent))["addNote"]
        assert payload["userErrors"] == []
        assert [f["code"] for f in payload["findings"]] == ["CARD_NUMBER"]
        assert "4111 1111 1111 1111" not in payload["entry"]["note"]["resolution"]
        assert "**** **** **** 1111" in payload["entry"]["note"]["resolution"]

    async def test_empty_note_unknown_disposition_and_foreign_account_are_user_errors(
        self, api, session, customer, tenant
    ):
        other = await make_customer(session, tenant, "Someone Else")
        account = await make_account(session, other)
        await session.commit()
        empty = (await api.run(ADD, {"input": {"customerId": gid(customer), "body": "   "}}, user=tenant.agent))[
            "addNote"
        ]
        assert empty["userErrors"][0]["code"] == "EMPTY_NOTE"
        unknown = (await api.run(ADD, {"input": {"customerId": gid(customer), "disposition": "NOPE", **GOOD_NOTE}},
                                 user=tenant.agent))["addNote"]
        assert unknown["userErrors"][0]["code"] == "UNKNOWN_DISPOSITION"
        foreign = (await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE,
                                                 "utilityAccountId": to_global_id("UtilityAccount", account.id)}},
                                 user=tenant.agent))["addNote"]
        assert foreign["userErrors"][0]["code"] == "ACCOUNT_NOT_OF_CUSTOMER"

    async def test_another_clients_customer_is_not_found(self, api, customer, other_tenant):
        payload = (await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE}}, user=other_tenant.agent))[
            "addNote"
        ]
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"

    async def test_critical_notes_become_alerts(self, api, customer, tenant):
        await api.run(
            ADD,
            {"input": {"customerId": gid(customer), "body": "Customer only speaks Spanish.", "critical": True}},
            user=tenant.agent,
        )
        await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE}}, user=tenant.agent)
        alerts = (await api.run(LOG, {"n": customer.number}, user=tenant.lead))["customer"]["alerts"]
        assert [(a["kind"], a["severity"], a["message"]) for a in alerts] == [
            ("CRITICAL_NOTE", "CRITICAL", "Customer only speaks Spanish.")]


class TestMemos:
    async def test_memos_are_appended_and_entries_never_change(self, api, customer, tenant):
        entry = (await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE}}, user=tenant.agent))[
            "addNote"
        ]["entry"]
        first = (await api.run(MEMO, {"input": {"entryId": entry["id"], "text": "Refund confirmed by finance."}},
                               user=tenant.lead))["addMemo"]
        second = (await api.run(MEMO, {"input": {"entryId": entry["id"], "text": "Customer called back, informed."}},
                                user=tenant.agent))["addMemo"]
        assert first["memo"] == {"text": "Refund confirmed by finance.", "createdBy": {"email": tenant.lead.email}}
        assert [m["text"] for m in second["entry"]["memos"]] == [
            "Refund confirmed by finance.",
            "Customer called back, informed.",
        ]
        log = (await api.run(LOG, {"n": customer.number}, user=tenant.agent))["customer"]["communicationLog"]
        assert log["totalCount"] == 1

    async def test_blank_memo_and_foreign_entry(self, api, customer, tenant, other_tenant):
        entry = (await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE}}, user=tenant.agent))[
            "addNote"
        ]["entry"]
        blank = (await api.run(MEMO, {"input": {"entryId": entry["id"], "text": " "}}, user=tenant.agent))["addMemo"]
        assert blank["userErrors"][0]["code"] == "EMPTY_MEMO"
        foreign = (await api.run(MEMO, {"input": {"entryId": entry["id"], "text": "x"}}, user=other_tenant.agent))[
            "addMemo"
        ]
        assert foreign["userErrors"][0]["code"] == "NOT_FOUND"


class TestLogQueries:
    async def add(self, api, customer, tenant, n: int, **extra) -> None:
        await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE, "subject": f"Note {n}", **extra}},
                      user=tenant.agent)

    async def test_newest_first_with_paging(self, api, customer, tenant):
        for n in range(5):
            await self.add(api, customer, tenant, n)
        page = (await api.run(LOG, {"n": customer.number, "first": 2}, user=tenant.agent))["customer"][
            "communicationLog"
        ]
        assert [e["node"]["subject"] for e in page["edges"]] == ["Note 4", "Note 3"]
        assert page["totalCount"] == 5
        more = (await api.run(LOG, {"n": customer.number, "first": 3, "after": page["pageInfo"]["endCursor"]},
                              user=tenant.agent))["customer"]["communicationLog"]
        assert [e["node"]["subject"] for e in more["edges"]] == ["Note 2", "Note 1", "Note 0"]
        assert more["pageInfo"]["hasNextPage"] is False
        oldest = (await api.run(LOG, {"n": customer.number, "first": 1, "order": "OLDEST_FIRST"}, user=tenant.agent))
        assert oldest["customer"]["communicationLog"]["edges"][0]["node"]["subject"] == "Note 0"

    async def test_filters(self, api, customer, tenant):
        await self.add(api, customer, tenant, 1, kind="CALL", category="Billing")
        await self.add(api, customer, tenant, 2, critical=True, body="Only Spanish")
        await self.add(api, customer, tenant, 3, disposition="CANCEL")
        async def subjects(filter):
            data = await api.run(LOG, {"n": customer.number, "filter": filter}, user=tenant.agent)
            return [e["node"]["subject"] for e in data["customer"]["communicationLog"]["edges"]]
        assert await subjects({"kinds": ["CALL"]}) == ["Note 1"]
        assert await subjects({"category": "Billing"}) == ["Note 1"]
        assert await subjects({"critical": True}) == ["Note 2"]
        assert await subjects({"disposition": "CANCEL"}) == ["Note 3"]
        assert await subjects({"text": "spanish"}) == ["Note 2"]
        assert await subjects({"authorId": to_global_id("User", tenant.agent.id)}) == ["Note 3", "Note 2", "Note 1"]
        assert await subjects({"authorId": to_global_id("User", tenant.lead.id)}) == []
        assert await subjects({"since": "2000-01-01T00:00:00Z", "until": "2000-01-02T00:00:00Z"}) == []

    async def test_viewer_preferences_are_the_defaults(self, api, customer, tenant):
        for n in range(3):
            await self.add(api, customer, tenant, n, kind="CALL" if n == 1 else "NOTE")
        prefs = (
            "mutation($i: UpdateViewerPreferencesInput!) { updateViewerPreferences(input: $i) { userErrors { code } } }"
        )
        await api.run(prefs, {"i": {"communicationLog": {"pageSize": 5, "order": "OLDEST_FIRST", "kinds": ["NOTE"]}}},
                      user=tenant.agent)
        data = await api.run(LOG, {"n": customer.number}, user=tenant.agent)
        assert [e["node"]["subject"] for e in data["customer"]["communicationLog"]["edges"]] == ["Note 0", "Note 2"]
        lead = await api.run(LOG, {"n": customer.number}, user=tenant.lead)
        assert len(lead["customer"]["communicationLog"]["edges"]) == 3

    async def test_utility_account_log_shows_its_entries(self, api, session, customer, tenant):
        account = await make_account(session, customer, ldc="LOG-ACC-1")
        await session.commit()
        await self.add(api, customer, tenant, 1, utilityAccountId=to_global_id("UtilityAccount", account.id))
        await self.add(api, customer, tenant, 2)
        query = ('query { utilityAccount(ldcAccountNumber: "LOG-ACC-1") { communicationLog { edges { node { subject '
                 '} } } } }')
        data = await api.run(query, user=tenant.agent)
        assert [e["node"]["subject"] for e in data["utilityAccount"]["communicationLog"]["edges"]] == ["Note 1"]

    async def test_entry_is_a_node_for_its_client_only(self, api, customer, tenant, other_tenant):
        entry = (await api.run(ADD, {"input": {"customerId": gid(customer), **GOOD_NOTE}}, user=tenant.agent))[
            "addNote"
        ]["entry"]
        node = "query($id: ID!) { node(id: $id) { ... on CommLogEntry { subject note { contactName } } } }"
        mine = await api.run(node, {"id": entry["id"]}, user=tenant.agent)
        assert mine["node"]["note"]["contactName"] == "Alexander Erickson"
        assert (await api.run(node, {"id": entry["id"]}, user=other_tenant.agent))["node"] is None

    async def test_dispositions_are_the_clients(self, api, customer, tenant, other_tenant):
        assert (await api.run("{ dispositions { code label } }", user=tenant.agent))["dispositions"] == [
            {"code": "CANCEL", "label": "Cancellation"}]
        assert (await api.run("{ dispositions { code } }", user=other_tenant.agent))["dispositions"] == []
