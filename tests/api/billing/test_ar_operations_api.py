"""Special charges, billing runs, reversals, adjustments, refunds and returned payments over HTTP, with roles."""

from datetime import date

import pytest

from tests.api.billing.helpers import AR, books_ok, gid, pk, post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.factories.rates import make_billed_account

CREATE_CHARGE = """mutation($input: CreateSpecialChargeInput!) { createSpecialCharge(input: $input) {
  specialCharge { id status amount { amount } description } userErrors { code field } } }"""
REMOVE_CHARGE = """mutation($input: RemoveSpecialChargeInput!) { removeSpecialCharge(input: $input) {
  specialCharge { id status removedReason } userErrors { code } } }"""
RUN = """mutation($input: RunBillingInput!) { runBilling(input: $input) {
  invoices { id number status total { amount } openAmount { amount } lines { id kind description amount { amount } } }
  skipped userErrors { code field } } }"""
PREVIEW_INVOICE = """query($id: ID!) { previewNextInvoice(utilityAccountId: $id, periodStart: "2025-01-01",
  periodEnd: "2025-01-31") {
  total { amount } lines { kind amount { amount } } } }"""
REVERSE = """mutation($input: ReverseInvoiceChargesInput!) { reverseInvoiceCharges(input: $input) {
  invoice { status openAmount { amount } } reversalLines { kind amount { amount } } userErrors { code field } } }"""
ADJUST = """mutation($input: CreateAdjustmentInput!) { createAdjustment(input: $input) {
  adjustment { id direction amount { amount } invoice { openAmount { amount } } } userErrors { code field } } }"""
REFUND = """mutation($input: RefundPaymentInput!) { refundPayment(input: $input) {
  refund { amount { amount } } payment { unappliedAmount { amount } } userErrors { code } } }"""
RETURN = """mutation($input: ReversePaymentInput!) { reversePayment(input: $input) {
  payment { status unappliedAmount { amount } allocations { amount { amount } } } nsfFee { status amount { amount } }
  userErrors { code } } }"""
AGING = """query($asOf: Date) { arAging(asOf: $asOf) { current { amount } days1To30 { amount } over90 { amount }
  total { amount } } }"""


async def run(api, user, query, **input):
    data = await api.run(query, {"input": input}, user=user)
    return next(iter(data.values()))


@pytest.fixture
async def billed(session, tenant):
    billed = await make_billed_account(session, tenant)
    await session.commit()
    return billed


class TestBillingRun:
    async def test_run_bills_usage_rates_taxes_and_pending_charges(self, api, database, tenant, billed):
        customer, account = billed
        charge = await run(api, tenant.agent, CREATE_CHARGE, customerId=gid("Customer", customer.id),
                           description="Meter test", amount="25.00", reason="Customer asked")
        preview = (await api.run(PREVIEW_INVOICE, {"id": gid("UtilityAccount", account.id)}, user=tenant.agent))[
            "previewNextInvoice"
        ]
        result = await run(api, tenant.admin, RUN, periodStart="2025-01-01", periodEnd="2025-01-31",
                           issuedOn="2025-02-03", utilityAccountId=gid("UtilityAccount", account.id))
        assert result["userErrors"] == []
        lines = {(line["kind"], line["amount"]["amount"]) for line in result["invoices"][0]["lines"]}
        # energy 1234.567 x 11.5c = 141.975205 -> 141.98; delivery 38.271577 + 3.45 -> 41.72; taxes per line, half-up
        assert ("ENERGY", "141.98") in lines
        assert ("DELIVERY", "41.72") in lines
        assert ("FEE", "4.95") in lines
        assert {a for k, a in lines if k == "TAX"} == {"8.87", "2.61", "0.31"}
        assert ("SPECIAL_CHARGE", "25.00") in lines
        assert result["invoices"][0]["total"]["amount"] == "225.44" == preview["total"]["amount"]
        data = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]
        assert data["specialCharges"]["edges"][0]["node"]["status"] == "BILLED"
        assert data["balance"]["amount"] == "225.44"
        again = await run(api, tenant.admin, RUN, periodStart="2025-01-01", periodEnd="2025-01-31",
                          utilityAccountId=gid("UtilityAccount", account.id))
        assert (
            again["userErrors"][0]["code"] == "BILLING_PERIOD_OVERLAPS"
        )  # billed once (tests/api/billing/test_billing_periods_api.py)
        await books_ok(database, tenant)
        assert charge["specialCharge"]["status"] == "PENDING"

    @pytest.mark.parametrize("role", ["agent", "lead"])
    async def test_run_needs_admin(self, api, tenant, billed, role):
        result = await run(api, getattr(tenant, role), RUN, periodStart="2025-01-01", periodEnd="2025-01-31")
        assert result["userErrors"][0]["code"] == "FORBIDDEN"


