"""Text in query arguments and variables outside a mutation's input: a refused character is a request error with
code INVALID_TEXT on both engines, before anything runs (issue 10, item 11). PostgreSQL failed on NUL where SQLite
searched with it."""

import json

import pytest
from sqlalchemy import func, select

from db.models import CommLogEntry
from graph.core.relay import to_global_id
from tests.conftest import token_for
from tests.factories.customers import make_customer

LOG = "customer(number: $n) { communicationLog(filter: {FIELD: $v}) { totalCount } }"
# (document, the variable's place): every search field, the log filter, lookups by number, cursors, ids, drafts
ARGUMENTS = [
    *[(f"query($v: String) {{ customers(search: {{{field}: $v}}) {{ totalCount }} }}", field)
      for field in ("ldcAccountNumber", "name", "address", "market", "utility", "text")],
    *[(f"query($n: String!, $v: String) {{ {LOG.replace('FIELD', field)} }}", field)
      for field in ("text", "category", "disposition")],
    ("query($v: String!) { customer(number: $v) { id } }", "number"),
    ("query($v: String!) { utilityAccount(ldcAccountNumber: $v) { id } }", "ldcAccountNumber"),
    ("query($v: String) { ratePlans(market: $v) { code } }", "market"),
    ("query($v: String) { customers(first: 5, after: $v) { totalCount } }", "after"),
    ("query($v: ID!) { node(id: $v) { id } }", "id"),
    ("query($v: String, $c: ID!) { checkNote(input: {customerId: $c, body: $v}) { code } }", "body"),
]
BAD = ["a\x00b", "\x1b", "\x7f", "lone \ud800"]


async def post(api, user, query: str, variables: dict):
    """JSON with every non-ASCII character escaped, so a lone surrogate travels as the escape a client would send."""
    body = json.dumps({"query": query, "variables": variables})
    headers = {"authorization": f"Bearer {token_for(user)}", "content-type": "application/json"}
    return await api.client.post("/graphql", content=body, headers=headers)


@pytest.fixture
async def customer(session, tenant):
    customer = await make_customer(session, tenant, "Nula Person")
    await session.commit()
    return customer


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("query, place", ARGUMENTS)
async def test_a_refused_character_in_a_query_variable_is_a_request_error(api, tenant, customer, query, place, bad):
    # when
    response = await post(api, tenant.agent, query, {"v": bad, "n": customer.number,
                                                      "c": to_global_id("Customer", customer.id)})
    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body.get("data") is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_TEXT"]
    assert body["errors"][0]["extensions"]["field"] == ["$v"]
    assert "U+" in body["errors"][0]["message"]


@pytest.mark.parametrize("literal", ["a\\u0000b", "\\u001b[0m", "\\b"])
async def test_a_refused_character_in_an_inline_argument_is_a_request_error(api, tenant, customer, literal):
    query = f'{{ customers(search: {{name: "{literal}"}}) {{ totalCount }} }}'
    body = (await post(api, tenant.agent, query, {})).json()
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_TEXT"]
    assert body["errors"][0]["extensions"]["field"] == ["search.name"]
    assert body["errors"][0]["locations"]


async def test_allowed_whitespace_and_plain_text_search_as_before(api, tenant, customer):
    for value in ("nula", "nula\tperson", "Nula\r\nPerson"):
        body = (await post(api, tenant.agent, "query($v: String) { customers(search: {text: $v}) { totalCount } }",
                           {"v": value})).json()
        assert "errors" not in body, (value, body)
        assert body["data"]["customers"]["totalCount"] == 1, (value, body)


class TestMutations:
    ADD_NOTE = """mutation($input: AddNoteInput!, $v: String) { addNote(input: $input) {
      entry { customer { communicationLog(filter: {text: $v}) { totalCount } } } userErrors { field code } } }"""

    async def test_a_refused_character_in_the_input_is_a_user_error(self, api, database, tenant, customer):
        inline = f'mutation {{ addNote(input: {{customerId: "{to_global_id("Customer", customer.id)}", ' \
                 'body: "a\\u0000b"}) { userErrors { field code } } }'
        body = (await post(api, tenant.agent, inline, {})).json()
        assert body["data"]["addNote"]["userErrors"] == [{"field": ["input", "body"], "code": "INVALID_TEXT"}]
        assert await _entries(database, customer) == 0

    async def test_a_refused_character_elsewhere_in_a_mutation_refuses_the_request_and_writes_nothing(
            self, api, database, tenant, customer):
        note = {"customerId": to_global_id("Customer", customer.id), "body": "Called about the bill, all resolved."}
        body = (await post(api, tenant.agent, self.ADD_NOTE, {"input": note, "v": "a\x00b"})).json()
        assert body.get("data") is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_TEXT"]
        assert await _entries(database, customer) == 0
        body = (await post(api, tenant.agent, self.ADD_NOTE, {"input": note, "v": "bill"})).json()
        assert body["data"]["addNote"]["entry"]["customer"]["communicationLog"]["totalCount"] == 1


async def _entries(database, customer) -> int:
    async with database.sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(CommLogEntry)
                                .where(CommLogEntry.customer_id == customer.id))).scalar_one()


class TestQueriesTakingAMutationInput:
    """checkNote and paymentAllocationPreview read the inputs of addNote and postPayment, limits included."""

    async def test_a_draft_over_a_stated_limit_is_a_request_error_naming_the_field(self, api, tenant, customer):
        query = "query($c: ID!, $s: String) { checkNote(input: {customerId: $c, body: \"x\", subject: $s}) { code } }"
        body = (
            await post(api, tenant.agent, query, {"c": to_global_id("Customer", customer.id), "s": "s" * 201})
        ).json()
        assert body.get("data") is None
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
            ("TEXT_TOO_LONG", ["input", "subject"])]

    async def test_a_preview_over_a_stated_limit_is_a_request_error_naming_the_field(self, api, tenant, customer):
        query = """query($input: PostPaymentInput!) { paymentAllocationPreview(input: $input) { unappliedAmount {
  amount } } }"""
        payment = {"customerId": to_global_id("Customer", customer.id), "amount": "1.00", "method": "CHECK",
                   "receivedOn": "2025-03-01", "reference": "r" * 61}
        body = (await post(api, tenant.agent, query, {"input": payment})).json()
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
            ("TEXT_TOO_LONG", ["input", "reference"])]
