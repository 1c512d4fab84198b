"""postPayment and paymentAllocationPreview over HTTP: FIFO, SPEC, credit, hierarchy, idempotency, roles, tenancy."""

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import Invoice, LedgerEntry, Payment
from tests.api.billing.helpers import AR, POST, PREVIEW, books_ok, gid, payment_input, post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer


@pytest.fixture
async def owing(session, tenant):
    """A customer with three open invoices: 50.00 due Feb 1, 30.00 due Jan 1, 20.00 due Jan 1 (number later)."""
    customer = await make_customer(session, tenant)
    feb = await make_invoice(session, customer, 5_000, due_on=date(2025, 2, 1), number=f"A-{customer.id}-3")
    jan_b = await make_invoice(session, customer, 2_000, due_on=date(2025, 1, 1), issued_on=date(2024, 12, 1),
                               number=f"A-{customer.id}-2")
    jan_a = await make_invoice(session, customer, 3_000, due_on=date(2025, 1, 1), issued_on=date(2024, 12, 1),
                               number=f"A-{customer.id}-1")
    await session.commit()
    return customer, [jan_a, jan_b, feb]


class TestPostPayment:
    async def test_fifo_pays_oldest_open_invoice_first(self, api, database, tenant, owing):
        # given
        customer, (jan_a, jan_b, feb) = owing
        # when
        result = await post(api, tenant.agent, customer, "40.00")
        # then
        assert result["userErrors"] == []
        paid = [
            (a["invoice"]["number"], a["amount"]["amount"], a["invoice"]["status"])
            for a in result["payment"]["allocations"]
        ]
        assert paid == [(jan_a.number, "30.00", "PAID"), (jan_b.number, "10.00", "PARTIALLY_PAID")]
        assert result["payment"]["unappliedAmount"]["amount"] == "0.00"
        await books_ok(database, tenant)

    async def test_overpayment_stays_as_credit_and_later_fifo_applies_it(self, api, database, tenant, owing):
        customer, invoices = owing
        first = await post(api, tenant.agent, customer, "120.00")
        assert first["payment"]["unappliedAmount"]["amount"] == "20.00"
        await make_invoice_later(database, customer)
        second = await post(api, tenant.agent, customer, "1.00")
        assert second["userErrors"] == []
        data = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]
        assert data["balance"]["amount"] == "-1.00"  # 100 + 20 billed, 121 paid
        credits = sorted(p["node"]["unappliedAmount"]["amount"] for p in data["payments"]["edges"])
        assert credits == ["0.00", "1.00"]
        await books_ok(database, tenant)

    async def test_spec_pays_named_invoices(self, api, database, tenant, owing):
        customer, (jan_a, jan_b, feb) = owing
        allocations = [{"invoiceId": gid("Invoice", feb.id), "amount": "50.00"}]
        result = await post(api, tenant.agent, customer, "60.00", mode="SPEC", allocations=allocations)
        assert [a["invoice"]["number"] for a in result["payment"]["allocations"]] == [feb.number]
        assert result["payment"]["unappliedAmount"]["amount"] == "10.00"
        await books_ok(database, tenant)

    @pytest.mark.parametrize("amounts, code", [
        (["50.01"], "ALLOCATION_EXCEEDS_OPEN_AMOUNT"),
        (["50.00", "30.00"], "ALLOCATIONS_EXCEED_PAYMENT"),
    ])
    async def test_spec_over_bounds_is_user_error_and_changes_nothing(
        self, api, database, tenant, owing, amounts, code
    ):
        customer, (jan_a, jan_b, feb) = owing
        targets = [feb, jan_a]
        allocations = [{"invoiceId": gid("Invoice", t.id), "amount": a} for t, a in zip(targets, amounts, strict=False)]
        before = await _ledger_count(database, customer.id)
        result = await post(api, tenant.agent, customer, "60.00", mode="SPEC", allocations=allocations)
        assert result["payment"] is None
        assert result["userErrors"][0]["code"] == code
        assert await _ledger_count(database, customer.id) == before
        await books_ok(database, tenant)

    @pytest.mark.parametrize("amount", ["10.001", "1e3", "abc", "1,000.00", " 5", "", "NaN"])
    async def test_malformed_amounts_are_refused_before_the_mutation_runs(self, api, database, tenant, owing, amount):
        customer, _ = owing
        before = await _written(database, customer.id)
        body = (await api.post(POST, {"input": payment_input(customer, amount)}, user=tenant.agent)).json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert f'at .amount: "{amount}" is not a Decimal' in error["message"]
        assert await _written(database, customer.id) == before

    @pytest.mark.parametrize("amount, message", [
        ("-5.00", "The amount must not be negative."), ("-0.01", "The amount must not be negative."),
        ("0", "The amount must be more than zero."), ("0.00", "The amount must be more than zero."),
    ])
    async def test_amounts_of_zero_or_less_are_user_errors(self, api, database, tenant, owing, amount, message):
        customer, _ = owing
        before = await _written(database, customer.id)
        result = await post(api, tenant.agent, customer, amount)
        assert result["payment"] is None
        assert result["userErrors"] == [{"field": ["input", "amount"], "code": "INVALID_AMOUNT", "message": message}]
        assert await _written(database, customer.id) == before

    async def test_idempotency_replays_and_refuses_other_input(self, api, database, tenant, owing):
        customer, _ = owing
        first = await post(api, tenant.agent, customer, "10.00", idempotencyKey="k-1")
        again = await post(api, tenant.agent, customer, "10.00", idempotencyKey="k-1")
        assert again["replayed"] is True
        assert again["payment"]["id"] == first["payment"]["id"]
        other = await post(api, tenant.agent, customer, "11.00", idempotencyKey="k-1")
        assert other["userErrors"][0]["code"] == "PAYMENT_IDEMPOTENCY_KEY_REUSED"
        async with database.sessionmaker() as s:
            count = (
                await s.execute(select(func.count()).select_from(Payment).where(Payment.customer_id == customer.id))
            ).scalar_one()
        assert count == 1
        await books_ok(database, tenant)

    async def test_card_last4_only(self, api, tenant, owing):
        customer, _ = owing
        full_number = await post(api, tenant.agent, customer, "1.00", method="CARD", cardLast4="4111111111111111")
        assert full_number["userErrors"][0]["code"] == "TEXT_TOO_LONG"  # the field holds 4 characters
        bad = await post(api, tenant.agent, customer, "1.00", method="CARD", cardLast4="41x1")
        assert bad["userErrors"][0]["code"] == "INVALID_CARD_LAST4"
        good = await post(api, tenant.agent, customer, "1.00", method="CARD", cardLast4="1111")
        assert good["payment"]["cardLast4"] == "1111"

    async def test_hierarchy_payment_pays_children(self, api, database, session, tenant):
        master = await make_customer(session, tenant, "Master Org", is_master=True)
        child = await make_customer(session, tenant, "Child Site", master=master)
        await make_invoice(session, child, 7_000, due_on=date(2025, 1, 1))
        await make_invoice(session, master, 1_000, due_on=date(2025, 2, 1))
        await session.commit()
        result = await post(api, tenant.agent, master, "100.00", scope="HIERARCHY")
        assert [a["amount"]["amount"] for a in result["payment"]["allocations"]] == ["70.00", "10.00"]
        data = (await api.run(AR, {"id": gid("Customer", child.id)}, user=tenant.agent))["node"]
        assert data["balance"]["amount"] == "0.00"
        roll = await api.run(
            "query($id: ID!) { node(id: $id) { ... on Customer { balance(includeChildren: true) { amount } } } }",
            {"id": gid("Customer", master.id)},
            user=tenant.agent,
        )
        assert roll["node"]["balance"]["amount"] == "-20.00"
        await books_ok(database, tenant)

    async def test_other_clients_customer_is_not_found(self, api, tenant, other_tenant, owing):
        customer, _ = owing
        result = await post(api, other_tenant.agent, customer, "10.00")
        assert result["userErrors"][0]["code"] == "NOT_FOUND"

    async def test_preview_saves_nothing(self, api, database, tenant, owing):
        customer, (jan_a, jan_b, feb) = owing
        before = await _ledger_count(database, customer.id)
        data = (await api.run(PREVIEW, {"input": payment_input(customer, "45.00")}, user=tenant.agent))[
            "paymentAllocationPreview"
        ]
        assert [(a["invoice"]["number"], a["amount"]["amount"]) for a in data["allocations"]] == [
            (jan_a.number, "30.00"), (jan_b.number, "15.00")]
        assert await _ledger_count(database, customer.id) == before


