"""sendLetter, resendLetter, letterTemplates, Document/Notification nodes and connections, over the API."""

import asyncio
import io
from contextlib import suppress
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, insert, select, update

from db.engine import make_write_sessionmaker
from db.enums import LetterKind, NotificationChannel, NotificationStatus, Role
from db.models import AuditEvent, CommLogEntry, Customer, Document, LetterTemplate, Notification
from db.writes import Writes
from graph.core.relay import from_global_id, to_global_id
from resolvers.commlog.letters import commands as letters
from resolvers.commlog.letters.outbox import SmtpTransport, deliver_due
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer
from tests.resolvers.commlog.letters.test_outbox import (
    add_templates,
    drain,
    smtp_server,  # noqa: F401 - a fixture, used by name
)

SEND = """
mutation($input: SendLetterInput!) { sendLetter(input: $input) {
  document { id kind title contentType sizeBytes generatedAt sentAt downloadUrl template { code } notifications { id } }
  notification { id channel recipient subject status transport attempts reason sentAt createdBy { email } }
  entry { id kind subject body }
  userErrors { field code message }
  clientMutationId
} }
"""
RESEND = """
mutation($input: ResendLetterInput!) { resendLetter(input: $input) {
  document { id title sentAt notifications { id channel reason status } }
  notification { id channel recipient status reason }
  entry { kind subject body }
  userErrors { field code message }
} }
"""
NODE = """
query($id: ID!) { node(id: $id) { __typename id
  ... on Notification { status transport attempts sentAt lastError document { title sentAt } customer { name } }
  ... on Document { title kind utilityAccount { ldcAccountNumber } customer { name } }
  ... on LetterTemplate { code kind name active }
} }
"""


def pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def send(api, user, **input) -> dict:
    return (await api.run(SEND, {"input": input}, user=user))["sendLetter"]


