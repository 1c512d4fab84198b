"""The search panel through the API: each filter, combinations, ordering and paging."""

import pytest

from db.enums import CustomerKind, EnrollmentStatus
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.customers import make_customer

SEARCH = """
query Search($search: CustomerSearch, $first: Int, $after: String, $last: Int, $before: String,
             $orderBy: CustomerOrder! = NAME) {
  customers(search: $search, first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { number name primaryAccount { ldcAccountNumber status market { code }
      utility { code } ratePlan { code } startDate endDate premise { serviceAddress { line1 city state zip } } } } }
  }
}
"""


def names(data: dict) -> list[str]:
    return [e["node"]["name"] for e in data["customers"]["edges"]]


@pytest.fixture
async def panel(session, tenant):
    """Five customers in different markets, statuses and addresses."""
    plan = await make_rate_plan(session, tenant.client.id, "TX", code="TX-12")
    ann = await make_customer(session, tenant, "Ann Smith")
    await make_account(session, ann, utility="ONCOR", ldc="10443720000000001", line1="12 Maple Ave", plan=plan)
    bob = await make_customer(session, tenant, "Bob Smithers")
    await make_account(session, bob, utility="PECO", status=EnrollmentStatus.DROPPED, line1="9 Oak St",
                       city="Philadelphia", state="PA")
    await make_account(session, bob, utility="ONCOR", status=EnrollmentStatus.PENDING, line1="77 Elm Rd")
    carla = await make_customer(session, tenant, "Carla Núñez", kind=CustomerKind.COMMERCIAL)
    await make_account(session, carla, utility="CENTERPOINT", status=EnrollmentStatus.ACTIVE, line1="500 Maple Blvd")
    await make_account(session, await make_customer(session, tenant, "Dan Jones"), utility="PPL",
                       status=EnrollmentStatus.ACTIVE, city="Allentown", state="PA", line1="3 Hill Ln")
    await make_customer(session, tenant, "Eve Adams", billing=("44 Harbor View", None, "Austin", "TX", "73301"))
    await session.commit()
    return tenant


