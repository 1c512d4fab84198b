"""A query of `__typename` alone (graph/persisted/known.py: constant_answer) is answered from bytes made when its
document was prepared: the same status, media type and body as its text on the normal way, for every request that
names it, with or without compiled plans, and nothing else is answered that way."""

import orjson
import pytest
from graphql import execute

from graph.persisted import fast_path
from tests.api.persisted.helpers import GQL, app_in, auth, checker, register

SEARCH = "query B($s: String) { customers(search: {name: $s}) { totalCount } }"
# (document, its operations answered as constants, each with its data)
DOCUMENTS = [
    ("{ __typename }", {None: {"__typename": "Query"}}),
    ("query Ping { a: __typename __typename b: __typename }", {"Ping": {"a": "Query", "__typename": "Query",
                                                                        "b": "Query"}}),
    ("{ __typename __typename a: __typename a: __typename }", {None: {"__typename": "Query", "a": "Query"}}),
    ("query A { __typename } query B { viewer { role } }", {"A": {"__typename": "Query"}}),
    ("query A { __typename } " + SEARCH, {"A": {"__typename": "Query"}}),
    # what the executor answers: a directive, a fragment, a variable, another root field, a mutation
    ("{ __typename @skip(if: true) }", {}),
    ("{ __typename @include(if: true) }", {}),
    ("query($x: Boolean!) { __typename @include(if: $x) }", {}),
    ("{ ... on Query { __typename } }", {}),
    ("query { ...Q } fragment Q on Query { __typename }", {}),
    ("{ __typename viewer { role } }", {}),
    ("mutation { __typename }", {}),
]
# (document, request body beside its text or id): each answered by id as by text
REQUESTS = [
    ("{ __typename }", {}),
    ("{ __typename }", {"variables": {"unused": 1}}),
    ("{ __typename }", {"operationName": "Nope"}),
    ("{ __typename }", {"extensions": {"trace": True}}),
    ("query Ping { a: __typename __typename b: __typename }", {}),
    ("{ __typename __typename a: __typename a: __typename }", {}),
    ("query A { __typename } query B { viewer { role } }", {"operationName": "A"}),
    ("query A { __typename } query B { viewer { role } }", {}),  # two operations, none named: a request error
    ("query A { __typename } " + SEARCH, {"operationName": "A", "variables": {"s": "a\u0000b"}}),  # the text rule
    ("query A { __typename } " + SEARCH, {"operationName": "A", "variables": {"s": "Ann"}}),
    ("{ __typename @skip(if: true) }", {}),
    ("query($x: Boolean!) { __typename @include(if: $x) }", {"variables": {"x": False}}),
    ("query($x: Boolean!) { __typename @include(if: $x) }", {"variables": {"x": "not a boolean"}}),
    ("mutation { __typename }", {}),
]


@pytest.mark.parametrize("text, answers", DOCUMENTS)
def test_only_plain_typename_queries_are_constants(text, answers):
    document = checker().prepare(text, trusted=True)
    assert document.answers == {name: orjson.dumps({"data": data}) for name, data in answers.items()}


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("accept", ["application/json", GQL])
async def test_named_by_id_it_answers_as_its_text(api, database, tenant, compiled, accept):
    ids = await register(database, *dict.fromkeys(text for text, _ in REQUESTS))
    by_text = dict(zip(dict.fromkeys(text for text, _ in REQUESTS), ids, strict=True))
    headers = auth(tenant.agent, accept=accept, **{"x-request-id": "constant-test"})
    async with app_in(database, "open", compiled_plans=compiled) as fast:
        for text, body in REQUESTS:
            normal = await api.client.post("/graphql", json={"query": text, **body}, headers=headers)
            known = await fast.client.post("/graphql", json={"documentId": by_text[text], **body}, headers=headers)
            assert (known.status_code, known.headers["content-type"], known.content) == \
                   (normal.status_code, normal.headers["content-type"], normal.content), (text, body)


async def test_get_answers_the_constant_and_a_get_mutation_is_refused_as_before(api, database, tenant):
    [query_id, mutation_id] = await register(database, "{ __typename }", "mutation { __typename }")
    query = await api.client.get("/graphql", params={"documentId": query_id}, headers=auth(tenant.agent))
    mutation = await api.client.get("/graphql", params={"documentId": mutation_id}, headers=auth(tenant.agent))
    assert (query.status_code, query.content) == (200, b'{"data":{"__typename":"Query"}}')
    assert mutation.status_code == 405


async def test_a_constant_runs_no_executor_plan_or_sql(api, database, tenant, monkeypatch, count_sql):
    executed = []

    def counted_execute(*args, **kwargs):
        executed.append(kwargs["operation_name"])
        return execute(*args, **kwargs)

    [typename_id, skipped_id] = await register(database, "{ __typename }", "query S { __typename @skip(if: false) }")
    await api.client.post("/graphql", json={"documentId": typename_id}, headers=auth(tenant.agent))  # signed in
    monkeypatch.setattr(fast_path, "execute", counted_execute)
    with count_sql() as counted:
        answer = await api.client.post("/graphql", json={"documentId": typename_id}, headers=auth(tenant.agent))
    assert (answer.status_code, answer.content) == (200, b'{"data":{"__typename":"Query"}}')
    assert (counted.count, executed) == (0, [])
    # and a document the executor answers is counted (the check above can fail)
    await api.client.post("/graphql", json={"documentId": skipped_id}, headers=auth(tenant.agent))
    assert executed == ["S"]


async def test_without_a_token_a_constant_is_refused(api, database):
    [typename_id] = await register(database, "{ __typename }")
    answer = await api.client.post("/graphql", json={"documentId": typename_id})
    assert answer.status_code == 401