async def written(database, customer_id: int) -> dict[str, int]:
    """What exists for a customer: documents, notifications, log entries."""
    async with database.sessionmaker() as s:
        async def count(model, *where) -> int:
            return (await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one()

        return {
            "documents": await count(Document, Document.customer_id == customer_id),
            "notifications": await count(Notification, Notification.customer_id == customer_id),
            "entries": await count(CommLogEntry, CommLogEntry.customer_id == customer_id),
        }


async def pdf_text(database, document_id: str) -> tuple[bytes, str]:
    async with database.sessionmaker() as s:
        content = (await s.execute(select(Document.content).where(Document.id == pk(document_id)))).scalar_one()
    return content, "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def holder(session, tenant):
    """A customer with an email, a billing address and one utility account on a plan; the client's templates."""
    await add_templates(session, tenant.client.id)
    plan = await make_rate_plan(session, tenant.client.id, "TX", rate_millicents=10_900)
    customer = await make_customer(session, tenant, "Morgan Lettersen", email="morgan@mail.example")
    account = await make_account(session, customer, plan=plan, ldc="10443720000077777")
    await session.commit()
    return customer, account


class TestSendLetter:
    async def test_email_creates_pdf_queued_notification_and_log_entry(self, api, database, tenant, holder):
        customer, _ = holder
        # when
        payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                             templateCode="WELCOME_KIT", channel="EMAIL", clientMutationId="s-1")
        # then
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "s-1"
        document, notification, entry = payload["document"], payload["notification"], payload["entry"]
        assert document["kind"] == "WELCOME_KIT"
        assert document["template"] == {"code": "WELCOME_KIT"}
        assert document["contentType"] == "application/pdf"
        assert document["sentAt"] is None
        assert document["downloadUrl"] == f"/files/documents/{pk(document['id'])}"
        assert document["notifications"] == [{"id": notification["id"]}]
        assert notification == {
            "id": notification["id"], "channel": "EMAIL", "recipient": "morgan@mail.example",
            "subject": document["title"], "status": "QUEUED", "transport": None, "attempts": 0, "reason": None,
            "sentAt": None, "createdBy": {"email": tenant.agent.email},
        }
        assert entry["kind"] == "LETTER"
        assert entry["subject"] == f"Email queued: {document['title']}"
        assert entry["body"].startswith("Queued for email to morgan@mail.example.")
        content, text = await pdf_text(database, document["id"])
        assert content.startswith(b"%PDF")
        assert document["sizeBytes"] == len(content)
        assert "Morgan Lettersen" in text
        assert "10443720000077777" in text
        assert "10.9¢ per kWh" in text
        async with database.sessionmaker() as s:
            rows = (await s.execute(select(CommLogEntry.document_id).where(CommLogEntry.id == pk(entry["id"])))).all()
            audit = (
                await s.execute(
                    select(AuditEvent.action).where(
                        AuditEvent.object_type == "Document", AuditEvent.object_id == pk(document["id"])
                    )
                )
            ).all()
        assert rows == [(pk(document["id"]),)]
        assert audit == [("commlog.send_letter",)]

    async def test_outbox_delivers_it_over_smtp(self, api, database, tenant, holder, smtp_server):  # noqa: F811
        # given a queued email letter, alone in the outbox
        customer, _ = holder
        writer = Writes(database.engine)
        await drain(writer)
        payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                             templateCode="CONTRACT", channel="EMAIL")
        # when the outbox runs against a real SMTP server
        sent = await deliver_due(writer, SmtpTransport(f"smtp://127.0.0.1:{smtp_server.port}"), now=datetime.now(UTC))
        # then the customer got it, PDF attached, and the API shows it SENT over SMTP
        assert sent == 1
        assert smtp_server.received[0][1] == ["morgan@mail.example"]
        (attachment,) = list(smtp_server.message().iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == (await pdf_text(database, payload["document"]["id"]))[0]
        node = (await api.run(NODE, {"id": payload["notification"]["id"]}, user=tenant.agent))["node"]
        assert (node["status"], node["transport"], node["attempts"]) == ("SENT", "SMTP", 1)
        assert node["sentAt"]
        assert node["document"]["sentAt"] == node["sentAt"]

    async def test_mail_is_recorded_sent_to_the_billing_address(self, api, tenant, holder):
        customer, _ = holder
        payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                             templateCode="RENEWAL_LETTER", channel="MAIL")
        notification = payload["notification"]
        assert payload["userErrors"] == []
        assert (notification["status"], notification["transport"]) == ("SENT", "MAIL")
        assert notification["recipient"] == "1 Billing Rd, Dallas, TX 75201"
        assert notification["sentAt"]
        assert payload["document"]["sentAt"] == notification["sentAt"]
        assert payload["entry"]["body"] == "By mail to 1 Billing Rd, Dallas, TX 75201."

    @pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD, Role.ADMIN])
    async def test_every_role_may_send(self, api, tenant, holder, role):
        customer, _ = holder
        payload = await send(api, tenant.user(role), customerId=to_global_id("Customer", customer.id),
                             templateCode="GENERAL", channel="MAIL")
        assert payload["userErrors"] == []
        assert payload["document"]["kind"] == "GENERAL"

    async def test_by_template_id_with_a_named_account(self, api, session, tenant, holder):
        customer, _ = holder
        second = await make_account(session, customer, utility="PECO", ldc="PEC000000000123", state="PA")
        template_id = (await session.execute(select(LetterTemplate.id).where(
            LetterTemplate.client_id == tenant.client.id, LetterTemplate.code == "CONTRACT"))).scalar_one()
        await session.commit()
        payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id), channel="MAIL",
                             templateId=to_global_id("LetterTemplate", template_id),
                             utilityAccountId=to_global_id("UtilityAccount", second.id))
        assert payload["document"]["title"] == "Your electricity supply agreement, account PEC000000000123"

    async def test_no_email_is_a_user_error_and_writes_nothing(self, api, database, session, tenant):
        # given a customer without an email
        await add_templates(session, tenant.client.id)
        customer = await make_customer(session, tenant, "No Email", email=None)
        await make_account(session, customer)
        await session.commit()
        # when
        payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                             templateCode="WELCOME_KIT", channel="EMAIL")
        # then
        assert payload["document"] is None
        assert payload["notification"] is None
        assert payload["entry"] is None
        assert payload["userErrors"] == [{"field": ["input", "channel"], "code": "NO_EMAIL_ADDRESS",
                                          "message": "The customer has no email address on file."}]
        assert await written(database, customer.id) == {"documents": 0, "notifications": 0, "entries": 0}

    async def test_a_template_that_fails_to_render_is_a_user_error_and_writes_nothing(
        self, api, database, session, tenant, holder
    ):
        customer, _ = holder
        session.add_all([
            LetterTemplate(client_id=tenant.client.id, code="EVIL", kind=LetterKind.GENERAL, name="Evil", subject="Hi",
                           body_html="{{ ''.__class__.__mro__ }}"),
            LetterTemplate(client_id=tenant.client.id, code="TYPO", kind=LetterKind.GENERAL, name="Typo", subject="Hi",
                           body_html="<p>{{ customer.nmae }}</p>"),
        ])
        await session.commit()
        for code in ("EVIL", "TYPO"):
            payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id), templateCode=code,
                                 channel="EMAIL")
            assert payload["userErrors"][0]["code"] == "TEMPLATE_RENDER_FAILED", code
        assert await written(database, customer.id) == {"documents": 0, "notifications": 0, "entries": 0}

    async def test_inactive_template_and_template_choice(self, api, session, tenant, holder):
        customer, _ = holder
        session.add(LetterTemplate(client_id=tenant.client.id, code="OLD", kind=LetterKind.GENERAL, name="Old",
                                   subject="Old", body_html="<p>Old</p>", active=False))
        await session.commit()
        customer_id = to_global_id("Customer", customer.id)
        retired = await send(api, tenant.agent, customerId=customer_id, templateCode="OLD", channel="MAIL")
        neither = await send(api, tenant.agent, customerId=customer_id, channel="MAIL")
        unknown = await send(api, tenant.agent, customerId=customer_id, templateCode="NOPE", channel="MAIL")
        assert retired["userErrors"][0]["code"] == "TEMPLATE_INACTIVE"
        assert neither["userErrors"][0]["code"] == "TEMPLATE_NOT_CHOSEN"
        assert unknown["userErrors"][0] == {"field": ["input", "templateCode"], "code": "NOT_FOUND",
                                            "message": "Letter template not found."}


