"""Naming a registered document (CSRGRAPH_DOCUMENTS=open, the default): documentId, Relay's doc_id, APQ's hash."""

import json
import uuid
from types import SimpleNamespace

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

    async def test_a_document_this_worker_holds_answers_as_when_it_was_read(self, api, database, tenant):
        # each spelling twice: the second time the worker holds the document (graph/persisted/requests.held_by_id)
        text = unique_viewer()
        [document_id] = await register(database, text)
        sha256 = sha256_of(text)
        for body in ({"documentId": document_id}, {"doc_id": sha256}, {"documentId": sha256}):
            first, second = [await api.client.post("/graphql", json=body, headers=auth(tenant.agent))
                             for _ in range(2)]
            assert first.json() == second.json() == {"data": {"viewer": {"role": "AGENT"}}}, body
        # and what is refused is refused though the document is held
        both = await api.client.post("/graphql", json={"documentId": document_id, "query": text},
                                     headers=auth(tenant.agent, accept=GQL))
        assert (both.status_code, both.json()["errors"][0]["extensions"]["code"]) == (400, "BAD_REQUEST")
        for extensions in ({"persistedQuery": "x"}, apq("SHA")):  # a malformed APQ beside it: refused as before
            malformed = await api.client.post("/graphql", json={"documentId": document_id, "extensions": extensions},
                                              headers=auth(tenant.agent, accept=GQL))
            assert (malformed.status_code, malformed.json()["errors"][0]["extensions"]["code"]) == (400, "BAD_REQUEST")
        unknown = document_id[:-1] + ("0" if document_id[-1] != "0" else "1")
        missing = await api.client.post("/graphql", json={"documentId": unknown}, headers=auth(tenant.agent))
        assert missing.json()["errors"][0]["extensions"]["code"] == NOT_FOUND


@pytest.mark.parametrize("trusted, trusted_only, held", [
    (True, True, True), (True, False, True), (False, False, True), (False, True, False)])
@pytest.mark.parametrize("later, fresh", [(0.0, True), (known_registry.RECHECK_SECONDS + 1, False)])
def test_a_held_document_is_what_find_answers_while_fresh(trusted, trusted_only, held, later, fresh):
    now = [100.0]
    documents = known_registry.KnownDocuments(None, None, None, clock=lambda: now[0])  # type: ignore[arg-type]
    document = SimpleNamespace(sha256="a" * 64, trusted=trusted)
    documents._put(document)  # as find does after reading it
    now[0] += later
    assert documents.held("a" * 64, trusted_only=trusted_only) is (document if held and fresh else None)
    assert documents.held("b" * 64, trusted_only=False) is None


class TestUnknownIds:
    @pytest.mark.parametrize("identifier", [
        "sha256:" + "0" * 64, "0" * 64, "sha256:" + "A" * 64, "md5:" + "0" * 32, "x-app:viewer", "", "sha256:zz"])
    @pytest.mark.parametrize("accept, status", [(GQL, 404), ("application/json", 200)])
    async def test_an_unknown_document_id_is_one_error_never_cached(self, api, tenant, identifier, accept, status):
        for key in ("documentId", "doc_id"):
            response = await api.client.post(
                "/graphql", json={key: identifier}, headers=auth(tenant.agent, accept=accept)
            )
            assert response.status_code == status
            assert response.headers["cache-control"] == "private, no-cache, must-revalidate"
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
        assert response.status_code == 400
        assert message in response.json()["errors"][0]["message"]
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
            assert await stored(session, sha256_of(text)) is None
            assert await stored(session, sha256_of(other)) is None


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


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# What follows the document in a malformed request body (after `{"query": ...` or `{"documentId": ...`).
MALFORMED = [
    ("variables as an array", ',"variables":[]}', "application/json"),
    ("variables as a string", ',"variables":"{}"}', "application/json"),
    ("variables as a number", ',"variables":1}', "application/json"),
    ("extensions as an array", ',"extensions":[]}', "application/json"),
    ("operationName as a number", ',"operationName":1}', "application/json"),
    ("operationName as an object", ',"operationName":{"a":1}}', "application/json"),
    ("variables 40 deep", ',"variables":{"x":' + nested(40) + "}}", "application/json"),
    ("variables 20,000 deep", ',"variables":{"x":' + nested(20_000) + "}}", "application/json"),
    ("NaN", ',"variables":{"x":NaN}}', "application/json"),
    ("truncated JSON", ',"variables":{', "application/json"),
    ("an unknown operationName", ',"operationName":"Nope"}', "application/json"),
    ("plain text", "}", "text/plain"),
    ("a form post", "}", "application/x-www-form-urlencoded"),
    ("application/graphql", "}", "application/graphql"),
    ("no content type", "}", ""),
]


class TestMalformedRequestsNamingADocument:
    """A malformed request is the same 4xx whether it names a registered document or sends its text."""

    @pytest.fixture
    async def document(self, database) -> tuple[str, str]:
        """A registered document: its text and its id."""
        text = unique_viewer()
        return text, (await register(database, text))[0]

    @pytest.mark.parametrize("accept", [GQL, "application/json"])
    @pytest.mark.parametrize("what, rest, content_type", MALFORMED, ids=[m[0] for m in MALFORMED])
    async def test_the_same_answer_as_with_the_text(self, api, document, tenant, what, rest, content_type, accept):
        text, document_id = document
        headers = auth(tenant.agent, accept=accept, **({"content-type": content_type} if content_type else {}))
        by_text, by_id = [await api.client.post("/graphql", content=prefix + rest, headers=headers) for prefix in (
            json.dumps({"query": text})[:-1], json.dumps({"documentId": document_id})[:-1])]
        assert 400 <= by_id.status_code < 500
        assert by_id.json()["errors"][0]["extensions"]["code"]
        assert (by_id.status_code, by_id.headers["content-type"], by_id.content) == \
               (by_text.status_code, by_text.headers["content-type"], by_text.content)

    @pytest.mark.parametrize("variables", ["[]", "x", '"x"', '{"a":' + nested(50) + "}"])
    async def test_get_parameters_are_checked_the_same_way(self, api, document, tenant, variables):
        text, document_id = document
        headers = auth(tenant.agent, accept=GQL)
        by_text, by_id = [await api.client.get("/graphql", params={**named, "variables": variables}, headers=headers)
                          for named in ({"query": text}, {"documentId": document_id})]
        assert by_id.status_code == 400
        assert (by_id.content == by_text.content)
