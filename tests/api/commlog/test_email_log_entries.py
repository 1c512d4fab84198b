"""Every mutation that emails a customer logs that the email was queued, never that it was sent, and points the entry
at its notifications; the entry is never edited after, and the notification's status is what tells SENT or FAILED."""

import re
from datetime import timedelta

import pytest

from db.enums import TicketKind, TicketQueue
from db.writes import Writes
from graph.core.relay import to_global_id
from resolvers.commlog.letters.outbox import MAX_ATTEMPTS, FileTransport, Transport, deliver_due
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket
from tests.resolvers.commlog.letters.test_outbox import (  # noqa: F401 - customer is a fixture, used by name
    FAR_FUTURE,
    add_templates,
    customer,
    drain,
)

# A claim of delivery: "SENT" in capitals names a status the entry points at, and is allowed.
CLAIM = re.compile(r"\b(Sent|sent|notified|emailed|delivered|Delivered)\b")
DELIVERY = "userErrors { code message }"
LATEST_ENTRY = """query($id: ID!) { node(id: $id) { ... on Customer {
  communicationLog(first: 1, order: NEWEST_FIRST, filter: {kinds: [NOTE, CALL, EMAIL, LETTER, SYSTEM]}) {
    edges { node { id } } } } } }"""
ENTRY = """query($id: ID!) { node(id: $id) { ... on CommLogEntry { id kind subject body note { resolution }
  notifications { id channel status sentAt lastError attempts logEntry { id } } } } }"""
NOTIFICATIONS = """query($id: ID!) { node(id: $id) { ... on Customer {
  notifications(first: 20) { edges { node { id status logEntry { id } } } } } } }"""


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


async def mutate(api, user, name: str, input_type: str, values: dict) -> dict:
    query = f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {DELIVERY} }} }}"
    payload = (await api.run(query, {"input": values}, user=user))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def send_letter(api, tenant, customer, session) -> None:
    await mutate(api, tenant.agent, "sendLetter", "SendLetterInput",
                 {"customerId": gid("Customer", customer.id), "templateCode": "WELCOME_KIT", "channel": "EMAIL"})


async def resend_letter(api, tenant, customer, session) -> None:
    query = """mutation($input: SendLetterInput!) { sendLetter(input: $input) { document { id } } }"""
    sent = await api.run(query, {"input": {"customerId": gid("Customer", customer.id), "templateCode": "CONTRACT",
                                           "channel": "MAIL"}}, user=tenant.agent)
    await mutate(api, tenant.agent, "resendLetter", "ResendLetterInput",
                 {"documentId": sent["sendLetter"]["document"]["id"], "channel": "EMAIL", "reason": "Asked for email"})


async def email_invoice(api, tenant, customer, session) -> None:
    invoice = await make_invoice(session, customer)
    await session.commit()
    await mutate(api, tenant.agent, "emailInvoice", "EmailInvoiceInput", {"invoiceId": gid("Invoice", invoice.id)})


async def email_ar_history(api, tenant, customer, session) -> None:
    await mutate(
        api, tenant.agent, "emailArHistory", "EmailArHistoryInput", {"customerId": gid("Customer", customer.id)}
    )


async def update_contact_info(api, tenant, customer, session) -> None:
    await mutate(api, tenant.agent, "updateContactInfo", "UpdateContactInfoInput",
                 {"customerId": gid("Customer", customer.id), "requestedBy": {"name": customer.name},
                  "email": "new.address@mail.example"})


async def close_contact_change(api, tenant, customer, session) -> None:
    ticket = await make_ticket(session, tenant.client.id, customer=customer, kind=TicketKind.CONTACT_CHANGE,
                               queue=TicketQueue.ACCOUNT_SERVICING,
                               details={"changes": {"phone": {"from": None, "to": "+12155550100"}}})
    await session.commit()
    await mutate(api, tenant.lead, "closeTicket", "CloseTicketInput", {"ticketId": gid("Ticket", ticket.id)})


ACTIONS = [send_letter, resend_letter, email_invoice, email_ar_history, update_contact_info, close_contact_change]


