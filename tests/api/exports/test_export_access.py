"""Who may download the exports, whose rows they hold, and how bad query parameters are refused."""

from datetime import date

import pytest

from db.enums import Role
from resolvers.permissions import Action, can
from tests.api.exports.helpers import EXPORTS, download, export_rows
from tests.factories.accounts import make_account
from tests.factories.billing import make_invoice
from tests.factories.customers import make_customer


class TestWhoMayExport:
    @pytest.mark.parametrize("name", EXPORTS)
    @pytest.mark.parametrize("role", list(Role))
    async def test_team_leads_and_admins_export_agents_get_403(self, api, tenant, name, role):
        # when a user of each role asks for each export
        response = await download(api, name, tenant.user(role))
        # then the role table decides: TEAM_LEAD and ADMIN get the CSV, an AGENT a 403 saying why
        assert can(role, Action.EXPORT_DATA) == (role is not Role.AGENT)
        if can(role, Action.EXPORT_DATA):
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
            assert f'filename="{name}"' in response.headers["content-disposition"]
            assert response.headers["cache-control"] == "private, no-store"
        else:
            assert response.status_code == 403
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "FORBIDDEN"
            assert "TEAM_LEAD" in error["message"]

    @pytest.mark.parametrize("name", EXPORTS)
    async def test_no_token_is_401(self, api, name):
        response = await api.client.get(f"/files/exports/{name}")
        assert response.status_code == 401


class TestTenancy:
    async def test_every_export_holds_only_the_viewers_client(self, api, session, tenant, other_tenant):
        # given a customer with an account and an open invoice in each of two clients
        numbers = {}
        for owner in (tenant, other_tenant):
            customer = await make_customer(session, owner, f"Tenancy {owner.client.slug}")
            await make_account(session, customer)
            await make_invoice(session, customer, 4_200, due_on=date(2025, 2, 1))
            numbers[owner.client.id] = customer.number
        await session.commit()
        for owner in (tenant, other_tenant):
            for name in EXPORTS:
                # when each client's lead downloads each export
                rows = await export_rows(api, name, owner.lead)
                # then it holds that client's customer and nothing of the other's
                assert {row["customer_number"] for row in rows} == {numbers[owner.client.id]}, name


BAD_PARAMETERS = [
    # (export, query string, the parameter the error names, words of its message)
    ("ar-ledger.csv", "?from=2025-13-01", "from", "YYYY-MM-DD"),
    ("ar-ledger.csv", "?from=yesterday", "from", "YYYY-MM-DD"),
    ("ar-ledger.csv", "?to=2025-02-30", "to", "YYYY-MM-DD"),
    ("ar-ledger.csv", "?from=20250101", "from", "YYYY-MM-DD"),
    ("ar-ledger.csv", "?from=2025-03-01&to=2025-02-01", "to", "before"),
    ("ar-ledger.csv", "?from=2025-01-01&from=2025-02-01", "from", "more than once"),
    ("ar-ledger.csv", "?start=2025-01-01", "start", "Unknown"),
    ("aging.csv", "?asOf=01/02/2025", "asOf", "YYYY-MM-DD"),
    ("aging.csv", "?asOf=2025-01-01T00:00:00", "asOf", "YYYY-MM-DD"),
    ("aging.csv", "?as_of=2025-01-01", "as_of", "Unknown"),
    ("aging.csv", "?asOf=%00", "asOf", "YYYY-MM-DD"),
    ("customers.csv", "?limit=10", "limit", "Unknown"),
    ("utility-accounts.csv", "?status=ACTIVE", "status", "Unknown"),
]


class TestBadParameters:
    @pytest.mark.parametrize("name, query, parameter, words", BAD_PARAMETERS)
    async def test_bad_parameter_is_400_naming_it(self, api, tenant, name, query, parameter, words):
        # when an export is asked for with a parameter it cannot use
        response = await download(api, name, tenant.lead, query)
        # then a 400 names the parameter and says what is wrong, never a 500 or a partial file
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["parameter"] == parameter
        assert words in error["message"]
        assert "Traceback" not in response.text

    @pytest.mark.parametrize("name, query", [("ar-ledger.csv", "?from=&to="), ("ar-ledger.csv", "?from=2025-01-01"),
                                             ("ar-ledger.csv", "?to=2025-01-01"), ("aging.csv", "?asOf="),
                                             ("aging.csv", "?asOf=2024-02-29")])
    async def test_empty_or_one_sided_parameters_are_accepted(self, api, tenant, name, query):
        assert (await download(api, name, tenant.lead, query)).status_code == 200
