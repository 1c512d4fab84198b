"""Compiled plans (graph/compiled): what the planner compiles of each SPA document and what it falls back on, the
search grid and the `node(id:)` views answered by their plans byte for byte as the executor answers the same text, and
their statements: one per level, constant in rows."""

import inspect
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aiosqlite
import pytest
from graphql import OperationDefinitionNode
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails
from sqlalchemy.ext.asyncio import AsyncConnection

from db import sqlite_driver
from db.enums import EnrollmentStatus, Role, TicketStatus
from graph.billing import customer_fields as billing_fields
from graph.compiled import fallback
from graph.compiled.payloads import MutationPlan
from graph.compiled.plan import plan_document
from graph.core.relay import MAX_KEY, to_global_id
from graph.logs import fields_of
from graph.persisted import fast_path
from graph.persisted.known import DocumentChecker
from graph.schema import make_schema
from tests.api.customers.test_alerts import alerted_customer, make_returned_payment
from tests.api.customers.test_search import panel  # noqa: F401  # the search panel's customers
from tests.api.persisted.helpers import GQL, SPA, app_in, auth, checker, register
from tests.conftest import Api
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket

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


async def planned_by_id_as_its_text(api: Api, compiled: Api, text: str, document_id: str, variables: dict[str, Any],
                                    headers: dict[str, str], caplog: pytest.LogCaptureFixture) -> Any:
    """`text` by documentId on the plans' app: the executor's bytes for the text, and the request line says a plan
    answered. Its answer, decoded."""
    reference = await api.client.post("/graphql", json={"query": text, "variables": variables}, headers=headers)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="csrgraph.access"):
        planned = await compiled.client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                             headers=headers)
    assert planned.content == reference.content
    [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
    assert line.get("plan") == "compiled"
    return planned.json()


async def profile_by_id_as_its_text(api: Api, compiled: Api, database: Any, user: Any, customer_id: str,
                                    caplog: pytest.LogCaptureFixture) -> Any:
    """The SPA's CustomerProfile of `customer_id`, as planned_by_id_as_its_text."""
    text = SPA["CustomerProfile"]["body"]
    [document_id] = await register(database, text)
    headers = auth(user, accept=GQL, **{"x-request-id": "same"})
    return await planned_by_id_as_its_text(api, compiled, text, document_id, {"id": customer_id}, headers, caplog)


def _operation(name: str) -> tuple[Any, tuple[OperationDefinitionNode, ...]]:
    document = checker().prepare(SPA[name]["body"], trusted=True)
    return document.document, document.operations


# What the planner makes of each SPA document: a plan, with the fields the executor resolves on its objects
# (graph/compiled/fallback.py), or the reason it has none.
FALLS_BACK_ON = {
    "AccountsTab": (),
    "ArTab": ("node.aging",),
    "CommunicationLogTab": ("node.communicationLog",),
    "CustomerProfile": (),
    "CustomerSearch": (),
    "Timeline": ("node.timeline",),
}
NO_PLAN = {"Viewer": ("viewer: a root field without a plan",)}


@pytest.mark.parametrize("name", sorted(SPA))
def test_what_each_spa_document_compiles_and_falls_back_on(name: str) -> None:
    document, operations = _operation(name)
    planned = plan_document(checker().schema, document, operations, f"test-{name}")[name]
    if name in FALLS_BACK_ON:
        assert planned.plan is not None, planned.fallbacks
        assert planned.plan.fallbacks == FALLS_BACK_ON[name]
        assert not set(planned.plan.compiled_fields) & set(planned.plan.fallbacks)
    elif name in NO_PLAN:
        assert planned.plan is None
        assert planned.fallbacks == NO_PLAN[name]
    else:  # a mutation: its payload's plan (tests/api/differential/test_payloads.py)
        assert isinstance(planned.plan, MutationPlan), planned.fallbacks


def test_the_planned_fields_of_the_search_grid_and_the_profile() -> None:
    schema = checker().schema
    search, profile = (plan_document(schema, *_operation(name), name)[name].plan for name in
                       ("CustomerSearch", "CustomerProfile"))
    assert search is not None
    assert profile is not None
    assert {"customers.edges.node.billingAddress.zip", "customers.edges.matchedAccount.utility.name",
            "customers.edges.matchedAccount.premise.serviceAddress.line2", "customers.totalCount",
            "customers.pageInfo.endCursor"} <= set(search.compiled_fields)
    assert {"node.id", "node.number", "node.isMaster", "node.billingAddress.zip"} <= set(profile.compiled_fields)


def test_a_checker_with_plans_attaches_them_and_one_without_does_not() -> None:
    text = SPA["CustomerSearch"]["body"]
    planning = checker()  # the default settings: plans on
    assert set(planning.prepare(text, trusted=True).plans) == {"CustomerSearch"}
    assert DocumentChecker(planning.schema, planning.limits, compiled=False).prepare(text, trusted=True).plans == {}
    assert planning.prepare(SPA["Viewer"]["body"], trusted=True).fallbacks == {"Viewer": NO_PLAN["Viewer"]}


@pytest.mark.parametrize(("text", "why"), [
    ("{ customers { edges { matchedAccount { utility { market { code } } } } } }",
     "customers.edges.matchedAccount.utility: a resolver on Utility, which has no generated from_row"),
    ("query($id: ID!) { node(id: $id) { ... on Customer { number(x: 1) } } }", None),  # refused by validation
])
def test_a_resolver_falls_back_only_on_a_type_with_a_generated_from_row(text: str, why: str | None) -> None:
    if why is None:
        with pytest.raises(Exception, match="Unknown argument"):
            DocumentChecker(checker().schema, checker().limits, compiled=True).prepare(text, trusted=True)
        return
    known = DocumentChecker(checker().schema, checker().limits, compiled=True).prepare(text, trusted=True)
    assert known.fallbacks == {None: (why,)}


def test_the_fallback_runs_on_the_executor_class_of_the_apps_schema() -> None:
    assert make_schema().execution_context_class is fallback.EXECUTOR


def test_the_executor_internals_the_fallback_uses_keep_their_shape() -> None:
    """graphql-core marks `execute_fields` private (its documented API is `execute` and `Executor.build`); the
    fallback calls it as the executor calls it on an object's selection set. If this fails, graphql-core changed:
    see graph/compiled/fallback.py."""
    assert list(inspect.signature(Executor.execute_fields).parameters) == [
        "self", "parent_type", "source_value", "path", "grouped_field_set", "position_context"]
    assert FieldDetails._fields == ("node", "defer_usage", "fragment_variable_values")
    assert "collected_errors" in Executor.__annotations__


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


# ---- node(id:): the profile and the AR tab -----------------------------------------------------------------------

VIEWS = ["CustomerProfile", "ArTab"]


@pytest.fixture
async def nodes(session, tenant, other_tenant) -> dict[str, str]:
    """IDs a view is opened with: a customer with a master, an account and a past-due invoice; another client's
    customer; another Node type; and IDs that are no one's."""
    master = await make_customer(session, tenant, "Node Master", is_master=True)
    customer = await make_customer(session, tenant, "Node Quill", master=master, email=None, billing=(None,) * 5)
    await make_account(session, customer, status=EnrollmentStatus.ACTIVE)
    invoice = await make_invoice(session, customer, 12_345, due_on=date(2025, 1, 15), lines=2)
    theirs = await make_customer(session, other_tenant, "Their Quill")
    await session.commit()
    return {"ours": to_global_id("Customer", customer.id), "master": to_global_id("Customer", master.id),
            "theirs": to_global_id("Customer", theirs.id), "missing": to_global_id("Customer", MAX_KEY),
            "invoice": to_global_id("Invoice", invoice.id), "no type": to_global_id("Nothing", customer.id),
            "garbage": "not an id", "padded": to_global_id("Customer", customer.id).rstrip("=") + "=="}


GIVES_WAY = {"invoice"}  # another Node type: the executor loads it through its own loader


class TestNodeViews:
    @pytest.mark.parametrize("which", ["ours", "master", "theirs", "missing", "invoice", "no type", "garbage",
                                       "padded"])
    @pytest.mark.parametrize("name", VIEWS)
    async def test_the_plan_answers_the_executors_bytes(self, api, compiled, database, tenant, nodes, caplog,
                                                        name: str, which: str) -> None:
        [document_id] = await register(database, SPA[name]["body"])
        headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
        variables = {"id": nodes[which]}
        reference = await api.client.post("/graphql", json={"query": SPA[name]["body"], "variables": variables},
                                          headers=headers)
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            planned = await compiled.client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                                 headers=headers)
        assert (planned.status_code, planned.headers["content-type"], planned.content) == \
            (reference.status_code, reference.headers["content-type"], reference.content)
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert line.get("plan") == (None if which in GIVES_WAY else "compiled")
        data = planned.json()["data"]["node"]
        assert (data is not None) == (which in ("ours", "master", "invoice"))

    @pytest.mark.parametrize(("text", "variables"), [
        ('{ node(id: "%s") { id ... on Customer { name } } }', {}),  # a literal
        ('query($id: ID!) { node(id: $id) { id ... on Customer { name } } }', {"id": "%s"}),
        ('query($id: ID = "%s") { node(id: $id) { id ... on Customer { name } } }', {}),  # the variable's default
        ('query($id: ID = "%s") { node(id: $id) { id ... on Customer { name } } }', {"id": None}),  # null: an error
        ('query($id: ID!) { node(id: $id) { id ... on Customer { name } } }', {}),  # missing: an error
    ])
    async def test_the_id_as_a_literal_a_variable_or_its_default(self, api, compiled, database, tenant, nodes, caplog,
                                                                text: str, variables: dict[str, Any]) -> None:
        """The root reads a variable's coerced value itself; a null or missing one the executor words (byte for
        byte), the plan giving way."""
        text = text.replace("%s", nodes["ours"])
        variables = {name: value.replace("%s", nodes["ours"]) if isinstance(value, str) else value
                     for name, value in variables.items()}
        [document_id] = await register(database, text)
        headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
        reference = await api.client.post("/graphql", json={"query": text, "variables": variables}, headers=headers)
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            planned = await compiled.client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                                 headers=headers)
        assert (planned.status_code, planned.content) == (reference.status_code, reference.content)
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        answered = "errors" not in planned.json()
        assert line.get("plan") == ("compiled" if answered else None)
        assert (planned.json()["data"]["node"]["name"] == "Node Quill") if answered else True

    @pytest.mark.parametrize("role", list(Role))
    async def test_viewer_can_is_the_requests_viewers(self, api, compiled, database, tenant, nodes, caplog,
                                                      role: Role) -> None:
        """viewerCan is the viewer's role's: the plan builds it from the request's scope (no fallback)."""
        planned = await profile_by_id_as_its_text(api, compiled, database, tenant.user(role), nodes["ours"], caplog)
        can = planned["data"]["node"]["viewerCan"]
        assert can["reversePayment"] == (role is not Role.AGENT), can  # a team lead's task (resolvers/permissions.py)

    async def test_the_operation_does_not_run_on_the_executor(self, compiled, database, tenant, nodes,
                                                              monkeypatch) -> None:
        [document_id] = await register(database, SPA["CustomerProfile"]["body"])

        def no_executor(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the executor ran a planned operation")

        monkeypatch.setattr(fast_path, "execute", no_executor)
        response = await compiled.client.post("/graphql", json={"documentId": document_id,
                                                                "variables": {"id": nodes["ours"]}},
                                              headers=auth(tenant.agent))
        node = response.json()["data"]["node"]
        assert (node["name"], node["email"], node["billingAddress"]["line1"]) == ("Node Quill", None, None)
        assert (node["master"]["name"], [c["name"] for c in node["hierarchyTrail"]]) == \
            ("Node Master", ["Node Master", "Node Quill"])
        assert node["pastDue"] == {"amount": "123.45", "currency": "USD"}
        assert "PAST_DUE" in [a["kind"] for a in node["alerts"]]

    async def test_an_error_in_a_field_it_falls_back_on_leaves_the_request_to_the_executor(
            self, api, compiled, database, tenant, nodes, monkeypatch, caplog) -> None:
        def broken(*rows: Any) -> Any:
            raise RuntimeError("the aging rule is broken")

        monkeypatch.setattr(billing_fields, "combine", broken)  # ArTab's aging falls back (an argument, resolvers)
        [document_id] = await register(database, SPA["ArTab"]["body"])
        headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
        variables = {"id": nodes["ours"]}
        reference = await api.client.post("/graphql", json={"query": SPA["ArTab"]["body"],
                                                            "variables": variables}, headers=headers)
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            planned = await compiled.client.post("/graphql", json={"documentId": document_id, "variables": variables},
                                                 headers=headers)
        assert planned.content == reference.content
        assert "errors" in planned.json()
        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        assert line.get("plan") is None


@pytest.fixture
async def profiles(session, tenant) -> dict[str, str]:
    """Customers whose alerts and settings differ: every kind of alert; reasons that give none (an expired hold, a
    closed ticket, an old return, nothing past due); a hold through today; autopay and paperless set, no hold; the
    defaults."""
    day = datetime.now(UTC).date()
    everything = (await alerted_customer(session, tenant, "Profile Everything")).customer
    quiet = await make_customer(session, tenant, "Profile Quiet")
    quiet.dunning_hold_until, quiet.dunning_hold_reason = day - timedelta(days=1), "Was on a plan"
    await make_ticket(session, tenant.client.id, customer=quiet, status=TicketStatus.CLOSED)
    await make_returned_payment(session, quiet, datetime.now(UTC) - timedelta(days=91))
    await make_invoice(session, quiet, 1_000, due_on=day)
    await make_account(session, quiet, status=EnrollmentStatus.DROPPED, end=day + timedelta(days=3))
    held = await make_customer(session, tenant, "Profile Held")
    held.dunning_hold_until, held.dunning_hold_reason = day, "Last day"
    settled = await make_customer(session, tenant, "Profile Settled")
    settled.autopay, settled.paperless = True, True
    plain = await make_customer(session, tenant, "Profile Plain")
    await session.commit()
    return {name: to_global_id("Customer", customer.id) for name, customer in
            [("everything", everything), ("quiet", quiet), ("held", held), ("settled", settled), ("plain", plain)]}


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
@pytest.mark.parametrize("which", ["everything", "quiet", "held", "settled", "plain"])
async def test_the_profile_computes_alerts_settings_and_viewer_can_as_the_executor(
        api, compiled, database, tenant, profiles, caplog, which: str, role: Role) -> None:
    """alerts, settings and viewerCan are the plan's (columns.Derived, no fallback): byte for byte the executor's,
    for customers with and without alerts, with settings set and default, for two roles."""
    planned = await profile_by_id_as_its_text(api, compiled, database, tenant.user(role), profiles[which], caplog)
    node = planned["data"]["node"]
    kinds = [alert["kind"] for alert in node["alerts"]]
    assert (len(kinds), "DUNNING_HOLD" in kinds) == {"everything": (9, True), "quiet": (0, False),
                                                     "held": (1, True)}.get(which, (0, False)), kinds
    assert (node["settings"]["autopay"], node["settings"]["dunningExcluded"]) == \
        (which == "settled", which in ("everything", "held"))


@pytest.mark.parametrize(("selection", "falls_back"), [
    ("alerts { kind message }", ()),
    ("alerts { kind subject { __typename } }", ("node.alerts",)),  # a union: the resolver's
    ("settings { autopay dunningHold { until reason active } }", ()),
    ("viewerCan { addNote __typename }", ()),
])
def test_alerts_settings_and_viewer_can_are_the_plans_unless_a_union_is_selected(selection: str,
                                                                                 falls_back: tuple[str]) -> None:
    document = checker().prepare("query($id: ID!) { node(id: $id) { ... on Customer { " + selection + " } } }",
                                 trusted=True)
    planned = plan_document(checker().schema, document.document, document.operations, "test")[None]
    assert planned.plan is not None, planned.fallbacks
    assert planned.plan.fallbacks == falls_back
    assert not any(path.startswith("node.alerts.subject") for path in planned.plan.compiled_fields)


async def test_a_node_plan_reads_on_the_loops_thread_and_a_search_plan_hops(compiled, database, tenant, nodes,
                                                                           monkeypatch) -> None:
    """On SQLite a plan rooted at node(id:) reads by key: its statements run on the event loop's thread (no hop to
    the driver's; graph/compiled/plan.py: BY_KEY); a search's statements may be long, and hop. Its standing (read by
    its pastDue and by its alerts) is one statement."""
    if database.backend != "sqlite":
        pytest.skip("the driver's thread is SQLite's")
    hops: list[Any] = []
    execute = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(fn)
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    profile, search = await register(database, SPA["CustomerProfile"]["body"], SPA["CustomerSearch"]["body"])
    headers = auth(tenant.agent)
    for document_id, variables in ((profile, {"id": nodes["ours"]}), (search, {"search": {"name": "quill"}})):
        body = {"documentId": document_id, "variables": variables}
        assert "errors" not in (await compiled.client.post("/graphql", json=body, headers=headers)).json()
    hops.clear()
    response = await compiled.client.post("/graphql", json={"documentId": profile, "variables": {"id": nodes["ours"]}},
                                          headers=headers)
    assert response.json()["data"]["node"]["name"] == "Node Quill"
    assert [fn for fn in hops if fn is sqlite_driver._run_statement] == []
    response = await compiled.client.post("/graphql", json={"documentId": search,
                                                            "variables": {"search": {"name": "quill"}}},
                                          headers=headers)
    assert response.json()["data"]["customers"]["totalCount"] >= 1
    assert [fn for fn in hops if fn is sqlite_driver._run_statement]


async def test_the_profile_reads_its_standing_once(compiled, database, tenant, nodes, count_sql) -> None:
    [document_id] = await register(database, SPA["CustomerProfile"]["body"])
    body = {"documentId": document_id, "variables": {"id": nodes["ours"]}}
    await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    with count_sql() as counter:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    assert response.json()["data"]["node"]["pastDue"] == {"amount": "123.45", "currency": "USD"}
    assert len([s for s in counter.statements if "FROM ledger_entries" in s]) == 1, counter.statements


# The registered profile's statements (utilities and markets cached): the customer; its trail, children's page,
# accounts' page, standing (balance, pastDue and the alerts' past-due: one read) and alert sources (one UNION ALL of
# critical notes, alerting accounts, open tickets, returns and the oldest past-due invoice: were five statements);
# the accounts' rate plans and enrollments; the plans' prices and the enrollments' plans. (No master: none.)
PROFILE_STATEMENTS = 10


async def test_the_profiles_statements_are_constant_in_rows(compiled, database, session, tenant, count_sql) -> None:
    """The customer's level is one statement; the fields it falls back on read through the request's loaders, each
    batch one statement whatever the rows: a customer with one account and invoice reads as many statements as
    one with five of each (each account on a plan, with an enrollment: every level below the customer reads)."""
    ids = []
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    for size in (1, 5):
        customer = await make_customer(session, tenant, f"Rows Quill {size}")
        for n in range(size):
            await make_account(session, customer, status=EnrollmentStatus.ACTIVE, line1=f"{n} Row St", plan=plan,
                               history=1)
            await make_invoice(session, customer, 1_000 + n, due_on=date(2025, 1, 1 + n))
        ids.append(to_global_id("Customer", customer.id))
    await session.commit()
    [document_id] = await register(database, SPA["CustomerProfile"]["body"])
    counts = []
    for global_id in [ids[0], *ids]:  # the first request warms the document and the reference cache
        body = {"documentId": document_id, "variables": {"id": global_id}}
        with count_sql() as counter:
            response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
        assert response.json()["data"]["node"]["id"] == global_id
        counts.append((counter.count, [s for s in counter.statements if "FROM customers" in s][:1]))
    assert counts[1][0] == counts[2][0], counts
    assert counts[1][0] == PROFILE_STATEMENTS, counts
    [customer_level] = counts[1][1]
    assert "customers.id = " in customer_level, customer_level
    assert "customers.client_id = " in customer_level, customer_level


async def test_a_plan_holds_no_connection_while_the_executor_resolves_what_it_falls_back_on(
        compiled, database, tenant, nodes, monkeypatch) -> None:
    """The fallback's loaders check out connections of the read pool: a plan holding one across them would let as many
    concurrent requests as the pool holds wait on each other (graph/compiled/plan.py: Leased). The plan's
    connections are AsyncConnections (the loaders' sessions open none): none is open while the fallback runs."""
    open_now, held = [0], []
    enter, leave, run = AsyncConnection.__aenter__, AsyncConnection.__aexit__, fallback.Fallbacks.run

    async def entering(self: AsyncConnection) -> AsyncConnection:
        open_now[0] += 1
        return await enter(self)

    async def leaving(self: AsyncConnection, *exc: Any) -> None:
        open_now[0] -= 1
        await leave(self, *exc)

    async def counting(self: fallback.Fallbacks, level: fallback.Fallback, rows: Any) -> Any:
        held.append(open_now[0])
        return await run(self, level, rows)

    monkeypatch.setattr(AsyncConnection, "__aenter__", entering)
    monkeypatch.setattr(AsyncConnection, "__aexit__", leaving)
    monkeypatch.setattr(fallback.Fallbacks, "run", counting)
    [document_id] = await register(database, SPA["ArTab"]["body"])  # its aging falls back
    response = await compiled.client.post("/graphql", json={"documentId": document_id,
                                                            "variables": {"id": nodes["ours"]}},
                                          headers=auth(tenant.agent))
    assert response.json()["data"]["node"]["aging"] is not None
    assert held == [0]


async def test_a_search_with_fields_it_falls_back_on_answers_itself(api, compiled, database, panel,  # noqa: F811
                                                                    caplog) -> None:
    """The search's statements run on the leased connection of a plan with fallbacks (plan.Leased)."""
    text = "query Masters($name: String) { customers(search: {name: $name}) { totalCount edges { node { name " \
           "master { name } hierarchyTrail { name } } } } }"
    [document_id] = await register(database, text)
    headers = auth(panel.agent, accept=GQL, **{"x-request-id": "same"})
    for variables in ({}, {"name": "smith"}):
        await planned_by_id_as_its_text(api, compiled, text, document_id, variables, headers, caplog)


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


async def read_warm(compiled: Any, body: dict[str, Any], tenant: Any, count_sql: Any) -> tuple[Any, Any]:
    """The planned read once to warm up (the user, the document), then again counting its statements."""
    await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    with count_sql() as counter:
        response = await compiled.client.post("/graphql", json=body, headers=auth(tenant.agent))
    return response, counter


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
    response, counter = await read_warm(compiled, body, tenant, count_sql)
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
    balance { amount currency } pastDue { amount } owed: balance { amount }
    invoices(first: 2) { totalCount edges { node { number total { amount } lines { amount { amount } }
                                                   allocations { amount { amount } invoice { number } } } } }
    payments(first: 5) { edges { node { amount { amount } allocations { amount { amount } invoice { number } } } } }
    arHistory(first: 2, start: "2020-01-01") { totalCount edges { node { kind balance { amount } } } }
  } } }
}"""
# invoices' page and count (three invoices, a page of two), lines, invoice allocations and their invoices; payments'
# page, allocations and their invoices; the history's page and count; the standing (balance and pastDue, one
# statement: columns.Derived)
AR_LEVELS = 11


@pytest.mark.parametrize("customers", [1, 3, 8])
async def test_one_statement_per_ar_level_whatever_the_rows(api, compiled, database, session, tenant, count_sql,
                                                           customers: int) -> None:
    """Each customer has three invoices of two lines and a payment allocated to them: the same statements for one
    customer or eight, one per level."""
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
    response, counter = await read_warm(compiled, body, tenant, count_sql)
    nodes = [edge["node"] for edge in response.json()["data"]["customers"]["edges"]]
    assert len(nodes) == customers
    assert {(n["invoices"]["totalCount"], len(n["invoices"]["edges"]), len(n["payments"]["edges"]),
             n["arHistory"]["totalCount"]) for n in nodes} == {(3, 2, 1, 4)}
    assert counter.count == candidates + 1 + AR_LEVELS, counter.statements
    assert {(n["balance"]["amount"], n["pastDue"]["amount"], n["owed"]["amount"]) for n in nodes} == \
        {("80.00", "80.00", "80.00")}
    headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "same"})
    reference = await api.client.post("/graphql", json={"query": AR_LISTS, "variables": body["variables"]},
                                      headers=headers)
    planned = await compiled.client.post("/graphql", json=body, headers=headers)
    assert planned.content == reference.content


@pytest.mark.parametrize(("selection", "falls_back"), [
    ("balance { amount } pastDue { amount }", ()),
    ("balance(includeChildren: true) { amount } pastDue { amount }", ("node.balance",)),
    ("balance { amount } late: pastDue(includeChildren: false) { amount }", ("node.late",)),
])
def test_balance_and_past_due_are_the_plans_unless_given_arguments(selection: str, falls_back: tuple[str]) -> None:
    """balance and pastDue are declared (columns.Derived: one standing statement); with an argument (a roll-up over
    the hierarchy) the resolver answers them."""
    text = f"query Ar($id: ID!) {{ node(id: $id) {{ ... on Customer {{ {selection} }} }} }}"
    prepared = checker().prepare(text, trusted=True)
    planned = plan_document(checker().schema, prepared.document, prepared.operations, "test-ar")["Ar"]
    assert planned.plan is not None, planned.fallbacks
    assert planned.plan.fallbacks == falls_back


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
    response, counter = await read_warm(compiled, body, tenant, count_sql)
    accounts = [account["node"] for edge in response.json()["data"]["customers"]["edges"]
                for account in edge["node"]["utilityAccounts"]["edges"]]
    assert len(accounts) == 2 * customers
    assert {(len(a["statusChanges"]["edges"]), a["statusChanges"]["edges"][0]["node"]["changedBy"]["name"],
             a["marketTransactions"]["totalCount"], len(a["marketTransactions"]["edges"])) for a in accounts} == \
        {(1, tenant.agent.name, 3, 2)}
    assert counter.count == candidates + 1 + ACCOUNT_LEVELS, counter.statements
