"""updateContactInfo (seed 004): the holder or an authorized contact asks; the change, the note, the ticket and
the customer's email are written together, and anyone else asking writes nothing."""

import pytest
from sqlalchemy import select

from db.models import Client, Disposition, Notification, Ticket
from tests.api.tickets.helpers import UPDATE_CONTACT_INFO, audit_of, gid, log_of
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.factories.tickets import census, make_contact

CHECK_NOTE = """
query($input: NoteInput!) { checkNote(input: $input) { code } }
"""


@pytest.fixture
async def customer(session, tenant):
    customer = await make_customer(session, tenant, "Alex Martin", email="alexmart@covesmart.com")
    await make_account(session, customer, line1="100 Main St", city="Dallas", zip="75201")
    session.add(Disposition(client_id=tenant.client.id, code="CONTACT", label="Contact information update"))
    await session.commit()
    return customer


async def change(api, user, customer, requested_by: dict, **fields) -> dict:
    variables = {"input": {"customerId": gid("Customer", customer.id), "requestedBy": requested_by, **fields}}
    return (await api.run(UPDATE_CONTACT_INFO, variables, user=user))["updateContactInfo"]


async def emails_of(session, customer) -> dict[str, Notification]:
    rows = (await session.execute(select(Notification).where(Notification.customer_id == customer.id))).scalars()
    found = {n.recipient: n for n in rows}
    await session.commit()
    return found


