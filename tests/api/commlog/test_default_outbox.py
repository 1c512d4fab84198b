"""The app built from an environment that sets no mail settings (no SMTP_URL, no CSRGRAPH_MAIL_FROM) delivers an
emailed invoice as an .eml file within seconds, and the API then shows it SENT: both engines."""

import asyncio
import email
import email.policy

import httpx

from graph.app import create_app
from graph.settings import Settings
from resolvers.commlog.letters.outbox import DEFAULT_SENDER
from tests.api.billing.helpers import gid, pk
from tests.conftest import SECRET, Api
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

EMAIL_INVOICE = """mutation($input: EmailInvoiceInput!) { emailInvoice(input: $input) {
  document { id } notification { id status } userErrors { code message } } }"""
STATE = """query($id: ID!) { node(id: $id) { ... on Notification { status transport lastError
  document { sentAt } logEntry { body } } } }"""
DELIVERY_SECONDS = 30  # the outbox looks every 2 seconds by default


async def test_an_emailed_invoice_is_written_to_the_outbox_folder(database, session, tenant, tmp_path):
    # given an app configured from an environment with only the database and secret in it
    customer = await make_customer(session, tenant, "Ελένη Παπαδοπούλου", email="eleni@mail.example")
    invoice = await make_invoice(session, customer)
    await session.commit()
    settings = Settings.from_environ({"DATABASE_URL": database.url, "CSRGRAPH_SECRET": SECRET,
                                      "CSRGRAPH_VAR": str(tmp_path)})
    async with lifespan(create_app(settings)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://csrgraph.test") as client:
            api = Api(client)
            # when the agent emails the invoice
            sent = (await api.run(EMAIL_INVOICE, {"input": {"invoiceId": gid("Invoice", invoice.id)}},
                                  user=tenant.agent))["emailInvoice"]
            assert sent["userErrors"] == []
            assert sent["notification"]["status"] == "QUEUED"
            # then the outbox running in the app delivers it within seconds
            state = await _settled(api, tenant.agent, sent["notification"]["id"])
    assert (state["status"], state["transport"], state["lastError"]) == ("SENT", "FILE", None)
    assert state["document"]["sentAt"] is not None
    assert "queued" in state["logEntry"]["body"].lower()
    (path,) = (tmp_path / "outbox").glob(f"notification-{pk(sent['notification']['id']):08d}-*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert (message["From"], message["To"]) == (DEFAULT_SENDER, "eleni@mail.example")
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == f"Invoice {invoice.number}.pdf"


async def _settled(api: Api, user, notification_id: str) -> dict:
    """The notification once it has left QUEUED; a failed attempt fails the test at once, with its error."""
    for _ in range(DELIVERY_SECONDS * 10):
        state = (await api.run(STATE, {"id": notification_id}, user=user))["node"]
        assert state["lastError"] is None, state
        if state["status"] != "QUEUED":
            return state
        await asyncio.sleep(0.1)
    raise AssertionError(f"still queued after {DELIVERY_SECONDS} s")
