"""`Customer.primaryAccount` answers on every path to a customer, however deep the customer/account nesting."""

import pytest

from db.enums import EnrollmentStatus
from graph.core.relay import to_global_id
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

DEEP = "primaryAccount { id customer { primaryAccount { id customer { primaryAccount { id } } } } }"
PATHS = {
    "node": f"query($c: ID!) {{ node(id: $c) {{ ... on Customer {{ {DEEP} }} }} }}",
    "nodes": f"query($c: ID!) {{ nodes(ids: [$c, $c]) {{ ... on Customer {{ {DEEP} }} }} }}",
    "account node": f"query($a: ID!) {{ node(id: $a) {{ ... on UtilityAccount {{ customer {{ {DEEP} }} }} }} }}",
    "utilityAccount.customer": (f"query($l: String!) {{ utilityAccount(ldcAccountNumber: $l) {{ customer {{ {DEEP} "
                                f"}} }} }}"),
    "customer(number)": f"query($n: String!) {{ customer(number: $n) {{ {DEEP} }} }}",
    "utilityAccounts.customer": "query($n: String!) { customer(number: $n) { utilityAccounts(first: 5) { edges { "
                                "node { "
    f"customer {{ {DEEP} }} }} }} }} }} }}",
    "search": f"query($n: String!) {{ customers(search: {{text: $n}}) {{ edges {{ node {{ {DEEP} }} }} }} }}",
    "children.master": "query($m: String!) { customer(number: $m) { children(first: 5) { edges { node { "
    f"{DEEP} master {{ children(first: 5) {{ edges {{ node {{ primaryAccount {{ id }} }} }} }} }} }} }} }} }} }}",
}


def primary_ids(value) -> list[str]:
    """Every primaryAccount id anywhere in the answer."""
    if isinstance(value, list):
        return [i for v in value for i in primary_ids(v)]
    if not isinstance(value, dict):
        return []
    found = [value["primaryAccount"]["id"]] if value.get("primaryAccount") else []
    return found + [i for v in value.values() for i in primary_ids(v)]


@pytest.fixture
async def holder(session, tenant):
    """A customer under a master with a DROPPED account (older) and an ACTIVE one: the ACTIVE one is primary."""
    master = await make_customer(session, tenant, "Prime Holdings", is_master=True)
    customer = await make_customer(session, tenant, "Prima Pathways", master=master)
    dropped = await make_account(session, customer, status=EnrollmentStatus.DROPPED, ldc="PRIME-DROPPED")
    active = await make_account(session, customer, status=EnrollmentStatus.ACTIVE)
    await session.commit()
    return {"c": to_global_id("Customer", customer.id), "a": to_global_id("UtilityAccount", dropped.id),
            "l": "PRIME-DROPPED", "n": customer.number, "m": master.number,
            "primary": to_global_id("UtilityAccount", active.id)}


class TestPrimaryAccountOnEveryPath:
    @pytest.mark.parametrize("path", PATHS)
    async def test_answers_without_error_however_nested(self, api, tenant, holder, path):
        # given a query reaching the customer this way, then nesting account -> customer -> account
        query = PATHS[path]
        variables = {name: holder[name] for name in ("c", "a", "l", "n", "m") if f"${name}" in query}
        # when
        data = await api.run(query, variables, user=tenant.agent)
        # then every level shows the ACTIVE account
        found = primary_ids(data)
        assert len(found) >= 3, data
        assert set(found) == {holder["primary"]}, data


GRID = """query($s: CustomerSearch!) { customers(search: $s, first: 20) {
  edges { node { number primaryAccount { ldcAccountNumber status market { code } utility { code } } } } } }"""


@pytest.mark.parametrize("search", [{"name": "grid"}, {"ldcAccountNumber": "GRID-1-ACTIVE"}, {"status": "ACTIVE"},
                                    {"address": "main st"}])
async def test_the_grid_reads_its_primary_accounts_in_the_search_session(api, session, tenant, search):
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    for n in range(3):
        customer = await make_customer(session, tenant, f"Grid Holder {n}")
        await make_account(session, customer, status=EnrollmentStatus.DROPPED, ldc=f"GRID-{n}-DROPPED")
        await make_account(session, customer, ldc=f"GRID-{n}-ACTIVE", line1=f"{n} Main St")
    await session.commit()
    await api.run(GRID, {"s": search}, user=tenant.agent)  # signs in and caches markets and utilities
    checkouts = []
    checked_out = lambda *args: checkouts.append(args)  # noqa: E731
    event.listen(Pool, "checkout", checked_out)
    try:
        data = await api.run(GRID, {"s": search}, user=tenant.agent)
    finally:
        event.remove(Pool, "checkout", checked_out)
    primaries = [edge["node"]["primaryAccount"] for edge in data["customers"]["edges"]]
    assert primaries
    assert all(p["status"] == "ACTIVE" and p["ldcAccountNumber"].endswith("-ACTIVE") for p in primaries)
    assert len(checkouts) == 1  # the search's session: the primary accounts came with it
