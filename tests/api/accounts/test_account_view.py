"""The utility account tab: account fields, enrollment history, the transaction history panel and its details."""

from datetime import UTC, date, datetime, timedelta

import pytest

from db.enums import EnrollmentStatus as S
from db.enums import MarketDirection, MarketTransactionStatus, MarketTransactionType
from graph.core.relay import to_global_id
from tests.factories.accounts import make_account, make_rate_plan, make_transaction
from tests.factories.customers import make_customer

ACCOUNT = """
query($ldc: String!) { utilityAccount(ldcAccountNumber: $ldc) {
  id ldcAccountNumber status startDate endDate contractTermMonths renewalPending pendingTransfer
  utility { code } market { code } ratePlan { code } customer { name }
  premise { serviceAddress { line1 city state zip } meterNumber rateClass loadProfile meterType readCycle }
  enrollments { status startDate endDate ratePlan { code } }
} }
"""
PANEL = """
query($ldc: String!, $first: Int, $after: String) { utilityAccount(ldcAccountNumber: $ldc) {
  marketTransactions(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id type transactionSet direction status reference effectiveDate createdAt
                   details { name value } relatedTransaction { reference } utilityAccount { ldcAccountNumber } } }
  } } }
"""
NODE = "query($id: ID!) { node(id: $id) { __typename ... on MarketTransaction { reference status } } }"


@pytest.fixture
async def account(session, tenant):
    plan = await make_rate_plan(session, tenant.client.id, "TX", code=f"FIX12-{tenant.client.id}")
    customer = await make_customer(session, tenant, "View Holder")
    account = await make_account(session, customer, status=S.ACTIVE, plan=plan, history=2,
                                 start=date(2025, 1, 1), end=date(2025, 12, 31))
    at = datetime(2024, 12, 1, 12, tzinfo=UTC)
    for n in range(15):  # 15 enrollment requests, each with its acceptance
        request = await make_transaction(
            session,
            account,
            reference=f"REQ-{tenant.client.id}-{n:02d}",
            at=at + timedelta(days=n),
            details={"ratePlan": plan.code, "effectiveDate": "2025-01-01"},
        )
        await make_transaction(session, account, direction=MarketDirection.INBOUND, related=request,
                               status=MarketTransactionStatus.ACCEPTED, reference=f"ACK-{tenant.client.id}-{n:02d}",
                               at=at + timedelta(days=n, hours=1))
    await session.commit()
    return account


class TestAccountView:
    async def test_account_fields_and_enrollment_history(self, api, tenant, account):
        shown = (await api.run(ACCOUNT, {"ldc": account.ldc_account_number}, user=tenant.agent))["utilityAccount"]
        assert shown["id"] == to_global_id("UtilityAccount", account.id)
        assert (shown["status"], shown["startDate"], shown["endDate"], shown["contractTermMonths"]) == \
            ("ACTIVE", "2025-01-01", "2025-12-31", 12)
        assert (shown["renewalPending"], shown["pendingTransfer"]) == (False, False)
        assert (shown["utility"], shown["market"]) == ({"code": "ONCOR"}, {"code": "TX"})
        assert shown["customer"] == {"name": "View Holder"}
        assert shown["premise"] == {
            "serviceAddress": {"line1": "100 Main St", "city": "Dallas", "state": "TX", "zip": "75201"},
            "meterNumber": "M1",
            "rateClass": "RS",
            "loadProfile": "RESLOWR",
            "meterType": None,
            "readCycle": None,
        }
        assert [(e["status"], e["startDate"]) for e in shown["enrollments"]] == [
            ("ACTIVE", "2025-01-01"), ("INACTIVE", "2021-01-01"), ("INACTIVE", "2020-01-01")]
        assert shown["enrollments"][0]["ratePlan"] == shown["ratePlan"]

    async def test_the_history_panel_pages_newest_first_with_details(self, api, tenant, account):
        ldc, seen, totals, after = account.ldc_account_number, [], [], None
        while True:
            page = (await api.run(PANEL, {"ldc": ldc, "first": 7, "after": after}, user=tenant.agent))
            connection = page["utilityAccount"]["marketTransactions"]
            seen += [e["node"] for e in connection["edges"]]
            totals.append(connection["totalCount"])  # the first page counts in its own statement, later ones apart
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        assert totals == [30] * 5
        assert len(seen) == 30
        assert [t["createdAt"] for t in seen] == sorted((t["createdAt"] for t in seen), reverse=True)
        newest, request = seen[0], seen[1]
        assert (newest["direction"], newest["status"], newest["relatedTransaction"]) == \
            ("INBOUND", "ACCEPTED", {"reference": request["reference"]})
        assert (request["type"], request["transactionSet"], request["relatedTransaction"]) == (
            "ENROLLMENT",
            "814",
            None,
        )
        assert request["details"] == [{"name": "ratePlan", "value": f"FIX12-{tenant.client.id}"},
                                      {"name": "effectiveDate", "value": "2025-01-01"}]
        assert request["utilityAccount"] == {"ldcAccountNumber": ldc}

    async def test_market_transactions_are_nodes_of_their_client_only(self, api, tenant, other_tenant, account):
        page = await api.run(PANEL, {"ldc": account.ldc_account_number, "first": 1}, user=tenant.agent)
        node_id = page["utilityAccount"]["marketTransactions"]["edges"][0]["node"]["id"]
        mine = await api.run(NODE, {"id": node_id}, user=tenant.agent)
        assert mine["node"]["__typename"] == "MarketTransaction"
        assert mine["node"]["status"] == "ACCEPTED"
        assert (await api.run(NODE, {"id": node_id}, user=other_tenant.agent))["node"] is None

    async def test_other_kinds_show_their_transaction_set(self, api, session, tenant):
        account = await make_account(session, await make_customer(session, tenant, "Sets"))
        for kind in (MarketTransactionType.USAGE, MarketTransactionType.INVOICE, MarketTransactionType.REMITTANCE):
            await make_transaction(session, account, type=kind, direction=MarketDirection.INBOUND,
                                   status=MarketTransactionStatus.RECEIVED)
        await session.commit()
        page = await api.run(PANEL, {"ldc": account.ldc_account_number, "first": 5}, user=tenant.agent)
        edges = page["utilityAccount"]["marketTransactions"]["edges"]
        assert [(e["node"]["type"], e["node"]["transactionSet"]) for e in edges] == [
            ("REMITTANCE", "820"), ("INVOICE", "810"), ("USAGE", "867")]
