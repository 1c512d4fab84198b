"""CSRGRAPH_DOCUMENTS=trusted: only an operator's registered documents run; an ADMIN may still send any text
(GraphiQL, introspection); a document a client registered by APQ is not trusted."""

import uuid

import pytest

from db.enums import Role
from graph.settings import Settings
from resolvers.persisted.registry import stored
from resolvers.rules.persisted_files import sha256_of
from tests.api.persisted.helpers import GQL, SPA, app_in, auth, register, register_spa, spa_id

REFUSED = "DOCUMENT_NOT_TRUSTED"
INTROSPECTION = "{ __schema { queryType { name } } }"
PREFERENCES = "{ viewer { preferences { defaultNavigation } } }"


@pytest.fixture
async def trusted(database):
    await register_spa(database)
    async with app_in(database, "trusted") as api:
        yield api


def unique_mutation() -> str:
    return (f"mutation Prefs{uuid.uuid4().hex[:8]} {{ updateViewerPreferences(input: {{defaultNavigation: REPORTS}}) "
            f"{{ userErrors {{ code }} }} }}")


@pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD])
@pytest.mark.parametrize("accept, status", [(GQL, 403), ("application/json", 200)])
async def test_text_that_is_not_registered_is_refused_and_runs_nothing(trusted, tenant, role, accept, status):
    for text in (unique_mutation(), INTROSPECTION, "{ viewer { role } }"):
        response = await trusted.client.post(
            "/graphql", json={"query": text}, headers=auth(tenant.user(role), accept=accept)
        )
        assert response.status_code == status
        assert response.json()["errors"][0]["extensions"] == {"code": REFUSED}
        assert "CSRGRAPH_DOCUMENTS=trusted" in response.json()["errors"][0]["message"]
    # the refused mutation did not run
    prefs = await trusted.client.post(
        "/graphql", json={"documentId": spa_id("Viewer")}, headers=auth(tenant.user(role))
    )
    assert prefs.json()["data"]["viewer"]["preferences"]["defaultNavigation"] == "CUSTOMER_SEARCH"


async def test_registered_documents_run_by_id_and_as_their_exact_text(trusted, tenant):
    by_id = await trusted.client.post("/graphql", json={"documentId": spa_id("Viewer")}, headers=auth(tenant.agent))
    as_text = await trusted.client.post("/graphql", json={"query": SPA["Viewer"]["body"]}, headers=auth(tenant.agent))
    assert by_id.status_code == as_text.status_code == 200
    assert by_id.content == as_text.content
    changed = await trusted.client.post("/graphql", json={"query": SPA["Viewer"]["body"] + " "},
                                        headers=auth(tenant.agent))
    assert changed.json()["errors"][0]["extensions"]["code"] == REFUSED  # one more space is another document


async def test_an_admin_may_send_any_text_graphiql_and_introspection(trusted, tenant):
    for text in (INTROSPECTION, PREFERENCES, unique_mutation()):
        response = await trusted.client.post("/graphql", json={"query": text}, headers=auth(tenant.admin))
        assert response.status_code == 200, text
        assert "errors" not in response.json(), text
    page = await trusted.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "GraphiQL" in page.text


async def test_a_document_registered_by_apq_is_not_trusted(database, trusted, tenant):
    text = f"query Apq{uuid.uuid4().hex[:8]} {{ viewer {{ role }} }}"
    [document_id] = await register(database, text, trusted=False)
    for body in ({"documentId": document_id}, {"extensions": {"persistedQuery": {"version": 1,
                                                                                 "sha256Hash": sha256_of(text)}}}):
        response = await trusted.client.post("/graphql", json=body, headers=auth(tenant.admin, accept=GQL))
        assert response.status_code == 404, body
    response = await trusted.client.post("/graphql", json={"query": text}, headers=auth(tenant.agent))
    assert response.json()["errors"][0]["extensions"]["code"] == REFUSED


async def test_text_with_its_hash_is_not_registered_in_trusted_mode(database, trusted, tenant):
    text = unique_mutation()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256_of(text)}}
    response = await trusted.client.post("/graphql", json={"query": text, "extensions": extensions},
                                         headers=auth(tenant.agent))
    assert response.json()["errors"][0]["extensions"]["code"] == REFUSED
    async with database.sessionmaker() as session:
        assert await stored(session, sha256_of(text)) is None


async def test_an_operator_registering_an_apq_document_makes_it_trusted(database, trusted, tenant):
    text = f"query Promoted{uuid.uuid4().hex[:8]} {{ viewer {{ role }} }}"
    [document_id] = await register(database, text, trusted=False)
    await register(database, text)
    response = await trusted.client.post("/graphql", json={"documentId": document_id}, headers=auth(tenant.agent))
    assert response.json() == {"data": {"viewer": {"role": "AGENT"}}}


def test_the_environment_chooses_the_mode():
    assert Settings.from_environ({"CSRGRAPH_SECRET": "s"}).documents == "open"
    for mode in ("open", "apq", "trusted"):
        assert Settings.from_environ({"CSRGRAPH_SECRET": "s", "CSRGRAPH_DOCUMENTS": mode}).documents == mode
    with pytest.raises(ValueError, match="CSRGRAPH_DOCUMENTS must be one of open, apq, trusted, not 'closed'"):
        Settings.from_environ({"CSRGRAPH_SECRET": "s", "CSRGRAPH_DOCUMENTS": "closed"})
