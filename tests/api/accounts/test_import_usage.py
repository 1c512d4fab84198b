"""importUsage: usage periods from an uploaded CSV, all lines or none, each problem naming its line."""

import json
from datetime import date

import pytest

from db.enums import EnrollmentStatus as S
from tests.conftest import token_for
from tests.factories.accounts import make_account, make_usage
from tests.factories.customers import make_customer

IMPORT = """
mutation($input: ImportUsageInput!) { importUsage(input: $input) {
  periodCount accountCount clientMutationId userErrors { field code message } } }
"""
PERIODS = """
query($ldc: String!) { utilityAccount(ldcAccountNumber: $ldc) {
  consumption(from: "2024-01-01", to: "2026-12-31") { start end kwh demandKw readType period { meterNumber } }
  auditTrail(first: 5) { edges { node { action changes { field from to } } } } } }
"""
HEADER = "ldc_account_number,period_start,period_end,kwh,demand_kw,read_type,meter_number\n"
PREFLIGHT = {"apollo-require-preflight": "true"}


async def upload(api, user, text: str, headers: dict | None = None) -> dict:
    """importUsage with a CSV file, as a GraphQL multipart request."""
    operations = {"query": IMPORT, "variables": {"input": {"file": None, "clientMutationId": "u-1"}}}
    response = await api.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("usage.csv", text.encode(), "text/csv")},
        headers={"authorization": f"Bearer {token_for(user)}", **(PREFLIGHT if headers is None else headers)},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]["importUsage"]


@pytest.fixture
async def accounts(session, tenant, other_tenant):
    customer = await make_customer(session, tenant, "Import Holder")
    first = await make_account(session, customer, status=S.ACTIVE, ldc=f"IMP-A-{tenant.client.id}")
    second = await make_account(session, customer, status=S.ACTIVE, ldc=f"IMP-B-{tenant.client.id}")
    stored = await make_account(session, customer, status=S.ACTIVE, ldc=f"IMP-S-{tenant.client.id}")
    await make_usage(session, stored, 2, first=date(2025, 1, 1))  # Jan 1..Jan 31, Feb 1..Feb 28
    theirs = await make_customer(session, other_tenant, "Theirs")
    foreign = await make_account(session, theirs, ldc=f"IMP-F-{other_tenant.client.id}")
    await session.commit()
    return first, second, stored, foreign


async def periods_of(api, user, account) -> list[dict]:
    return (await api.run(PERIODS, {"ldc": account.ldc_account_number}, user=user))["utilityAccount"]["consumption"]


