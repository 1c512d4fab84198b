"""runBilling bills each day of an account's usage at most once (issue 10, item 1), over HTTP on both engines.

October 2025 is invoiced first; every later run around it is refused with a userError naming that invoice,
or bills only days no invoice bills. A REVERSED invoice frees its period. Periods are at most 92 days, end
before the issue day, sit inside the money window and the account's service. Runs at the same moment
cannot bill a day twice either (the customer row lock; without it the race test breaks the books).
"""

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from db.enums import EnrollmentStatus
from db.models import Invoice, UsagePeriod
from resolvers.billing import billing_run
from tests.api.billing.helpers import api_without_lock, books_ok, gid
from tests.billing_invariants import check_invariants
from tests.conftest import Api
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer

RUN = """mutation($input: RunBillingInput!) { runBilling(input: $input) {
  invoices { id number status total { amount } lines { id amount { amount } } } skipped alreadyBilled
  userErrors { code field message } } }"""
PREVIEW = """query($id: ID!, $start: Date!, $end: Date!) { previewNextInvoice(utilityAccountId: $id, periodStart:
  $start,
  periodEnd: $end) { total { amount } } }"""
REVERSE = """mutation($input: ReverseInvoiceChargesInput!) { reverseInvoiceCharges(input: $input) {
  invoice { status } userErrors { code } } }"""
CHARGE = (
    """mutation($input: CreateSpecialChargeInput!) { createSpecialCharge(input: $input) { userErrors { code } } }"""
)
ADJUST = (
    """mutation($input: CreateAdjustmentInput!) { createAdjustment(input: $input) { userErrors { code field } } }"""
)
READS = {date(2025, 9, 30): 100_000, date(2025, 10, 31): 200_000, date(2025, 11, 30): 300_000}  # read day: Wh
OCTOBER = ("2025-10-01", "2025-10-31")
# 10 cents a kWh, no delivery rate or tax in PA: the read of September 10.00, October 20.00, November 30.00
OVERLAPS = {
    "equal": OCTOBER,
    "contained": ("2025-10-10", "2025-10-20"),
    "containing": ("2025-09-15", "2025-11-14"),
    "straddling its end (the issue's case)": ("2025-10-15", "2025-11-14"),
    "straddling its start": ("2025-09-15", "2025-10-05"),
    "sharing its last day": ("2025-10-31", "2025-11-29"),
    "sharing its first day": ("2025-09-01", "2025-10-01"),
}
ADJACENT = {"the month after": (("2025-11-01", "2025-11-30"), "30.00"),
            "the month before": (("2025-09-01", "2025-09-30"), "10.00")}


async def bill(api, user, account, start, end, issued=None, **extra) -> dict:
    given = {"periodStart": start, "periodEnd": end, "issuedOn": issued or _day_after(end), **extra}
    if account is not None:
        given["utilityAccountId"] = gid("UtilityAccount", account.id)
    return (await api.run(RUN, {"input": given}, user=user))["runBilling"]


def _day_after(day: str) -> str:
    return date.fromordinal(date.fromisoformat(day).toordinal() + 1).isoformat()


async def _account(session, tenant, **options):
    plan = await make_rate_plan(session, tenant.client.id, "PA", rate_millicents=10_000)
    account = await make_account(session, await make_customer(session, tenant), utility="PECO", state="PA", plan=plan,
                                 **options)
    session.add_all(
        UsagePeriod(
            client_id=tenant.client.id,
            utility_account_id=account.id,
            period_start=day.replace(day=1),
            period_end=day,
            wh=wh,
            read_type="ACTUAL",
        )
        for day, wh in READS.items()
    )
    await session.commit()
    return account


async def _invoices(database, account) -> list[tuple[str, str]]:
    async with database.sessionmaker() as session:
        stmt = (
            select(Invoice.number, Invoice.status).where(Invoice.utility_account_id == account.id).order_by(Invoice.id)
        )
        return [(n, s.value) for n, s in (await session.execute(stmt)).all()]