class TestOtherClients:
    async def test_their_template_or_their_customer_is_not_found(
        self, api, database, session, tenant, other_tenant, holder
    ):
        customer, _ = holder
        await add_templates(session, other_tenant.client.id)
        theirs = await make_customer(session, other_tenant, "Their Customer")
        their_template = (await session.execute(select(LetterTemplate.id).where(
            LetterTemplate.client_id == other_tenant.client.id).limit(1))).scalar_one()
        await session.commit()
        with_their_template = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                                         templateId=to_global_id("LetterTemplate", their_template), channel="MAIL")
        to_their_customer = await send(api, tenant.agent, customerId=to_global_id("Customer", theirs.id),
                                       templateCode="GENERAL", channel="MAIL")
        assert with_their_template["userErrors"][0]["field"] == ["input", "templateId"]
        assert to_their_customer["userErrors"][0]["field"] == ["input", "customerId"]
        assert {e["userErrors"][0]["code"] for e in (with_their_template, to_their_customer)} == {"NOT_FOUND"}
        assert await written(database, customer.id) == {"documents": 0, "notifications": 0, "entries": 0}
        assert await written(database, theirs.id) == {"documents": 0, "notifications": 0, "entries": 0}

    async def test_account_of_another_customer_is_refused(self, api, session, tenant, other_tenant, holder):
        customer, _ = holder
        neighbour = await make_customer(session, tenant, "Neighbour")
        their_account = await make_account(session, neighbour)
        stranger = await make_account(session, await make_customer(session, other_tenant, "Stranger"))
        await session.commit()
        for account, code in ((their_account, "ACCOUNT_NOT_OF_CUSTOMER"), (stranger, "NOT_FOUND")):
            payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id), channel="MAIL",
                                 templateCode="CONTRACT", utilityAccountId=to_global_id("UtilityAccount", account.id))
            assert payload["userErrors"][0]["code"] == code
            assert payload["userErrors"][0]["field"] == ["input", "utilityAccountId"]

    async def test_their_documents_notifications_and_templates_are_null_through_node(
        self, api, session, tenant, other_tenant, holder
    ):
        customer, _ = holder
        sent = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id), templateCode="GENERAL",
                          channel="MAIL")
        template_id = (await session.execute(select(LetterTemplate.id).where(
            LetterTemplate.client_id == tenant.client.id, LetterTemplate.code == "GENERAL"))).scalar_one()
        ids = [sent["document"]["id"], sent["notification"]["id"], to_global_id("LetterTemplate", template_id)]
        for global_id in ids:
            mine = (await api.run(NODE, {"id": global_id}, user=tenant.agent))["node"]
            theirs = (await api.run(NODE, {"id": global_id}, user=other_tenant.agent))["node"]
            assert mine["id"] == global_id
            assert theirs is None


