"""The ledger rows of a hierarchy payment that first applies earlier credit, in the order the AR history shows them:
the credit's transfers, then the payment's own row, then the transfers the payment makes."""

from datetime import date

from tests.api.billing.helpers import AR, books_ok, gid, post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer


async def test_earlier_credit_transfers_then_the_payment_then_its_transfers(api, database, session, tenant):
    # given a master whose earlier payment is credit, and a child with an invoice of 30.00
    master = await make_customer(session, tenant, "Master Org", is_master=True)
    child = await make_customer(session, tenant, "Child Site", master=master)
    await session.commit()
    await post(api, tenant.agent, master, "10.00", scope="HIERARCHY")
    await make_invoice(session, child, 3_000, due_on=date(2025, 1, 1))
    await session.commit()
    # when the master pays 25.00 for its hierarchy
    result = await post(api, tenant.agent, master, "25.00", scope="HIERARCHY")
    # then the credit pays 10.00 first, the payment 20.00, and the master's history on the day reads in that order
    assert result["userErrors"] == []
    assert result["payment"]["unappliedAmount"]["amount"] == "5.00"
    history = (await api.run(AR, {"id": gid("Customer", master.id)}, user=tenant.agent))["node"]["arHistory"]
    rows = [(e["node"]["kind"], e["node"]["amount"]["amount"]) for e in history["edges"]]
    assert rows == [("PAYMENT", "-10.00"), ("CREDIT_TRANSFER", "10.00"), ("PAYMENT", "-25.00"),
                    ("CREDIT_TRANSFER", "20.00")]
    await books_ok(database, tenant)
