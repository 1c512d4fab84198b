"""Issue 12: the accounts tab runs one SQL statement per selection level, the same for 1, 10 or 50 accounts.

Counted through the API on the SPA's own document (spa/operations/AccountsTab.graphql) and on the transaction
history panel as `bench accounts` reads it (every column, details, the related request, 24 months of usage).
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from db.enums import EnrollmentStatus as S
from db.enums import MarketDirection, MarketTransactionStatus
from db.models import EnrollmentStatusChange
from graph.core.relay import to_global_id
from tests.api.persisted.helpers import SPA
from tests.factories.accounts import make_account, make_rate_plan, make_transaction, make_usage
from tests.factories.customers import make_customer

PANEL = """
query($id: ID!, $first: Int!) { node(id: $id) { ... on Customer { utilityAccounts(first: $first) { edges { node {
  id ldcAccountNumber status contractTermMonths
  premise { serviceAddress { line1 line2 city state zip } meterNumber meterType readCycle rateClass loadProfile }
  marketTransactions(first: 100) { totalCount edges { node {
    id type transactionSet direction status reference reason effectiveDate createdAt sentAt respondedAt
    details { name value } relatedTransaction { reference } } } }
  consumption(from: "2024-11-01", to: "2026-10-31") { start end days kwh demandKw readType }
} } } } } }
"""
# Statements in steady state (signed-in users, markets and utilities come from the app's caches):
EXPECTED = {
    # customer, accounts page + count, plans, their prices, status changes, their actors, transactions with
    # each account's total (a first page counts in its own statement)
    "AccountsTab": 8,
    # customer, accounts page, transactions with totals, related requests, usage
    "panel": 5,
}
DOCUMENTS = {"AccountsTab": SPA["AccountsTab"]["body"], "panel": PANEL}


async def build(session, tenant, accounts: int) -> str:
    """A customer with `accounts` accounts on one plan, each with three answered requests (the answers point at
    them), a status change by the agent and 24 months of usage; the customer's global id."""
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    customer = await make_customer(session, tenant, "Tab Holder")
    for _ in range(accounts):
        account = await make_account(session, customer, plan=plan, status=S.ACTIVE)
        for n in range(3):
            at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n)
            request = await make_transaction(session, account, at=at, effective=date(2025, 2, 1))
            await make_transaction(session, account, related=request, direction=MarketDirection.INBOUND,
                                   status=MarketTransactionStatus.ACCEPTED, at=at + timedelta(hours=1))
        session.add(EnrollmentStatusChange(client_id=tenant.client.id, utility_account_id=account.id,
                                           from_status=S.PENDING, to_status=S.ACTIVE, market_transaction_id=request.id,
                                           actor_id=tenant.agent.id))
        await make_usage(session, account, 24, first=date(2024, 11, 1), demand_w=4_000)
    await session.commit()
    return to_global_id("Customer", customer.id)


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("accounts", [1, 10, 50])
async def test_the_accounts_tab_runs_the_same_statements_for_any_number_of_accounts(
    api, session, tenant, count_sql, document, accounts
):
    # given a customer with `accounts` accounts of the same shape
    customer_id = await build(session, tenant, accounts)
    variables = {"id": customer_id, "first": 50}
    # (once before counting: the app caches signed-in users and reference data across requests)
    await api.run(DOCUMENTS[document], variables, user=tenant.agent)
    # when the tab is read
    with count_sql() as counter:
        data = await api.run(DOCUMENTS[document], variables, user=tenant.agent)
    # then every account and its transactions came back
    edges = data["node"]["utilityAccounts"]["edges"]
    assert len(edges) == accounts
    panels = [e["node"]["marketTransactions"] for e in edges]
    assert all(len(p["edges"]) == (5 if document == "AccountsTab" else 6) for p in panels)
    assert all(p["totalCount"] == 6 for p in panels)  # counted in the page's statement: the whole list, not the page
    # and the statements are one per selection level, whatever the number of accounts
    read = [" ".join(s.split())[:120] for s in counter.statements]
    assert counter.count == EXPECTED[document], read


CHAIN = """
query($id: ID!) { node(id: $id) { ... on Customer { utilityAccounts(first: 1) { edges { node {
  marketTransactions(first: 10) { edges { node { reference relatedTransaction { reference
    relatedTransaction { reference relatedTransaction { reference } } } } } }
} } } } } }
"""


async def test_transactions_that_name_each_other_resolve_as_deep_as_asked(api, session, tenant):
    # given two transactions each naming the other as related (the history panel builds related ones at once)
    customer = await make_customer(session, tenant, "Loop Holder")
    account = await make_account(session, customer)
    first = await make_transaction(session, account, reference="LOOP-A")
    second = await make_transaction(session, account, reference="LOOP-B", related=first)
    first.related_id = second.id
    await session.commit()
    # when the panel asks three levels deep
    data = await api.run(CHAIN, {"id": to_global_id("Customer", customer.id)}, user=tenant.agent)
    # then each level names the other, and the panel came back
    nodes = [e["node"] for e in data["node"]["utilityAccounts"]["edges"][0]["node"]["marketTransactions"]["edges"]]
    assert nodes == [
        {"reference": "LOOP-B", "relatedTransaction": {"reference": "LOOP-A", "relatedTransaction": {
            "reference": "LOOP-B", "relatedTransaction": {"reference": "LOOP-A"}}}},
        {"reference": "LOOP-A", "relatedTransaction": {"reference": "LOOP-B", "relatedTransaction": {
            "reference": "LOOP-A", "relatedTransaction": {"reference": "LOOP-B"}}}},
    ]
