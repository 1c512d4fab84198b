"""Compiled plans (graph/compiled): what the planner compiles of each SPA document, the search grid answered by its
plan byte for byte as the executor answers the same text, and its statements: one per level, constant in rows."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import OperationDefinitionNode

from db.enums import EnrollmentStatus
from graph.compiled.plan import plan_document
from graph.logs import fields_of
from graph.persisted import fast_path
from graph.persisted.known import DocumentChecker
from tests.api.customers.test_search import panel  # noqa: F401  # the search panel's customers
from tests.api.persisted.helpers import GQL, SPA, app_in, auth, checker, register
from tests.conftest import Api
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

# The search grid with every part a plan compiles: aliases, a fragment, __typename, both orders' cursors.
GRID = """
query Grid($search: CustomerSearch, $orderBy: CustomerOrder! = NAME, $first: Int, $after: String, $last: Int,
           $before: String) {
  __typename
  found: customers(search: $search, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    __typename
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node { ...Row kind isMaster email phone language }
      matchedAccount {
        __typename id ldcAccountNumber status startDate endDate contractTermMonths renewalPending pendingTransfer
        utility { id code name } market { __typename code name }
        premise { serviceAddress { line1 line2 city state zip } meterNumber rateClass loadProfile premiseType }
      }
    }
  }
}
fragment Row on Customer { id number name billingAddress { line1 line2 city state zip } }
"""

SEARCHES = [
    {},
    {"search": {"ldcAccountNumber": "10443720000000001"}},
    {"search": {"ldcAccountNumber": "nothing"}},
    {"search": {"name": "smith"}},
    {"search": {"name": "smi an"}},
    {"search": {"address": "maple"}},
    {"search": {"status": "ACTIVE", "market": "TX"}},
    {"search": {"utility": "oncor"}},
    {"search": {"text": "77 Elm"}},
    {"search": {"name": "smith"}, "orderBy": "NUMBER"},
    {"first": 2},
    {"last": 2},
    {"first": 0},
    {"first": 101},  # refused: the executor words it
    {"search": {"name": "!"}},  # refused
    {"after": "not-a-cursor"},  # refused
    {"first": 1, "orderBy": "BOGUS"},  # invalid variables
]


@pytest.fixture
async def compiled(database: Any) -> AsyncIterator[Api]:
    async with app_in(database, "open", compiled_plans=True) as api:
        yield api


def _operation(name: str) -> tuple[Any, tuple[OperationDefinitionNode, ...]]:
    document = checker().prepare(SPA[name]["body"], trusted=True)
    return document.document, document.operations


@pytest.mark.parametrize("name", sorted(SPA))
def test_only_the_search_grid_compiles_and_the_others_say_why(name: str) -> None:
    document, operations = _operation(name)
    planned = plan_document(checker().schema, document, operations, f"test-{name}")[name]
    if name == "CustomerSearch":
        assert planned.fallbacks == ()
        assert planned.plan is not None
        assert {"customers.edges.node.billingAddress.zip", "customers.edges.matchedAccount.utility.name",
                "customers.edges.matchedAccount.premise.serviceAddress.line2", "customers.totalCount",
                "customers.pageInfo.endCursor"} <= set(planned.plan.compiled_fields)
    else:
        assert planned.plan is None
        assert planned.fallbacks
        assert all(planned.fallbacks)


def test_a_checker_with_plans_attaches_them_and_one_without_does_not() -> None:
    text = SPA["CustomerSearch"]["body"]
    planning = DocumentChecker(checker().schema, checker().limits, compiled=True)
    assert set(planning.prepare(text, trusted=True).plans) == {"CustomerSearch"}
    assert checker().prepare(text, trusted=True).plans == {}
    assert planning.prepare(SPA["AccountsTab"]["body"], trusted=True).fallbacks == {
        "AccountsTab": ("node: a root field without a plan",)}


class TestTheSearchGrid:
    @pytest.mark.parametrize("variables", SEARCHES, ids=[str(v) for v in SEARCHES])
    async def test_the_plan_answers_the_executors_bytes(self, api, compiled, database, panel,  # noqa: F811
                                                        variables: dict) -> None:
        [document_id] = await register(database, GRID)
        headers = auth(panel.agent, accept=GQL, **{"x-request-id": "same"})
        reference = await api.client.post("/graphql", json={"query": GRID, "variables": variables}, headers=headers)
        planned = await compiled.client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                             headers=headers)
        assert (planned.status_code, planned.headers["content-type"], planned.content) == \
            (reference.status_code, reference.headers["content-type"], reference.content)

    async def test_the_plan_answers_without_the_executor(self, compiled, database, panel,  # noqa: F811
                                                         monkeypatch) -> None:
        [document_id] = await register(database, GRID)

        def no_executor(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the executor ran a planned operation")

        monkeypatch.setattr(fast_path, "execute", no_executor)
        response = await compiled.client.post("/graphql", json={"documentId": document_id, "variables": {}},
                                              headers=auth(panel.agent))
        assert response.status_code == 200
        assert [e["node"]["name"] for e in response.json()["data"]["found"]["edges"]] == [
            "Ann Smith", "Bob Smithers", "Carla Núñez", "Dan Jones", "Eve Adams"]

    @pytest.mark.parametrize(("variables", "plan"), [({}, "compiled"), ({"first": 101}, None)])
    async def test_the_request_line_says_when_a_plan_answered(self, compiled, database, panel, caplog,  # noqa: F811
                                                              variables: dict, plan: str | None) -> None:
        [document_id] = await register(database, GRID)
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            await compiled.client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                       headers=auth(panel.agent))
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert (line["operation"], line.get("plan")) == ("Grid", plan)  # a refusal: the executor answered


@pytest.mark.parametrize("customers", [1, 3, 30])
async def test_one_statement_per_level_whatever_the_rows(compiled, database, session, tenant, count_sql,
                                                         customers: int) -> None:
    """Search page, matched accounts, their utilities, their markets: four levels, at most a statement each, for one
    customer or thirty (on SQLite a name search counts its candidates first). Utilities and markets are reference
    data: after the first request their rows come from the app's cache, as the loaders' do. The count of a first
    page without more is its rows (the count statement runs for the other pages: tests/api/differential)."""
    for n in range(customers):
        customer = await make_customer(session, tenant, f"Levels Quorra {n:02d}")
        await make_account(session, customer, utility=["ONCOR", "PECO", "PPL"][n % 3],
                           status=EnrollmentStatus.ACTIVE, line1=f"{n} Level St")
    await session.commit()
    [document_id] = await register(database, SPA["CustomerSearch"]["body"])
    body = {"documentId": document_id, "variables": {"search": {"name": "quorra"}, "first": 50}}
    candidates = 1 if database.backend == "sqlite" else 0
    with count_sql() as first:  # the user, the document, then the plan's statements
        await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    with count_sql() as counter:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    assert len(response.json()["data"]["customers"]["edges"]) == customers
    assert counter.count == candidates + 2, counter.statements  # page, matched accounts
    reference_data = [s for s in first.statements if "FROM utilities" in s or "FROM markets" in s]
    assert len(reference_data) == 2, first.statements  # one statement for each level, whatever the rows


# Every level a plan reads below an object: a reference (master), lists (hierarchyTrail, enrollments), a value of a
# list (energyRate), connections with their counts (children, utilityAccounts), a reference below a list.
LEVELS = """
query Levels($name: String!, $accounts: Int = 10) {
  customers(search: {name: $name}, first: 50) { edges { node {
    name
    master { name }
    hierarchyTrail { name }
    children(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } }
    utilityAccounts(first: $accounts) { totalCount edges { node {
      ldcAccountNumber
      ratePlan { code energyRate }
      enrollments { status ratePlan { code } }
    } } }
  } } }
}"""
# The statements of LEVELS below the search page: master, trail, children's page and count (a page of one of two),
# accounts' page, rate plans, their prices, enrollments, the enrollments' rate plans (the accounts' page is whole:
# their count is its rows).
BELOW_THE_PAGE = 9


@pytest.mark.parametrize("customers", [1, 4, 12])
async def test_one_statement_per_level_below_an_object_whatever_the_rows(compiled, database, session, tenant,
                                                                        count_sql, customers: int) -> None:
    """Each customer has a master, two children and two accounts with two enrollments each (the current and an
    earlier one): the statements are the same for one customer or twelve, one per level."""
    from tests.factories.accounts import make_rate_plan

    plan = await make_rate_plan(session, tenant.client.id, "TX")
    top = await make_customer(session, tenant, "Levelled Top", is_master=True)
    for n in range(customers):
        customer = await make_customer(session, tenant, f"Levelled Quorra {n:02d}", master=top, is_master=True)
        for c in range(2):
            await make_customer(session, tenant, f"Levelled Kid {n:02d} {c}", master=customer)
        for a in range(2):
            await make_account(session, customer, plan=plan, history=1, line1=f"{n} {a} Level St")
    await session.commit()
    [document_id] = await register(database, LEVELS)
    body = {"documentId": document_id, "variables": {"name": "levelled quorra"}}
    candidates = 1 if database.backend == "sqlite" else 0
    await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))  # the user, the document
    with count_sql() as counter:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    nodes = [edge["node"] for edge in response.json()["data"]["customers"]["edges"]]
    assert len(nodes) == customers
    assert {(n["master"]["name"], n["children"]["totalCount"], len(n["utilityAccounts"]["edges"])) for n in nodes} \
        == {("Levelled Top", 2, 2)}
    assert [len(e["node"]["enrollments"]) for n in nodes for e in n["utilityAccounts"]["edges"]] == [2] * 2 * customers
    assert counter.count == candidates + 1 + BELOW_THE_PAGE, counter.statements


# The AR tab's lists below customers: invoices (lines, allocations and their invoice), payments (allocations and
# their invoice), the AR history (a window, its count).
AR_LISTS = """
query ArLists($name: String!) {
  customers(search: {name: $name}, first: 50) { edges { node {
    invoices(first: 2) { totalCount edges { node { number total { amount } lines { amount { amount } }
                                                   allocations { amount { amount } invoice { number } } } } }
    payments(first: 5) { edges { node { amount { amount } allocations { amount { amount } invoice { number } } } } }
    arHistory(first: 2, start: "2020-01-01") { totalCount edges { node { kind balance { amount } } } }
  } } }
}"""
# invoices' page and count (three invoices, a page of two), lines, invoice allocations and their invoices; payments'
# page, allocations and their invoices; the history's page and count
AR_LEVELS = 10


@pytest.mark.parametrize("customers", [1, 3, 8])
async def test_one_statement_per_ar_level_whatever_the_rows(api, compiled, database, session, tenant, count_sql,
                                                           customers: int) -> None:
    """Each customer has three invoices of two lines and a payment allocated to them: the same statements for one
    customer or eight, one per level."""
    from datetime import date

    from graph.core.relay import to_global_id
    from tests.factories.billing import make_invoice

    made = []
    for n in range(customers):
        customer = await make_customer(session, tenant, f"Ledgered Quorra {n:02d}")
        for month in range(3):
            await make_invoice(session, customer, 5_000, lines=2, due_on=date(2025, month + 1, 1))
        made.append(customer)
    await session.commit()
    for customer in made:
        posted = await api.run(SPA["PostPayment"]["body"], {"input": {
            "customerId": to_global_id("Customer", customer.id), "amount": "70.00", "method": "CHECK",
            "receivedOn": "2025-03-01"}}, user=tenant.agent)
        assert posted["postPayment"]["userErrors"] == []
    [document_id] = await register(database, AR_LISTS)
    body = {"documentId": document_id, "variables": {"name": "ledgered quorra"}}
    candidates = 1 if database.backend == "sqlite" else 0
    await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))  # the user, the document
    with count_sql() as counter:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    nodes = [edge["node"] for edge in response.json()["data"]["customers"]["edges"]]
    assert len(nodes) == customers
    assert {(n["invoices"]["totalCount"], len(n["invoices"]["edges"]), len(n["payments"]["edges"]),
             n["arHistory"]["totalCount"]) for n in nodes} == {(3, 2, 1, 4)}
    assert counter.count == candidates + 1 + AR_LEVELS, counter.statements


# The accounts tab's connections below accounts: status changes (and their user), market transactions with their
# totalCount, which the first page's own statement counts.
ACCOUNT_LISTS = """
query AccountLists($name: String!) {
  customers(search: {name: $name}, first: 50) { edges { node {
    utilityAccounts(first: 10) { edges { node {
      statusChanges(first: 5) { edges { node { toStatus changedBy { name } } } }
      marketTransactions(first: 2) { totalCount edges { node { reference transactionSet } } }
    } } }
  } } }
}"""
# accounts' page, status changes' page, their users, transactions' page (counted in it)
ACCOUNT_LEVELS = 4


@pytest.mark.parametrize("customers", [1, 3, 8])
async def test_one_statement_per_accounts_tab_level_whatever_the_rows(compiled, database, session, tenant,
                                                                     count_sql, customers: int) -> None:
    """Each customer has two accounts, each with a status change by a user and three transactions: the same
    statements for one customer or eight; the transactions' count is their page statement's."""
    from datetime import UTC, datetime

    from db.models import EnrollmentStatusChange
    from tests.factories.accounts import make_transaction

    for n in range(customers):
        customer = await make_customer(session, tenant, f"Transacted Quorra {n:02d}")
        for a in range(2):
            account = await make_account(session, customer, line1=f"{n} {a} Transaction Way")
            session.add(EnrollmentStatusChange(
                client_id=account.client_id, utility_account_id=account.id, from_status=EnrollmentStatus.PENDING,
                to_status=EnrollmentStatus.ACTIVE, actor_id=tenant.agent.id,
                changed_at=datetime(2025, 1, 1, tzinfo=UTC)))
            for _ in range(3):
                await make_transaction(session, account)
    await session.commit()
    [document_id] = await register(database, ACCOUNT_LISTS)
    body = {"documentId": document_id, "variables": {"name": "transacted quorra"}}
    candidates = 1 if database.backend == "sqlite" else 0
    await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))  # the user, the document
    with count_sql() as counter:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    accounts = [account["node"] for edge in response.json()["data"]["customers"]["edges"]
                for account in edge["node"]["utilityAccounts"]["edges"]]
    assert len(accounts) == 2 * customers
    assert {(len(a["statusChanges"]["edges"]), a["statusChanges"]["edges"][0]["node"]["changedBy"]["name"],
             a["marketTransactions"]["totalCount"], len(a["marketTransactions"]["edges"])) for a in accounts} == \
        {(1, tenant.agent.name, 3, 2)}
    assert counter.count == candidates + 1 + ACCOUNT_LEVELS, counter.statements