class TestSearchFilters:
    async def test_no_filter_lists_every_customer_of_the_client_by_name(self, api, panel, other_tenant, session):
        await make_customer(session, other_tenant, "Zed Outsider")
        await session.commit()
        data = await api.run(SEARCH, user=panel.agent)
        assert names(data) == ["Ann Smith", "Bob Smithers", "Carla Núñez", "Dan Jones", "Eve Adams"]
        assert data["customers"]["totalCount"] == 5

    async def test_ldc_number_is_exact(self, api, panel):
        data = await api.run(SEARCH, {"search": {"ldcAccountNumber": "10443720000000001"}}, user=panel.agent)
        assert names(data) == ["Ann Smith"]
        none = await api.run(SEARCH, {"search": {"ldcAccountNumber": "1044372000000000"}}, user=panel.agent)
        assert names(none) == []

    @pytest.mark.parametrize("typed, expected", [
        ("smith", ["Ann Smith", "Bob Smithers"]),
        ("SMITHERS", ["Bob Smithers"]),
        ("smi an", ["Ann Smith"]),
        ("nunez", ["Carla Núñez"]),
        ("carla núñ", ["Carla Núñez"]),
        ("mith", []),
    ])
    async def test_name_matches_word_prefixes_in_any_case_and_accent(self, api, panel, typed, expected):
        data = await api.run(SEARCH, {"search": {"name": typed}}, user=panel.agent)
        assert names(data) == expected

    async def test_address_contains_in_service_or_billing_address(self, api, panel):
        maple = await api.run(SEARCH, {"search": {"address": "MAPLE"}}, user=panel.agent)
        assert names(maple) == ["Ann Smith", "Carla Núñez"]
        billing = await api.run(SEARCH, {"search": {"address": "harbor vi"}}, user=panel.agent)
        assert names(billing) == ["Eve Adams"]
        infix = await api.run(SEARCH, {"search": {"address": "lm rd"}}, user=panel.agent)
        assert names(infix) == ["Bob Smithers"]

    async def test_address_shorter_than_a_trigram_is_a_clear_error(self, api, panel):
        errors = await api.errors(SEARCH, {"search": {"address": "ma"}}, user=panel.agent)
        assert errors[0]["extensions"]["code"] == "SEARCH_TERM_TOO_SHORT"
        assert "at least 3" in errors[0]["message"]

    async def test_status_market_and_utility_must_match_the_same_account(self, api, panel):
        active_tx = await api.run(SEARCH, {"search": {"status": "ACTIVE", "market": "TX"}}, user=panel.agent)
        assert names(active_tx) == ["Ann Smith", "Carla Núñez"]
        # Bob has a DROPPED account in PA and a PENDING one in TX: not DROPPED in TX
        dropped_tx = await api.run(SEARCH, {"search": {"status": "DROPPED", "market": "TX"}}, user=panel.agent)
        assert names(dropped_tx) == []
        dropped_pa = await api.run(SEARCH, {"search": {"status": "DROPPED", "market": "pa"}}, user=panel.agent)
        assert names(dropped_pa) == ["Bob Smithers"]
        oncor = await api.run(SEARCH, {"search": {"utility": "ONCOR"}}, user=panel.agent)
        assert names(oncor) == ["Ann Smith", "Bob Smithers"]

    async def test_filters_combine_with_and(self, api, panel):
        data = await api.run(SEARCH, {"search": {"name": "smith", "market": "PA"}}, user=panel.agent)
        assert names(data) == ["Bob Smithers"]
        assert data["customers"]["totalCount"] == 1

    async def test_text_matches_number_ldc_name_or_address(self, api, panel):
        by_name = await api.run(SEARCH, {"search": {"text": "jones"}}, user=panel.agent)
        assert names(by_name) == ["Dan Jones"]
        by_ldc = await api.run(SEARCH, {"search": {"text": "10443720000000001"}}, user=panel.agent)
        assert names(by_ldc) == ["Ann Smith"]
        by_address = await api.run(SEARCH, {"search": {"text": "hill ln"}}, user=panel.agent)
        assert names(by_address) == ["Dan Jones"]
        number = by_name["customers"]["edges"][0]["node"]["number"]
        by_number = await api.run(SEARCH, {"search": {"text": number}}, user=panel.agent)
        assert names(by_number) == ["Dan Jones"]

    async def test_results_grid_columns_come_from_the_primary_account(self, api, panel):
        data = await api.run(SEARCH, {"search": {"name": "bob"}}, user=panel.agent)
        row = data["customers"]["edges"][0]["node"]["primaryAccount"]
        # Bob's PENDING account ranks above his DROPPED one
        assert row["status"] == "PENDING"
        assert row["market"]["code"] == "TX"
        assert row["utility"]["code"] == "ONCOR"
        assert row["premise"]["serviceAddress"] == {
            "line1": "77 Elm Rd",
            "city": "Dallas",
            "state": "TX",
            "zip": "75201",
        }
        ann = await api.run(SEARCH, {"search": {"name": "ann"}}, user=panel.agent)
        ann_row = ann["customers"]["edges"][0]["node"]["primaryAccount"]
        assert ann_row["ratePlan"] == {"code": "TX-12"}
        assert ann_row["startDate"] == "2025-01-01"

    async def test_other_clients_customers_never_match(self, api, panel, other_tenant):
        data = await api.run(SEARCH, {"search": {"name": "smith"}}, user=other_tenant.agent)
        assert names(data) == []
        assert data["customers"]["totalCount"] == 0

    @pytest.mark.parametrize(("search", "expected"), [
        ({"address": "maple"}, ["Ann Smith", "Carla Núñez"]),
        ({"address": "12 maple ave"}, ["Ann Smith"]),
        ({"address": "1 billing rd"}, ["Ann Smith", "Bob Smithers", "Carla Núñez", "Dan Jones"]),
        ({"name": "smith"}, ["Ann Smith", "Bob Smithers"]),
        ({"text": "maple"}, ["Ann Smith", "Carla Núñez"]),
    ])
    async def test_another_clients_namesakes_and_neighbours_are_neither_listed_nor_counted(
            self, api, panel, other_tenant, session, search, expected):
        # given another client's customers at the same addresses, with the same names (the address index and the
        # name tokens hold every client's)
        for name, line1 in (("Ann Smith", "12 Maple Ave"), ("Bob Smithers", "500 Maple Blvd")):
            await make_account(session, await make_customer(session, other_tenant, name), utility="ONCOR", line1=line1)
        await session.commit()
        every = await api.run(SEARCH, {"search": search, "first": 10}, user=panel.agent)
        assert names(every) == expected
        # a page of one: counted by the search, not from the page's rows
        one = await api.run(SEARCH, {"search": search, "first": 1}, user=panel.agent)
        assert one["customers"]["totalCount"] == len(expected)


