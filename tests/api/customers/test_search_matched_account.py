"""The results grid shows, per row, the account that matched the search (`matchedAccount`), not just the primary one."""

from datetime import date

import pytest

from db.enums import EnrollmentStatus as S
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

GRID = """
query Grid($search: CustomerSearch, $first: Int, $after: String) {
  customers(search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { name primaryAccount { ldcAccountNumber } }
            matchedAccount { ldcAccountNumber status market { code } utility { code }
                             premise { serviceAddress { line1 city } } } }
  }
}
"""


@pytest.fixture
async def holders(session, tenant):
    """Mia holds accounts in four statuses, three markets, four utilities; Noah one ACTIVE and one DROPPED."""
    mia = await make_customer(session, tenant, "Mia Many")
    await make_account(session, mia, ldc="MIA-ACTIVE", utility="ONCOR", status=S.ACTIVE, line1="1 Main St")
    await make_account(session, mia, ldc="MIA-DROP-PA", utility="PECO", status=S.DROPPED, line1="55 Penn Ave",
                       city="Philadelphia", state="PA", start=date(2024, 6, 1))
    await make_account(session, mia, ldc="MIA-DROP-OH", utility="AEPOH", status=S.DROPPED, line1="8 Lake Rd",
                       city="Columbus", state="OH", start=date(2023, 6, 1))
    await make_account(session, mia, ldc="MIA-PENDING", utility="CENTERPOINT", status=S.PENDING, line1="20 Bayou Dr",
                       city="Houston")
    noah = await make_customer(session, tenant, "Noah Two")
    await make_account(session, noah, ldc="NOAH-ACTIVE", utility="PPL", status=S.ACTIVE, city="Allentown", state="PA")
    await make_account(session, noah, ldc="NOAH-DROPPED", utility="ONCOR", status=S.DROPPED, line1="3 Elm St")
    await make_customer(session, tenant, "Nell None")  # no accounts at all
    await session.commit()
    return tenant


def rows(data: dict) -> dict[str, str | None]:
    """Each row's customer name and the LDC number of the account it shows."""
    return {e["node"]["name"]: (e["matchedAccount"] or {}).get("ldcAccountNumber") for e in data["customers"]["edges"]}


# (search, the account each row shows)
CASES = [
    ({"status": "DROPPED"}, {"Mia Many": "MIA-DROP-PA", "Noah Two": "NOAH-DROPPED"}),
    ({"status": "DROPPED", "market": "OH"}, {"Mia Many": "MIA-DROP-OH"}),
    ({"status": "DROPPED", "market": "TX"}, {"Noah Two": "NOAH-DROPPED"}),
    ({"status": "PENDING"}, {"Mia Many": "MIA-PENDING"}),
    ({"utility": "CENTERPOINT"}, {"Mia Many": "MIA-PENDING"}),
    ({"market": "PA"}, {"Mia Many": "MIA-DROP-PA", "Noah Two": "NOAH-ACTIVE"}),
    ({"market": "PA", "status": "ACTIVE"}, {"Noah Two": "NOAH-ACTIVE"}),
    ({"utility": "ONCOR", "status": "ACTIVE"}, {"Mia Many": "MIA-ACTIVE"}),
    ({"status": "PENDING_DROP"}, {}),
    ({"ldcAccountNumber": "MIA-DROP-OH"}, {"Mia Many": "MIA-DROP-OH"}),
    ({"text": "MIA-DROP-OH"}, {"Mia Many": "MIA-DROP-OH"}),
    ({"ldcAccountNumber": "MIA-DROP-OH", "status": "PENDING"}, {"Mia Many": "MIA-PENDING"}),
    ({"address": "penn ave"}, {"Mia Many": "MIA-DROP-PA"}),
    ({"text": "bayou dr"}, {"Mia Many": "MIA-PENDING"}),
    ({"address": "elm st", "status": "DROPPED"}, {"Noah Two": "NOAH-DROPPED"}),
    ({"name": "mia"}, {"Mia Many": "MIA-ACTIVE"}),
    ({"name": "n"}, {"Nell None": None, "Noah Two": "NOAH-ACTIVE"}),
    (None, {"Mia Many": "MIA-ACTIVE", "Nell None": None, "Noah Two": "NOAH-ACTIVE"}),
]


class TestMatchedAccount:
    @pytest.mark.parametrize("search,expected", CASES, ids=[str(c[0]) for c in CASES])
    async def test_each_row_shows_the_account_that_matched(self, api, holders, search, expected):
        data = await api.run(GRID, {"search": search}, user=holders.agent)
        assert rows(data) == expected
        assert data["customers"]["totalCount"] == len(expected)
        for edge in data["customers"]["edges"]:
            shown = edge["matchedAccount"]
            if shown and search and search.get("status"):
                assert shown["status"] == search["status"]
            if shown and search and search.get("market"):
                assert shown["market"]["code"] == search["market"]

    async def test_primary_account_keeps_its_meaning(self, api, holders):
        data = await api.run(GRID, {"search": {"status": "DROPPED"}}, user=holders.agent)
        primaries = {
            e["node"]["name"]: e["node"]["primaryAccount"]["ldcAccountNumber"] for e in data["customers"]["edges"]
        }
        assert primaries == {"Mia Many": "MIA-ACTIVE", "Noah Two": "NOAH-ACTIVE"}

    async def test_pages_keep_rows_and_count_consistent(self, api, holders):
        seen, after = {}, None
        while True:
            data = await api.run(
                GRID, {"search": {"status": "DROPPED"}, "first": 1, "after": after}, user=holders.agent
            )
            assert data["customers"]["totalCount"] == 2
            seen.update(rows(data))
            if not data["customers"]["pageInfo"]["hasNextPage"]:
                break
            after = data["customers"]["pageInfo"]["endCursor"]
        assert seen == {"Mia Many": "MIA-DROP-PA", "Noah Two": "NOAH-DROPPED"}


async def statements(api, count_sql, tenant) -> int:
    await api.run(GRID, {"search": {"status": "ACTIVE"}}, user=tenant.agent)
    with count_sql() as counter:
        data = await api.run(GRID, {"search": {"status": "ACTIVE"}}, user=tenant.agent)
    assert all(e["matchedAccount"]["status"] == "ACTIVE" for e in data["customers"]["edges"])
    return counter.count


async def test_statements_do_not_grow_with_rows(api, session, tenant, other_tenant, count_sql):
    for owner, customers in ((tenant, 1), (other_tenant, 15)):
        for n in range(customers):
            customer = await make_customer(session, owner, f"Row {n:02d}")
            await make_account(session, customer, status=S.DROPPED, utility="PECO", state="PA")
            await make_account(session, customer, status=S.ACTIVE)
    await session.commit()
    assert await statements(api, count_sql, tenant) == await statements(api, count_sql, other_tenant)