async def _ledger_count(database, customer_id: int) -> int:
    async with database.sessionmaker() as s:
        return (
            await s.execute(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.customer_id == customer_id))
        ).scalar_one()


async def _written(database, customer_id: int) -> tuple[int, int, list[tuple[str, int]]]:
    """The customer's payments, ledger entries and invoices' open amounts: what a refused payment must leave alone."""
    async with database.sessionmaker() as s:
        payments = (await s.execute(select(func.count()).select_from(Payment)
                                    .where(Payment.customer_id == customer_id))).scalar_one()
        invoices = (await s.execute(select(Invoice.number, Invoice.open_cents).where(Invoice.customer_id == customer_id)
                                    .order_by(Invoice.number))).tuples().all()
    return payments, await _ledger_count(database, customer_id), invoices


async def make_invoice_later(database, customer) -> None:
    async with database.sessionmaker() as s:
        await make_invoice(s, customer, 2_000, due_on=date(2025, 3, 1))
        await s.commit()


async def test_preview_counts_earlier_credit_first(api, session, tenant):
    """A FIFO posting applies earlier unapplied credit before the new payment; the preview shows the same."""
    customer = await make_customer(session, tenant)
    await session.commit()
    await post(api, tenant.agent, customer, "15.00")  # nothing open yet: all credit
    first = await make_invoice(session, customer, 2_000, due_on=date(2025, 1, 1))
    await session.commit()
    data = (await api.run(PREVIEW, {"input": payment_input(customer, "10.00")}, user=tenant.agent))[
        "paymentAllocationPreview"
    ]
    assert [(a["invoice"]["number"], a["amount"]["amount"]) for a in data["allocations"]] == [(first.number, "5.00")]
    assert data["unappliedAmount"]["amount"] == "5.00"
