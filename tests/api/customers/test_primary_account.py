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