class TestImportUsage:
    async def test_a_good_file_is_imported_and_audited(self, api, tenant, accounts):
        first, second, _stored, _foreign = accounts
        text = HEADER + (
            f"{first.ldc_account_number},2025-01-15,2025-02-14,812.5,4.2,ACTUAL,M-9\n"
            f"{first.ldc_account_number},2025-02-15,2025-03-14,790,,estimated,\n"
            f"\n"
            f"{second.ldc_account_number},2025-01-01,2025-01-31,0.001,,,\n"
        )
        done = await upload(api, tenant.lead, text)
        assert done == {"periodCount": 3, "accountCount": 2, "clientMutationId": "u-1", "userErrors": []}
        shown = await periods_of(api, tenant.agent, first)
        assert [(p["start"], p["kwh"], p["demandKw"], p["readType"], p["period"]["meterNumber"]) for p in shown] == [
            ("2025-01-15", "812.500", "4.200", "ACTUAL", "M-9"), ("2025-02-15", "790.000", None, "ESTIMATED", None)]
        audit = (await api.run(PERIODS, {"ldc": first.ldc_account_number}, user=tenant.agent))["utilityAccount"][
            "auditTrail"
        ]
        assert audit["edges"][0]["node"] == {"action": "usage.import",
                                             "changes": [{"field": "usagePeriods", "from": None, "to": 2}]}

    async def test_header_columns_in_any_order_and_case_with_a_bom(self, api, tenant, accounts):
        first = accounts[0]
        text = (
            "\ufeffKWH,Period_End,period_start,LDC_Account_Number\n"
            f"10,2026-01-31,2026-01-01,{first.ldc_account_number}\n"
        )
        assert (await upload(api, tenant.admin, text))["periodCount"] == 1

    async def test_every_bad_line_is_named_and_nothing_is_written(self, api, tenant, accounts):
        first, second, stored, foreign = accounts
        text = HEADER + (
            f"{first.ldc_account_number},2025-01-01,2025-01-31,100,,,\n"          # 2: fine
            f"{first.ldc_account_number},2025-01-20,2025-02-10,100,,,\n"          # 3: overlaps line 2
            f"{second.ldc_account_number},2025-03-10,2025-03-01,100,,,\n"         # 4: ends before it starts
            f"{second.ldc_account_number},2025-04-01,2025-04-30,-5,,,\n"          # 5: negative kWh
            f"{second.ldc_account_number},2025-05-01,2025-05-31,5,-1,,\n"         # 6: negative demand
            f"{second.ldc_account_number},2025/06/01,2025-06-30,5,,,\n"           # 7: bad date
            f"{second.ldc_account_number},2025-02-30,2025-03-30,5,,,\n"           # 8: no such day
            f"NOPE-LDC,2025-01-01,2025-01-31,5,,,\n"                              # 9: unknown LDC
            f"{foreign.ldc_account_number},2025-01-01,2025-01-31,5,,,\n"          # 10: another client's LDC
            f"{stored.ldc_account_number},2025-01-25,2025-02-05,5,,,\n"           # 11: overlaps a stored period
            f"{second.ldc_account_number},2025-07-01,2025-07-31,abc,,,\n"         # 12: not a number
            f"{second.ldc_account_number},2025-08-01,2025-08-31,1.2345,,,\n"      # 13: too many decimals
            f"{second.ldc_account_number},2025-09-01,2025-09-30,5,,GUESSED,\n"    # 14: bad read type
        )
        done = await upload(api, tenant.lead, text)
        assert done["periodCount"] is None
        found = [(e["code"], e["message"].split(":")[0]) for e in done["userErrors"]]
        assert found == [
            ("USAGE_OVERLAP", "Line 3"), ("USAGE_END_BEFORE_START", "Line 4"), ("USAGE_BAD_QUANTITY", "Line 5"),
            ("USAGE_BAD_QUANTITY", "Line 6"), ("USAGE_BAD_DATE", "Line 7"), ("USAGE_BAD_DATE", "Line 8"),
            ("USAGE_BAD_QUANTITY", "Line 12"), ("USAGE_BAD_QUANTITY", "Line 13"), ("USAGE_BAD_READ_TYPE", "Line 14"),
        ]
        assert all(e["field"] == ["input", "file"] for e in done["userErrors"])
        assert "overlaps line 2" in done["userErrors"][0]["message"]
        assert await periods_of(api, tenant.agent, first) == []

    async def test_unknown_accounts_and_stored_overlaps_once_the_lines_are_well_formed(self, api, tenant, accounts):
        first, _second, stored, foreign = accounts
        text = HEADER + (
            f"{first.ldc_account_number},2025-01-01,2025-01-31,100,,,\n"
            f"NOPE-LDC,2025-01-01,2025-01-31,5,,,\n"
            f"{foreign.ldc_account_number},2025-01-01,2025-01-31,5,,,\n"
            f"{stored.ldc_account_number},2025-01-25,2025-02-05,5,,,\n"
            f"{stored.ldc_account_number},2025-03-01,2025-03-31,5,,,\n"
        )
        done = await upload(api, tenant.lead, text)
        assert [(e["code"], e["message"].split(":")[0]) for e in done["userErrors"]] == [
            ("USAGE_UNKNOWN_ACCOUNT", "Line 3"), ("USAGE_UNKNOWN_ACCOUNT", "Line 4"), ("USAGE_OVERLAP", "Line 5")]
        assert "stored period 2025-02-01..2025-02-28" in done["userErrors"][2]["message"]
        assert await periods_of(api, tenant.agent, first) == []
        assert len(await periods_of(api, tenant.agent, stored)) == 2

    @pytest.mark.parametrize("text,message", [
        ("ldc_account_number,period_start,kwh\nX,2025-01-01,1\n", "missing period_end"),
        (HEADER, "no usage lines"),
        ("", "missing ldc_account_number"),
    ])
    async def test_a_file_without_the_columns_or_lines_is_refused(self, api, tenant, accounts, text, message):
        done = await upload(api, tenant.lead, text)
        assert [e["code"] for e in done["userErrors"]] == ["USAGE_FILE_INVALID"]
        assert message in done["userErrors"][0]["message"]

    async def test_agents_may_not_import(self, api, tenant, accounts):
        text = HEADER + f"{accounts[0].ldc_account_number},2025-01-01,2025-01-31,100,,,\n"
        assert [e["code"] for e in (await upload(api, tenant.agent, text))["userErrors"]] == ["FORBIDDEN"]

    async def test_multipart_needs_the_preflight_header(self, api, tenant, accounts):
        operations = {"query": IMPORT, "variables": {"input": {"file": None}}}
        response = await api.client.post(
            "/graphql", data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
            files={"0": ("usage.csv", HEADER.encode(), "text/csv")},
            headers={"authorization": f"Bearer {token_for(tenant.lead)}"},
        )
        assert response.status_code >= 400