class TestResendLetter:
    async def test_sends_the_same_document_again_with_the_reason(self, api, database, tenant, holder):
        # given a letter sent by email
        customer, _ = holder
        first = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                           templateCode="CONTRACT", channel="EMAIL")
        # when it is resent by mail
        payload = (await api.run(RESEND, {"input": {"documentId": first["document"]["id"], "channel": "MAIL",
                                                    "reason": "  Customer says   it never arrived "}},
                                 user=tenant.agent))["resendLetter"]
        # then the same document has a second notification, with the reason, and the log says so
        title = first["document"]["title"]
        assert payload["userErrors"] == []
        assert payload["document"]["id"] == first["document"]["id"]
        assert payload["notification"]["reason"] == "Customer says it never arrived"
        assert [(n["channel"], n["reason"]) for n in payload["document"]["notifications"]] == [
            ("EMAIL", None), ("MAIL", "Customer says it never arrived")]
        assert payload["entry"]["subject"] == f"Resent by mail: {title} (Customer says it never arrived)"
        assert payload["entry"]["kind"] == "LETTER"
        assert await written(database, customer.id) == {"documents": 1, "notifications": 2, "entries": 2}

    async def test_default_channel_is_the_original(self, api, tenant, holder):
        customer, _ = holder
        first = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                           templateCode="GENERAL", channel="EMAIL")
        payload = (await api.run(RESEND, {"input": {"documentId": first["document"]["id"], "reason": "Lost it"}},
                                 user=tenant.agent))["resendLetter"]
        assert payload["notification"]["channel"] == "EMAIL"
        assert payload["notification"]["status"] == "QUEUED"
        assert payload["notification"]["recipient"] == "morgan@mail.example"

    async def test_blank_reason_is_a_user_error_and_writes_nothing(self, api, database, tenant, holder):
        customer, _ = holder
        first = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                           templateCode="GENERAL", channel="MAIL")
        for reason in ("", "   "):
            payload = (await api.run(RESEND, {"input": {"documentId": first["document"]["id"], "reason": reason}},
                                     user=tenant.agent))["resendLetter"]
            assert payload["userErrors"] == [{"field": ["input", "reason"], "code": "BLANK_REASON",
                                              "message": "Say why the letter is sent again."}]
        assert await written(database, customer.id) == {"documents": 1, "notifications": 1, "entries": 1}

    async def test_their_document_is_not_found(self, api, database, tenant, other_tenant, holder):
        customer, _ = holder
        first = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                           templateCode="GENERAL", channel="MAIL")
        for document_id in (first["document"]["id"], to_global_id("Document", 10**9), "garbage"):
            payload = (await api.run(RESEND, {"input": {"documentId": document_id, "reason": "Again"}},
                                     user=other_tenant.agent))["resendLetter"]
            assert payload["userErrors"][0]["code"] == "NOT_FOUND", document_id
        assert await written(database, customer.id) == {"documents": 1, "notifications": 1, "entries": 1}


