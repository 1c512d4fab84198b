"""Decimal, Date and DateTime take one spelling each (graph/core/scalars.py), through variables and literals.

A refused value is a request error with extensions.code BAD_USER_INPUT and a message that says what the
scalar takes; nothing runs, so nothing is written. Accepted values come back as before.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from db.enums import CommLogKind
from db.models import CommLogEntry, Payment
from graph.core.relay import to_global_id
from tests.api.billing.helpers import POST, payment_input
from tests.factories.customers import make_customer

BAD_AMOUNTS = ["1_000", "\u0663", "\uff15", " 5", "5 ", "5\n", "+5", "5.", ".5", "1e-2", "1E2", "5.001", "1,000.00",
               "0x10", "NaN", "Infinity", "", "-", "--5", "5-", "$5", "5.5.5"]
NOT_STRINGS = [5, 5.5, 1e-2, True, ["5"], {"amount": "5"}]
GOOD_AMOUNTS = [("5", "5.00"), ("5.5", "5.50"), ("5.50", "5.50"), ("1000", "1000.00"), ("0.01", "0.01"),
                ("007.10", "7.10"), ("9999999999999.99", "9999999999999.99")]
BAD_DATES = ["20261101", "2026-11-1", "2026-1-01", "2026-W44-7", "2026-305", " 2026-11-01", "2026-11-01 ",
             "2026-11-01T00:00:00", "2026-11-01Z", "2026-02-30", "2026-13-01", "\u0662\u0660\u0662\u0666-11-01",
             "+2026-11-01", "2026/11/01", "", "11/01/2026"]
BAD_INSTANTS = [
    "2026-10-01T00:00:00",
    "2026-10-01",
    "2026-10-01 00:00:00Z",
    "2026-10-01T00:00Z",
    "2026-10-01t00:00:00z",
    "2026-10-01T24:00:00Z",
    "2026-10-01T00:00:00+24:00",
    "2026-10-01T00:00:00.1234567Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "20261001T000000Z",
    "2026-10-01T00:00:00 Z",
]
LOG = """query($id: ID!, $since: DateTime, $until: DateTime) { node(id: $id) { ... on Customer {
  communicationLog(first: 10, filter: {since: $since, until: $until}) { totalCount } } } }"""
TIMELINE = """query($id: ID!, $since: DateTime) { node(id: $id) { ... on Customer {
  timeline(first: 10, filter: {since: $since}) { totalCount } } } }"""


@pytest.fixture
async def customer(session, tenant):
    made = await make_customer(session, tenant)
    await session.commit()
    return made


async def _payments(database, customer) -> int:
    async with database.sessionmaker() as session:
        return (await session.execute(select(func.count()).where(Payment.customer_id == customer.id))).scalar_one()


def _refusal(body: dict, *fragments: str) -> None:
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert all(f in error["message"] for f in fragments), error["message"]


class TestDecimal:
    @pytest.mark.parametrize("amount", BAD_AMOUNTS + NOT_STRINGS, ids=repr)
    async def test_a_lenient_spelling_is_refused_and_nothing_is_posted(self, api, database, tenant, customer, amount):
        response = await api.post(POST, {"input": payment_input(customer, amount)}, user=tenant.agent)
        assert response.status_code == 200
        _refusal(response.json(), "Decimal")
        assert await _payments(database, customer) == 0

    @pytest.mark.parametrize("amount", ["1_000", "\u0663", "+5", "1e-2"])
    async def test_a_literal_in_the_document_is_refused_alike(self, api, tenant, customer, amount):
        literal = amount.encode("ascii", "backslashreplace").decode()  # a GraphQL \\u escape
        document = (f'mutation {{ postPayment(input: {{customerId: "{to_global_id("Customer", customer.id)}", '
                    f'amount: "{literal}", method: CHECK, receivedOn: "2025-03-01"}}) {{ userErrors {{ code }} }} }}')
        _refusal((await api.post(document, user=tenant.agent)).json(), "is not a Decimal", "-?[0-9]+")

    async def test_a_json_number_literal_is_refused(self, api, tenant, customer):
        document = (f'mutation {{ postPayment(input: {{customerId: "{to_global_id("Customer", customer.id)}", '
                    'amount: 5, method: CHECK, receivedOn: "2025-03-01"}) { userErrors { code } } }')
        _refusal((await api.post(document, user=tenant.agent)).json(), "string")

    @pytest.mark.parametrize("amount, shown", GOOD_AMOUNTS)
    async def test_the_canonical_form_posts_that_amount(self, api, tenant, customer, amount, shown):
        body = (await api.post(POST, {"input": payment_input(customer, amount)}, user=tenant.agent)).json()
        assert body["data"]["postPayment"]["payment"]["amount"]["amount"] == shown, body

    @pytest.mark.parametrize(
        "amount, code",
        [
            ("-5", "INVALID_AMOUNT"),
            ("0", "INVALID_AMOUNT"),
            ("0.00", "INVALID_AMOUNT"),
            ("12345678901234", "INVALID_AMOUNT"),
        ],
    )
    async def test_well_formed_but_not_a_payment_is_a_user_error(self, api, database, tenant, customer, amount, code):
        body = (await api.post(POST, {"input": payment_input(customer, amount)}, user=tenant.agent)).json()
        assert [e["code"] for e in body["data"]["postPayment"]["userErrors"]] == [code]
        assert await _payments(database, customer) == 0

    @pytest.mark.parametrize(
        "mutation, input_type, input",
        [
            ("refundPayment", "RefundPaymentInput", {"paymentId": "x", "amount": "1_000", "reason": "r"}),
            ("reversePayment", "ReversePaymentInput", {"paymentId": "x", "nsfFee": "+5", "reason": "r"}),
            (
                "createSpecialCharge",
                "CreateSpecialChargeInput",
                {"customerId": "x", "description": "d", "amount": " 5", "reason": "r"},
            ),
            (
                "createAdjustment",
                "CreateAdjustmentInput",
                {"customerId": "x", "direction": "DEBIT", "amount": "5.", "reasonCode": "X"},
            ),
            (
                "postPayment",
                "PostPaymentInput",
                {
                    "customerId": "x",
                    "amount": "5.00",
                    "method": "CHECK",
                    "mode": "SPEC",
                    "receivedOn": "2025-03-01",
                    "allocations": [{"invoiceId": "y", "amount": ".5"}],
                },
            ),
        ],
        ids=lambda v: v if isinstance(v, str) else "",
    )
    async def test_every_amount_input_takes_only_the_canonical_form(self, api, tenant, mutation, input_type, input):
        document = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ code }} }} }}"
        _refusal((await api.post(document, {"input": input}, user=tenant.lead)).json(), "is not a Decimal")


class TestDate:
    @pytest.mark.parametrize("day", BAD_DATES + [20261101], ids=repr)
    async def test_anything_but_yyyy_mm_dd_is_refused(self, api, database, tenant, customer, day):
        body = (await api.post(POST, {"input": payment_input(customer, receivedOn=day)}, user=tenant.agent)).json()
        _refusal(body, "Date" if isinstance(day, int) else "date")
        assert await _payments(database, customer) == 0

    async def test_a_literal_is_refused_alike(self, api, tenant):
        body = (await api.post('{ arAging(asOf: "20261101") { total { amount } } }', user=tenant.agent)).json()
        _refusal(body, '"20261101" is not a date in the form YYYY-MM-DD')

    async def test_output_is_unchanged(self, api, tenant, customer):
        body = (await api.post(POST, {"input": payment_input(customer)}, user=tenant.agent)).json()
        query = "query($id: ID!) { node(id: $id) { ... on Payment { receivedOn } } }"
        shown = await api.run(query, {"id": body["data"]["postPayment"]["payment"]["id"]}, user=tenant.agent)
        assert shown["node"]["receivedOn"] == "2025-03-01"


class TestDateTime:
    @pytest.mark.parametrize("instant", BAD_INSTANTS + [1759276800], ids=repr)
    async def test_anything_but_rfc3339_with_a_zone_is_refused(self, api, tenant, customer, instant):
        variables = {"id": to_global_id("Customer", customer.id), "since": instant}
        _refusal(
            (await api.post(LOG, variables, user=tenant.agent)).json(),
            "DateTime" if isinstance(instant, int) else instant[:10],
        )

    @pytest.mark.parametrize("document", [LOG, TIMELINE])
    async def test_an_instant_without_a_zone_says_so(self, api, tenant, customer, document):
        variables = {"id": to_global_id("Customer", customer.id), "since": "2026-10-01T00:00:00"}
        _refusal((await api.post(document, variables, user=tenant.agent)).json(), "has no time zone", "Z", "-05:00")

    @pytest.mark.parametrize("since, counted", [
        ("2026-10-01T12:00:00Z", 1), ("2026-10-01T08:00:00-04:00", 1), ("2026-10-01T08:00:00.000001-04:00", 0),
        ("2026-10-01T14:00:00+02:00", 1), ("2026-10-01T14:00:01+02:00", 0), ("0001-01-01T00:00:00Z", 1),
        ("9999-12-31T23:59:59Z", 0)])
    async def test_the_offset_is_honoured(self, api, session, tenant, customer, since, counted):
        # given one entry logged at 12:00 UTC
        session.add(
            CommLogEntry(
                client_id=tenant.client.id,
                customer_id=customer.id,
                kind=CommLogKind.NOTE,
                subject="Called",
                author_id=tenant.agent.id,
                created_at=datetime(2026, 10, 1, 12, tzinfo=UTC),
            )
        )
        await session.commit()
        # when the log is read from `since`
        variables = {"id": to_global_id("Customer", customer.id), "since": since}
        data = await api.run(LOG, variables, user=tenant.agent)
        # then the entry counts when it was logged at or after that instant, whatever offset names it
        assert data["node"]["communicationLog"]["totalCount"] == counted
