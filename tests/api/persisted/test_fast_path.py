"""A registered document answers exactly as its text does: the SPA's documents over real data, byte for byte.

The text goes the normal way (Strawberry: parse, validate, extensions); the same document named by its id goes
the fast path (graph/persisted/fast_path.py). Status, content type and body must be the same, for results,
request errors, field errors, masked faults, on both media types and for GET.
"""

import json
import logging
from datetime import date

import pytest
from graphql import GraphQLSchema, execute
from sqlalchemy import func, select
from strawberry.utils.operation import get_operation_type

from db.enums import EnrollmentStatus
from db.models import CommLogEntry
from graph.core.relay import to_global_id
from graph.logs import JsonFormatter, PlainFormatter, fields_of
from graph.persisted import fast_path
from graph.persisted.known import graphql_schema_of
from graph.schema import make_schema
from resolvers.accounts import queries as account_queries
from tests.api.accounts.test_enrollment import account as enrollment_account
from tests.api.persisted.helpers import GQL, SPA, auth, checker, register, register_spa, spa_id
from tests.factories.accounts import make_account, make_rate_plan, make_transaction
from tests.factories.billing import make_invoice
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket

ACCEPTS = ["application/json", GQL]


@pytest.fixture
async def book(api, session, tenant, database):
    """A master customer with a child, three accounts, invoices, a payment, notes with memos and a ticket."""
    await register_spa(database)
    customer = await make_customer(session, tenant, "Dana Ledger", is_master=True)
    child = await make_customer(session, tenant, "Dana Ledger Junior", master=customer)
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    accounts = [await make_account(session, customer, plan=plan, history=2),
                await make_account(session, customer, status=EnrollmentStatus.PENDING_DROP, line1="9 Elm St"),
                await make_account(session, child, utility="CENTERPOINT", status=EnrollmentStatus.PENDING, end=None)]
    for account in accounts:
        await make_transaction(session, account)
    for month in (1, 2, 3, 4):
        await make_invoice(session, customer, 12_345 * month, lines=3, due_on=date(2025, month, 1))
    for n in range(3):
        await make_entry(session, customer, tenant.agent, subject=f"Call {n}", critical=n == 0, memos=2)
    await make_ticket(session, tenant.client.id, customer=customer)
    await session.commit()
    payment = {"customerId": to_global_id("Customer", customer.id), "amount": "200.00", "method": "CHECK",
               "receivedOn": "2025-02-10"}
    posted = await api.run(SPA["PostPayment"]["body"], {"input": payment}, user=tenant.agent)
    assert posted["postPayment"]["userErrors"] == []
    return {"customer": customer, "child": child, "accounts": accounts, "id": to_global_id("Customer", customer.id),
            "payment": posted["postPayment"]["payment"]["id"]}


async def same_answer(api, user, name: str, variables: dict | None, accept: str, method: str = "POST"):
    """Send the document as text and by its id; both answers, which must be the same."""
    headers = auth(user, accept=accept, **{"x-request-id": "fast-path-test"})
    text = {"query": SPA[name]["body"], "variables": variables}
    by_id = {"documentId": spa_id(name), "variables": variables}
    if method == "GET":
        encode = lambda params: {k: json.dumps(v) if k == "variables" else v for k, v in params.items()}  # noqa: E731
        answers = [await api.client.get("/graphql", params=encode(p), headers=headers) for p in (text, by_id)]
    else:
        answers = [await api.client.post("/graphql", json=p, headers=headers) for p in (text, by_id)]
    normal, fast = answers
    assert (fast.status_code, fast.headers["content-type"], fast.content) == \
           (normal.status_code, normal.headers["content-type"], normal.content), name
    return normal


