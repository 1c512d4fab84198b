"""postPayment writes set-based: its statements do not grow with the invoices it pays, the earlier credits it
applies first, the children a hierarchy payment reaches, or the invoices a SPEC payment names."""

from datetime import date, timedelta

import pytest

from tests.api.billing.helpers import books_ok, gid, payment_input, post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

POST_ONLY = """mutation($input: PostPaymentInput!) { postPayment(input: $input) {
  payment { id unappliedAmount { amount } } userErrors { code } } }"""
# the most statements one posting may take (BEGIN not counted): a FIFO posting of one customer is the customer's id,
# what is owed with the earlier credit, the payment, the allocations, the ledger row, the invoices and the audit event;
# applying earlier credit adds its update, a hierarchy the read of its children, PostgreSQL the customers' row lock
MOST_STATEMENTS = 10


async def _owing(session, tenant, invoices: int, customer=None):
    customer = customer or await make_customer(session, tenant)
    for n in range(invoices):
        await make_invoice(session, customer, 1_000 + n, due_on=date(2025, 1, 1) + timedelta(days=n))
    await session.commit()
    return customer


async def _fifo(api, session, tenant, invoices: int):
    customer = await _owing(session, tenant, invoices)
    return customer, payment_input(customer, "10000.00")


async def _after_credit(api, session, tenant, invoices: int):
    """`invoices` earlier payments left credit (nothing was open), then as many invoices came."""
    customer = await make_customer(session, tenant)
    await session.commit()
    for _ in range(invoices):
        await post(api, tenant.agent, customer, "5.00")
    await _owing(session, tenant, invoices, customer)
    return customer, payment_input(customer, "10000.00")


async def _hierarchy(api, session, tenant, invoices: int):
    master = await make_customer(session, tenant, "Master Org", is_master=True)
    for n in range(invoices):
        await _owing(session, tenant, 1, await make_customer(session, tenant, f"Site {n}", master=master))
    return master, payment_input(master, "10000.00", scope="HIERARCHY")


async def _spec(api, session, tenant, invoices: int):
    customer = await make_customer(session, tenant)
    named = [await make_invoice(session, customer, 1_000, due_on=date(2025, 1, 1)) for _ in range(invoices)]
    await session.commit()
    allocations = [{"invoiceId": gid("Invoice", i.id), "amount": "10.00"} for i in named]
    return customer, payment_input(customer, "10000.00", mode="SPEC", allocations=allocations)


async def _statements(api, count_sql, tenant, variables: dict) -> int:
    await api.run("{ __typename }", user=tenant.agent)  # the agent's sign-in is read (and cached) before counting
    with count_sql() as counter:
        result = (await api.run(POST_ONLY, {"input": variables}, user=tenant.agent))["postPayment"]
    assert result["userErrors"] == []
    return counter.count


@pytest.mark.parametrize("arrange", [_fifo, _after_credit, _hierarchy, _spec])
async def test_statements_are_the_same_for_one_and_for_many(api, database, session, tenant, other_tenant, count_sql,
                                                             arrange):
    # given one client where the posting touches one of everything, another where it touches 30
    _, few = await arrange(api, session, tenant, 1)
    _, many = await arrange(api, session, other_tenant, 30)
    # when each posts
    one = await _statements(api, count_sql, tenant, few)
    thirty = await _statements(api, count_sql, other_tenant, many)
    # then
    print(f"postPayment {arrange.__name__[1:]}: {one} statements for 1, {thirty} for 30")
    assert one == thirty
    assert one <= MOST_STATEMENTS
    await books_ok(database, tenant)
    await books_ok(database, other_tenant)