class FailingTransport:
    name = Transport.SMTP

    async def send(self, message) -> None:
        raise ConnectionRefusedError("mail server down")


async def latest_entry(api, user, customer) -> dict:
    log = (await api.run(LATEST_ENTRY, {"id": gid("Customer", customer.id)}, user=user))["node"]["communicationLog"]
    return (await api.run(ENTRY, {"id": log["edges"][0]["node"]["id"]}, user=user))["node"]


def words(entry: dict) -> str:
    return " ".join(t for t in (entry["subject"], entry["body"], entry["note"]["resolution"]) if t)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
@pytest.mark.parametrize("outcome", ["SENT", "FAILED"])
async def test_the_log_says_queued_and_the_notification_tells_what_happened(
    api, database, session, tenant, customer, action, outcome, tmp_path,  # noqa: F811
):
    # given an empty outbox
    writer = Writes(database.engine)
    await drain(writer)
    # when the CSR does something that emails the customer
    await action(api, tenant, customer, session)
    # then the newest log entry says the email was queued, claims no delivery, and points at its notifications
    entry = await latest_entry(api, tenant.agent, customer)
    text = words(entry)
    assert "queued" in text.lower(), text
    assert not CLAIM.search(text), text
    emails = [n for n in entry["notifications"] if n["channel"] == "EMAIL"]
    assert emails
    assert all(n["status"] == "QUEUED" and n["logEntry"] == {"id": entry["id"]} for n in emails)
    # and every notification of the customer is recorded by some entry
    edges = (await api.run(NOTIFICATIONS, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]
    assert all(e["node"]["logEntry"] for e in edges["notifications"]["edges"])
    # when the outbox delivers, or gives up after its last attempt
    if outcome == "SENT":
        assert await deliver_due(writer, FileTransport(tmp_path), now=FAR_FUTURE) == len(emails)
    else:
        for attempt in range(MAX_ATTEMPTS):
            await deliver_due(writer, FailingTransport(), now=FAR_FUTURE + timedelta(days=attempt))
    # then the entry reads exactly as before, and its notifications carry the outcome
    after = (await api.run(ENTRY, {"id": entry["id"]}, user=tenant.agent))["node"]
    assert words(after) == text
    for notification in (n for n in after["notifications"] if n["channel"] == "EMAIL"):
        assert notification["status"] == outcome
        if outcome == "SENT":
            assert notification["sentAt"]
            assert notification["lastError"] is None
        else:
            assert notification["attempts"] == MAX_ATTEMPTS
            assert notification["sentAt"] is None
            assert notification["lastError"] == "ConnectionRefusedError: mail server down"



LOG_WITH_NOTIFICATIONS = """query($id: ID!) { node(id: $id) { ... on Customer {
  communicationLog(first: 50, filter: {kinds: [LETTER]}) { edges { node { subject
    notifications { status recipient logEntry { id } document { title } } } } } } } }"""


async def test_notifications_of_a_log_page_load_in_one_statement_whatever_the_page_size(
    api, session, tenant, other_tenant, count_sql,
):
    # given one customer with one emailed letter and another with eight
    counts = []
    for owner, letters in ((tenant, 1), (other_tenant, 8)):
        await add_templates(session, owner.client.id)
        person = await make_customer(session, owner, "Logan Letters", email="logan@mail.example")
        await make_account(session, person)
        await session.commit()
        for _ in range(letters):
            await send_letter(api, owner, person, session)
        # when the log is read with each entry's notifications (once to warm the per-process caches)
        variables = {"id": gid("Customer", person.id)}
        await api.run(LOG_WITH_NOTIFICATIONS, variables, user=owner.agent)
        with count_sql() as counter:
            data = await api.run(LOG_WITH_NOTIFICATIONS, variables, user=owner.agent)
        assert len(data["node"]["communicationLog"]["edges"]) == letters
        counts.append(counter.count)
    # then the statements are the same for one entry and for eight
    assert counts[0] == counts[1], counts
