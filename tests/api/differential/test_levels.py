"""Connections and lists below a plan's object level (graph/compiled/connections.py) answer the reference's bytes
over generated books (books.py): a customer's children and accounts as connections (literal and variable arguments,
defaults, empty and full pages, cursors walked from both ends, refused arguments), its master, its hierarchy trail and
its accounts' enrollments as lists, a rate plan's energy rate as a value of its prices; each through the compiled
plan (the document by id) and as text seen before on the app with plans on, beside the reference executor's text.

The document starts at `customers` (the search grid's root: the SPA's views that show these levels start at `node`,
planned by another step); every request of it must be answered by the plan unless the reference's answer has errors.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

import httpx
from hypothesis import given
from sqlalchemy import select

from db.enums import EnrollmentStatus
from db.models import Customer, EnrollmentStatusChange, UtilityAccount
from graph.logs import fields_of
from tests.api.differential.books import SHAPES, build, examples
from tests.api.differential.paths import COMPILED
from tests.api.persisted.helpers import GQL, auth, register
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

LEVELS = """
query Levels($name: String!, $children: Int = 4, $after: String, $last: Int, $before: String, $accounts: Int = 3) {
  customers(search: {name: $name}, first: 30, orderBy: NUMBER) {
    edges { node {
      id name
      master { id number name }
      hierarchyTrail { __typename id number name }
      children(first: $children, after: $after, last: $last, before: $before) {
        __typename
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { __typename cursor node { id name isMaster master { name } } }
      }
      kids: children(first: 1) { totalCount edges { node { name } } }
      utilityAccounts(first: $accounts) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id ldcAccountNumber status
          ratePlan { code name kind energyRate termMonths }
          enrollments { __typename status startDate endDate ratePlan { code energyRate } }
        } }
      }
    } }
  }
}"""
# The AR tab's lists below a customer (spa/operations/ArTab.graphql, bench billing's AR_VIEW): invoices and payments
# as connections, lines and allocations as lists, an allocation's invoice as a reference, Money objects, the AR
# history (a connection with a window: its own arguments) with its running balance.
BILLING = """
query Billing($name: String!, $invoices: Int = 12, $payments: Int = 12, $after: String, $last: Int, $before: String,
              $history: Int = 50, $start: Date, $end: Date, $since: String) {
  customers(search: {name: $name}, first: 30, orderBy: NUMBER) {
    edges { node {
      name
      invoices(first: $invoices, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node {
          id number periodStart periodEnd issuedOn dueOn status
          total { ...Amount }
          openAmount { __typename amount }
          lines { id kind description quantity amount { ...Amount } }
          allocations { amount { amount } invoice { number } }
        } }
      }
      payments(first: $payments, last: $last, before: $before) {
        totalCount
        edges { node {
          id method reference receivedOn mode status returnedReason
          amount { ...Amount }
          unappliedAmount { ...Amount }
          allocations { amount { ...Amount } invoice { id number } }
        } }
      }
      arHistory(first: $history, after: $since, start: $start, end: $end) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { kind description effectiveOn amount { ...Amount } balance { ...Amount } invoiceId paymentId } }
      }
      recent: arHistory(last: 2, start: "2025-01-01") { totalCount edges { cursor node { kind balance { amount } } } }
    } }
  }
}
fragment Amount on Money { amount currency }"""
# The accounts tab's connections below an account (spa/operations/AccountsTab.graphql): status changes with the
# user who made them (a reference), market transactions (counted in their first page's own statement).
ACCOUNTS = """
query Accounts($name: String!, $changes: Int = 5, $transactions: Int = 5, $after: String, $last: Int) {
  customers(search: {name: $name}, first: 30, orderBy: NUMBER) {
    edges { node {
      name
      utilityAccounts(first: 20) { edges { node {
        ldcAccountNumber
        premise { meterType readCycle }
        statusChanges(first: $changes, last: $last) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { node { fromStatus toStatus changedAt reason changedBy { __typename id name email role active } } }
        }
        marketTransactions(first: $transactions, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node {
            __typename id type transactionSet direction status reference reason effectiveDate createdAt sentAt
            respondedAt
          } }
        }
      } } }
    } }
  }
}"""
EXAMPLES = examples(5)
UNKNOWN_OPERATION = "NotInTheDocument"


async def same_on_every_path(client: httpx.AsyncClient, user: Any, document_id: str, variables: dict,
                             caplog: Any, text: str = LEVELS) -> dict:
    """The reference's text, the compiled plan by id, text seen before with plans: the same bytes; the plan answered
    itself unless the reference's answer has errors. The reference's JSON."""
    headers = auth(user, accept=GQL, **{"x-request-id": "levels"})
    reference = await client.post("/graphql", json={"query": text, "variables": variables}, headers=headers)
    expected = (reference.status_code, reference.headers["content-type"], reference.content)
    compiled = COMPILED[client]
    warm = {"query": text, "operationName": UNKNOWN_OPERATION}
    assert (await compiled.post("/graphql", json=warm, headers=headers)).status_code == 400
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="csrgraph.access"):
        answers = [await compiled.post("/graphql", json={"documentId": document_id, "variables": variables},
                                       headers=headers),
                   await compiled.post("/graphql", json={"query": text, "variables": variables}, headers=headers)]
    for path, answer in zip(("compiled", "text-compiled"), answers, strict=True):
        assert (answer.status_code, answer.headers["content-type"], answer.content) == expected, (path, variables)
    data = json.loads(reference.content)
    plans = [fields_of(r).get("plan") for r in caplog.records if r.name == "csrgraph.access"]
    assert plans == [None if "errors" in data else "compiled"] * 2, (variables, data.get("errors"))
    return data


def _children_of(data: dict, name: str) -> dict:
    [node] = [e["node"] for e in data["data"]["customers"]["edges"] if e["node"]["name"] == name]
    return node["children"]


class TestLevels:
    @EXAMPLES
    @given(shape=SHAPES)
    async def test_connections_and_lists_answer_the_reference_on_every_path(self, api, session, tenant, database,
                                                                           caplog, shape):
        [document_id] = await register(database, LEVELS)
        book = await build(session, api, tenant, shape)
        name = book["name"]
        run = lambda variables: same_on_every_path(api.client, tenant.agent, document_id,  # noqa: E731
                                                   {"name": name, **variables}, caplog)
        first = await run({})
        for variables in ({"children": 0}, {"children": 100}, {"accounts": 0}, {"accounts": 100},
                          {"children": None, "last": 3}, {"children": 101}, {"after": "not-a-cursor"},
                          {"children": 2, "last": 2}, {"accounts": -1}):
            await run(variables)
        # the children walked forwards from the start and backwards from the end, one page past each end
        for forwards in (True, False):
            cursor: str | None = None
            while True:
                page = {"children": 4, "after": cursor} if forwards else {"children": None, "last": 4, "before": cursor}
                children = _children_of(await run(page), name)
                more = children["pageInfo"]["hasNextPage" if forwards else "hasPreviousPage"]
                edge = children["pageInfo"]["endCursor" if forwards else "startCursor"]
                if not more:
                    if edge:
                        await run({**page, ("after" if forwards else "before"): edge})
                    break
                cursor = edge
        assert _children_of(first, name)["totalCount"] == shape.children

    async def test_another_clients_rows_under_a_customer_are_not_its_children_or_accounts(
            self, api, session, tenant, other_tenant, database, caplog):
        """Rows of another client pointing at this client's customer (a master id, a customer id): the level's
        statements carry the tenant predicate, as the loaders' do."""
        [document_id] = await register(database, LEVELS)
        master = await make_customer(session, tenant, "Crossing Levels Master", is_master=True)
        await make_customer(session, tenant, "Crossing Levels Own Child", master=master)
        await make_account(session, master, line1="1 Own Rd")
        stranger = await make_customer(session, other_tenant, "Crossing Levels Stranger")
        stranger.master_id = master.id
        foreign = await make_account(session, stranger, line1="2 Foreign Rd")
        foreign.customer_id = master.id
        await session.commit()
        data = await same_on_every_path(api.client, tenant.agent, document_id, {"name": "Crossing Levels"}, caplog)
        node = next(e["node"] for e in data["data"]["customers"]["edges"] if e["node"]["name"].endswith("Master"))
        assert [e["node"]["name"] for e in node["children"]["edges"]] == ["Crossing Levels Own Child"]
        assert (node["children"]["totalCount"], node["utilityAccounts"]["totalCount"]) == (1, 1)

    @EXAMPLES
    @given(shape=SHAPES)
    async def test_the_ar_tabs_lists_answer_the_reference_on_every_path(self, api, session, tenant, database, caplog,
                                                                        shape):
        [document_id] = await register(database, BILLING)
        book = await build(session, api, tenant, shape)
        run = lambda variables: same_on_every_path(api.client, tenant.agent, document_id,  # noqa: E731
                                                   {"name": book["name"], **variables}, caplog, BILLING)
        first = await run({})
        for variables in ({"invoices": 0, "payments": 0}, {"invoices": 100}, {"payments": None, "last": 1},
                          {"invoices": 101}, {"after": "not-a-cursor"}, {"payments": 1, "last": 1},
                          {"history": 3}, {"start": "2024-03-01", "end": "2024-09-30"}, {"start": "2030-01-01"},
                          {"since": "not-a-cursor"}, {"history": 0}):
            await run(variables)
        cursor: str | None = None
        while True:  # the AR history page by page
            data = await run({"history": 5, "since": cursor})
            [history] = [e["node"]["arHistory"] for e in data["data"]["customers"]["edges"]
                         if e["node"]["name"] == book["name"]]
            if not history["pageInfo"]["hasNextPage"]:
                break
            cursor = history["pageInfo"]["endCursor"]
        cursor = None
        while True:  # the invoices page by page, and one page past the last
            data = await run({"invoices": 4, "after": cursor})
            [invoices] = [e["node"]["invoices"] for e in data["data"]["customers"]["edges"]
                          if e["node"]["name"] == book["name"]]
            if not invoices["pageInfo"]["hasNextPage"]:
                if invoices["pageInfo"]["endCursor"]:
                    await run({"invoices": 4, "after": invoices["pageInfo"]["endCursor"]})
                break
            cursor = invoices["pageInfo"]["endCursor"]
        [mine] = [e["node"] for e in first["data"]["customers"]["edges"] if e["node"]["name"] == book["name"]]
        assert (mine["invoices"]["totalCount"], mine["payments"]["totalCount"]) == (len(shape.invoices),
                                                                                    len(shape.payments))

    @EXAMPLES
    @given(shape=SHAPES)
    async def test_the_accounts_tabs_connections_answer_the_reference_on_every_path(self, api, session, tenant,
                                                                                   database, caplog, shape):
        [document_id] = await register(database, ACCOUNTS)
        book = await build(session, api, tenant, shape)
        customer = (await session.execute(select(Customer).where(Customer.name == book["name"]))).scalar_one()
        accounts = (await session.execute(select(UtilityAccount).where(UtilityAccount.customer_id == customer.id)
                                          .order_by(UtilityAccount.id))).scalars().all()
        for n, account in enumerate(accounts):  # 0-6 status changes, some by a user, some scheduled
            for k in range(n % 7):
                session.add(EnrollmentStatusChange(
                    client_id=account.client_id, utility_account_id=account.id, from_status=EnrollmentStatus.PENDING,
                    to_status=EnrollmentStatus.ACTIVE, reason=None if k % 3 else "Enrollment accepted",
                    actor_id=tenant.agent.id if k % 2 else None, changed_at=datetime(2025, 1, k + 1, tzinfo=UTC)))
        await session.commit()
        run = lambda variables: same_on_every_path(api.client, tenant.agent, document_id,  # noqa: E731
                                                   {"name": book["name"], **variables}, caplog, ACCOUNTS)
        await run({})
        for variables in ({"changes": 0, "transactions": 0}, {"changes": 100, "transactions": 100},
                          {"changes": None, "last": 2}, {"transactions": 101}, {"after": "not-a-cursor"},
                          {"transactions": 2}):
            await run(variables)
        cursor: str | None = None
        for _ in range(4):  # the transactions page by page (each account's; the cursor of the richest)
            data = await run({"transactions": 2, "after": cursor})
            pages = [e["node"]["marketTransactions"] for c in data["data"]["customers"]["edges"]
                     for e in c["node"]["utilityAccounts"]["edges"]]
            more = [p["pageInfo"]["endCursor"] for p in pages if p["pageInfo"]["hasNextPage"]]
            if not more:
                break
            cursor = more[0]
