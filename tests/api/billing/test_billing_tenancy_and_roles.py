"""Another client's billing IDs are not found anywhere (node, mutations), and the role rules as a matrix."""

from datetime import date

import pytest

from db.enums import AdjustmentDirection
from db.models import Adjustment, SpecialCharge
from tests.api.billing.helpers import gid, post
from tests.api.billing.test_ar_operations_api import (
    ADJUST,
    CREATE_CHARGE,
    REFUND,
    REMOVE_CHARGE,
    RETURN,
    REVERSE,
    run,
)
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

NODE = "query($id: ID!) { node(id: $id) { id } }"


@pytest.fixture
async def theirs(api, session, other_tenant):
    """Another client's customer with an invoice, a payment, an adjustment and a special charge."""
    customer = await make_customer(session, other_tenant)
    invoice = await make_invoice(session, customer, 5_000, due_on=date(2025, 1, 1))
    adjustment = Adjustment(
        client_id=other_tenant.client.id,
        customer_id=customer.id,
        direction=AdjustmentDirection.DEBIT,
        reason_code="X",
        amount_cents=1,
        effective_on=date(2025, 1, 1),
    )
    charge = SpecialCharge(client_id=other_tenant.client.id, customer_id=customer.id, description="Fee", reason="x",
                           amount_cents=100, status="PENDING")
    session.add_all([adjustment, charge])
    await session.commit()
    payment = (await post(api, other_tenant.agent, customer, "70.00"))["payment"]
    return {"Customer": gid("Customer", customer.id), "Invoice": gid("Invoice", invoice.id), "Payment": payment["id"],
            "Adjustment": gid("Adjustment", adjustment.id), "SpecialCharge": gid("SpecialCharge", charge.id)}


@pytest.mark.parametrize("type_name", ["Customer", "Invoice", "Payment", "Adjustment", "SpecialCharge"])
async def test_node_of_another_client_is_null(api, tenant, theirs, type_name):
    assert (await api.run(NODE, {"id": theirs[type_name]}, user=tenant.admin))["node"] is None


async def test_mutations_with_their_ids_are_not_found(api, tenant, theirs):
    lead = tenant.lead
    results = [
        await run(api, lead, CREATE_CHARGE, customerId=theirs["Customer"], description="x", amount="1.00", reason="x"),
        await run(api, lead, REMOVE_CHARGE, specialChargeId=theirs["SpecialCharge"], reason="x"),
        await run(api, lead, REVERSE, invoiceId=theirs["Invoice"], lineIds=[gid("InvoiceLine", 1)], reason="x"),
        await run(api, lead, ADJUST, customerId=theirs["Customer"], direction="DEBIT", amount="1.00", reasonCode="X"),
        await run(api, lead, REFUND, paymentId=theirs["Payment"], amount="1.00", reason="x"),
        await run(api, lead, RETURN, paymentId=theirs["Payment"], reason="x"),
    ]
    assert [r["userErrors"][0]["code"] for r in results] == ["NOT_FOUND"] * len(results)


ROLE_CASES = [  # (mutation, minimum role)
    ("reverse", "lead"), ("refund", "lead"), ("return", "lead"), ("charge", "agent"), ("adjust", "agent"),
]


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
async def test_role_matrix(api, session, tenant, role):
    customer = await make_customer(session, tenant)
    invoice = await make_invoice(session, customer, 1_000, lines=2)
    await session.commit()
    payment = (await post(api, tenant.agent, customer, "15.00"))["payment"]
    user = getattr(tenant, role)
    ranks = {"agent": 1, "lead": 2, "admin": 3}
    outcomes = {
        "reverse": await run(
            api, user, REVERSE, invoiceId=gid("Invoice", invoice.id), lineIds=[gid("InvoiceLine", 10**9)], reason="x"
        ),
        "refund": await run(api, user, REFUND, paymentId=payment["id"], amount="1.00", reason="x"),
        "return": await run(api, user, RETURN, paymentId=payment["id"], reason="x"),
        "charge": await run(
            api,
            user,
            CREATE_CHARGE,
            customerId=gid("Customer", customer.id),
            description="x",
            amount="1.00",
            reason="x",
        ),
        "adjust": await run(
            api, user, ADJUST, customerId=gid("Customer", customer.id), direction="DEBIT", amount="1.00", reasonCode="X"
        ),
    }
    for name, needed in ROLE_CASES:
        forbidden = [e for e in outcomes[name]["userErrors"] if e["code"] == "FORBIDDEN"]
        assert bool(forbidden) == (ranks[role] < ranks[needed]), (name, role, outcomes[name])
