"""Text seen before runs as a known document (graph/persisted/seen_texts.py): from its second sight, byte for byte
the answer of its first (Strawberry's way); refused text keeps the normal way every time; trusted mode unchanged."""

import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph.logs import fields_of
from graph.persisted import fast_path
from graph.persisted.seen_texts import SeenTexts
from resolvers.rules.persisted_files import sha256_of
from tests.api.persisted.helpers import GQL, SPA, app_in, auth, checker, register_spa
from tests.conftest import Api

VIEWER = "query SeenViewer { viewer { role preferences { defaultNavigation } } }"
MISSING_NODE = '{ node(id: "Q3VzdG9tZXI6MTAwMDAwMDAwMDAwMA==") { id } }'  # Customer:10**12: null, no error
ERRORS = "query Found($id: ID!) { node(id: $id) { id ... on Customer { name } } }"  # an error the executor words
NUMBER = "query ByNumber($number: String!) { customer(number: $number) { id } }"
TWO = "query One { viewer { role } } query Two { __typename }"


LIMITS = [
    ("ALIAS_LIMIT_EXCEEDED", "{ " + " ".join(f"a{n}: __typename" for n in range(16)) + " }"),
    ("TOKEN_LIMIT_EXCEEDED", "{ " + " ".join("__typename" for _ in range(2100)) + " }"),
    ("DEPTH_LIMIT_EXCEEDED", "{ customers(first:1) { edges { node { " + "master { " * 11 + "id" + " }" * 11
     + " } } } }"),
    ("GRAPHQL_VALIDATION_FAILED", "{ viewer { nope } }"),
    ("GRAPHQL_PARSE_FAILED", "{ viewer { role }"),
]


@pytest.fixture
async def seeing(database: Any) -> AsyncIterator[Api]:
    async with app_in(database, "open") as api:  # known_texts on: the default
        yield api


def _answer(response: httpx.Response) -> tuple[int, str, bytes]:
    return response.status_code, response.headers["content-type"], response.content


async def _sent(api: Api, caplog: Any, body: dict, headers: dict, *, get: bool = False) -> tuple[tuple, str | None]:
    """The answer, and the request line's `document` field (seen: it ran as a known document)."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="csrgraph.access"):
        if get:
            response = await api.client.get("/graphql", params=body, headers=headers)
        else:
            response = await api.client.post("/graphql", content=json.dumps(body),  # escapes a lone surrogate
                                             headers={**headers, "content-type": "application/json"})
    [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
    return _answer(response), line.get("document")


CASES = [
    ({"query": VIEWER}, False),
    ({"query": MISSING_NODE}, False),
    ({"query": ERRORS, "variables": {"id": "not an id"}}, False),
    ({"query": ERRORS, "variables": {}}, False),  # a variable missing: an error before execution
    ({"query": NUMBER, "variables": {"number": "\ud800"}}, False),  # the text rule refuses the variable
    ({"query": NUMBER, "variables": {"number": "1"}}, False),
    ({"query": TWO}, False),  # two operations and no name
    ({"query": TWO, "operationName": "Two"}, False),
    ({"query": TWO, "operationName": "Three"}, False),
    ({"query": VIEWER}, True),
    ({"query": "mutation { __typename }"}, True),  # a mutation over GET: 405 or 400 as the normal way says
    ({"query": 'subscription { communicationLogUpdated(customerId: "x") { __typename } }'}, False),
    ({"query": "{ __schema { queryType { name } } }"}, False),  # introspection (on in tests)
    ({"query": "query Skip($s: Boolean!) { viewer { ...V @skip(if: $s) } } fragment V on Viewer { role }",
      "variables": {"s": False}}, False),
]


@pytest.mark.parametrize("accept", [GQL, "application/json"])
@pytest.mark.parametrize(("body", "get"), CASES, ids=[f"{b.get('query')[:20]}-{b}-{g}" for b, g in CASES])
async def test_the_second_sight_runs_as_a_known_document_with_the_first_ones_bytes(seeing, tenant, caplog, body, get,
                                                                                    accept):
    body = {**body, "query": body["query"] + f" # {uuid.uuid4().hex}"}  # unseen by this app before this test
    headers = auth(tenant.agent, accept=accept, **{"x-request-id": "same"})
    first, first_document = await _sent(seeing, caplog, body, headers, get=get)
    second, second_document = await _sent(seeing, caplog, body, headers, get=get)
    third, third_document = await _sent(seeing, caplog, body, headers, get=get)
    assert second == third == first
    assert (first_document, second_document, third_document) == (None, "seen", "seen")


@pytest.mark.parametrize("name", sorted(SPA))
async def test_every_spa_document_runs_as_a_known_one_from_its_second_sight(seeing, tenant, caplog, name):
    """What the differential path `text-known` relies on: the SPA's documents pass the checks as text too. Sent
    without their variables: refused before anything runs (a write is not made)."""
    body, headers = {"query": SPA[name]["body"], "variables": {}}, auth(tenant.agent, accept=GQL)
    answers = [await _sent(seeing, caplog, body, headers) for _ in range(2)]
    assert answers[0][0] == answers[1][0]
    assert answers[1][1] == "seen"


@pytest.mark.parametrize(("code", "text"), LIMITS, ids=[code for code, _ in LIMITS])
async def test_text_over_a_limit_is_refused_the_normal_way_every_time(seeing, tenant, caplog, code, text):
    headers = auth(tenant.agent, accept=GQL)
    answers = [await _sent(seeing, caplog, {"query": text}, headers) for _ in range(3)]
    assert answers[0][0][0] == 400
    assert [document for _, document in answers] == [None, None, None]
    assert answers[1][0] == answers[2][0] == answers[0][0]
    assert error_code(answers[2][0][2]) == code


def error_code(body: bytes) -> str:
    """The first error's code."""
    return json.loads(body)["errors"][0]["extensions"]["code"]