@pytest.fixture
async def october(api, session, tenant):
    """An account (service from 2025-01-01) with reads on 09-30, 10-31, 11-30, invoiced for October 2025."""
    account = await _account(session, tenant)
    done = await bill(api, tenant.admin, account, *OCTOBER)
    assert done["userErrors"] == []
    assert done["invoices"][0]["total"]["amount"] == "20.00"
    return account, done["invoices"][0]


class TestOverlaps:
    @pytest.mark.parametrize("shape", OVERLAPS)
    async def test_a_period_sharing_a_day_with_an_invoiced_one_is_refused(self, api, database, tenant, october, shape):
        account, invoice = october
        before = await _invoices(database, account)
        refused = await bill(api, tenant.admin, account, *OVERLAPS[shape])
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
            ("BILLING_PERIOD_OVERLAPS", ["input", "periodStart"])
        ]
        assert (
            f"Invoice {invoice['number']} already bills 2025-10-01..2025-10-31" in refused["userErrors"][0]["message"]
        )
        assert await _invoices(database, account) == before
        await books_ok(database, tenant)

    @pytest.mark.parametrize("shape", OVERLAPS)
    async def test_the_preview_refuses_it_as_the_run_would(self, api, tenant, october, shape):
        account, _ = october
        start, end = OVERLAPS[shape]
        errors = await api.errors(PREVIEW, {"id": gid("UtilityAccount", account.id), "start": start, "end": end},
                                  user=tenant.agent)
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
            ("BILLING_PERIOD_OVERLAPS", ["periodStart"])]

    @pytest.mark.parametrize("shape", ADJACENT)
    async def test_an_adjacent_period_bills_only_its_own_reads(self, api, database, tenant, october, shape):
        account, _ = october
        (start, end), total = ADJACENT[shape]
        done = await bill(api, tenant.admin, account, start, end)
        assert done["userErrors"] == []
        assert done["invoices"][0]["total"]["amount"] == total
        await books_ok(database, tenant)

    async def test_a_partly_reversed_invoice_still_bills_its_period(self, api, database, session, tenant):
        # given October invoiced with a special charge beside the energy, and only the charge reversed
        account = await _account(session, tenant)
        charge = {"customerId": gid("Customer", account.customer_id), "description": "Meter test", "amount": "5.00",
                  "reason": "Customer asked"}
        assert (await api.run(CHARGE, {"input": charge}, user=tenant.agent))["createSpecialCharge"]["userErrors"] == []
        invoice = (await bill(api, tenant.admin, account, *OCTOBER))["invoices"][0]
        fee = [line["id"] for line in invoice["lines"] if line["amount"]["amount"] == "5.00"]
        reversal = {"invoiceId": invoice["id"], "lineIds": fee, "reason": "Waived"}
        assert (await api.run(REVERSE, {"input": reversal}, user=tenant.lead))["reverseInvoiceCharges"]["invoice"][
            "status"
        ] == "OPEN"
        # when October is billed again, then it is refused: the energy is still billed
        refused = await bill(api, tenant.admin, account, *OCTOBER)
        assert [e["code"] for e in refused["userErrors"]] == ["BILLING_PERIOD_OVERLAPS"]
        await books_ok(database, tenant)

    async def test_a_reversed_invoice_frees_its_period_for_one_new_invoice(self, api, database, tenant, october):
        account, invoice = october
        lines = [line["id"] for line in invoice["lines"] if line["amount"]["amount"] != "0.00"]
        reversed_ = (
            await api.run(
                REVERSE,
                {"input": {"invoiceId": invoice["id"], "lineIds": lines, "reason": "Wrong meter"}},
                user=tenant.lead,
            )
        )["reverseInvoiceCharges"]
        assert reversed_["invoice"]["status"] == "REVERSED"
        again = await bill(api, tenant.admin, account, *OCTOBER)
        assert again["userErrors"] == []
        assert again["invoices"][0]["number"] == invoice["number"] + "-2"
        assert again["invoices"][0]["total"]["amount"] == "20.00"
        third = await bill(api, tenant.admin, account, "2025-10-15", "2025-11-14")
        assert f"Invoice {invoice['number']}-2 already bills" in third["userErrors"][0]["message"]
        assert await _invoices(database, account) == [
            (invoice["number"], "REVERSED"),
            (invoice["number"] + "-2", "OPEN"),
        ]
        await books_ok(database, tenant)

    async def test_a_reversed_invoice_takes_no_debit_adjustment(self, api, database, tenant, october):
        """A debit would make it bill its period again, beside the invoice that re-billed it."""
        account, invoice = october
        lines = [line["id"] for line in invoice["lines"] if line["amount"]["amount"] != "0.00"]
        await api.run(REVERSE, {"input": {"invoiceId": invoice["id"], "lineIds": lines, "reason": "Wrong meter"}},
                      user=tenant.lead)
        customer = gid("Customer", account.customer_id)
        debit = {
            "customerId": customer,
            "direction": "DEBIT",
            "amount": "5.00",
            "reasonCode": "FEE",
            "invoiceId": invoice["id"],
        }
        refused = (await api.run(ADJUST, {"input": debit}, user=tenant.lead))["createAdjustment"]
        assert refused["userErrors"] == [{"code": "INVOICE_REVERSED", "field": ["input", "invoiceId"]}]
        await books_ok(database, tenant)


