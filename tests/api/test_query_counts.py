"""No N+1: SQL statements grow with the query's depth, never with the number of rows."""

from db.enums import CustomerKind
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer

NESTED = """
query($first: Int!) {
  customers(first: $first, search: {name: "customer"}) {
    edges { node {
      name master { name } hierarchyTrail { name }
      children(first: 5) { totalCount edges { node { name } } }
      primaryAccount { ldcAccountNumber }
      utilityAccounts(first: 5) { totalCount edges { node {
        ldcAccountNumber utility { code market { code } } market { code } ratePlan { code market { code } }
        enrollments { status ratePlan { code } }
      } } }
      auditTrail(first: 3) { totalCount edges { node { action actor { email } } } }
      alerts { kind message subject { ... on CommLogEntry { id } } }
      communicationLog(first: 5) { totalCount edges { node { subject createdBy { email } memos { text createdBy {
  email } } } } }
    } }
  }
}
"""


async def build(session, tenant, customers: int) -> None:
    """`customers` customers of the same shape: under a master, two accounts, history."""
    plan = await make_rate_plan(session, tenant.client.id, "TX")
    master = await make_customer(session, tenant, "Master Holdings", kind=CustomerKind.COMMERCIAL, is_master=True)
    for n in range(customers):
        customer = await make_customer(session, tenant, f"Customer {n:03d}", master=master)
        await make_account(session, customer, plan=plan, history=1)
        await make_account(session, customer, utility="PECO", plan=plan)
        await make_entry(session, customer, tenant.agent, memos=2)
        await make_entry(session, customer, tenant.lead, critical=True)
    await session.commit()


async def statements_for(api, count_sql, tenant, first: int) -> int:
    """Statements of the query in steady state: the first run fills the app's per-process caches
    (signed-in user, markets, utilities), which later requests then share."""
    await api.run(NESTED, {"first": first}, user=tenant.agent)
    with count_sql() as counter:
        data = await api.run(NESTED, {"first": first}, user=tenant.agent)
    assert len(data["customers"]["edges"]) == first
    return counter.count


class TestQueryCounts:
    async def test_nested_customer_view_is_constant_in_rows(self, api, session, tenant, other_tenant, count_sql):
        # given one client with 1 customer and another with 50
        await build(session, tenant, 1)
        await build(session, other_tenant, 50)
        # when the same nested query runs for each
        one = await statements_for(api, count_sql, tenant, 1)
        fifty = await statements_for(api, count_sql, other_tenant, 50)
        # then the number of SQL statements is the same
        assert one == fifty, (one, fifty)
        # one per loader: search, master, trail, children + count, primary account, accounts + count,
        # plan, enrollments, audit + count, alerts (critical notes, aging, accounts, tickets, returned payments,
        # oldest past-due invoice), log + count, memos, users
        assert 10 <= fifty <= 24, fifty
