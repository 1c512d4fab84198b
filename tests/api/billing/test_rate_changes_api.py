"""Rate plans, their prices, delivery charges and sales tax, each from a day: who may change them, what is refused,
that history is kept, and that one client's changes never reach another client."""

import pytest
from sqlalchemy import func, select

from db.enums import Role
from db.models import AuditEvent, DeliveryRate, RatePlan, RatePlanPrice, TaxRate
from resolvers.permissions import Action, can
from tests.api.billing.helpers import gid
from tests.api.billing.rate_helpers import (
    CREATE_PLAN,
    DELIVERY_HISTORY,
    PLANS,
    SET_DELIVERY,
    SET_PRICE,
    SET_TAX,
    TAX_HISTORY,
    mutate,
    plan_input,
)
from tests.factories.accounts import make_rate_plan

# The Rate scalar's one spelling (digits, an optional minus, up to four decimals): everything else is refused.
BAD_RATES = ["11.50001", "1e3", "+1", "1,5", " 1", "1 ", "1_000", "\u0663", ".5", "5.", "NaN", "", "0x10", 5, 5.5]
MUTATIONS = [
    (CREATE_PLAN, plan_input()),
    (SET_DELIVERY, {"utility": "ONCOR", "perKwh": "3.1", "monthlyCharge": "3.45", "effectiveFrom": "2025-01-01"}),
    (SET_TAX, {"market": "PA", "ratePercent": "6", "effectiveFrom": "2025-01-01"}),
]


async def counts(database, client_id: int) -> tuple[int, ...]:
    async with database.sessionmaker() as s:
        found = []
        for model in (RatePlan, RatePlanPrice, DeliveryRate, TaxRate):
            found.append(
                (
                    await s.execute(select(func.count()).select_from(model).where(model.client_id == client_id))
                ).scalar_one()
            )
        return tuple(found)


class TestWhoMayChangeRates:
    @pytest.mark.parametrize("role", list(Role))
    @pytest.mark.parametrize("document, input", MUTATIONS, ids=["createRatePlan", "setDeliveryCharge", "setTaxRate"])
    async def test_only_an_admin_changes_rates(self, api, database, tenant, role, document, input):
        # when a user of each role tries
        result = await mutate(api, tenant.user(role), document, **input)
        # then only an ADMIN succeeds (the role table says so); anyone else changes nothing
        allowed = can(role, Action.MANAGE_REFERENCE_DATA)
        assert allowed == (role is Role.ADMIN)
        assert [e["code"] for e in result["userErrors"]] == ([] if allowed else ["FORBIDDEN"])
        assert (await counts(database, tenant.client.id) != (0, 0, 0, 0)) == allowed

    @pytest.mark.parametrize("role", list(Role))
    async def test_only_an_admin_changes_a_plans_price(self, api, session, tenant, role):
        plan = await make_rate_plan(session, tenant.client.id)
        await session.commit()
        result = await mutate(api, tenant.user(role), SET_PRICE, ratePlanId=gid("RatePlan", plan.id), energyRate="12",
                              monthlyFee="0", effectiveFrom="2025-02-01")
        assert [e["code"] for e in result["userErrors"]] == ([] if role is Role.ADMIN else ["FORBIDDEN"])

    @pytest.mark.parametrize("role", list(Role))
    async def test_every_role_reads_the_rates(self, api, session, tenant, role):
        await make_rate_plan(session, tenant.client.id, code="READ-1")
        await session.commit()
        assert (await api.run(PLANS, user=tenant.user(role)))["ratePlans"][0]["code"] == "READ-1"
        assert (await api.run(DELIVERY_HISTORY, user=tenant.user(role)))["deliveryCharges"] == []
        assert (await api.run(TAX_HISTORY, user=tenant.user(role)))["taxRates"] == []