def queries(book: dict) -> list[tuple[str, dict]]:
    """Every SPA query with the variables its screens send, and some they should not."""
    ldc = book["accounts"][0].ldc_account_number
    return [
        ("Viewer", {}),
        ("CustomerSearch", {"search": {"name": "dana led"}}),
        ("CustomerSearch", {"search": {"ldcAccountNumber": ldc}, "orderBy": "NUMBER", "first": 1}),
        ("CustomerSearch", {"search": {"address": "elm st"}}),
        ("CustomerSearch", {"first": 101}),  # over the page limit: an error
        ("CustomerSearch", {"search": {"name": "dana\u0000"}}),  # the text rule: INVALID_TEXT
        ("CustomerProfile", {"id": book["id"]}),
        ("CustomerProfile", {"id": to_global_id("Customer", book["child"].id)}),
        ("CustomerProfile", {"id": "garbage"}),
        ("CustomerProfile", {"id": 5}),  # a variable of the wrong type: a request error
        ("CustomerProfile", {}),  # a required variable missing
        ("CommunicationLogTab", {"id": book["id"]}),
        ("CommunicationLogTab", {"id": book["id"], "filter": {"critical": True}, "first": 1}),
        ("CommunicationLogTab", {"id": book["id"], "after": "not-a-cursor"}),
        ("ArTab", {"id": book["id"]}),
        ("ArTab", {"id": book["id"], "invoices": 2, "payments": 1, "history": 3}),
        ("AccountsTab", {"id": book["id"]}),
        ("AccountsTab", {"id": book["id"], "first": 1}),
        ("Timeline", {"id": book["id"]}),
        ("Timeline", {"id": book["id"], "includeChildren": True, "first": 5}),
        ("Timeline", {"id": book["id"], "filter": {"kinds": ["PAYMENT", "INVOICE"]}}),
    ]


class TestSameBytes:
    @pytest.mark.parametrize("accept", ACCEPTS)
    async def test_every_spa_query_answers_the_same_by_id_as_as_text(self, api, tenant, book, accept):
        statuses = set()
        for name, variables in queries(book):
            statuses.add((await same_answer(api, tenant.agent, name, variables, accept)).status_code)
        assert statuses == ({200} if accept == "application/json" else {200, 400})  # both kinds were compared

    async def test_the_text_goes_the_normal_way_and_the_id_the_fast_path(self, api, tenant, book, monkeypatch):
        ran = []
        monkeypatch.setattr(fast_path, "execute", lambda *a, **k: ran.append(k["operation_name"]) or execute(*a, **k))
        await same_answer(api, tenant.agent, "CustomerProfile", {"id": book["id"]}, GQL)
        assert ran == ["CustomerProfile"]  # once: the request by id; the text went through Strawberry

    async def test_the_views_hold_real_data(self, api, tenant, book):
        profile = (await same_answer(api, tenant.agent, "CustomerProfile", {"id": book["id"]}, GQL)).json()
        customer = profile["data"]["node"]
        assert customer["utilityAccounts"]["totalCount"] == 2
        assert customer["children"]["totalCount"] == 1
        ar = (await same_answer(api, tenant.agent, "ArTab", {"id": book["id"]}, GQL)).json()["data"]["node"]
        assert ar["invoices"]["totalCount"] == 4
        assert ar["payments"]["totalCount"] == 1
        log = (await same_answer(api, tenant.agent, "CommunicationLogTab", {"id": book["id"]}, GQL)).json()
        assert [len(e["node"]["memos"]) for e in log["data"]["node"]["communicationLog"]["edges"]].count(2) == 3

    @pytest.mark.parametrize("name", ["Viewer", "CustomerProfile", "Timeline"])
    async def test_get_answers_the_same(self, api, tenant, book, name):
        await same_answer(api, tenant.agent, name, {} if name == "Viewer" else {"id": book["id"]}, GQL, method="GET")

    @pytest.mark.parametrize("accept", ACCEPTS)
    async def test_each_spa_mutation_refusing_its_input_answers_the_same_and_writes_nothing(
            self, api, session, tenant, book, accept):
        unknown = to_global_id("Customer", 10**12)
        refusals = [
            ("AddNote", {"input": {"customerId": unknown, "body": "x"}}),
            ("AddMemo", {"input": {"entryId": to_global_id("CommLogEntry", 10**12), "text": "hi"}}),
            ("PostPayment", {"input": {"customerId": book["id"], "amount": "-5.00", "method": "CHECK",
                                       "receivedOn": "2025-02-10"}}),
            ("ReversePayment", {"input": {"paymentId": to_global_id("Payment", 10**12), "reason": "NSF"}}),
            ("UpdateContactInfo", {"input": {"customerId": book["id"], "email": "not an email",
                                             "requestedBy": {"name": "Dana Ledger"}}}),
            ("CreateTicket", {"input": {"summary": "", "description": "x"}}),
            ("CreateTicket", {"input": {"summary": "x" * 5000, "description": "x"}}),
            ("AddNote", {"input": {"customerId": book["id"], "body": 5}}),  # a coercion error
            ("EnrollUtilityAccount", {"input": {"customerId": book["id"], "account": enrollment_account()}}),  # a role
            ("EnrollUtilityAccount", {"input": {"customerId": book["id"],
                                                "account": enrollment_account(ldcAccountNumber="12")}}),
        ]
        entries = await _entries(session, book)
        for name, variables in refusals:
            body = (await same_answer(api, tenant.agent, name, variables, accept)).json()
            payload = body.get("data") and body["data"][SPA[name]["body"].split("(input")[0].split()[-1]]
            assert "errors" in body or payload["userErrors"], (name, body)
        assert await _entries(session, book) == entries