class TestAddressChangedWhileSending:
    """sendLetter and resendLetter lock the customer's row before reading the address again in their transaction:
    a contact change that commits while the letter is being sent (after it was laid out) decides where it goes, in
    one run of the transaction (without the lock, PostgreSQL's resend used the old address, and its send read the old
    one, then failed at a later write and ran again)."""

    @pytest.mark.parametrize("mutation", ["sendLetter", "resendLetter"])
    @pytest.mark.parametrize("new_email", ["morgan.moved@mail.example", None])
    async def test_the_address_on_file_at_commit_is_used(
        self, api, database, tenant, holder, monkeypatch, mutation, new_email
    ):
        customer, _ = holder
        customer_id = to_global_id("Customer", customer.id)
        first = await send(api, tenant.agent, customerId=customer_id, templateCode="GENERAL", channel="EMAIL")
        before = await written(database, customer.id)
        in_transaction, runs = asyncio.Event(), []
        for name in ("send_letter", "resend_letter"):
            monkeypatch.setattr(letters, name, entered(getattr(letters, name), in_transaction, runs))

        async def sending() -> dict:
            if mutation == "sendLetter":
                return await send(api, tenant.agent, customerId=customer_id, templateCode="GENERAL", channel="EMAIL")
            variables = {"input": {"documentId": first["document"]["id"], "reason": "Lost it"}}
            return (await api.run(RESEND, variables, user=tenant.agent))["resendLetter"]

        async with make_write_sessionmaker(database.engine)() as change, change.begin():
            await change.execute(update(Customer).where(Customer.id == customer.id).values(email=new_email))
            sent = asyncio.create_task(sending())
            # PostgreSQL: its transaction has begun (the letter laid out) and waits for the row; SQLite: it waits
            # for the write lock, so it cannot begin before the change commits
            with suppress(TimeoutError):
                await asyncio.wait_for(in_transaction.wait(), timeout=1)
            await asyncio.sleep(0.2)
            assert not sent.done()
        payload = await sent
        after = await written(database, customer.id)
        assert runs == [mutation], "the transaction ran once"
        if new_email is None:
            assert payload["userErrors"] == [{"field": ["input", "channel"], "code": "NO_EMAIL_ADDRESS",
                                              "message": "The customer has no email address on file."}]
            assert after == before
        else:
            assert payload["userErrors"] == []
            assert payload["notification"]["recipient"] == new_email
            assert after["notifications"] == before["notifications"] + 1
            assert after["entries"] == before["entries"] + 1


def entered(function, event: asyncio.Event, runs: list[str]):
    """`function`, setting `event` when it is called (in the mutation's transaction) and counting its runs."""

    async def setting(*args, **kwargs):
        event.set()
        runs.append("sendLetter" if function.__name__ == "send_letter" else "resendLetter")
        return await function(*args, **kwargs)

    return setting


class TestLetterTemplates:
    async def test_lists_the_clients_active_templates_by_kind(self, api, session, tenant, other_tenant):
        await add_templates(session, tenant.client.id)
        session.add(LetterTemplate(client_id=tenant.client.id, code="OLD", kind=LetterKind.GENERAL, name="Old",
                                   subject="Old", body_html="<p>Old</p>", active=False))
        await session.commit()
        query = "query($k: LetterKind) { letterTemplates(kind: $k) { id code kind name subject active } }"
        everything = (await api.run(query, user=tenant.agent))["letterTemplates"]
        renewals = (await api.run(query, {"k": "RENEWAL_LETTER"}, user=tenant.agent))["letterTemplates"]
        assert [t["code"] for t in everything] == [
            "CONTRACT",
            "GENERAL",
            "RATE_CHANGE",
            "RENEWAL_LETTER",
            "WELCOME_KIT",
        ]
        assert [t["code"] for t in renewals] == ["RENEWAL_LETTER"]
        assert (await api.run(query, user=other_tenant.agent))["letterTemplates"] == []


# ---- Customer.documents / Customer.notifications --------------------------------------------

PAGE = """
query($name: String!, $first: Int, $after: String, $last: Int, $before: String) {
  customers(first: 50, search: {name: $name}) { edges { node {
    documents(first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { title template { code } notifications { status createdBy { email } }
                            customer { name } utilityAccount { ldcAccountNumber } } }
    }
    notifications(first: 3) { totalCount edges { node { status channel document { title } } } }
  } } }
}
"""


async def run_connections(api, user, variables: dict) -> list[dict]:
    data = await api.run(PAGE, variables, user=user)
    return [edge["node"] for edge in data["customers"]["edges"]]


async def add_letters(session, tenant, customer, count: int, account=None) -> None:
    """`count` documents titled "Letter 0".."Letter n", each emailed (failed) then mailed."""
    template = (await session.execute(select(LetterTemplate).where(
        LetterTemplate.client_id == tenant.client.id, LetterTemplate.code == "GENERAL"))).scalar_one()
    for n in range(count):
        document = Document(client_id=tenant.client.id, customer_id=customer.id, template_id=template.id,
                            kind=LetterKind.GENERAL, title=f"Letter {n}", content=b"%PDF-1.4", size_bytes=8,
                            utility_account_id=account.id if account else None)
        session.add(document)
        await session.flush()
        await session.execute(insert(Notification), [
            {"client_id": tenant.client.id, "customer_id": customer.id, "document_id": document.id, "channel": channel,
             "recipient": "x", "subject": document.title, "body_text": "", "status": status, "attempts": 0,
             "created_by": tenant.agent.id}
            for channel, status in ((NotificationChannel.EMAIL, NotificationStatus.FAILED),
                                    (NotificationChannel.MAIL, NotificationStatus.SENT))
        ])


