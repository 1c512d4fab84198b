"""A subscription sent over HTTP (GET or POST) is a request error that says it needs the websocket, never a fault.

Both paths answer it, to the byte: the text (Strawberry, graph/operations.py::NoSubscriptionOverHttp) and the
registered document named by its id (graph/persisted/fast_path.py).
"""

import json
import logging

import pytest

from graph.core.relay import to_global_id
from graph.logs import fields_of
from tests.api.persisted.helpers import GQL, auth, register
from tests.factories.customers import make_customer

FOLLOW = "subscription Follow($id: ID!) { communicationLogUpdated(customerId: $id) { cursor refetch } }"
MIXED = FOLLOW + " query Me { viewer { role } }"
ACCEPTS = ["application/json", GQL]


async def send(api, user, params: dict, accept: str, method: str):
    headers = auth(user, accept=accept)
    if method == "GET":
        encoded = {k: json.dumps(v) if k == "variables" else v for k, v in params.items()}
        return await api.client.get("/graphql", params=encoded, headers=headers)
    return await api.client.post("/graphql", json=params, headers=headers)


async def both_ways(api, database, user, text: str, extra: dict, accept: str, method: str):
    """The answer to `text` sent as text and named by its registered id, which must be byte-identical."""
    [document_id] = await register(database, text)
    normal = await send(api, user, {"query": text, **extra}, accept, method)
    fast = await send(api, user, {"documentId": document_id, **extra}, accept, method)
    assert (fast.status_code, fast.headers["content-type"], fast.content) == \
           (normal.status_code, normal.headers["content-type"], normal.content)
    return normal


@pytest.fixture
async def customer_id(session, tenant) -> str:
    customer = await make_customer(session, tenant, "Sam Follow")
    await session.commit()
    return to_global_id("Customer", customer.id)


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("variables", [{"id": "own"}, {"id": "garbage"}, {"id": "own", "after": "not-a-cursor"}])
async def test_a_subscription_over_http_says_it_needs_the_websocket(api, database, tenant, customer_id, caplog,
                                                                   method, accept, variables):
    variables = {**variables, "id": customer_id if variables["id"] == "own" else variables["id"]}
    with caplog.at_level(logging.ERROR, logger="csrgraph.errors"):
        response = await both_ways(api, database, tenant.agent, FOLLOW, {"variables": variables}, accept, method)
    body = response.json()
    assert response.status_code == (400 if accept == GQL else 200)  # a request error (GraphQL over HTTP)
    assert ("data" in body) is (accept != GQL)
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "SUBSCRIPTION_NEEDS_WEBSOCKET"}
    assert "websocket" in error["message"]
    assert "graphql-transport-ws" in error["message"]
    assert not [record for record in caplog.records if record.exc_info]  # no fault logged: nothing ran


@pytest.mark.parametrize("accept", ACCEPTS)
async def test_an_invalid_subscription_answers_its_validation_errors_first(api, database, tenant, accept):
    response = await api.client.post("/graphql", json={"query": "subscription { communicationLogUpdated { nope } }"},
                                     headers=auth(tenant.agent, accept=accept))
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("accept", ACCEPTS)
async def test_a_document_with_a_subscription_still_runs_its_query(api, database, tenant, method, accept):
    ran = await both_ways(api, database, tenant.agent, MIXED, {"operationName": "Me"}, accept, method)
    assert (ran.status_code, ran.json()) == (200, {"data": {"viewer": {"role": "AGENT"}}})
    refused = await both_ways(api, database, tenant.agent, MIXED, {"operationName": "Follow",
                                                                   "variables": {"id": "x"}}, accept, method)
    assert refused.json()["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"


async def test_the_request_line_names_the_refused_subscription(api, database, tenant, caplog):
    with caplog.at_level(logging.INFO, logger="csrgraph.access"):
        await both_ways(api, database, tenant.agent, FOLLOW, {"variables": {"id": "x"}}, GQL, "POST")
    lines = [fields_of(record) for record in caplog.records if record.name == "csrgraph.access"]
    assert [(line["operation"], line["status"]) for line in lines] == [("Follow", 400)] * 2