async def _entries(session, book) -> int:
    stmt = select(func.count()).select_from(CommLogEntry).where(CommLogEntry.customer_id == book["customer"].id)
    return (await session.execute(stmt)).scalar_one()


class TestMutationsById:
    async def test_each_spa_mutation_runs_by_id_over_post(self, api, session, tenant, book):
        def send(name, variables, user=tenant.agent):
            return api.client.post("/graphql", json={"documentId": spa_id(name), "variables": variables},
                                   headers=auth(user))

        note = (
            await send("AddNote", {"input": {"customerId": book["id"], "subject": "By id", "body": "Hello"}})
        ).json()
        entry = note["data"]["addNote"]["entry"]
        assert note["data"]["addNote"]["userErrors"] == []
        assert entry["subject"] == "By id"
        memo = (await send("AddMemo", {"input": {"entryId": entry["id"], "text": "Called back"}})).json()
        assert memo["data"]["addMemo"]["entry"]["memos"] == [{"id": memo["data"]["addMemo"]["memo"]["id"]}]
        paid = (await send("PostPayment", {"input": {"customerId": book["id"], "amount": "10.00", "method": "CASH",
                                                     "receivedOn": "2025-03-01"}})).json()["data"]["postPayment"]
        assert paid["userErrors"] == []
        assert paid["payment"]["amount"] == {"amount": "10.00", "currency": "USD"}
        reversed_ = await send("ReversePayment", {"input": {"paymentId": paid["payment"]["id"], "reason": "NSF"}},
                               tenant.lead)
        assert reversed_.json()["data"]["reversePayment"]["userErrors"] == []
        ticket = (await send("CreateTicket", {"input": {"summary": "Meter", "description": "Check the meter",
                                                        "customerId": book["id"]}})).json()["data"]["createTicket"]
        assert ticket["userErrors"] == []
        assert ticket["ticket"]["customer"]["id"] == book["id"]
        child = to_global_id("Customer", book["child"].id)  # the master holds no accounts of its own
        enrolled = (await send("EnrollUtilityAccount", {"input": {"customerId": child, "account": enrollment_account(),
                                                                  "clientMutationId": "e-1"}}, tenant.lead)).json()
        enrollment = enrolled["data"]["enrollUtilityAccount"]
        assert enrollment["userErrors"] == []
        assert enrollment["clientMutationId"] == "e-1"
        assert (enrollment["utilityAccount"]["status"], enrollment["marketTransaction"]["transactionSet"]) == \
            ("PENDING", "814")
        contact = (await send("UpdateContactInfo", {"input": {"customerId": book["id"], "phone": "+12155550199",
                                                              "requestedBy": {"name": "Dana Ledger"}}})).json()
        assert contact["data"]["updateContactInfo"]["customer"]["phone"] == "+12155550199"
        # and what they wrote is what the views read, by text
        log = await api.run(SPA["CommunicationLogTab"]["body"], {"id": book["id"], "first": 100}, user=tenant.agent)
        subjects = [e["node"]["subject"] for e in log["node"]["communicationLog"]["edges"]]
        assert "By id" in subjects

    @pytest.mark.parametrize("accept", ACCEPTS)
    async def test_get_of_a_mutation_by_id_is_405_and_writes_nothing(self, api, session, tenant, book, accept):
        before = await _entries(session, book)
        variables = json.dumps({"input": {"customerId": book["id"], "body": "GET"}})
        response = await api.client.get("/graphql", params={"documentId": spa_id("AddNote"), "variables": variables},
                                        headers=auth(tenant.agent, accept=accept))
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert response.json()["errors"] == [{"message": "mutations are not allowed when using GET",
                                              "extensions": {"code": "METHOD_NOT_ALLOWED"}}]
        assert await _entries(session, book) == before


