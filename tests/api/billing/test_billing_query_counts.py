"""No N+1 on the AR tab: the statements for 1 customer and for 20 are the same."""

from datetime import date

from tests.api.billing.helpers import post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

AR_TAB = """
query($first: Int!) { customers(first: $first, search: {name: "payer"}) { edges { node {
  balance { amount } pastDue { amount } aging { current { amount } over90 { amount } }
  invoices(first: 5) { totalCount edges { node { number status openAmount { amount } lines { kind amount { amount } }
     allocations { amount { amount } payment { method } } } } }
  payments(first: 5) { totalCount edges { node { amount { amount } allocations { amount { amount } invoice { number }
  } } } }
  adjustments(first: 5) { totalCount edges { node { amount { amount } } } }
  specialCharges(first: 5) { totalCount edges { node { status } } }
  arHistory(first: 10) { totalCount edges { node { kind amount { amount } balance { amount } } } }
} } } }
"""


async def build(api, session, tenant, customers: int) -> None:
    made = []
    for n in range(customers):
        customer = await make_customer(session, tenant, f"Payer {n:03d}")
        await make_invoice(session, customer, 3_000, due_on=date(2025, 1, 1), lines=2)
        await make_invoice(session, customer, 2_000, due_on=date(2025, 2, 1))
        made.append(customer)
    await session.commit()
    for customer in made:
        await post(api, tenant.agent, customer, "40.00")


async def statements(api, count_sql, tenant, first: int) -> int:
    await api.run(AR_TAB, {"first": first}, user=tenant.agent)
    with count_sql() as counter:
        data = await api.run(AR_TAB, {"first": first}, user=tenant.agent)
    assert len(data["customers"]["edges"]) == first
    return counter.count


async def test_ar_tab_statements_are_constant_in_customers(api, session, tenant, other_tenant, count_sql):
    # given one client with 1 paying customer and another with 20
    await build(api, session, tenant, 1)
    await build(api, session, other_tenant, 20)
    # when / then
    one = await statements(api, count_sql, tenant, 1)
    twenty = await statements(api, count_sql, other_tenant, 20)
    assert one == twenty, (one, twenty)
