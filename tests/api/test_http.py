"""GraphQL over HTTP: negotiation, status codes, limits with codes, masking, GET for queries only."""

import json
import logging
import random
import re

import pytest

from graph.logs import fields_of
from resolvers.accounts import queries as account_queries
from tests.conftest import token_for

GQL = "application/graphql-response+json"


def auth(tenant, **extra) -> dict:
    return {"authorization": f"Bearer {token_for(tenant.agent)}", **extra}


class TestNegotiation:
    async def test_graphql_response_json_when_asked(self, api, tenant):
        response = await api.client.post("/graphql", json={"query": "{ viewer { role } }"},
                                         headers=auth(tenant, accept=f"{GQL}, application/json;q=0.9"))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(GQL)

    async def test_validation_error_is_400_without_data_for_graphql_response_json(self, api, tenant):
        response = await api.client.post("/graphql", json={"query": "{ nope }"}, headers=auth(tenant, accept=GQL))
        body = response.json()
        assert response.status_code == 400
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_legacy_json_clients_get_200_for_validation_errors(self, api, tenant):
        response = await api.client.post("/graphql", json={"query": "{ nope }"}, headers=auth(tenant))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")

    async def test_parse_error_has_a_code(self, api, tenant):
        response = await api.client.post("/graphql", json={"query": "{ viewer { "}, headers=auth(tenant))
        assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

    async def test_get_runs_queries(self, api, tenant):
        response = await api.client.get("/graphql", params={"query": "{ viewer { role } }"}, headers=auth(tenant))
        assert response.status_code == 200
        assert response.json() == {"data": {"viewer": {"role": "AGENT"}}}

    async def test_get_refuses_mutations(self, api, tenant):
        mutation = "mutation { updateViewerPreferences(input: {defaultNavigation: REPORTS}) { userErrors { code } } }"
        response = await api.client.get("/graphql", params={"query": mutation}, headers=auth(tenant))
        assert response.status_code in (400, 405)
        prefs = await api.run("{ viewer { preferences { defaultNavigation } } }", user=tenant.agent)
        assert prefs["viewer"]["preferences"]["defaultNavigation"] == "CUSTOMER_SEARCH"

    async def test_form_posts_are_refused(self, api, tenant):
        response = await api.client.post("/graphql", content="query={viewer{role}}",
                                         headers=auth(tenant, **{"content-type": "application/x-www-form-urlencoded"}))
        assert response.status_code >= 400

    async def test_requests_without_an_id_each_get_a_new_one_of_32_hex_digits(self, api, tenant):
        ids = []
        for _ in range(20):
            random.seed(7)  # seeding the random module (as a test or a library might) does not make ids repeat
            answer = await api.client.post("/graphql", json={"query": "{ __typename }"}, headers=auth(tenant))
            ids.append(answer.headers["x-request-id"])
        assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids), ids
        assert len(set(ids)) == len(ids)

    async def test_request_id_is_echoed(self, api, tenant):
        response = await api.client.post("/graphql", json={"query": "{ viewer { role } }"},
                                         headers=auth(tenant, **{"x-request-id": "abc-123"}))
        assert response.headers["x-request-id"] == "abc-123"


