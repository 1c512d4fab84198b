"""A billing run and previewNextInvoice price each day of the period at the rates in force that day, prorated
across a change (the rule: resolvers/rules/billing.py); a plan without a price on some day cannot be billed."""

from datetime import date

import pytest

from db.models import UsagePeriod
from tests.api.billing.helpers import gid
from tests.api.billing.rate_helpers import RUN, SET_DELIVERY, SET_PRICE, SET_TAX, mutate, preview
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer
from tests.factories.rates import make_billed_account

R1, R2 = " 2025-01-01 to 2025-01-14", " 2025-01-15 to 2025-01-31"
BEFORE_CHANGE = [  # January at 11.5c/kWh, fee 4.95, delivery 3.1c + 3.45, tax 6.25%: one line each
    ("ENERGY", "Energy charge", "141.98"), ("DELIVERY", "Utility delivery charge", "41.72"),
    ("FEE", "Monthly service fee", "4.95"), ("TAX", "Sales tax on energy charge", "8.87"),
    ("TAX", "Sales tax on utility delivery charge", "2.61"), ("TAX", "Sales tax on monthly service fee", "0.31")]


@pytest.fixture
async def account(session, tenant):
    """Priced since 2000 at 11.5c/kWh + $4.95, ONCOR 3.1c/kWh + $3.45, tax 6.25%; 1,234.567 kWh in January."""
    _customer, account = await make_billed_account(session, tenant)
    await session.commit()
    return account


def lines_of(invoice: dict) -> list[tuple[str, str, str]]:
    return [(line["kind"], line["description"], line["amount"]["amount"]) for line in invoice["lines"]]


async def run_january(api, tenant, account) -> dict:
    return await mutate(api, tenant.admin, RUN, periodStart="2025-01-01", periodEnd="2025-01-31",
                        issuedOn="2025-02-03", utilityAccountId=gid("UtilityAccount", account.id))