MARKETS = "query Markets { markets { code } }"
TWO = "query A { viewer { role } } query B { markets { code } }"


class TestKeptFromTheNormalPath:
    async def test_faults_are_masked_with_the_request_id_and_logged_once(self, api, database, tenant, monkeypatch,
                                                                         caplog):
        [markets_id] = await register(database, MARKETS)

        async def broken(scope):
            raise RuntimeError("secret internal detail")

        monkeypatch.setattr(account_queries, "list_markets", broken)
        headers = auth(tenant.agent, **{"x-request-id": "req-fast"})
        with caplog.at_level(logging.ERROR, logger="csrgraph.errors"):
            fast = await api.client.post("/graphql", json={"documentId": markets_id}, headers=headers)
            faults = [r for r in caplog.records if r.exc_info]
        normal = await api.client.post("/graphql", json={"query": MARKETS}, headers=headers)
        assert fast.json()["errors"][0] == {"message": "Unexpected error.", "locations": [{"line": 1, "column": 17}],
                                            "path": ["markets"],
                                            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-fast"}}
        assert fast.content == normal.content
        assert "secret internal detail" not in fast.text
        assert [fields_of(r)["request_id"] for r in faults] == ["req-fast"]
        assert "secret internal detail" in str(faults[0].exc_info[1])

    async def test_the_request_line_names_the_operation_and_the_user(self, api, tenant, book, caplog):
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            response = await api.client.post(
                "/graphql",
                json={"documentId": spa_id("CustomerProfile"), "variables": {"id": book["id"]}},
                headers=auth(tenant.agent),
            )
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert line["operation"] == "CustomerProfile"
        assert line["status"] == 200 == response.status_code
        assert line["user_id"] == tenant.agent.id
        assert line["request_id"] == response.headers["x-request-id"]
        assert book["id"] not in json.dumps(line)

    async def test_the_request_lines_are_the_texts_in_both_log_formats(self, api, tenant, book, caplog):
        requests = [(name, variables) for name, variables in queries(book) if name != "CustomerSearch"]
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            for name, variables in requests:
                await same_answer(api, tenant.agent, name, variables, GQL)
        access = [r for r in caplog.records if r.name == "csrgraph.access"]
        lines = [{k: v for k, v in fields_of(r).items() if k not in ("request_id", "duration_ms")} for r in access]
        assert lines[0::2] == lines[1::2]
        assert len(lines) == 2 * len(requests)
        assert {line["operation"] for line in lines} == {name for name, _ in requests}
        for record in access:  # CSRGRAPH_LOG_FORMAT=json and plain: the same fields, no variables
            written = json.loads(JsonFormatter().format(record))
            assert written["request_id"] == "fast-path-test"
            assert written["user_id"] == tenant.agent.id
            assert book["id"] not in JsonFormatter().format(record) + PlainFormatter().format(record)

    @pytest.mark.parametrize("accept, status", [(GQL, 400), ("application/json", 200)])
    async def test_several_operations_need_a_name_as_in_the_normal_path(self, api, database, tenant, accept, status):
        [two_id] = await register(database, TWO)
        headers = auth(tenant.agent, accept=accept)
        for body in ({}, {"operationName": "B"}, {"operationName": "A"}):
            fast = await api.client.post("/graphql", json={"documentId": two_id, **body}, headers=headers)
            normal = await api.client.post("/graphql", json={"query": TWO, **body}, headers=headers)
            assert (fast.status_code, fast.content) == (normal.status_code, normal.content)
        assert fast.json() == {"data": {"viewer": {"role": "AGENT"}}}

    async def test_an_unknown_operation_name_is_the_same_400(self, api, database, tenant):
        [two_id] = await register(database, TWO)
        fast = await api.client.post(
            "/graphql", json={"documentId": two_id, "operationName": "C"}, headers=auth(tenant.agent)
        )
        normal = await api.client.post(
            "/graphql", json={"query": TWO, "operationName": "C"}, headers=auth(tenant.agent)
        )
        assert (fast.status_code, fast.content) == (normal.status_code, normal.content)
        assert fast.status_code == 400

    async def test_without_a_token_nothing_runs(self, api):
        response = await api.client.post("/graphql", json={"documentId": spa_id("Viewer")})
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_the_same_sql_runs(self, api, tenant, book, count_sql):
        variables = {"id": book["id"]}
        by_id = {"documentId": spa_id("CustomerProfile"), "variables": variables}
        # each path once first, so what a request caches (the viewer and the client's settings, for a while; the
        # registry's document, read on the id's first use) is as warm for one counted request as for the other
        await api.run(SPA["CustomerProfile"]["body"], variables, user=tenant.agent)
        await api.client.post("/graphql", json=by_id, headers=auth(tenant.agent))
        with count_sql() as normal:
            await api.run(SPA["CustomerProfile"]["body"], variables, user=tenant.agent)
        with count_sql() as fast:
            await api.client.post("/graphql", json=by_id, headers=auth(tenant.agent))
        assert fast.count == normal.count


def test_the_schema_is_strawberrys():
    # graph/persisted/known.py reads Strawberry's private `_schema`: this fails when Strawberry renames it
    schema = make_schema()
    graphql_schema = graphql_schema_of(schema)
    assert isinstance(graphql_schema, GraphQLSchema)
    assert graphql_schema.query_type.name == "Query"
    assert set(graphql_schema.type_map) >= {"Customer", "Mutation", "Subscription"}


@pytest.mark.parametrize("text", [TWO, "{ viewer { role } }", "mutation M { updateViewerPreferences(input: {}) { "
                                  "userErrors { code } } } query Q { viewer { role } }", "query { viewer { role } }"])
@pytest.mark.parametrize("name", [None, "A", "B", "M", "Q", "C", ""])
def test_the_operation_type_is_found_as_strawberry_finds_it(text, name):
    document = checker().prepare(text, trusted=True)
    try:
        expected = get_operation_type(document.document, name)
    except RuntimeError:
        expected = None
    assert document.operation_type(name) == expected


async def test_a_head_request_naming_a_document_is_refused_not_a_fault(api, tenant, database):
    """Starlette lets HEAD through a GET route; with a JSON body it reached the fast path, which ran no method
    check for it (a 500). It is refused: 405, as any method but GET and POST."""
    await register_spa(database)
    headers = auth(tenant.agent, accept="application/json")
    response = await api.client.request("HEAD", "/graphql", json={"documentId": spa_id("Viewer")}, headers=headers)
    assert response.status_code == 405