class TestLimits:
    async def test_depth_limit(self, api, tenant):
        deep = ("{ customers(first:1) { edges { node { master { master { master { master { master { master { master "
                "{ master { master { master { master { id } } } } } } } } } } } } } } }")
        errors = await api.errors(deep, user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "DEPTH_LIMIT_EXCEEDED"

    async def test_alias_limit_counts_through_fragments(self, api, tenant):
        aliases = " ".join(f"a{n}: role" for n in range(8))
        more = " ".join(f"b{n}: role" for n in range(8))
        query = f"{{ viewer {{ ...F {more} }} }} fragment F on Viewer {{ {aliases} }}"
        errors = await api.errors(query, user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "ALIAS_LIMIT_EXCEEDED"

    async def test_token_limit(self, api, tenant):
        query = "{ viewer { " + " ".join(["role"] * 2100) + " } }"
        errors = await api.errors(query, user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "TOKEN_LIMIT_EXCEEDED"

    async def test_a_body_streamed_in_chunks_without_a_length_is_read_whole(self, api, tenant):
        body = json.dumps({"query": "{ viewer { role } }", "variables": {"padding": "y" * 20_000}}).encode()

        async def chunks():
            for start in range(0, len(body), 4096):
                yield body[start:start + 4096]

        response = await api.client.post("/graphql", content=chunks(),
                                         headers=auth(tenant, **{"content-type": "application/json"}))
        assert "content-length" not in response.request.headers
        assert response.json() == {"data": {"viewer": {"role": "AGENT"}}}

    @pytest.mark.parametrize("declared", [True, False], ids=["declared length", "streamed without a length"])
    async def test_body_size_limit(self, api, tenant, declared):
        body = json.dumps({"query": "{ viewer { role } }", "variables": {"x": "y" * 70_000}}).encode()

        async def chunks():
            for start in range(0, len(body), 8192):
                yield body[start:start + 8192]

        response = await api.client.post("/graphql", content=body if declared else chunks(),
                                         headers=auth(tenant, **{"content-type": "application/json"}))
        assert ("content-length" in response.request.headers) is declared
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"

    async def test_nodes_takes_at_most_100_ids(self, api, tenant):
        errors = await api.errors(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 101}, user=tenant.agent
        )
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestMasking:
    async def test_unexpected_errors_are_masked_with_a_request_id(self, api, tenant, monkeypatch, caplog):
        # given a fault deep in a resolver
        async def broken(scope):
            raise RuntimeError("secret internal detail")

        monkeypatch.setattr(account_queries, "list_markets", broken)
        # when
        with caplog.at_level(logging.ERROR, logger="csrgraph.errors"):
            response = await api.client.post("/graphql", json={"query": "{ markets { code } }"},
                                             headers=auth(tenant, **{"x-request-id": "req-42"}))
        # then the client sees no internals, and the log has the trace under the request id
        error = response.json()["errors"][0]
        assert error["message"] == "Unexpected error."
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
        assert "secret internal detail" not in response.text
        assert [fields_of(r)["request_id"] for r in caplog.records if r.exc_info] == ["req-42"]

    async def test_client_errors_are_not_masked(self, api, tenant):
        errors = await api.errors('{ customers(search: {address: "x"}) { totalCount } }', user=tenant.agent)
        assert errors[0]["message"] != "Unexpected error."

    @pytest.mark.parametrize("value", ['"not-a-number"', "1.5"])
    async def test_bad_scalars_are_client_errors(self, api, tenant, value):
        errors = await api.errors(f"{{ customers(first: {value}) {{ totalCount }} }}", user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


TWO = ("query A { viewer { role } } mutation B { updateViewerPreferences(input: {defaultNavigation: REPORTS}) { "
       "userErrors { code } } }")
NAVIGATION = "{ viewer { preferences { defaultNavigation } } }"


class TestOperationName:
    @pytest.mark.parametrize("accept,status", [(GQL, 400), ("application/json", 200)])
    async def test_several_operations_without_a_name_are_a_request_error_and_run_nothing(
        self, api, tenant, accept, status
    ):
        mutation_first = (
            "mutation B { updateViewerPreferences(input: {defaultNavigation: REPORTS}) { userErrors { code } } }"
            " query A { viewer { role } }"
        )
        for document in (TWO, mutation_first, "query A { viewer { role } } query B { viewer { role } }"):
            response = await api.client.post("/graphql", json={"query": document}, headers=auth(tenant, accept=accept))
            body = response.json()
            assert response.status_code == status, body
            assert body.get("data") is None, body
            assert body["errors"] == [{"message": "Must provide operation name if query contains multiple operations.",
                                       "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]
        prefs = await api.run(NAVIGATION, user=tenant.agent)
        assert prefs["viewer"]["preferences"]["defaultNavigation"] == "CUSTOMER_SEARCH"

    async def test_the_named_operation_runs(self, api, tenant):
        response = await api.client.post("/graphql", json={"query": TWO, "operationName": "B"}, headers=auth(tenant))
        assert response.json() == {"data": {"updateViewerPreferences": {"userErrors": []}}}
        response = await api.client.post("/graphql", json={"query": TWO, "operationName": "A"}, headers=auth(tenant))
        assert response.json() == {"data": {"viewer": {"role": "AGENT"}}}

    async def test_validation_errors_still_come_first(self, api, tenant):
        errors = await api.errors("query A { nope } query B { viewer { role } }", user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "nope" in errors[0]["message"]


class TestCors:
    """CORS only for the origins CSRGRAPH_ALLOWED_ORIGINS names; without any, no answer lets a foreign page read it."""

    SPA_ORIGIN = "https://spa.example"

    @pytest.mark.parametrize("allowed", [(), (SPA_ORIGIN,)])
    @pytest.mark.parametrize("origin", [SPA_ORIGIN, "https://evil.example", None])
    async def test_only_an_allowed_origin_may_read_answers(self, database, tenant, allowed, origin):
        from tests.api.persisted.helpers import app_in

        async with app_in(database, "open", allowed_origins=allowed) as api:
            headers = auth(tenant, **({"origin": origin} if origin else {}))
            answer = await api.client.post("/graphql", json={"query": "{ viewer { role } }"}, headers=headers)
            preflight = await api.client.options("/graphql", headers={
                **({"origin": origin} if origin else {}), "access-control-request-method": "POST",
                "access-control-request-headers": "authorization,content-type"})
        readable = origin is not None and origin in allowed
        assert answer.status_code == 200
        assert answer.json()["data"]["viewer"]["role"] == "AGENT"
        assert answer.headers.get("access-control-allow-origin") == (origin if readable else None)
        assert (preflight.status_code == 200) is readable
        assert preflight.headers.get("access-control-allow-origin") == (origin if readable else None)
        if readable:
            assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
