"""What each export holds: its documented columns, money as decimal strings, the ledger's window, aging's buckets."""

from datetime import date

import pytest

from db.enums import CustomerKind, EnrollmentStatus
from tests.api.billing.helpers import gid, post
from tests.api.exports.helpers import export_rows
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer
from tests.factories.settings import set_hold, set_settings

BALANCE = """query($id: ID!) { node(id: $id) { ... on Customer { balance { amount } } } }"""
CLIENT_AGING = """query($asOf: Date) { arAging(asOf: $asOf) {
  current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } total {
  amount } } }"""


class TestCustomersCsv:
    async def test_one_row_per_customer_with_every_column(self, api, session, tenant):
        # given a master and a child on autopay with a dunning hold, the child without an email
        master = await make_customer(session, tenant, "Acme Holdings", kind=CustomerKind.COMMERCIAL, is_master=True,
                                     billing=("9 Main St", "Suite 2", "Austin", "TX", "78701"))
        child = await make_customer(session, tenant, "Acme Bakery", kind=CustomerKind.COMMERCIAL, master=master,
                                    email=None)
        await set_settings(session, child, autopay=True)
        await set_hold(session, child, date(2026, 1, 31))
        await session.commit()
        # when exported
        rows = await export_rows(api, "customers.csv", tenant.lead)
        # then each is a row in number order, with the master's number on the child
        assert [r["customer_number"] for r in rows] == sorted([master.number, child.number])
        by_number = {r["customer_number"]: r for r in rows}
        assert by_number[master.number] == {
            "customer_number": master.number, "name": "Acme Holdings", "kind": "COMMERCIAL",
            "email": "pat@mail.example", "phone": "+12155550123", "language": "en", "billing_line1": "9 Main St",
            "billing_line2": "Suite 2", "billing_city": "Austin", "billing_state": "TX", "billing_zip": "78701",
            "is_master": "true", "master_number": "", "autopay": "false", "paperless": "false",
            "dunning_hold_until": "", "created_at": master.created_at.isoformat(timespec="seconds"),
        }
        assert {k: by_number[child.number][k] for k in ("email", "master_number", "autopay", "dunning_hold_until",
                                                           "is_master", "billing_line2")} == {
            "email": "", "master_number": master.number, "autopay": "true", "dunning_hold_until": "2026-01-31",
            "is_master": "false", "billing_line2": ""}


class TestUtilityAccountsCsv:
    async def test_one_row_per_account_with_plan_utility_and_premise(self, api, session, tenant):
        # given a customer with a planned ACTIVE account and a PENDING one without a plan
        customer = await make_customer(session, tenant, "Pat Accounts")
        plan = await make_rate_plan(session, tenant.client.id, "PA", code="EXP-PA-12")
        await make_account(session, customer, utility="PECO", plan=plan, ldc="PECO0000000002", line1="5 Elm St",
                           city="Philadelphia", state="PA", zip="19103", start=date(2025, 2, 1), end=date(2026, 1, 31))
        await make_account(session, customer, utility="ONCOR", ldc="10443720000000001",
                           status=EnrollmentStatus.PENDING, end=None)
        await session.commit()
        # when exported
        rows = await export_rows(api, "utility-accounts.csv", tenant.lead)
        # then each account is a row, in LDC-number order
        assert [r["ldc_account_number"] for r in rows] == ["10443720000000001", "PECO0000000002"]
        assert rows[1] == {
            "ldc_account_number": "PECO0000000002", "customer_number": customer.number, "utility": "PECO",
            "market": "PA", "status": "ACTIVE", "rate_plan": "EXP-PA-12", "start_date": "2025-02-01",
            "end_date": "2026-01-31", "contract_term_months": "12", "renewal_pending": "false",
            "pending_transfer": "false", "service_line1": "5 Elm St", "service_line2": "",
            "service_city": "Philadelphia", "service_state": "PA", "service_zip": "19103", "meter_number": "M1",
            "rate_class": "RS", "load_profile": "RESLOWR", "premise_type": "", "meter_type": "", "read_cycle": "",
        }
        assert (rows[0]["status"], rows[0]["rate_plan"], rows[0]["end_date"]) == ("PENDING", "", "")