REFUSED = [
    # (mutation, input, code, field)
    (CREATE_PLAN, plan_input(energyRate="11.5001"), "INVALID_RATE", "energyRate"),
    (CREATE_PLAN, plan_input(energyRate="-1"), "INVALID_RATE", "energyRate"),
    (CREATE_PLAN, plan_input(energyRate="1150"), "INVALID_RATE", "energyRate"),
    (CREATE_PLAN, plan_input(monthlyFee="-4.95"), "INVALID_RATE", "monthlyFee"),
    (CREATE_PLAN, plan_input(effectiveFrom="1999-12-31"), "INVALID_EFFECTIVE_DATE", "effectiveFrom"),
    (CREATE_PLAN, plan_input(market="ZZ"), "NOT_FOUND", "market"),
    (CREATE_PLAN, plan_input(code="has space"), "INVALID", "code"),
    (CREATE_PLAN, plan_input(name="   "), "INVALID", "name"),
    (CREATE_PLAN, plan_input(termMonths=0), "INVALID", "termMonths"),
    (
        SET_DELIVERY,
        {"utility": "NOPE", "perKwh": "3", "monthlyCharge": "1", "effectiveFrom": "2025-01-01"},
        "NOT_FOUND",
        "utility",
    ),
    (
        SET_DELIVERY,
        {"utility": "ONCOR", "perKwh": "3.1234", "monthlyCharge": "1", "effectiveFrom": "2025-01-01"},
        "INVALID_RATE",
        "perKwh",
    ),
    (
        SET_DELIVERY,
        {"utility": "ONCOR", "perKwh": "3", "monthlyCharge": "-1", "effectiveFrom": "2025-01-01"},
        "INVALID_RATE",
        "monthlyCharge",
    ),
    (SET_TAX, {"market": "PA", "ratePercent": "-6", "effectiveFrom": "2025-01-01"}, "INVALID_RATE", "ratePercent"),
    (SET_TAX, {"market": "PA", "ratePercent": "100.5", "effectiveFrom": "2025-01-01"}, "INVALID_RATE", "ratePercent"),
    (
        SET_TAX,
        {"market": "PA", "ratePercent": "6", "effectiveFrom": "2100-01-01"},
        "INVALID_EFFECTIVE_DATE",
        "effectiveFrom",
    ),
    (SET_TAX, {"market": "XX", "ratePercent": "6", "effectiveFrom": "2025-01-01"}, "NOT_FOUND", "market"),
]


class TestRefused:
    @pytest.mark.parametrize("document, input, code, field", REFUSED)
    async def test_bad_rates_are_user_errors_and_change_nothing(
        self, api, database, tenant, document, input, code, field
    ):
        result = await mutate(api, tenant.admin, document, **input)
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, ["input", field])]
        assert await counts(database, tenant.client.id) == (0, 0, 0, 0)

    @pytest.mark.parametrize("field, value", [("energyRate", v) for v in BAD_RATES] + [("monthlyFee", "4.955")],
                             ids=repr)
    async def test_a_value_spelled_otherwise_is_a_request_error(self, api, database, tenant, field, value):
        # the Rate scalar takes up to four decimals, the Decimal (money) scalar two: the field says how many it uses
        errors = await api.errors(CREATE_PLAN, {"input": plan_input(**{field: value})}, user=tenant.admin)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
        assert field in errors[0]["message"], errors
        assert await counts(database, tenant.client.id) == (0, 0, 0, 0)

    async def test_a_plan_code_is_given_once(self, api, database, tenant):
        assert (await mutate(api, tenant.admin, CREATE_PLAN, **plan_input(code="once-1")))["userErrors"] == []
        again = await mutate(api, tenant.admin, CREATE_PLAN, **plan_input(code="ONCE-1", name="Other"))
        assert [e["code"] for e in again["userErrors"]] == ["RATE_PLAN_CODE_TAKEN"]
        assert await counts(database, tenant.client.id) == (1, 1, 0, 0)