async def test_a_seen_text_skips_parsing_and_validation(seeing, tenant, monkeypatch):
    text = VIEWER + f" # {uuid.uuid4().hex}"
    first = await seeing.client.post("/graphql", json={"query": text}, headers=auth(tenant.agent))
    second = await seeing.client.post("/graphql", json={"query": text}, headers=auth(tenant.agent))  # prepared
    executed: list[Any] = []
    real = fast_path.execute

    def counted(*args: Any, **kwargs: Any) -> Any:
        executed.append(kwargs["operation_name"])
        return real(*args, **kwargs)

    def no_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a seen text was parsed again")

    monkeypatch.setattr(fast_path, "execute", counted)
    monkeypatch.setattr("strawberry.schema.schema.parse", no_parse)
    monkeypatch.setattr("graph.persisted.known.parse", no_parse)
    third = await seeing.client.post("/graphql", json={"query": text}, headers=auth(tenant.agent))
    assert first.content == second.content == third.content
    assert executed == ["SeenViewer"]


async def test_off_text_always_runs_the_normal_way(database, tenant, caplog):
    async with app_in(database, "open", known_texts=False) as api:
        answers = [await _sent(api, caplog, {"query": VIEWER}, auth(tenant.agent)) for _ in range(3)]
    assert [document for _, document in answers] == [None, None, None]


class TestTrusted:
    """A text seen before is not registered: trusted mode refuses it every time, but for an ADMIN's."""

    async def test_unregistered_text_is_refused_however_often_it_is_sent(self, database, tenant, caplog):
        async with app_in(database, "trusted") as api:
            answers = [await _sent(api, caplog, {"query": VIEWER}, auth(tenant.agent, accept=GQL)) for _ in range(3)]
        assert {answer for answer, _ in answers} == {answers[0][0]}
        assert answers[0][0][0] == 403
        assert error_code(answers[0][0][2]) == "DOCUMENT_NOT_TRUSTED"
        assert [document for _, document in answers] == [None, None, None]

    async def test_an_admins_text_seen_before_runs_as_a_known_document(self, database, tenant, caplog):
        async with app_in(database, "trusted") as api:
            answers = [await _sent(api, caplog, {"query": VIEWER}, auth(tenant.admin, accept=GQL)) for _ in range(2)]
        assert answers[0][0] == answers[1][0]
        assert answers[0][0][0] == 200
        assert [document for _, document in answers] == [None, "seen"]

    async def test_a_registered_text_runs_for_anyone(self, database, tenant, caplog):
        await register_spa(database)
        async with app_in(database, "trusted") as api:
            answers = [await _sent(api, caplog, {"query": SPA["Viewer"]["body"]}, auth(tenant.agent)) for _ in range(2)]
        assert answers[0][0] == answers[1][0]
        assert answers[0][0][0] == 200


class TestTheBound:
    def test_first_sight_prepares_nothing_the_second_prepares_once(self) -> None:
        texts = SeenTexts(checker())
        assert texts.known(VIEWER, sha256_of(VIEWER)) is None
        document = texts.known(VIEWER, sha256_of(VIEWER))
        assert document is not None
        assert document.name == "SeenViewer"
        assert texts.known(VIEWER, sha256_of(VIEWER)) is document
        assert not document.trusted

    def test_refused_text_stays_refused(self) -> None:
        texts = SeenTexts(checker())
        text = "{ viewer { nope } }"
        assert [texts.known(text, sha256_of(text)) for _ in range(3)] == [None, None, None]

    def test_the_least_recently_used_goes_first(self) -> None:
        texts = SeenTexts(checker(), size=3)
        queries = [f"{{ __typename }} # {n}" for n in range(4)]
        for query in queries[:3]:
            texts.known(query, sha256_of(query))
            texts.known(query, sha256_of(query))
        texts.known(queries[0], sha256_of(queries[0]))  # used again: now the most recent
        texts.known(queries[3], sha256_of(queries[3]))  # seen: the least recently used (#1) goes
        assert len(texts) == 3
        assert texts.known(queries[0], sha256_of(queries[0])) is not None
        assert texts.known(queries[1], sha256_of(queries[1])) is None  # forgotten: a first sight again