class TestSearchPaging:
    async def test_forward_pages_cover_everything_once(self, api, panel):
        first = await api.run(SEARCH, {"first": 2}, user=panel.agent)
        assert names(first) == ["Ann Smith", "Bob Smithers"]
        assert first["customers"]["pageInfo"]["hasNextPage"] is True
        assert first["customers"]["pageInfo"]["hasPreviousPage"] is False
        second = await api.run(
            SEARCH, {"first": 2, "after": first["customers"]["pageInfo"]["endCursor"]}, user=panel.agent
        )
        assert names(second) == ["Carla Núñez", "Dan Jones"]
        assert second["customers"]["pageInfo"]["hasPreviousPage"] is True
        third = await api.run(
            SEARCH, {"first": 2, "after": second["customers"]["pageInfo"]["endCursor"]}, user=panel.agent
        )
        assert names(third) == ["Eve Adams"]
        assert third["customers"]["pageInfo"]["hasNextPage"] is False

    async def test_backward_pages_keep_the_same_order(self, api, panel):
        last = await api.run(SEARCH, {"last": 2}, user=panel.agent)
        assert names(last) == ["Dan Jones", "Eve Adams"]
        assert last["customers"]["pageInfo"]["hasPreviousPage"] is True
        before = await api.run(
            SEARCH, {"last": 2, "before": last["customers"]["pageInfo"]["startCursor"]}, user=panel.agent
        )
        assert names(before) == ["Bob Smithers", "Carla Núñez"]
        assert before["customers"]["pageInfo"]["hasNextPage"] is True

    async def test_order_by_number(self, api, panel):
        data = await api.run(SEARCH, {"orderBy": "NUMBER", "first": 5}, user=panel.agent)
        numbers = [e["node"]["number"] for e in data["customers"]["edges"]]
        assert numbers == sorted(numbers)
        assert len(numbers) == 5
        page2 = await api.run(
            SEARCH,
            {"orderBy": "NUMBER", "first": 2, "after": data["customers"]["edges"][1]["cursor"]},
            user=panel.agent,
        )
        assert [e["node"]["number"] for e in page2["customers"]["edges"]] == numbers[2:4]

    @pytest.mark.parametrize(
        "cursor", ["garbage", "WyJhIl0=", "WyJuYW1lIiwgMSwgMl0=", "WyJuYW1lIiwgbnVsbCwgbnVsbF0=", ""]
    )
    async def test_invalid_cursor_is_a_client_error(self, api, panel, cursor):
        errors = await api.errors(SEARCH, {"first": 2, "after": cursor or "!!"}, user=panel.agent)
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR"

    async def test_a_name_cursor_is_refused_when_ordering_by_number(self, api, panel):
        page = await api.run(SEARCH, {"first": 1}, user=panel.agent)
        errors = await api.errors(
            SEARCH,
            {"first": 1, "orderBy": "NUMBER", "after": page["customers"]["pageInfo"]["endCursor"]},
            user=panel.agent,
        )
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR"

    @pytest.mark.parametrize("args", [{"first": 101}, {"last": 101}, {"first": -1}, {"first": 2, "last": 2}])
    async def test_page_size_limits_are_client_errors(self, api, panel, args):
        errors = await api.errors(SEARCH, args, user=panel.agent)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
