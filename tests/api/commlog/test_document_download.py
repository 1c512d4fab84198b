"""GET /files/documents/{id}: the owner's client gets the PDF; anyone else gets 404; no token, 401."""

import pytest

from graph.commlog.letters.files import content_disposition
from graph.core.relay import to_global_id
from tests.conftest import token_for
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.resolvers.commlog.letters.test_outbox import add_templates

SEND = """
mutation($input: SendLetterInput!) { sendLetter(input: $input) { document { title sizeBytes downloadUrl } userErrors
  { code } } }
"""


@pytest.fixture
async def document(api, session, tenant) -> dict:
    """A letter sent by mail to a customer of `tenant`, as the API returned it."""
    await add_templates(session, tenant.client.id)
    customer = await make_customer(session, tenant, "Dana Download")
    await make_account(session, customer)
    await session.commit()
    variables = {"input": {"customerId": to_global_id("Customer", customer.id), "templateCode": "CONTRACT",
                           "channel": "MAIL"}}
    return (await api.run(SEND, variables, user=tenant.agent))["sendLetter"]["document"]


async def download(api, url: str, user=None):
    headers = {"authorization": f"Bearer {token_for(user)}"} if user else {}
    return await api.client.get(url, headers=headers)


class TestDownloadDocument:
    async def test_owner_gets_the_pdf_with_its_name(self, api, tenant, document):
        response = await download(api, document["downloadUrl"], tenant.lead)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert len(response.content) == document["sizeBytes"]
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert 'filename="Your electricity supply agreement' in disposition
        assert response.headers["cache-control"] == "private, no-store"

    async def test_another_clients_document_is_not_found(self, api, other_tenant, document):
        response = await download(api, document["downloadUrl"], other_tenant.admin)
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    @pytest.mark.parametrize("url", ["/files/documents/999999999", "/files/documents/abc", "/files/documents/"])
    async def test_unknown_ids_are_not_found(self, api, tenant, url):
        assert (await download(api, url, tenant.agent)).status_code == 404

    async def test_no_token_is_401(self, api, document):
        response = await download(api, document["downloadUrl"])
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    def test_non_ascii_titles_keep_their_name(self):
        assert content_disposition("Café.pdf") == "attachment; filename=\"Caf_.pdf\"; filename*=UTF-8''Caf%C3%A9.pdf"
