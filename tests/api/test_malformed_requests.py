"""Malformed requests are client errors: 4xx with a GraphQL-over-HTTP error body, never a 500 (which would
also drop the keep-alive connection); the same on both engines."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strawberry.http.parse_content_type import parse_content_type

from graph import view as view_module
from graph.view import media_type
from tests.conftest import token_for

GQL = "application/graphql-response+json"
VIEWER = '{"query":"{ viewer { role } }"'
INT_QUERY = '{"query":"query($n: Int) { customers(first: $n) { totalCount } }","variables":{"n":%s}}'


def auth(tenant, **extra) -> dict:
    return {"authorization": f"Bearer {token_for(tenant.agent)}", **extra}


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# (what, body, content type, status)
BODIES = [
    ("a JSON string", b'"x"', "application/json", 400),
    ("a JSON number", b"42", "application/json", 400),
    ("JSON null", b"null", "application/json", 400),
    ("an array (batching is off)", b"[" + VIEWER.encode() + b"}]", "application/json", 400),
    ("an empty body", b"", "application/json", 400),
    ("truncated JSON", VIEWER.encode(), "application/json", 400),
    ("invalid UTF-8", b'{"query":"{ viewer { role } }","operationName":"\xff\xfe"}', "application/json", 400),
    ("a UTF-8 byte order mark first", b"\xef\xbb\xbf" + VIEWER.encode() + b"}", "application/json", 400),
    (
        "variables 20,000 deep",
        VIEWER.encode() + b',"variables":{"x":' + nested(20_000) + b"}}",
        "application/json",
        400,
    ),
    ("variables 1,000 deep", VIEWER.encode() + b',"variables":{"x":' + nested(1_000) + b"}}", "application/json", 400),
    ("variables 40 deep", VIEWER.encode() + b',"variables":{"x":' + nested(40) + b"}}", "application/json", 400),
    ("NaN", (INT_QUERY % "NaN").encode(), "application/json", 400),
    ("a number past a double", (INT_QUERY % "1e999").encode(), "application/json", 400),
    ("variables as an array", VIEWER.encode() + b',"variables":[]}', "application/json", 400),
    ("variables as a string", VIEWER.encode() + b',"variables":"{}"}', "application/json", 400),
    ("variables as a number", VIEWER.encode() + b',"variables":1}', "application/json", 400),
    ("extensions as an array", VIEWER.encode() + b',"extensions":[]}', "application/json", 400),
    ("extensions as a string", VIEWER.encode() + b',"extensions":"x"}', "application/json", 400),
    ("query as a number", b'{"query":1}', "application/json", 400),
    ("query as an object", b'{"query":{"a":1}}', "application/json", 400),
    ("no query", b'{"variables":{}}', "application/json", 400),
    ("operationName as a number", VIEWER.encode() + b',"operationName":1}', "application/json", 400),
    ("operationName as an object", VIEWER.encode() + b',"operationName":{"a":1}}', "application/json", 400),
    ("an unknown operationName", VIEWER.encode() + b',"operationName":"Nope"}', "application/json", 400),
    ("plain text", b"{ viewer { role } }", "text/plain", 415),
    ("a form post", b"query={viewer{role}}", "application/x-www-form-urlencoded", 415),
    ("application/graphql", b"{ viewer { role } }", "application/graphql", 415),
    ("no content type", VIEWER.encode() + b"}", "", 415),
    ("multipart without a boundary", b"--x\r\n", "multipart/form-data", 400),
]
# Well-formed requests whose values GraphQL refuses: errors, 400 with graphql-response+json, 200 for legacy clients.
COERCION = [
    ("an integer past 64 bits", (INT_QUERY % "99999999999999999999999").encode()),
    ("an integer past 32 bits", (INT_QUERY % "2147483648").encode()),
    ("a string for an Int", (INT_QUERY % '"5"').encode()),
]


def assert_error_body(response, status: int, accept: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    expected_type = GQL if accept == GQL else "application/json"
    assert response.headers["content-type"].startswith(expected_type)
    body = response.json()
    assert "data" not in body, body
    assert body["errors"][0]["message"], body
    assert body["errors"][0]["extensions"]["code"], body


class TestMalformedBodies:
    @pytest.mark.parametrize("accept", [GQL, "application/json"])
    @pytest.mark.parametrize("what,body,content_type,status", BODIES, ids=[b[0] for b in BODIES])
    async def test_is_a_4xx_with_a_graphql_error_body(self, api, tenant, what, body, content_type, status, accept):
        headers = auth(tenant, accept=accept, **{"graphql-preflight": "1"},
                       **({"content-type": content_type} if content_type else {}))
        response = await api.client.post("/graphql", content=body, headers=headers)
        assert_error_body(response, status, accept)

    @pytest.mark.parametrize("what,body", COERCION, ids=[c[0] for c in COERCION])
    async def test_values_graphql_refuses_are_request_errors(self, api, tenant, what, body):
        strict = await api.client.post("/graphql", content=body, headers=auth(tenant, accept=GQL,
                                                                             **{"content-type": "application/json"}))
        assert_error_body(strict, 400, GQL)
        legacy = await api.client.post(
            "/graphql", content=body, headers=auth(tenant, **{"content-type": "application/json"})
        )
        assert legacy.status_code == 200
        assert legacy.json()["errors"][0]["extensions"]["code"]

    @pytest.mark.parametrize("params", [
        {"query": "{ viewer { role } }", "variables": "[]"}, {"query": "{ viewer { role } }", "variables": "x"},
        {"query": "{ viewer { role } }", "variables": "{\"a\":" + "[" * 50 + "]" * 50 + "}"},
        {"query": "{ viewer { role } }", "extensions": "1"}, {"query": "{ viewer { role } }", "variables": "\"x\""},
    ])
    async def test_get_parameters_are_checked_the_same_way(self, api, tenant, params):
        response = await api.client.get("/graphql", params=params, headers=auth(tenant, accept=GQL))
        assert_error_body(response, 400, GQL)

    async def test_the_connection_stays_usable_after_each(self, api, tenant):
        for _what, body, content_type, _status in BODIES:
            await api.client.post("/graphql", content=body, headers=auth(tenant, **{"content-type": content_type}))
        assert (await api.run("{ viewer { role } }", user=tenant.agent)) == {"viewer": {"role": "AGENT"}}


OPERATIONS = json.dumps({"query": "mutation($f: Upload) { __typename }", "variables": {"f": None, "list": [None]}})
# (what, operations field, map field, file parts)
MULTIPART = [
    ("a map that is a list", OPERATIONS, '["0"]', True),
    ("a map that is a string", OPERATIONS, '"0"', True),
    ("a map value that is a string", OPERATIONS, '{"0": "variables.f"}', True),
    ("a map value with a number", OPERATIONS, '{"0": [1]}', True),
    ("a path outside the variables", OPERATIONS, '{"0": ["query"]}', True),
    ("a path into a missing variable", OPERATIONS, '{"0": ["variables.nope.x"]}', True),
    ("a path through null", OPERATIONS, '{"0": ["variables.f.x"]}', True),
    ("a list index that is not a number", OPERATIONS, '{"0": ["variables.list.x"]}', True),
    ("a list index past the end", OPERATIONS, '{"0": ["variables.list.5"]}', True),
    ("a map naming a file not sent", OPERATIONS, '{"9": ["variables.f"]}', True),
    ("a map naming a plain field", OPERATIONS, '{"operations": ["variables.f"]}', True),
    ("a map that is not JSON", OPERATIONS, "{", True),
    ("a map 40 deep", OPERATIONS, '{"0": ' + "[" * 40 + "]" * 40 + "}", True),
    ("operations that are a list", "[" + OPERATIONS + "]", '{"0": ["variables.f"]}', True),
    ("operations that are not JSON", "{", '{"0": ["variables.f"]}', True),
    ("no operations", None, '{"0": ["variables.f"]}', True),
    ("no map", OPERATIONS, None, True),
]


class TestMalformedMultipart:
    @pytest.mark.parametrize("what,operations,files_map,with_file", MULTIPART, ids=[m[0] for m in MULTIPART])
    async def test_is_400_with_a_graphql_error_body(self, api, tenant, what, operations, files_map, with_file):
        data = {k: v for k, v in (("operations", operations), ("map", files_map)) if v is not None}
        files = {"0": ("a.csv", b"1\n", "text/csv")} if with_file else None
        response = await api.client.post("/graphql", data=data, files=files,
                                         headers=auth(tenant, accept=GQL, **{"graphql-preflight": "1"}))
        assert_error_body(response, 400, GQL)


FILE_URLS = [f"/files/{path}" for path in (
    "invoices/99999999999999999999.pdf", "invoices/9223372036854775808.pdf", "invoices/0.pdf",
    "ar-history/99999999999999999999.pdf", "ar-history/99999999999999999999.csv", "ar-history/0.csv",
    "documents/99999999999999999999", "documents/9223372036854775808", "documents/0",
    "bulk-note-jobs/99999999999999999999.csv", "bulk-note-jobs/0.csv",
)]


class TestFileIdsPastAnyKey:
    @pytest.mark.parametrize("url", FILE_URLS)
    async def test_are_not_found(self, api, tenant, url):
        response = await api.client.get(url, headers=auth(tenant))
        assert response.status_code == 404, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("header", ["", "application/json", "Application/JSON; charset=utf-8", " text/plain ",
                                    "application/json;", "multipart/form-data; boundary=x", "application/json ; x=1",
                                    '"application/json"', "application/json, text/plain", "a;b;c", ";"])
def test_the_media_type_is_strawberrys_reading_in_lower_case(header):
    assert media_type(header) == parse_content_type(header)[0].lower()


@pytest.mark.parametrize("content_type", ["Application/JSON", "APPLICATION/JSON; charset=UTF-8", " application/json ;"])
async def test_media_types_are_case_insensitive(api, tenant, content_type):
    response = await api.client.post(
        "/graphql", content=VIEWER + "}", headers=auth(tenant, **{"content-type": content_type})
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"role": "AGENT"}}}


JSON_ATOMS = st.sampled_from(['{"a": 1}', "[1, 2]", '"x"', "1", "1.5", "true", "null", "NaN", "{", "}", " ", "\t",
                              "\n", "\r", "\u00a0", "\ufeff", ",", "x", '{"documentId": "sha256:ab"}', "1e400", "-"])


@given(st.lists(JSON_ATOMS, max_size=4).map("".join))
def test_the_body_decodes_as_the_standard_decoder_decodes_it(text):
    # the same value, or a refusal, for any text: values, whitespace around them (JSON's and other), extra data
    try:
        expected = ("value", view_module._DECODER.decode(text))
    except ValueError:
        expected = ("refused", None)
    try:
        got = ("value", view_module._decoded(text))
    except ValueError:
        got = ("refused", None)
    assert repr(got) == repr(expected)