class TestBillingAcrossARateChange:
    async def test_a_price_change_mid_period_is_prorated_in_the_preview_and_the_run(self, api, tenant, account):
        # given January previews at one price
        assert lines_of(await preview(api, tenant.agent, account)) == BEFORE_CHANGE
        # when the plan's price goes to 12c/kWh from January 15
        changed = await mutate(api, tenant.admin, SET_PRICE, ratePlanId=gid("RatePlan", account.rate_plan_id),
                               energyRate="12", monthlyFee="4.95", effectiveFrom="2025-01-15")
        assert changed["userErrors"] == []
        # then the preview splits January 14/17 days (the rule's table: 64.12 + 81.24 energy, ...)
        expected = [
            ("ENERGY", "Energy charge" + R1, "64.12"),
            ("ENERGY", "Energy charge" + R2, "81.24"),
            ("DELIVERY", "Utility delivery charge" + R1, "18.84"),
            ("DELIVERY", "Utility delivery charge" + R2, "22.88"),
            ("FEE", "Monthly service fee" + R1, "2.24"),
            ("FEE", "Monthly service fee" + R2, "2.71"),
            ("TAX", "Sales tax on energy charge" + R1, "4.01"),
            ("TAX", "Sales tax on energy charge" + R2, "5.08"),
            ("TAX", "Sales tax on utility delivery charge" + R1, "1.18"),
            ("TAX", "Sales tax on utility delivery charge" + R2, "1.43"),
            ("TAX", "Sales tax on monthly service fee" + R1, "0.14"),
            ("TAX", "Sales tax on monthly service fee" + R2, "0.17"),
        ]
        shown = await preview(api, tenant.agent, account)
        assert lines_of(shown) == expected
        assert shown["total"]["amount"] == "204.04"
        # and the run issues exactly what the preview showed, each day's kWh billed once
        result = await run_january(api, tenant, account)
        assert result["userErrors"] == []
        invoice = result["invoices"][0]
        assert lines_of(invoice) == expected
        assert invoice["total"]["amount"] == "204.04"
        energy = [line["quantity"] for line in invoice["lines"] if line["kind"] == "ENERGY"]
        assert energy == ["557.546", "677.021"]  # 14/31 and 17/31 of 1,234.567 kWh, adding up to it

    async def test_delivery_and_tax_changes_are_prorated_too(self, api, tenant, account):
        for document, input in ((SET_DELIVERY, {"utility": "ONCOR", "perKwh": "3.1", "monthlyCharge": "6.90"}),
                                (SET_TAX, {"market": "TX", "ratePercent": "8"})):
            assert (await mutate(api, tenant.admin, document, effectiveFrom="2025-01-15", **input))["userErrors"] == []
        shown = await preview(api, tenant.agent, account)
        delivery = [a for k, _d, a in lines_of(shown) if k == "DELIVERY"]
        taxes = [(d, a) for k, d, a in lines_of(shown) if k == "TAX"]
        # delivery 38.271577 for the kWh, + 3.45 x 14/31 + 6.90 x 17/31 fixed = 43.613513 -> 43.61 in all;
        # the first 14 days 17.283938 + 1.558065 = 18.842003 -> 18.84, so the rest 43.61 - 18.84
        assert delivery == ["18.84", "24.77"]
        # energy 64.12 + 77.86 (the plan's price did not change), taxed 6.25% then 8%
        assert taxes[:2] == [("Sales tax on energy charge" + R1, "4.01"), ("Sales tax on energy charge" + R2, "6.23")]

    @pytest.mark.parametrize("day, split", [("2025-01-01", False), ("2025-02-01", False), ("2025-01-31", True)])
    async def test_a_change_on_the_first_day_or_after_the_period_does_not_split_it(
        self, api, tenant, account, day, split
    ):
        await mutate(api, tenant.admin, SET_PRICE, ratePlanId=gid("RatePlan", account.rate_plan_id), energyRate="12",
                     monthlyFee="4.95", effectiveFrom=day)
        energy = [d for k, d, _a in lines_of(await preview(api, tenant.agent, account)) if k == "ENERGY"]
        assert len(energy) == (2 if split else 1)

    async def test_a_corrected_price_bills_the_correction(self, api, tenant, account):
        plan = gid("RatePlan", account.rate_plan_id)
        for rate in ("99", "12"):  # a slip, then the correction for the same day
            await mutate(api, tenant.admin, SET_PRICE, ratePlanId=plan, energyRate=rate, monthlyFee="4.95",
                         effectiveFrom="2025-01-15")
        assert (await preview(api, tenant.agent, account))["total"]["amount"] == "204.04"

    async def test_an_issued_invoice_keeps_the_rates_it_was_issued_with(self, api, tenant, account):
        assert (await run_january(api, tenant, account))["invoices"][0]["total"]["amount"] == "200.44"
        await mutate(api, tenant.admin, SET_PRICE, ratePlanId=gid("RatePlan", account.rate_plan_id), energyRate="12",
                     monthlyFee="4.95", effectiveFrom="2025-01-15")
        again = await run_january(api, tenant, account)
        assert [e["code"] for e in again["userErrors"]] == ["BILLING_PERIOD_OVERLAPS"]


class TestUnpricedPlan:
    async def test_a_day_without_a_plan_price_is_a_user_error_naming_it(self, api, session, tenant):
        customer = await make_customer(session, tenant)
        plan = await make_rate_plan(session, tenant.client.id, code="LATE-1", priced_from=date(2025, 1, 10))
        account = await make_account(session, customer, plan=plan)
        session.add(
            UsagePeriod(
                client_id=tenant.client.id,
                utility_account_id=account.id,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 1, 31),
                wh=1_000_000,
                read_type="ACTUAL",
            )
        )
        await session.commit()
        errors = await api.errors(
            """query($id: ID!) { previewNextInvoice(utilityAccountId: $id, periodStart: "2025-01-01",
               periodEnd: "2025-01-31") { total { amount } } }""", {"id": gid("UtilityAccount", account.id)},
            user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "RATE_PLAN_NOT_PRICED"
        assert "LATE-1" in errors[0]["message"]
        assert "2025-01-01" in errors[0]["message"]
        result = await run_january(api, tenant, account)
        assert [e["code"] for e in result["userErrors"]] == ["RATE_PLAN_NOT_PRICED"]
        assert result["invoices"] is None
        # a run over every account stops too (it bills nothing until the plan is priced), rather than skip it
        everyone = await mutate(api, tenant.admin, RUN, periodStart="2025-01-01", periodEnd="2025-01-31")
        assert [e["code"] for e in everyone["userErrors"]] == ["RATE_PLAN_NOT_PRICED"]
        # a price from the first day on makes it billable
        await mutate(api, tenant.admin, SET_PRICE, ratePlanId=gid("RatePlan", plan.id), energyRate="10",
                     monthlyFee="0", effectiveFrom="2025-01-01")
        assert (await run_january(api, tenant, account))["userErrors"] == []