class TestConnections:
    async def test_newest_first_paged_both_ways_with_total_count(self, api, session, tenant):
        # given a customer with five letters
        await add_templates(session, tenant.client.id)
        customer = await make_customer(session, tenant, "Paged Person")
        await add_letters(session, tenant, customer, 5)
        await session.commit()
        # when paging forward two at a time
        first = (await run_connections(api, tenant.agent, {"name": "paged", "first": 2}))[0]
        docs = first["documents"]
        second = (await run_connections(api, tenant.agent, {"name": "paged", "first": 2,
                                                            "after": docs["pageInfo"]["endCursor"]}))[0]["documents"]
        # then newest come first, with every delivery of each document oldest first
        assert [e["node"]["title"] for e in docs["edges"]] == ["Letter 4", "Letter 3"]
        assert [e["node"]["title"] for e in second["edges"]] == ["Letter 2", "Letter 1"]
        assert docs["totalCount"] == 5
        assert docs["pageInfo"]["hasNextPage"]
        assert not docs["pageInfo"]["hasPreviousPage"]
        assert second["pageInfo"]["hasPreviousPage"]
        assert second["pageInfo"]["hasNextPage"]
        node = docs["edges"][0]["node"]
        assert [n["status"] for n in node["notifications"]] == ["FAILED", "SENT"]
        assert node["template"] == {"code": "GENERAL"}
        assert node["customer"] == {"name": "Paged Person"}
        assert node["notifications"][0]["createdBy"] == {"email": tenant.agent.email}
        notifications = first["notifications"]
        assert notifications["totalCount"] == 10
        assert [(e["node"]["channel"], e["node"]["document"]["title"]) for e in notifications["edges"]] == [
            ("MAIL", "Letter 4"), ("EMAIL", "Letter 4"), ("MAIL", "Letter 3")]
        # and paging backward from the end
        last = (await run_connections(api, tenant.agent, {"name": "paged", "last": 2}))[0]["documents"]
        assert [e["node"]["title"] for e in last["edges"]] == ["Letter 1", "Letter 0"]
        before = (await run_connections(api, tenant.agent, {"name": "paged", "last": 2,
                                                            "before": last["pageInfo"]["startCursor"]}))[0]["documents"]
        assert [e["node"]["title"] for e in before["edges"]] == ["Letter 3", "Letter 2"]

    async def test_other_clients_customers_show_nothing(self, api, session, tenant, other_tenant):
        await add_templates(session, other_tenant.client.id)
        theirs = await make_customer(session, other_tenant, "Theirs Letters")
        await add_letters(session, other_tenant, theirs, 2)
        await session.commit()
        assert await run_connections(api, tenant.agent, {"name": "theirs letters", "first": 5}) == []
        (own_view,) = await run_connections(api, other_tenant.agent, {"name": "theirs letters", "first": 5})
        assert own_view["documents"]["totalCount"] == 2

    async def test_statement_count_is_the_same_for_1_and_20_customers(
        self, api, session, tenant, other_tenant, count_sql
    ):
        # given one client with 1 customer and another with 20, each with letters on an account
        ids = {}
        for who, customers in ((tenant, 1), (other_tenant, 20)):
            await add_templates(session, who.client.id)
            ids[who.client.id] = []
            for n in range(customers):
                customer = await make_customer(session, who, f"Counted {n}")
                await add_letters(session, who, customer, 3, await make_account(session, customer))
                ids[who.client.id].append(customer.id)
        await session.commit()
        # when the same nested query runs for each
        counts = []
        for who in (tenant, other_tenant):
            with count_sql() as counter:
                views = await run_connections(api, who.agent, {"name": "counted", "first": 2})
            assert len(views) == len(ids[who.client.id])
            assert all(v["documents"]["totalCount"] == 3 for v in views)
            counts.append(counter.count)
        # then one statement per loader, whatever the number of customers
        assert counts[0] == counts[1], counts
        assert counts[1] <= 16, counts
