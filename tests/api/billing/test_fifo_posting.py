"""A FIFO posting (worked out by the database, resolvers/billing/fifo.py) pays exactly what the preview (the
allocation rules over the open invoices, in Python) said it would: invoice by invoice and in order, with the same
credit left, after earlier credit, across a hierarchy, on due-date ties broken by issue date and number."""

from datetime import date

import pytest

from tests.api.billing.helpers import POST, PREVIEW, books_ok, payment_input, post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)


async def _ties(api, session, tenant):
    """One due day, one issue day for four invoices: the number decides, compared code point by code point as the
    rules do ("B" before "a"; a database collation by language would put "a" first)."""
    customer = await make_customer(session, tenant)
    for number in ("a-1", "B-1", "b-1", "A-2"):
        await make_invoice(session, customer, 1_000, due_on=JAN, issued_on=date(2024, 12, 1),
                           number=f"{number}-{customer.id}")
    await make_invoice(session, customer, 1_000, due_on=JAN, issued_on=date(2024, 11, 30))  # issued first: first
    await session.commit()
    return customer, {}, "35.50"


async def _credit_first(api, session, tenant):
    """Two earlier payments left credit (nothing was open), then invoices came."""
    customer = await make_customer(session, tenant)
    await session.commit()
    await post(api, tenant.agent, customer, "12.00")
    await post(api, tenant.agent, customer, "5.00")
    for n, cents in enumerate((1_000, 1_500, 2_000)):
        await make_invoice(session, customer, cents, due_on=date(2025, 1, 1 + n))
    await session.commit()
    return customer, {}, "10.00"


async def _credit_covers_all(api, session, tenant):
    customer = await make_customer(session, tenant)
    await session.commit()
    await post(api, tenant.agent, customer, "50.00")
    await make_invoice(session, customer, 1_000, due_on=JAN)
    await session.commit()
    return customer, {}, "7.00"


async def _hierarchy(api, session, tenant):
    """A master with credit pays its own invoices and its children's, oldest first whoever owes them."""
    master = await make_customer(session, tenant, "Master Org", is_master=True)
    await session.commit()
    await post(api, tenant.agent, master, "4.00", scope="HIERARCHY")
    for n, name in enumerate(("Site A", "Site B")):
        child = await make_customer(session, tenant, name, master=master)
        await make_invoice(session, child, 2_500, due_on=date(2025, 1, 10 - n))
    await make_invoice(session, master, 1_000, due_on=FEB)
    await make_invoice(session, master, 1_000, due_on=date(2024, 12, 20))
    await session.commit()
    return master, {"scope": "HIERARCHY"}, "50.00"


async def _overpaid(api, session, tenant):
    customer = await make_customer(session, tenant)
    for due in (FEB, JAN):
        await make_invoice(session, customer, 1_234, due_on=due)
    await session.commit()
    return customer, {}, "100.01"


async def _nothing_open(api, session, tenant):
    customer = await make_customer(session, tenant)
    await session.commit()
    return customer, {}, "9.99"


@pytest.mark.parametrize("arrange", [_ties, _credit_first, _credit_covers_all, _hierarchy, _overpaid, _nothing_open])
async def test_a_fifo_posting_pays_what_the_preview_said(api, database, session, tenant, arrange):
    # given
    customer, extra, amount = await arrange(api, session, tenant)
    variables = {"input": payment_input(customer, amount, **extra)}
    preview = (await api.run(PREVIEW, variables, user=tenant.agent))["paymentAllocationPreview"]
    # when
    posted = (await api.run(POST, variables, user=tenant.agent))["postPayment"]
    # then
    assert posted["userErrors"] == []
    said = [(a["invoice"]["number"], a["amount"]["amount"]) for a in preview["allocations"]]
    paid = [(a["invoice"]["number"], a["amount"]["amount"]) for a in posted["payment"]["allocations"]]
    assert paid == said
    assert posted["payment"]["unappliedAmount"] == preview["unappliedAmount"]
    statuses = {(a["invoice"]["openAmount"]["amount"] == "0.00", a["invoice"]["status"])
                for a in posted["payment"]["allocations"]}
    assert statuses <= {(True, "PAID"), (False, "PARTIALLY_PAID")}
    await books_ok(database, tenant)
