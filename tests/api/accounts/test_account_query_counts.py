"""No N+1 in the account view: SQL statements are the same for 1 account and for 50 of the same shape."""

from datetime import UTC, date, datetime

from db.enums import EnrollmentStatus as S
from db.enums import MarketDirection, MarketTransactionStatus
from db.models import EnrollmentStatusChange
from tests.factories.accounts import make_account, make_rate_plan, make_transaction, make_usage
from tests.factories.customers import make_customer

VIEW = """
query($n: String!) { customer(number: $n) { utilityAccounts(first: 50) { totalCount edges { node {
  ldcAccountNumber status startDate endDate renewalPending pendingTransfer utility { code } ratePlan { code }
  premise { serviceAddress { line1 city } meterNumber meterType }
  enrollments { status ratePlan { code } }
  marketTransactions(first: 10) { totalCount edges { node {
    id type direction status reference createdAt details { name value }
    relatedTransaction { reference } createdBy { email } } } }
  statusChanges(first: 5) { totalCount edges { node {
    fromStatus toStatus marketTransaction { reference } changedBy { email } } } }
  months: consumption(from: "2024-01-01", to: "2025-12-31", granularity: MONTH) { start kwh demandKw readType }
  periods: consumption(from: "2024-01-01", to: "2025-12-31", granularity: PERIOD) { start end kwh period { id
  meterNumber } }
  auditTrail(first: 3) { totalCount edges { node { action } } }
} } } } }
"""


async def build(session, tenant, accounts: int) -> str:
    """A customer with `accounts` accounts, each with three answered requests, 24 months of usage, a status change."""
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    customer = await make_customer(session, tenant, "Counted Holder")
    for _ in range(accounts):
        account = await make_account(session, customer, plan=plan, status=S.ACTIVE, history=1)
        for n in range(3):
            at = datetime(2025, 1, 1 + n, tzinfo=UTC)
            request = await make_transaction(session, account, at=at)
            await make_transaction(session, account, related=request, direction=MarketDirection.INBOUND,
                                   status=MarketTransactionStatus.ACCEPTED, at=at)
        session.add(EnrollmentStatusChange(client_id=tenant.client.id, utility_account_id=account.id,
                                           from_status=S.PENDING, to_status=S.ACTIVE, market_transaction_id=request.id,
                                           actor_id=tenant.agent.id))
        await make_usage(session, account, 24, first=date(2024, 1, 15), demand_w=4_000)
    await session.commit()
    return customer.number


async def statements_for(api, count_sql, tenant, number: str, accounts: int) -> int:
    with count_sql() as counter:
        data = await api.run(VIEW, {"n": number}, user=tenant.agent)
    edges = data["customer"]["utilityAccounts"]["edges"]
    assert len(edges) == accounts
    node = edges[0]["node"]
    assert len(node["marketTransactions"]["edges"]) == 6
    assert len(node["periods"]) == 24
    assert len(node["months"]) == 24
    return counter.count


class TestAccountQueryCounts:
    async def test_account_view_is_constant_in_accounts(self, api, session, tenant, other_tenant, count_sql):
        # given one client whose customer has 1 account, and another whose customer has 50 of the same shape
        one_number = await build(session, tenant, 1)
        fifty_number = await build(session, other_tenant, 50)
        # when the same account view runs for each (once before counting: the app caches reference data
        # and signed-in users across requests, and either run would otherwise find the cache warm or cold)
        for user, number in ((tenant.agent, one_number), (other_tenant.agent, fifty_number)):
            await api.run(VIEW, {"n": number}, user=user)
        one = await statements_for(api, count_sql, tenant, one_number, 1)
        fifty = await statements_for(api, count_sql, other_tenant, fifty_number, 50)
        # then the number of SQL statements is the same
        assert one == fifty, (one, fifty)
        # auth user, customer, accounts + count, utility, plan, enrollments, transactions + count, related
        # transactions, users, status changes + count, usage x2 windows, audit + count
        assert fifty <= 20, fifty
