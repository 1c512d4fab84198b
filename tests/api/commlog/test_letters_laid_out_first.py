"""Letters are laid out before their write transaction (a PDF is a few hundred ms of CPU; inside the transaction
it would hold SQLite's one write lock): sendLetter, and enrollment's welcome kit, which is laid out from a forecast
of the customer and account the transaction writes. The transaction lays a letter out again only if what it says
changed in between, so a letter never shows stale data."""

import pytest
from sqlalchemy import select

from db.enums import NotificationChannel
from db.models import Document
from db.writes import Writes
from graph.core.relay import to_global_id
from resolvers.commlog.letters import commands as letters
from resolvers.commlog.letters.commands import LetterRequest
from resolvers.context import RequestScope, Viewer
from tests.api.accounts.test_enrollment import ENROLL, ENROLL_ONE, account, customer_input
from tests.api.commlog.test_letters import holder, pdf_text, send  # noqa: F401
from tests.factories.customers import make_customer
from tests.resolvers.commlog.letters.test_outbox import add_templates


class Layouts:
    """Every letter laid out, and whether a write transaction was open meanwhile (this process's Writes)."""

    def __init__(self, monkeypatch):
        self.inside: list[bool] = []
        self.open = 0
        render, transaction = letters.render_letter, Writes._transaction

        def counted(*args):
            self.inside.append(self.open > 0)
            return render(*args)

        def tracked(writes, deadline, bulk):
            return _Tracked(self, transaction(writes, deadline, bulk))

        monkeypatch.setattr(letters, "render_letter", counted)
        monkeypatch.setattr(Writes, "_transaction", tracked)


class _Tracked:
    def __init__(self, layouts: Layouts, inner):
        self.layouts, self.inner = layouts, inner

    async def __aenter__(self):
        session = await self.inner.__aenter__()
        self.layouts.open += 1
        return session

    async def __aexit__(self, *exc):
        self.layouts.open -= 1
        return await self.inner.__aexit__(*exc)


@pytest.fixture
def layouts(monkeypatch) -> Layouts:
    return Layouts(monkeypatch)


class TestLaidOutBeforeTheTransaction:
    async def test_send_letter(self, api, database, tenant, holder, layouts):  # noqa: F811
        customer, _ = holder
        payload = await send(api, tenant.agent, customerId=to_global_id("Customer", customer.id),
                             templateCode="CONTRACT", channel="EMAIL")
        assert payload["userErrors"] == []
        assert layouts.inside == [False]

    async def test_the_welcome_kit_of_a_new_customer(self, api, database, session, tenant, layouts):
        await add_templates(session, tenant.client.id)
        await session.commit()
        given = account()
        done = (await api.run(ENROLL, {"input": customer_input(accounts=[given], welcomeKit="EMAIL")},
                              user=tenant.lead))["enrollCustomer"]
        assert done["userErrors"] == []
        # then the kit was laid out once, before the transaction, and it says what the transaction wrote
        assert layouts.inside == [False]
        text = await kit_text(database, tenant)
        assert done["customer"]["number"] in text
        assert given["ldcAccountNumber"] in text

    async def test_the_welcome_kit_of_one_more_account(self, api, database, session, tenant, layouts):
        await add_templates(session, tenant.client.id)
        customer = await make_customer(session, tenant, "Existing Ed", email="ed@mail.example")
        await session.commit()
        given = account("PECO")
        variables = {"input": {"customerId": to_global_id("Customer", customer.id), "account": given,
                               "welcomeKit": "EMAIL"}}
        done = (await api.run(ENROLL_ONE, variables, user=tenant.lead))["enrollUtilityAccount"]
        assert done["userErrors"] == []
        assert layouts.inside == [False]
        assert customer.number in await kit_text(database, tenant)

    async def test_a_customer_changed_in_between_gets_the_letter_laid_out_again(self, database, session, tenant,
                                                                                   holder, layouts):  # noqa: F811
        customer, _ = holder
        scope = RequestScope(Viewer(tenant.agent.id, tenant.client.id, tenant.agent.role, tenant.agent.email), "test")
        writes = Writes(database.engine)
        request = LetterRequest(customer.id, NotificationChannel.EMAIL, template_code="CONTRACT")
        async with database.sessionmaker() as read:
            prepared = await letters.prepare_letter(scope.with_session(read), request)
        # when the customer is renamed before the letter's transaction
        customer.name = "Morgan Renamed"
        session.add(customer)
        await session.commit()
        async with writes.transaction() as write:
            delivery = await letters.send_letter(scope.with_session(write), prepared)
        # then the transaction laid it out again, with the new name
        assert layouts.inside == [False, True]
        assert "Morgan Renamed" in (await pdf_text(database, to_global_id("Document", delivery.document.id)))[1]


async def kit_text(database, tenant) -> str:
    """The text of the client's one document: the welcome kit."""
    async with database.sessionmaker() as s:
        document_id = (await s.execute(select(Document.id).where(Document.client_id == tenant.client.id))).scalar_one()
    return (await pdf_text(database, to_global_id("Document", document_id)))[1]