class TestPeriodRules:
    @pytest.mark.parametrize(
        "start, end, issued, code, field",
        [
            (
                "2025-01-01",
                "2026-10-31",
                None,
                "BILLING_PERIOD_TOO_LONG",
                "periodEnd",
            ),  # re-bills invoiced months: too long first
            ("2025-05-01", "2025-07-31", None, None, None),  # 92 days: three billing cycles
            ("2025-05-01", "2025-08-01", None, "BILLING_PERIOD_TOO_LONG", "periodEnd"),
            ("0001-01-01", "9999-12-31", "2025-12-01", "MONEY_DATE_OUT_OF_RANGE", "periodStart"),
            ("2025-06-01", "2025-05-31", None, "INVALID_BILLING_PERIOD", "periodEnd"),
            (
                "2025-06-01",
                "2025-06-30",
                "2025-06-30",
                "INVALID_BILLING_PERIOD",
                "periodEnd",
            ),  # not over by the issue day
            ("2025-06-01", "2025-06-30", "9999-12-31", "MONEY_DATE_OUT_OF_RANGE", "issuedOn"),
            ("2024-11-01", "2024-11-30", None, "BILLING_PERIOD_OUTSIDE_SERVICE", "periodStart"),  # before service began
        ],
    )
    async def test_the_period_itself(self, api, database, session, tenant, start, end, issued, code, field):
        account = await _account(session, tenant)
        result = await bill(api, tenant.admin, account, start, end, issued)
        if code is None:
            assert result["userErrors"] in ([], [{"code": "NOTHING_TO_BILL", "field": ["input", "utilityAccountId"],
                                                   "message": "Nothing to bill for that account and period."}])
        else:
            assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, ["input", field])]
            assert await _invoices(database, account) == []

    async def test_a_period_that_has_not_ended_today_is_refused_by_default(self, api, session, tenant):
        from db.base import utcnow

        account = await _account(session, tenant)
        today = utcnow().date()
        given = {"periodStart": today.replace(day=1).isoformat(), "periodEnd": today.isoformat(),
                 "utilityAccountId": gid("UtilityAccount", account.id)}
        refused = (await api.run(RUN, {"input": given}, user=tenant.admin))["runBilling"]
        assert [e["code"] for e in refused["userErrors"]] == ["INVALID_BILLING_PERIOD"]

    @pytest.mark.parametrize(
        "status, end, period, billed",
        [
            (EnrollmentStatus.DROPPED, date(2025, 10, 31), OCTOBER, True),  # the final bill
            (EnrollmentStatus.DROPPED, date(2025, 10, 31), ("2025-11-01", "2025-11-30"), False),  # after the drop
            (EnrollmentStatus.DROP_ACCEPTED, date(2025, 10, 15), ("2025-10-16", "2025-11-30"), False),
            (
                EnrollmentStatus.ACTIVE,
                date(2025, 3, 31),
                ("2025-11-01", "2025-11-30"),
                True,
            ),  # past its contract: still served
        ],
    )
    async def test_the_account_s_service_dates(self, api, session, tenant, status, end, period, billed):
        account = await _account(session, tenant, status=status, end=end)
        result = await bill(api, tenant.admin, account, *period)
        assert [e["code"] for e in result["userErrors"]] == ([] if billed else ["BILLING_PERIOD_OUTSIDE_SERVICE"])