class TestSpecialCharges:
    async def test_remove_only_while_pending(self, api, database, tenant, billed):
        customer, account = billed
        made = await run(api, tenant.agent, CREATE_CHARGE, customerId=gid("Customer", customer.id),
                         description="Trip charge", amount="10.00", reason="Field visit")
        charge_id = made["specialCharge"]["id"]
        removed = await run(api, tenant.agent, REMOVE_CHARGE, specialChargeId=charge_id, reason="Waived")
        assert removed["specialCharge"]["status"] == "REMOVED"
        again = await run(api, tenant.agent, REMOVE_CHARGE, specialChargeId=charge_id, reason="Again")
        assert again["userErrors"][0]["code"] == "SPECIAL_CHARGE_NOT_PENDING"

    async def test_other_clients_charge_is_not_found(self, api, tenant, other_tenant, billed):
        customer, _ = billed
        made = await run(api, tenant.agent, CREATE_CHARGE, customerId=gid("Customer", customer.id),
                         description="Trip charge", amount="10.00", reason="Field visit")
        result = await run(
            api, other_tenant.lead, REMOVE_CHARGE, specialChargeId=made["specialCharge"]["id"], reason="x"
        )
        assert result["userErrors"][0]["code"] == "NOT_FOUND"


class TestReversalsAdjustmentsRefunds:
    async def test_reversal_of_paid_invoice_returns_money_as_credit(self, api, database, session, tenant):
        customer = await make_customer(session, tenant)
        invoice = await make_invoice(session, customer, 9_000, lines=3)
        await session.commit()
        await post(api, tenant.agent, customer, "90.00")
        lines = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]["invoices"][
            "edges"
        ][0]["node"]["lines"]
        denied = await run(
            api, tenant.agent, REVERSE, invoiceId=gid("Invoice", invoice.id), lineIds=[lines[0]["id"]], reason="Wrong"
        )
        assert denied["userErrors"][0]["code"] == "FORBIDDEN"
        result = await run(
            api,
            tenant.lead,
            REVERSE,
            invoiceId=gid("Invoice", invoice.id),
            lineIds=[lines[0]["id"]],
            reason="Wrong rate",
        )
        assert result["reversalLines"][0]["amount"]["amount"] == "-30.00"
        assert result["invoice"]["status"] == "PAID"
        data = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]
        assert data["balance"]["amount"] == "-30.00"
        assert data["payments"]["edges"][0]["node"]["unappliedAmount"]["amount"] == "30.00"
        twice = await run(
            api, tenant.lead, REVERSE, invoiceId=gid("Invoice", invoice.id), lineIds=[lines[0]["id"]], reason="Again"
        )
        assert twice["userErrors"][0]["code"] == "LINE_NOT_REVERSIBLE"
        everything = await run(api, tenant.lead, REVERSE, invoiceId=gid("Invoice", invoice.id),
                               lineIds=[lines[1]["id"], lines[2]["id"]], reason="All wrong")
        assert everything["invoice"]["status"] == "REVERSED"
        await books_ok(database, tenant)

    async def test_adjustment_threshold_and_credit_bound(self, api, database, session, tenant):
        customer = await make_customer(session, tenant)
        invoice = await make_invoice(session, customer, 5_000)
        await session.commit()
        base = {"customerId": gid("Customer", customer.id), "reasonCode": "GOODWILL"}
        big = await run(api, tenant.agent, ADJUST, direction="DEBIT", amount="100.01", **base)
        assert big["userErrors"][0]["code"] == "ADJUSTMENT_NEEDS_TEAM_LEAD"
        assert (await run(api, tenant.lead, ADJUST, direction="DEBIT", amount="100.01", **base))["userErrors"] == []
        over = await run(
            api, tenant.agent, ADJUST, direction="CREDIT", amount="50.01", invoiceId=gid("Invoice", invoice.id), **base
        )
        assert over["userErrors"][0]["code"] == "CREDIT_EXCEEDS_OPEN_AMOUNT"
        ok = await run(
            api, tenant.agent, ADJUST, direction="CREDIT", amount="20.00", invoiceId=gid("Invoice", invoice.id), **base
        )
        assert ok["adjustment"]["invoice"]["openAmount"]["amount"] == "30.00"
        await books_ok(database, tenant)

    async def test_refund_never_exceeds_credit_and_needs_team_lead(self, api, database, session, tenant):
        customer = await make_customer(session, tenant)
        await make_invoice(session, customer, 1_000)
        await session.commit()
        payment = (await post(api, tenant.agent, customer, "25.00"))["payment"]
        args = {"paymentId": payment["id"], "reason": "Credit balance"}
        assert (await run(api, tenant.agent, REFUND, amount="5.00", **args))["userErrors"][0]["code"] == "FORBIDDEN"
        assert (await run(api, tenant.lead, REFUND, amount="15.01", **args))["userErrors"][0][
            "code"
        ] == "REFUND_EXCEEDS_CREDIT"
        done = await run(api, tenant.lead, REFUND, amount="15.00", **args)
        assert done["payment"]["unappliedAmount"]["amount"] == "0.00"
        assert (await run(api, tenant.lead, RETURN, paymentId=payment["id"], reason="NSF"))["userErrors"][0][
            "code"
        ] == "PAYMENT_ALREADY_REFUNDED"
        await books_ok(database, tenant)

    async def test_adjustment_with_an_idempotency_key_posts_once(self, api, database, session, tenant):
        customer = await make_customer(session, tenant)
        await session.commit()
        args = {"customerId": gid("Customer", customer.id), "reasonCode": "GOODWILL", "direction": "CREDIT",
                "idempotencyKey": "adj-1"}
        first = await run(api, tenant.agent, ADJUST, amount="12.00", **args)
        again = await run(api, tenant.agent, ADJUST, amount="12.00", **args)
        assert first["userErrors"] == []
        assert again["adjustment"]["id"] == first["adjustment"]["id"]
        other = await run(api, tenant.agent, ADJUST, amount="13.00", **args)
        assert other["userErrors"][0]["code"] == "PAYMENT_IDEMPOTENCY_KEY_REUSED"
        data = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]
        assert data["balance"]["amount"] == "-12.00"
        await books_ok(database, tenant)

    async def test_refund_with_an_idempotency_key_pays_once(self, api, database, session, tenant):
        # given a payment with 15.00 of unapplied credit
        customer = await make_customer(session, tenant)
        await make_invoice(session, customer, 1_000)
        await session.commit()
        payment = (await post(api, tenant.agent, customer, "25.00"))["payment"]
        args = {"paymentId": payment["id"], "reason": "Credit balance", "idempotencyKey": "refund-1"}
        # when the same refund is sent twice (a retry)
        first = await run(api, tenant.lead, REFUND, amount="10.00", **args)
        again = await run(api, tenant.lead, REFUND, amount="10.00", **args)
        # then it is paid once, and the key cannot be reused for another amount
        assert first["userErrors"] == []
        assert again["userErrors"] == []
        assert again["payment"]["unappliedAmount"]["amount"] == "5.00"
        other = await run(api, tenant.lead, REFUND, amount="5.00", **args)
        assert other["userErrors"][0]["code"] == "PAYMENT_IDEMPOTENCY_KEY_REUSED"
        await books_ok(database, tenant)

    async def test_returned_payment_reopens_invoices_and_adds_fee(self, api, database, session, tenant):
        customer = await make_customer(session, tenant)
        invoice = await make_invoice(session, customer, 4_000)
        await session.commit()
        payment = (await post(api, tenant.agent, customer, "40.00"))["payment"]
        result = await run(api, tenant.lead, RETURN, paymentId=payment["id"], reason="NSF", nsfFee="25.00")
        assert result["payment"]["status"] == "RETURNED"
        assert [a["amount"]["amount"] for a in result["payment"]["allocations"]] == ["40.00", "-40.00"]
        assert result["nsfFee"]["status"] == "PENDING"
        data = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]
        assert data["invoices"]["edges"][0]["node"]["status"] == "OPEN"
        assert data["balance"]["amount"] == "40.00"
        history = [(e["node"]["kind"], e["node"]["balance"]["amount"]) for e in data["arHistory"]["edges"]]
        assert history[-2:] == [("PAYMENT", "0.00"), ("RETURNED_PAYMENT", "40.00")]
        again = await run(api, tenant.lead, RETURN, paymentId=payment["id"], reason="NSF")
        assert again["userErrors"][0]["code"] == "PAYMENT_ALREADY_RETURNED"
        await books_ok(database, tenant)
        assert pk(payment["id"]) > 0
        assert invoice.id > 0


class TestAging:
    async def test_customer_and_client_aging(self, api, database, session, tenant):
        customer = await make_customer(session, tenant)
        await make_invoice(session, customer, 1_000, due_on=date(2025, 3, 20))  # current on 2025-03-15
        await make_invoice(session, customer, 2_000, due_on=date(2025, 3, 1))  # 14 days
        await make_invoice(session, customer, 3_000, due_on=date(2024, 11, 1))  # 134 days
        await session.commit()
        data = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]["aging"]
        assert (data["current"]["amount"], data["days1To30"]["amount"], data["over90"]["amount"]) == (
            "10.00",
            "20.00",
            "30.00",
        )
        client = (await api.run(AGING, {"asOf": "2025-03-15"}, user=tenant.agent))["arAging"]
        assert client["total"]["amount"] == "60.00"
        assert client["over90"]["amount"] == "30.00"