class TestArLedgerCsv:
    @pytest.fixture
    async def ledger(self, api, session, tenant):
        """Invoices effective 2025-01-11 and 2025-02-08, payments of 123.45 and 0.05 effective 2025-03-01."""
        customer = await make_customer(session, tenant, "Pat Ledger")
        first = await make_invoice(session, customer, 10_001, due_on=date(2025, 2, 1))
        second = await make_invoice(session, customer, 5, due_on=date(2025, 3, 1))
        await session.commit()
        for amount in ("123.45", "0.05"):
            assert (await post(api, tenant.agent, customer, amount))["userErrors"] == []
        return customer, first, second

    async def test_entries_in_date_order_with_signed_decimal_amounts(self, api, tenant, ledger):
        customer, first, second = ledger
        # when the whole ledger is exported
        rows = await export_rows(api, "ar-ledger.csv", tenant.lead)
        # then every entry is a row by effective day, amounts signed decimal strings, invoices named
        assert [
            (r["effective_on"], r["kind"], r["amount"], r["invoice_number"], r["customer_number"]) for r in rows
        ] == [
            ("2025-01-11", "INVOICE", "100.01", first.number, customer.number),
            ("2025-02-08", "INVOICE", "0.05", second.number, customer.number),
            ("2025-03-01", "PAYMENT", "-123.45", "", customer.number),
            ("2025-03-01", "PAYMENT", "-0.05", "", customer.number),
        ]
        assert [int(r["entry_id"]) for r in rows] == sorted(int(r["entry_id"]) for r in rows)
        assert all(r["description"] and r["created_at"].endswith("+00:00") for r in rows)
        # and the amounts add up to the customer's balance
        balance = (await api.run(BALANCE, {"id": gid("Customer", customer.id)}, user=tenant.lead))["node"]["balance"]
        assert _cents(sum(_to_cents(r["amount"]) for r in rows)) == balance["amount"] == "-23.44"

    @pytest.mark.parametrize("query, days", [
        ("", ["2025-01-11", "2025-02-08", "2025-03-01", "2025-03-01"]),
        ("?from=2025-01-11&to=2025-01-11", ["2025-01-11"]),  # both ends inclusive
        ("?from=2025-01-12", ["2025-02-08", "2025-03-01", "2025-03-01"]),
        ("?to=2025-02-08", ["2025-01-11", "2025-02-08"]),
        ("?from=2025-02-09&to=2025-02-28", []),
        ("?from=&to=", ["2025-01-11", "2025-02-08", "2025-03-01", "2025-03-01"]),
    ])
    async def test_window_is_inclusive_and_either_end_may_be_open(self, api, tenant, ledger, query, days):
        rows = await export_rows(api, "ar-ledger.csv", tenant.lead, query)
        assert [r["effective_on"] for r in rows] == days


class TestAgingCsv:
    @pytest.mark.parametrize("as_of", ["2025-01-15", "2025-03-15", "2025-06-30"])
    async def test_rows_add_up_to_the_clients_aging_as_of_the_same_day(self, api, session, tenant, as_of):
        # given two customers with invoices due at different days (one issued after 2025-01-15), one paid up
        first, second, paid = [
            await make_customer(session, tenant, n) for n in ("Aging One", "Aging Two", "Aging Paid")
        ]
        for customer, cents, due in ((first, 1_000, date(2025, 3, 20)), (first, 2_000, date(2025, 3, 1)),
                                     (first, 3_000, date(2024, 11, 1)), (second, 4_050, date(2025, 1, 20)),
                                     (second, 7, date(2025, 2, 14))):
            await make_invoice(session, customer, cents, due_on=due)
        await make_invoice(session, paid, 500, due_on=date(2025, 1, 1))
        await session.commit()
        assert (await post(api, tenant.agent, paid, "5.00"))["userErrors"] == []
        # when aging is exported as of a day
        rows = await export_rows(api, "aging.csv", tenant.lead, f"?asOf={as_of}")
        # then one row per customer with anything open, each total its buckets' sum, the columns the client's aging
        client = (await api.run(CLIENT_AGING, {"asOf": as_of}, user=tenant.lead))["arAging"]
        columns = {"current": "current", "days_1_30": "days1To30", "days_31_60": "days31To60",
                   "days_61_90": "days61To90", "over_90": "over90", "total": "total"}
        for column, field in columns.items():
            assert _cents(sum(_to_cents(r[column]) for r in rows)) == client[field]["amount"], column
        for row in rows:
            assert sum(_to_cents(row[c]) for c in list(columns)[:-1]) == _to_cents(row["total"])
        assert paid.number not in {r["customer_number"] for r in rows}

    async def test_buckets_of_one_customer(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Aging Buckets")
        for cents, due in ((1_000, date(2025, 3, 20)), (2_000, date(2025, 3, 1)), (3_000, date(2025, 1, 14)),
                           (4_000, date(2024, 12, 15)), (5_000, date(2024, 11, 1)), (6, date(2024, 11, 2))):
            await make_invoice(session, customer, cents, due_on=due)
        await session.commit()
        rows = await export_rows(api, "aging.csv", tenant.lead, "?asOf=2025-03-15")
        assert rows == [{"customer_number": customer.number, "customer_name": "Aging Buckets", "current": "10.00",
                         "days_1_30": "20.00", "days_31_60": "30.00", "days_61_90": "40.00", "over_90": "50.06",
                         "total": "150.06"}]


def _to_cents(text: str) -> int:
    units, _, fraction = text.partition(".")
    sign = -1 if units.startswith("-") else 1
    return sign * (abs(int(units)) * 100 + int(fraction))


def _cents(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