class TestClientRuns:
    async def test_a_run_over_every_account_skips_the_ones_already_billed_and_says_so(self, api, database, session,
                                                                                       tenant, october):
        billed_in_october, _ = october
        fresh = await _account(session, tenant)
        done = await bill(api, tenant.admin, None, "2025-10-15", "2025-11-14")
        assert done["userErrors"] == []
        assert (done["skipped"], done["alreadyBilled"]) == (1, 1)
        assert [i["number"] for i in done["invoices"]] == [f"INV-{fresh.id:07d}-20251015"]
        assert len(await _invoices(database, billed_in_october)) == 1
        rerun = await bill(api, tenant.admin, None, "2025-10-15", "2025-11-14")
        assert (rerun["invoices"], rerun["skipped"], rerun["alreadyBilled"]) == ([], 2, 2)
        await books_ok(database, tenant)


RACERS = 6


async def _race(api: Api, tenant, account) -> list[dict]:
    """RACERS runs for the account at once, over three periods each of which shares days with the others."""
    periods = [OCTOBER, ("2025-10-15", "2025-11-14"), ("2025-09-20", "2025-10-20")] * (RACERS // 3)
    calls = [api.post(RUN, {"input": {"periodStart": s, "periodEnd": e, "issuedOn": "2025-12-01",
                                      "utilityAccountId": gid("UtilityAccount", account.id)}}, user=tenant.admin)
             for s, e in periods]
    return [r.json() for r in await asyncio.gather(*calls)]


async def _problems(database, tenant) -> list[str]:
    async with database.sessionmaker() as session:
        return await check_invariants(session, tenant.client.id)


async def test_runs_at_the_same_moment_bill_a_day_once(api, database, session, tenant):
    # given an account nobody has billed
    account = await _account(session, tenant)
    # when overlapping runs race
    bodies = await _race(api, tenant, account)
    # then one bills, every other is refused for the overlap, and no day is billed twice
    assert all("errors" not in b for b in bodies), bodies
    outcomes = sorted(e["code"] for b in bodies for e in b["data"]["runBilling"]["userErrors"])
    assert outcomes == ["BILLING_PERIOD_OVERLAPS"] * (RACERS - 1)
    assert len(await _invoices(database, account)) == 1
    assert await _problems(database, tenant) == []


@pytest.fixture
async def unlocked_api(database, monkeypatch):
    async with api_without_lock(database, monkeypatch, billing_run) as api:
        yield api


async def test_without_the_lock_the_race_bills_a_day_twice(unlocked_api, database, session, tenant):
    """The lock is what keeps the race above sound: without it some runs fail or double-bill."""
    account = await _account(session, tenant)
    bodies = await _race(unlocked_api, tenant, account)
    errors = [b for b in bodies if "errors" in b or "BUSY_RETRY" in str(b["data"]["runBilling"]["userErrors"])]
    problems = await _problems(database, tenant)
    print("unlocked billing race:", len(errors), problems[:2])
    assert errors or problems, "removing the lock changed nothing: the race test would not catch a missing lock"
