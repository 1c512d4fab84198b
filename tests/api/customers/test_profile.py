"""Opening a customer: profile, utility accounts with premise and history, hierarchy."""

from db.enums import CustomerKind, EnrollmentStatus
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer

PROFILE = """
query Profile($number: String!) {
  customer(number: $number) {
    id number name kind email phone language isMaster
    billingAddress { line1 city state zip }
    master { name }
    hierarchyTrail { name }
    children(first: 10) { totalCount edges { node { name } } }
    utilityAccounts(first: 10) {
      totalCount
      edges { node {
        ldcAccountNumber status startDate endDate contractTermMonths renewalPending pendingTransfer
        utility { code name market { code } } market { code } ratePlan { code energyRate termMonths }
        premise { meterNumber rateClass loadProfile serviceAddress { line1 city state zip } }
        enrollments { status startDate endDate ratePlan { code } }
        customer { number }
      } }
    }
  }
}
"""

ACCOUNT = """
query Account($ldc: String!) {
  utilityAccount(ldcAccountNumber: $ldc) { ldcAccountNumber status customer { name } premise { meterNumber } }
}
"""


class TestCustomerProfile:
    async def test_profile_shows_accounts_premise_plan_and_history(self, api, session, tenant):
        # given
        plan = await make_rate_plan(
            session, tenant.client.id, "TX", code="TX-24", rate_millicents=12_345, term_months=24
        )
        customer = await make_customer(session, tenant, "Ann Smith")
        await make_account(session, customer, ldc="ESI-1", plan=plan, line1="12 Maple Ave", history=2)
        await session.commit()
        # when
        data = await api.run(PROFILE, {"number": customer.number}, user=tenant.agent)
        # then
        profile = data["customer"]
        assert profile["name"] == "Ann Smith"
        assert profile["kind"] == "RESIDENTIAL"
        assert profile["billingAddress"] == {"line1": "1 Billing Rd", "city": "Dallas", "state": "TX", "zip": "75201"}
        account = profile["utilityAccounts"]["edges"][0]["node"]
        assert profile["utilityAccounts"]["totalCount"] == 1
        assert account["ldcAccountNumber"] == "ESI-1"
        assert account["status"] == "ACTIVE"
        assert account["utility"] == {"code": "ONCOR", "name": "Utility ONCOR", "market": {"code": "TX"}}
        assert account["ratePlan"] == {"code": "TX-24", "energyRate": "12.345", "termMonths": 24}
        assert account["premise"]["serviceAddress"]["line1"] == "12 Maple Ave"
        assert [e["status"] for e in account["enrollments"]] == ["ACTIVE", "INACTIVE", "INACTIVE"]
        assert account["enrollments"][0]["ratePlan"] == {"code": "TX-24"}
        assert account["customer"] == {"number": customer.number}

    async def test_unknown_number_is_null(self, api, tenant):
        data = await api.run(PROFILE, {"number": "999999999"}, user=tenant.agent)
        assert data["customer"] is None

    async def test_hierarchy_trail_runs_from_top_master_to_customer(self, api, session, tenant):
        top = await make_customer(session, tenant, "Top Holdings", kind=CustomerKind.COMMERCIAL, is_master=True)
        region = await make_customer(
            session, tenant, "Region East", kind=CustomerKind.COMMERCIAL, is_master=True, master=top
        )
        store = await make_customer(session, tenant, "Store 12", kind=CustomerKind.COMMERCIAL, master=region)
        await make_customer(session, tenant, "Store 13", kind=CustomerKind.COMMERCIAL, master=region)
        await session.commit()
        leaf = (await api.run(PROFILE, {"number": store.number}, user=tenant.agent))["customer"]
        assert [c["name"] for c in leaf["hierarchyTrail"]] == ["Top Holdings", "Region East", "Store 12"]
        assert leaf["master"] == {"name": "Region East"}
        middle = (await api.run(PROFILE, {"number": region.number}, user=tenant.agent))["customer"]
        assert middle["children"]["totalCount"] == 2
        assert [e["node"]["name"] for e in middle["children"]["edges"]] == ["Store 12", "Store 13"]

    async def test_utility_account_by_ldc_number(self, api, session, tenant, other_tenant):
        customer = await make_customer(session, tenant, "Ann Smith")
        await make_account(session, customer, ldc="ESI-77", status=EnrollmentStatus.PENDING_DROP)
        await session.commit()
        data = await api.run(ACCOUNT, {"ldc": "ESI-77"}, user=tenant.agent)
        assert data["utilityAccount"] == {"ldcAccountNumber": "ESI-77", "status": "PENDING_DROP",
                                          "customer": {"name": "Ann Smith"}, "premise": {"meterNumber": "M1"}}
        other = await api.run(ACCOUNT, {"ldc": "ESI-77"}, user=other_tenant.agent)
        assert other["utilityAccount"] is None

    async def test_children_page_backwards(self, api, session, tenant):
        master = await make_customer(session, tenant, "Master Co", kind=CustomerKind.COMMERCIAL, is_master=True)
        for name in ("A Store", "B Store", "C Store"):
            await make_customer(session, tenant, name, master=master)
        await session.commit()
        query = ("query($n: String!) { customer(number: $n) { children(last: 2) { edges { node { name } } pageInfo { "
                 "hasPreviousPage } } } }")
        data = await api.run(query, {"n": master.number}, user=tenant.agent)
        children = data["customer"]["children"]
        assert [e["node"]["name"] for e in children["edges"]] == ["B Store", "C Store"]
        assert children["pageInfo"]["hasPreviousPage"] is True


class TestReferenceData:
    async def test_markets_utilities_and_the_clients_own_rate_plans(self, api, session, tenant, other_tenant):
        await make_rate_plan(session, tenant.client.id, "PA", code="MINE-PA")
        await make_rate_plan(session, other_tenant.client.id, "PA", code="THEIRS-PA")
        await session.commit()
        query = '{ markets { code } utilities(market: "TX") { code market { code } } ratePlans { code } }'
        data = await api.run(query, user=tenant.agent)
        assert {"TX", "PA", "OH", "IL"} <= {m["code"] for m in data["markets"]}
        assert {u["code"] for u in data["utilities"]} == {"ONCOR", "CENTERPOINT"}
        assert [p["code"] for p in data["ratePlans"]] == ["MINE-PA"]
