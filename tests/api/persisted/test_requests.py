"""Naming a registered document (CSRGRAPH_DOCUMENTS=open, the default): documentId, Relay's doc_id, APQ's hash."""

import json
import uuid

import pytest

from graph.persisted import registry as known_registry
from resolvers.persisted.registry import remove, stored
from resolvers.rules.persisted_files import sha256_of
from tests.api.persisted.helpers import GQL, app_in, auth, register

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


def unique_viewer() -> str:
    """A document no other test registers (the database is shared by the session)."""
    return f"query Viewer{uuid.uuid4().hex[:8]} {{ viewer {{ role }} }}"


def apq(sha256: str, version: object = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256}}


class TestNamingARegisteredDocument:
    async def test_every_spelling_runs_it_over_post_and_get(self, api, database, tenant):
        text = unique_viewer()
        [document_id] = await register(database, text)
        sha256 = sha256_of(text)
        expected = {"data": {"viewer": {"role": "AGENT"}}}
        for body in ({"documentId": document_id}, {"documentId": sha256}, {"doc_id": sha256},
                     {"doc_id": document_id}, {"extensions": apq(sha256)}):
            posted = await api.client.post("/graphql", json=body, headers=auth(tenant.agent))
            params = {k: json.dumps(v) if k == "extensions" else v for k, v in body.items()}
            got = await api.client.get("/graphql", params=params, headers=auth(tenant.agent, accept="*/*"))
            assert posted.json() == got.json() == expected, body

    async def test_variables_and_operation_name_go_with_it(self, api, database, tenant):
        text = "query A($first: Int) { customers(first: $first) { totalCount } } query B { viewer { role } }"
        [document_id] = await register(database, text)
        body = {"documentId": document_id, "operationName": "A", "variables": {"first": 1}}
        response = await api.client.post("/graphql", json=body, headers=auth(tenant.agent))
        assert response.json() == {"data": {"customers": {"totalCount": 0}}}


class TestUnknownIds:
    @pytest.mark.parametrize("identifier", [
        "sha256:" + "0" * 64, "0" * 64, "sha256:" + "A" * 64, "md5:" + "0" * 32, "x-app:viewer", "", "sha256:zz"])
    @pytest.mark.parametrize("accept, status", [(GQL, 404), ("application/json", 200)])
    async def test_an_unknown_document_id_is_one_error_never_cached(self, api, tenant, identifier, accept, status):
        for key in ("documentId", "doc_id"):
            response = await api.client.post("/graphql", json={key: identifier}, headers=auth(tenant.agent, accept=accept))
            assert response.status_code == status and response.headers["cache-control"] == "private, no-cache, must-revalidate"
            assert response.json() == {"errors": [{"message": f"No document is registered as {identifier!r}.",
                                                   "extensions": {"code": NOT_FOUND}}]}

    async def test_an_unknown_apq_hash_answers_apollos_not_found(self, api, tenant):
        response = await api.client.post("/graphql", json={"extensions": apq(sha256_of(unique_viewer()))},
                                         headers=auth(tenant.agent))
        assert response.status_code == 200
        assert response.json() == {"errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": NOT_FOUND}}]}

    @pytest.mark.parametrize("body, message", [
        ({"documentId": 5}, "`documentId` must be a string"),
        ({"doc_id": ["x"]}, "`doc_id` must be a string"),
        ({"documentId": "sha256:" + "0" * 64, "query": "{ viewer { role } }"}, "not both"),
        ({"extensions": apq("0" * 64, version=2)}, "Unsupported persisted query version"),
        ({"extensions": {"persistedQuery": "x"}}, "Unsupported persisted query version"),
        ({"extensions": apq("SHA")}, "64 lower-case hex digits"),
        ({"extensions": apq("A" * 64)}, "64 lower-case hex digits"),
    ])
    async def test_malformed_requests_are_400(self, api, tenant, body, message):
        response = await api.client.post("/graphql", json=body, headers=auth(tenant.agent, accept=GQL))
        assert response.status_code == 400 and message in response.json()["errors"][0]["message"]
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


class TestApqInOpenMode:
    async def test_the_text_with_its_hash_runs_but_is_not_registered(self, api, database, tenant):
        text = unique_viewer()
        sent = await api.client.post("/graphql", json={"query": text, "extensions": apq(sha256_of(text))},
                                     headers=auth(tenant.agent))
        assert sent.json() == {"data": {"viewer": {"role": "AGENT"}}}
        async with database.sessionmaker() as session:
            assert await stored(session, sha256_of(text)) is None

    @pytest.mark.parametrize("mode", ["open", "apq", "trusted"])
    async def test_a_hash_that_is_not_the_texts_is_refused_and_nothing_runs(self, database, tenant, mode):
        text, other = unique_viewer(), unique_viewer()
        async with app_in(database, mode) as api:
            response = await api.client.post("/graphql", json={"query": text, "extensions": apq(sha256_of(other))},
                                             headers=auth(tenant.admin, accept=GQL))
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
        async with database.sessionmaker() as session:
            assert await stored(session, sha256_of(text)) is None and await stored(session, sha256_of(other)) is None


class TestRemoval:
    async def test_a_removed_document_stops_running_within_the_recheck_time(self, database, tenant):
        now = [1000.0]
        text = unique_viewer()
        [document_id] = await register(database, text)
        async with app_in(database, "open", clock=lambda: now[0]) as api:
            async def status() -> int:
                response = await api.client.post("/graphql", json={"documentId": document_id},
                                                 headers=auth(tenant.agent, accept=GQL))
                return response.status_code

            assert await status() == 200
            async with database.sessionmaker() as session, session.begin():
                await remove(session, [sha256_of(text)])
            assert await status() == 200  # this worker confirms what it holds every RECHECK_SECONDS
            now[0] += known_registry.RECHECK_SECONDS + 1
            assert await status() == 404
