"""consumption(from, to, granularity): read periods, or calendar months prorated by days."""

from datetime import date

import pytest

from db.enums import ReadType
from db.models import UsagePeriod
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

CONSUMPTION = """
query($ldc: String!, $from: Date, $to: Date, $granularity: ConsumptionGranularity!) {
  utilityAccount(ldcAccountNumber: $ldc) {
    consumption(from: $from, to: $to, granularity: $granularity) {
      start end days kwh demandKw readType period { id kwh meterNumber sourceTransaction { id } }
    }
  }
}
"""


@pytest.fixture
async def account(session, tenant):
    account = await make_account(session, await make_customer(session, tenant, "Usage Holder"))
    periods = [  # read on the 15th; February estimated; demand metered
        (date(2025, 1, 15), date(2025, 2, 14), 31_000, 5_000, ReadType.ACTUAL),
        (date(2025, 2, 15), date(2025, 3, 14), 28_000, 7_250, ReadType.ESTIMATED),
        (date(2025, 3, 15), date(2025, 4, 14), 1_000, None, ReadType.ACTUAL),
    ]
    session.add_all(
        UsagePeriod(
            client_id=account.client_id,
            utility_account_id=account.id,
            period_start=s,
            period_end=e,
            wh=wh,
            demand_w=d,
            read_type=r,
            meter_number="M1",
        )
        for s, e, wh, d, r in periods
    )
    await session.commit()
    return account


async def rows(api, user, account, granularity: str, first: str | None, last: str | None) -> list[dict]:
    variables = {"ldc": account.ldc_account_number, "from": first, "to": last, "granularity": granularity}
    return (await api.run(CONSUMPTION, variables, user=user))["utilityAccount"]["consumption"]


class TestConsumption:
    async def test_periods_sharing_a_day_with_the_window(self, api, tenant, account):
        found = await rows(api, tenant.agent, account, "PERIOD", "2025-02-14", "2025-03-15")
        assert [(r["start"], r["end"], r["days"], r["kwh"], r["demandKw"], r["readType"]) for r in found] == [
            ("2025-01-15", "2025-02-14", 31, "31.000", "5.000", "ACTUAL"),
            ("2025-02-15", "2025-03-14", 28, "28.000", "7.250", "ESTIMATED"),
            ("2025-03-15", "2025-04-14", 31, "1.000", None, "ACTUAL"),
        ]
        assert found[0]["period"]["kwh"] == "31.000"
        assert found[0]["period"]["meterNumber"] == "M1"
        assert found[0]["period"]["sourceTransaction"] is None

    async def test_monthly_totals_are_prorated_by_days(self, api, tenant, account):
        months = await rows(api, tenant.agent, account, "MONTH", "2025-01-10", "2025-04-02")
        assert [
            (m["start"], m["end"], m["days"], m["kwh"], m["demandKw"], m["readType"], m["period"]) for m in months
        ] == [
            ("2025-01-01", "2025-01-31", 17, "17.000", "5.000", "ACTUAL", None),
            ("2025-02-01", "2025-02-28", 28, "28.000", "7.250", "ESTIMATED", None),  # 14 + 14
            # 28,000 x 14/28 = 14,000; 1,000 x 17/31 = 548.39 -> 548, the leftover Wh goes to April's .61
            ("2025-03-01", "2025-03-31", 31, "14.548", "7.250", "ESTIMATED", None),
            ("2025-04-01", "2025-04-30", 14, "0.452", None, "ACTUAL", None),
        ]
        assert sum(int(m["kwh"].replace(".", "")) for m in months) == 31_000 + 28_000 + 1_000

    async def test_a_window_without_usage_is_empty_or_zero(self, api, tenant, account):
        assert await rows(api, tenant.agent, account, "PERIOD", "2020-01-01", "2020-12-31") == []
        months = await rows(api, tenant.agent, account, "MONTH", "2020-01-01", "2020-02-29")
        assert [(m["start"], m["kwh"], m["days"]) for m in months] == [
            ("2020-01-01", "0.000", 0),
            ("2020-02-01", "0.000", 0),
        ]

    async def test_the_default_window_is_the_last_24_months(self, api, tenant, account):
        months = await rows(api, tenant.agent, account, "MONTH", None, None)
        assert len(months) == 24
        assert months[-1]["start"] == date.today().replace(day=1).isoformat()

    @pytest.mark.parametrize("first,last", [("2025-03-01", "2025-01-01"), ("2000-01-01", "2025-01-01")])
    async def test_reversed_or_long_windows_are_client_errors(self, api, tenant, account, first, last):
        variables = {"ldc": account.ldc_account_number, "from": first, "to": last, "granularity": "PERIOD"}
        errors = await api.errors(CONSUMPTION, variables, user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "CONSUMPTION_WINDOW_INVALID"

    async def test_usage_period_node_and_another_clients_ids(self, api, tenant, other_tenant, account):
        period_id = (await rows(api, tenant.agent, account, "PERIOD", "2025-01-01", "2025-01-31"))[0]["period"]["id"]
        query = ("query($id: ID!) { node(id: $id) { ... on UsagePeriod { periodStart kwh utilityAccount { "
                 "ldcAccountNumber } } } }")
        mine = await api.run(query, {"id": period_id}, user=tenant.agent)
        assert mine["node"] == {"periodStart": "2025-01-15", "kwh": "31.000",
                                "utilityAccount": {"ldcAccountNumber": account.ldc_account_number}}
        assert (await api.run(query, {"id": period_id}, user=other_tenant.agent))["node"] is None