class TestByTheHolder:
    async def test_everything_is_written_in_one_step(self, api, session, tenant, customer):
        # when the holder asks for a new email and phone
        payload = await change(api, tenant.agent, customer, {"name": "alex  MARTIN"}, email="Alex.CMart@covesmart.com",
                               phone="(215) 555-0199", clientMutationId="cm-1")
        # then the customer is changed
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "cm-1"
        assert payload["customer"]["email"] == "Alex.CMart@covesmart.com"
        assert payload["customer"]["phone"] == "+12155550199"
        # a ticket lands in the account-servicing queue, as seed 004 fills it in
        ticket = payload["ticket"]
        assert ticket["summary"] == "Contact information update - Alex Martin"
        assert (ticket["kind"], ticket["requestType"], ticket["queue"]) == (
            "CONTACT_CHANGE", "ACCOUNT_MANAGEMENT", "ACCOUNT_SERVICING")
        assert (ticket["status"], ticket["supportChannel"], ticket["assignee"]) == ("OPEN", "PHONE", None)
        assert ticket["reporter"] == "Alex.CMart@covesmart.com"
        assert ticket["customer"] == {"number": customer.number}
        assert ticket["number"].startswith("TKT-")
        assert ticket["createdBy"] == {"email": tenant.agent.email}
        for text in ("Alex Martin", "Service address: 100 Main St, Dallas, TX 75201",
                     "Email changed from alexmart@covesmart.com to Alex.CMart@covesmart.com",
                     "Phone number changed from +12155550123 to +12155550199", tenant.agent.name):
            assert text in ticket["description"]
        # a note in the notes-policy shape, with the changes from-to and the ticket number
        entry = payload["entry"]
        assert (entry["kind"], entry["disposition"]) == ("NOTE", "CONTACT")
        assert entry["createdBy"] == {"email": tenant.agent.email}
        note = entry["note"]
        assert note["contactName"] == "alex MARTIN"
        assert note["isAccountHolder"] is True
        assert note["relationship"] is None
        assert note["reason"] == "Contact information update requested"
        assert "Email changed from alexmart@covesmart.com to Alex.CMart@covesmart.com" in note["resolution"]
        assert "Phone number changed from +12155550123 to +12155550199" in note["resolution"]
        assert ticket["number"] in note["resolution"]
        assert "security notice of the change to the previous email alexmart@covesmart.com" in note["resolution"]
        assert payload["findings"] == []
        # the customer is told, at the new address; the old address gets a security notice
        assert payload["customerNotified"] is True
        assert payload["notification"] == {"channel": "EMAIL", "recipient": "Alex.CMart@covesmart.com",
                                           "subject": "We're working on your request", "status": "QUEUED"}
        assert payload["securityNotice"]["recipient"] == "alexmart@covesmart.com"
        sent = await emails_of(session, customer)
        assert sent["Alex.CMart@covesmart.com"].body_text == (
            f"Hi Alex Martin,\n\nWe're working on your request. We will let you know once it is complete.\n\n"
            f"Regards,\n{tenant.agent.name}\n")
        notice = sent["alexmart@covesmart.com"].body_text
        assert "changed from alexmart@covesmart.com to Alex.CMart@covesmart.com" in notice

    async def test_the_note_passes_the_notes_policy(self, api, tenant, customer):
        payload = await change(api, tenant.agent, customer, {"name": "Alex Martin", "relationship": "self"},
                               phone="215-555-0100")
        note = payload["entry"]["note"]
        draft = {"customerId": gid("Customer", customer.id), **{k: note[k] for k in (
            "contactName", "relationship", "isAccountHolder", "reason", "resolution")}}
        assert (await api.run(CHECK_NOTE, {"input": draft}, user=tenant.agent))["checkNote"] == []

    async def test_audited_from_to_and_logged(self, api, session, tenant, customer):
        payload = await change(api, tenant.agent, customer, {"name": "Alex Martin"}, phone="215-555-0100",
                               reason="Customer got a new phone")
        events = await audit_of(api, tenant.agent, customer)
        assert events[0]["action"] == "customer.update_contact_info"
        assert sorted(events[0]["changes"], key=lambda c: c["field"]) == [
            {"field": "phone", "from": "+12155550123", "to": "+12155550100"},
            {"field": "requested_by", "from": None, "to": "Alex Martin (account holder)"},
        ]
        log = await log_of(api, tenant.agent, customer)
        assert {(e["kind"], e["subject"]) for e in log} == {
            ("NOTE", "Contact information update"),
            ("SYSTEM", f"Ticket {payload['ticket']['number']} opened: Contact information update - Alex Martin")}
        assert payload["entry"]["note"]["reason"] == "Customer got a new phone"

    async def test_billing_address_change_is_noted_and_searchable(self, api, tenant, customer):
        address = {"line1": "88 Willow Way", "line2": "Apt 4", "city": "Austin", "state": "tx", "zip": "73301"}
        payload = await change(api, tenant.agent, customer, {"name": "Alex Martin"}, billingAddress=address)
        assert payload["customer"]["billingAddress"] == {**address, "state": "TX"}
        moved = "Billing address changed from 1 Billing Rd, Dallas, TX 75201 to 88 Willow Way, Apt 4, Austin, TX 73301"
        assert moved in payload["ticket"]["description"]
        assert moved in payload["entry"]["note"]["resolution"]
        assert payload["securityNotice"] is None  # the email did not change
        found = await api.run('{ customers(search: {address: "willow way"}) { edges { node { number } } } }',
                              user=tenant.agent)
        assert found["customers"]["edges"] == [{"node": {"number": customer.number}}]
        gone = await api.run('{ customers(search: {address: "billing rd"}) { totalCount } }', user=tenant.agent)
        assert gone["customers"]["totalCount"] == 0

    async def test_without_an_email_nobody_is_emailed_and_the_payload_says_so(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Quiet Person", email=None)
        await session.commit()
        payload = await change(api, tenant.agent, customer, {"name": "Quiet Person"}, phone="2155550111",
                               supportChannel="CHAT")
        assert payload["userErrors"] == []
        assert payload["customerNotified"] is False
        assert payload["notification"] is None
        assert payload["securityNotice"] is None
        assert payload["ticket"]["reporter"] == tenant.agent.email
        assert payload["ticket"]["supportChannel"] == "CHAT"
        assert "Service address: (none)" in payload["ticket"]["description"]
        assert "not emailed" in payload["entry"]["note"]["resolution"]
        assert payload["entry"]["disposition"] is None  # this client has no contact-update disposition
        assert await emails_of(session, customer) == {}


class TestByAnAuthorizedContact:
    async def test_named_contact_with_relationship(self, api, session, tenant, customer):
        contact = await make_contact(session, customer, "Alexander Érickson", "son")
        await session.commit()
        payload = await change(api, tenant.agent, customer, {"name": "alexander erickson", "relationship": "Son"},
                               email="alex.martin@mail.example")
        assert payload["userErrors"] == []
        note = payload["entry"]["note"]
        assert (note["contactName"], note["relationship"], note["isAccountHolder"]) == (
            "alexander erickson", "Son", False)
        assert "Requested by: alexander erickson (Son, authorized contact)" in payload["ticket"]["description"]
        ticket = (await session.execute(select(Ticket).where(Ticket.customer_id == customer.id))).scalar_one()
        assert ticket.details["requested_by"]["authorized_contact_id"] == contact.id
        assert ticket.details["changes"] == {"email": {"from": "alexmart@covesmart.com",
                                                       "to": "alex.martin@mail.example"}}
        await session.commit()


class TestRefusals:
    @pytest.mark.parametrize("requested_by", [
        {"name": "Jane Roe", "relationship": "neighbor"},  # a stranger
        {"name": "Jane Roe"},  # claims to be the holder under another name
        {"name": "Alexander Erickson", "relationship": "son"},  # was a contact, since removed
        {"name": "Maria Lopez"},  # an authorized contact who gives no relationship
    ])
    async def test_anyone_else_writes_nothing(self, api, session, tenant, customer, requested_by):
        await make_contact(session, customer, "Alexander Erickson", "son", removed=True)
        await make_contact(session, customer, "Maria Lopez", "wife")
        before = await census(session, customer)
        payload = await change(api, tenant.agent, customer, requested_by, email="thief@mail.example",
                               billingAddress={"line1": "1 Elsewhere", "city": "Reno", "state": "NV", "zip": "89501"})
        assert payload["customer"] is None
        assert payload["ticket"] is None
        assert payload["entry"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("REQUESTER_NOT_AUTHORIZED", ["input", "requestedBy", "name"])]
        assert await census(session, customer) == before

    @pytest.mark.parametrize(("fields", "code", "field"), [
        ({"email": "not-an-email"}, "INVALID_EMAIL", ["input", "email"]),
        ({"phone": "12"}, "INVALID_PHONE", ["input", "phone"]),
        ({"email": "  "}, "INVALID", ["input", "email"]),
        ({"billingAddress": {"line1": "1 A St", "city": "Reno", "state": "Nevada", "zip": "89501"}}, "TEXT_TOO_LONG",
         ["input", "billingAddress", "state"]),
        ({"billingAddress": {"line1": "1 A St", "city": "Reno", "state": "NV", "zip": "8950"}}, "INVALID",
         ["input", "billingAddress", "zip"]),
        ({}, "INVALID", ["input"]),  # nothing asked for
        ({"email": "alexmart@CoveSmart.COM", "phone": "+1 215 555 0123"}, "INVALID", ["input"]),  # already on file
    ])
    async def test_invalid_input_writes_nothing(self, api, session, tenant, customer, fields, code, field):
        before = await census(session, customer)
        payload = await change(api, tenant.agent, customer, {"name": "Alex Martin"}, **fields)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
        assert await census(session, customer) == before

    async def test_a_blocking_client_refuses_a_reason_that_breaks_the_policy(self, api, session, tenant, customer):
        client = await session.get(Client, tenant.client.id)
        client.settings = {**client.settings, "note_policy": "BLOCK"}
        before = await census(session, customer)
        payload = await change(api, tenant.agent, customer, {"name": "Alex Martin"}, phone="2155550100",
                               reason="Customer wants it changed cuz the old one is gone")
        assert payload["userErrors"][0]["code"] == "NOTE_POLICY_VIOLATION"
        assert [f["code"] for f in payload["findings"]] == ["SLANG"]
        assert await census(session, customer) == before

    async def test_another_clients_customer_is_not_found(self, api, session, tenant, other_tenant, customer):
        before = await census(session, customer)
        payload = await change(api, other_tenant.agent, customer, {"name": "Alex Martin"}, phone="2155550100")
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "customerId"])]
        assert await census(session, customer) == before