class TestHistory:
    async def test_a_plan_keeps_every_price_and_a_same_day_entry_corrects(self, api, database, tenant):
        # given a plan priced from 2025-01-01
        created = await mutate(api, tenant.admin, CREATE_PLAN, **plan_input(code="HIST-1"))
        plan_id = created["ratePlan"]["id"]
        assert created["price"]["energyRate"] == "11.500"
        assert created["price"]["inForce"] is True
        # when its price changes from 2025-03-01, that is corrected, and a far future price is set
        for rate, day in (("12.9", "2025-03-01"), ("12.5", "2025-03-01"), ("14", "2099-01-01")):
            result = await mutate(api, tenant.admin, SET_PRICE, ratePlanId=plan_id, energyRate=rate, monthlyFee="4.95",
                                  effectiveFrom=day)
            assert result["userErrors"] == []
        # then every entry is kept in effect order, the corrected one flagged, today's one in force
        prices = result["ratePlan"]["prices"]
        assert [(p["effectiveFrom"], p["energyRate"], p["superseded"], p["inForce"]) for p in prices] == [
            ("2025-01-01", "11.500", False, False), ("2025-03-01", "12.900", True, False),
            ("2025-03-01", "12.500", False, True), ("2099-01-01", "14.000", False, False)]
        assert result["ratePlan"]["energyRate"] == "12.500"
        assert result["ratePlan"]["monthlyFee"]["amount"] == "4.95"
        assert await counts(database, tenant.client.id) == (1, 4, 0, 0)
        # and each change is audited from what was in force that day to the new rate
        async with database.sessionmaker() as s:
            audited = (await s.execute(select(AuditEvent.changes).where(
                AuditEvent.client_id == tenant.client.id, AuditEvent.action == "billing.set_rate_plan_price")
                .order_by(AuditEvent.id))).scalars().all()
        assert [a["energy_rate_millicents"] for a in audited] == [
            {"from": None, "to": 11_500}, {"from": 11_500, "to": 12_900}, {"from": 12_900, "to": 12_500},
            {"from": 12_500, "to": 14_000}]

    async def test_a_plan_sold_from_a_later_day_shows_its_first_price(self, api, tenant):
        created = await mutate(api, tenant.admin, CREATE_PLAN, **plan_input(code="LATER-1", effectiveFrom="2099-01-01"))
        assert created["price"]["inForce"] is False
        assert (created["ratePlan"]["energyRate"], created["ratePlan"]["monthlyFee"]["amount"]) == ("11.500", "4.95")

    async def test_delivery_and_tax_histories(self, api, tenant):
        for per_kwh, day in (("3.1", "2024-01-01"), ("3.4", "2025-07-01")):
            assert (await mutate(api, tenant.admin, SET_DELIVERY, utility="oncor", perKwh=per_kwh, monthlyCharge="3.45",
                                 effectiveFrom=day))["userErrors"] == []
        await mutate(api, tenant.admin, SET_DELIVERY, utility="PECO", perKwh="6.9", monthlyCharge="10.25",
                     effectiveFrom="2024-01-01")
        for percent, day in (("6", "2024-01-01"), ("6.35", "2025-07-01")):
            await mutate(api, tenant.admin, SET_TAX, market="PA", ratePercent=percent, effectiveFrom=day)
        delivery = (await api.run(DELIVERY_HISTORY, {"utility": "ONCOR"}, user=tenant.agent))["deliveryCharges"]
        assert [(d["effectiveFrom"], d["perKwh"], d["inForce"], d["utility"]["code"]) for d in delivery] == [
            ("2024-01-01", "3.100", False, "ONCOR"), ("2025-07-01", "3.400", True, "ONCOR")]
        everything = (await api.run(DELIVERY_HISTORY, user=tenant.agent))["deliveryCharges"]
        assert [d["utility"]["code"] for d in everything] == ["ONCOR", "ONCOR", "PECO"]
        assert everything[2]["inForce"] is True
        taxes = (await api.run(TAX_HISTORY, {"market": "pa"}, user=tenant.agent))["taxRates"]
        assert [(t["ratePercent"], t["inForce"]) for t in taxes] == [("6", False), ("6.35", True)]


class TestCrossClient:
    async def test_one_clients_admin_never_touches_anothers_rates(self, api, database, session, tenant, other_tenant):
        # given a plan of each client, and each client's own delivery charge and tax
        theirs = await make_rate_plan(session, other_tenant.client.id, code="THEIRS-1")
        await session.commit()
        for owner, per_kwh in ((tenant, "3.1"), (other_tenant, "4.2")):
            await mutate(api, owner.admin, SET_DELIVERY, utility="ONCOR", perKwh=per_kwh, monthlyCharge="1",
                         effectiveFrom="2024-01-01")
        before = await counts(database, other_tenant.client.id)
        # when one client's admin changes ONCOR's charge and tries the other client's plan
        await mutate(api, tenant.admin, SET_DELIVERY, utility="ONCOR", perKwh="9.9", monthlyCharge="9",
                     effectiveFrom="2024-06-01")
        await mutate(api, tenant.admin, SET_TAX, market="TX", ratePercent="8", effectiveFrom="2024-06-01")
        refused = await mutate(api, tenant.admin, SET_PRICE, ratePlanId=gid("RatePlan", theirs.id), energyRate="1",
                               monthlyFee="0", effectiveFrom="2024-06-01")
        # then the other plan is not found, and the other client's rates are as they were, and its own alone
        assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
        assert await counts(database, other_tenant.client.id) == before
        others = (await api.run(DELIVERY_HISTORY, user=other_tenant.agent))["deliveryCharges"]
        assert [(d["perKwh"], d["inForce"]) for d in others] == [("4.200", True)]
        assert (await api.run(TAX_HISTORY, user=other_tenant.agent))["taxRates"] == []
        assert {p["code"] for p in (await api.run(PLANS, user=tenant.agent))["ratePlans"]}.isdisjoint({"THEIRS-1"})

    async def test_a_plan_code_may_repeat_across_clients(self, api, tenant, other_tenant):
        for owner in (tenant, other_tenant):
            assert (await mutate(api, owner.admin, CREATE_PLAN, **plan_input(code="SAME-1")))["userErrors"] == []

