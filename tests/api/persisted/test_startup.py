"""At start each worker checks every trusted document against its schema: one that selects a field the schema no
longer has (removed since it was registered) stops the start, with a message naming it and the error."""

import logging
import re
import uuid

import pytest

from graph.persisted.registry import RegistryRefused
from resolvers.persisted.registry import NewDocument, add_trusted, add_untrusted, remove
from resolvers.rules.persisted_files import sha256_of
from tests.api.persisted.helpers import GQL, app_in, auth


async def put(database, text: str, *, trusted: bool) -> str:
    """Store a document as an older schema accepted it: bypassing today's validation, as time does."""
    document = NewDocument(sha256_of(text), text, operation_name(text), "graphql")
    async with database.sessionmaker() as session, session.begin():
        await (add_trusted(session, [document]) if trusted else add_untrusted(session, document))
    return document.sha256


def operation_name(text: str) -> str:
    return re.match(r"query (\w+)", text).group(1)


@pytest.fixture
async def stale(database):
    """A trusted document selecting `Customer.retiredField`; removed after the test (the database is shared)."""
    text = f"query Stale{uuid.uuid4().hex[:6]}($id: ID!) {{ node(id: $id) {{ ... on Customer {{ retiredField }} }} }}"
    sha256 = await put(database, text, trusted=True)
    yield text, sha256
    async with database.sessionmaker() as session, session.begin():
        await remove(session, [sha256])


async def test_a_trusted_document_the_schema_no_longer_validates_stops_the_start(database, stale, caplog):
    text, sha256 = stale
    with caplog.at_level(logging.ERROR, logger="csrgraph.documents"), pytest.raises(RegistryRefused) as refused:
        async with app_in(database, "open"):
            pass  # pragma: no cover - the start fails
    message = str(refused.value)
    assert f"{operation_name(text)} (sha256:{sha256}): Cannot query field 'retiredField' on type 'Customer'. " \
           f"(line 1, column" in message
    assert "csrgraph documents remove" in message
    assert [r.getMessage() for r in caplog.records if r.name == "csrgraph.documents"] == [message]


async def test_once_removed_the_server_starts(database, stale):
    async with database.sessionmaker() as session, session.begin():
        await remove(session, [stale[1]])
    async with app_in(database, "trusted"):
        pass


async def test_a_stale_document_a_client_registered_by_apq_is_only_not_found(database, tenant, caplog):
    text = f"query StaleApq{uuid.uuid4().hex[:6]} {{ viewer {{ retiredField }} }}"
    sha256 = await put(database, text, trusted=False)
    try:
        with caplog.at_level(logging.WARNING, logger="csrgraph.documents"):
            async with app_in(database, "apq") as api:
                response = await api.client.post("/graphql", json={"documentId": f"sha256:{sha256}"},
                                                 headers=auth(tenant.agent, accept=GQL))
        assert response.status_code == 404
        assert any(r.levelno == logging.WARNING and "does not validate" in r.getMessage() for r in caplog.records)
    finally:
        async with database.sessionmaker() as session, session.begin():
            await remove(session, [sha256])
