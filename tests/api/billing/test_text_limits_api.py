"""Billing text is stored whole up to its stated limit and refused past it, never cut (issue 10, item 16)."""

import pytest
from sqlalchemy import func, select

from db.models import Adjustment, Payment
from tests.api.billing.helpers import AR, books_ok, gid, post
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer

ADJUST = """mutation($input: CreateAdjustmentInput!) { createAdjustment(input: $input) {
  adjustment { id } userErrors { code field message } } }"""
REFUND = """mutation($input: RefundPaymentInput!) { refundPayment(input: $input) {
  refund { amount { amount } } userErrors { code field message } } }"""
# multi-byte, with spaces (resolvers collapse runs of whitespace, never these)
WORDS = "Zoë paid twice; "


def text(length: int) -> str:
    return (WORDS * (length // len(WORDS) + 1))[:length - 1] + "é"


async def rows(database, model, *where) -> int:
    async with database.sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


@pytest.fixture
async def customer(session, tenant):
    customer = await make_customer(session, tenant)
    await make_invoice(session, customer, 1_000)
    await session.commit()
    return customer


class TestPostPaymentReference:
    @pytest.mark.parametrize("length", [1, 59, 60])
    async def test_a_reference_up_to_60_characters_is_stored_whole(self, api, tenant, customer, length):
        reference = text(length)
        result = await post(api, tenant.agent, customer, "1.00", reference=reference)
        assert result["userErrors"] == []
        assert result["payment"]["reference"] == reference

    @pytest.mark.parametrize("length", [61, 200])
    async def test_a_longer_reference_is_refused_naming_the_limit(self, api, database, tenant, customer, length):
        result = await post(api, tenant.agent, customer, "1.00", reference=text(length))
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("TEXT_TOO_LONG", ["input", "reference"])]
        assert "At most 60 characters" in result["userErrors"][0]["message"]
        assert await rows(database, Payment, Payment.customer_id == customer.id) == 0


class TestAdjustmentNote:
    @pytest.mark.parametrize("length, stored", [(500, True), (501, False)])
    async def test_a_note_is_stored_whole_or_refused(self, api, database, tenant, customer, length, stored):
        note = text(length)
        done = (await api.run(ADJUST, {"input": {"customerId": gid("Customer", customer.id), "direction": "CREDIT",
                                                 "amount": "1.00", "reasonCode": "GOODWILL", "note": note}},
                              user=tenant.lead))["createAdjustment"]
        async with database.sessionmaker() as s:
            notes = (
                (await s.execute(select(Adjustment.note).where(Adjustment.customer_id == customer.id))).scalars().all()
            )
        if stored:
            assert done["userErrors"] == []
            assert notes == [note]
        else:
            assert [(e["code"], e["field"]) for e in done["userErrors"]] == [("TEXT_TOO_LONG", ["input", "note"])]
            assert notes == []


class TestRefundReason:
    async def test_a_500_character_reason_reaches_the_ledger_whole(self, api, database, tenant, customer):
        # given a payment with 5.00 of credit
        payment = (await post(api, tenant.agent, customer, "15.00"))["payment"]
        reason = text(500)
        # when
        done = (await api.run(REFUND, {"input": {"paymentId": payment["id"], "amount": "5.00", "reason": reason}},
                              user=tenant.lead))["refundPayment"]
        # then the posting quotes the whole reason (it was cut to 200 characters)
        assert done["userErrors"] == []
        history = (await api.run(AR, {"id": gid("Customer", customer.id)}, user=tenant.agent))["node"]["arHistory"]
        refunds = [e["node"]["description"] for e in history["edges"] if e["node"]["kind"] == "REFUND"]
        assert len(refunds) == 1
        assert refunds[0].endswith(": " + reason)
        await books_ok(database, tenant)

    async def test_a_501_character_reason_is_refused(self, api, tenant, customer):
        payment = (await post(api, tenant.agent, customer, "15.00"))["payment"]
        done = (await api.run(REFUND, {"input": {"paymentId": payment["id"], "amount": "5.00", "reason": text(501)}},
                              user=tenant.lead))["refundPayment"]
        assert [(e["code"], e["field"]) for e in done["userErrors"]] == [("TEXT_TOO_LONG", ["input", "reason"])]
