"""Organizational masters: create them, assign and detach children; no cycles, no other clients."""

import pytest

from db.enums import CustomerKind, Role
from graph.core.relay import to_global_id
from tests.factories.customers import make_customer

CREATE = """
mutation Create($input: CreateMasterCustomerInput!) {
  createMasterCustomer(input: $input) {
    customer { id number name kind isMaster email billingAddress { city } }
    userErrors { field code message }
    clientMutationId
  }
}
"""
ASSIGN = """
mutation Assign($input: AssignCustomersToMasterInput!) {
  assignCustomersToMaster(input: $input) {
    master { name children(first: 10) { totalCount edges { node { name } } } }
    customers { name master { name } hierarchyTrail { name } }
    userErrors { field code message }
  }
}
"""
TRAIL = "query($n: String!) { customer(number: $n) { master { name } hierarchyTrail { name } } }"


def gid(customer) -> str:
    return to_global_id("Customer", customer.id)


class TestCreateMasterCustomer:
    async def test_admin_creates_a_master(self, api, tenant):
        payload = (await api.run(CREATE, {"input": {
            "name": "Granite Holdings", "email": "AP@Granite.example", "billingAddress": {"city": "Austin"},
            "clientMutationId": "m1"}}, user=tenant.admin))["createMasterCustomer"]
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "m1"
        created = payload["customer"]
        assert created["isMaster"] is True
        assert created["kind"] == "COMMERCIAL"
        assert created["email"] == "AP@granite.example"  # the domain is normalized, the local part kept
        search = await api.run(
            '{ customers(search: {name: "granite"}) { edges { node { number } } } }', user=tenant.agent
        )
        assert search["customers"]["edges"] == [{"node": {"number": created["number"]}}]

    @pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD])
    async def test_other_roles_are_refused_and_nothing_is_created(self, api, tenant, role):
        payload = (await api.run(CREATE, {"input": {"name": "Sneaky Co"}}, user=tenant.user(role)))[
            "createMasterCustomer"
        ]
        assert payload["customer"] is None
        assert payload["userErrors"][0]["code"] == "FORBIDDEN"
        search = await api.run('{ customers(search: {name: "sneaky"}) { totalCount } }', user=tenant.agent)
        assert search["customers"]["totalCount"] == 0

    async def test_blank_name_and_bad_email_are_user_errors(self, api, tenant):
        blank = (await api.run(CREATE, {"input": {"name": "  "}}, user=tenant.admin))["createMasterCustomer"]
        assert blank["userErrors"] == [
            {"field": ["input", "name"], "code": "BLANK_NAME", "message": "Name cannot be blank."}
        ]
        bad = (await api.run(CREATE, {"input": {"name": "X Co", "email": "not-an-email"}}, user=tenant.admin))[
            "createMasterCustomer"
        ]
        assert bad["userErrors"][0]["code"] == "INVALID_EMAIL"
        assert bad["userErrors"][0]["field"] == ["input", "email"]


class TestAssignCustomersToMaster:
    async def test_assign_then_detach(self, api, session, tenant):
        # given
        master = await make_customer(session, tenant, "Harbor Group", kind=CustomerKind.COMMERCIAL, is_master=True)
        a = await make_customer(session, tenant, "Harbor Bakery")
        b = await make_customer(session, tenant, "Harbor Dental")
        await session.commit()
        # when
        payload = (await api.run(ASSIGN, {"input": {"masterId": gid(master), "customerIds": [gid(a), gid(b)]}},
                                 user=tenant.admin))["assignCustomersToMaster"]
        # then
        assert payload["userErrors"] == []
        assert payload["master"]["children"]["totalCount"] == 2
        assert payload["customers"][0]["hierarchyTrail"] == [{"name": "Harbor Group"}, {"name": "Harbor Bakery"}]
        # when detached
        detached = (await api.run(ASSIGN, {"input": {"masterId": None, "customerIds": [gid(a)]}},
                                  user=tenant.admin))["assignCustomersToMaster"]
        assert detached["userErrors"] == []
        assert detached["master"] is None
        assert detached["customers"] == [
            {"name": "Harbor Bakery", "master": None, "hierarchyTrail": [{"name": "Harbor Bakery"}]}
        ]
        trail = await api.run(TRAIL, {"n": b.number}, user=tenant.agent)
        assert trail["customer"]["master"] == {"name": "Harbor Group"}

    async def test_assignments_are_audited(self, api, session, tenant):
        master = await make_customer(session, tenant, "Audit Group", is_master=True)
        child = await make_customer(session, tenant, "Audit Child")
        await session.commit()
        await api.run(ASSIGN, {"input": {"masterId": gid(master), "customerIds": [gid(child)]}}, user=tenant.admin)
        query = ("query($n: String!) { customer(number: $n) { auditTrail(first: 5) { edges { node { action actor { "
                 "email } changes { field from to } } } } } }")
        events = (await api.run(query, {"n": child.number}, user=tenant.agent))["customer"]["auditTrail"]["edges"]
        assert events[0]["node"] == {"action": "customer.assign_master", "actor": {"email": tenant.admin.email},
                                     "changes": [{"field": "master_id", "from": None, "to": master.id}]}

    async def test_a_cycle_is_refused_and_nothing_moves(self, api, session, tenant):
        top = await make_customer(session, tenant, "Top", is_master=True)
        middle = await make_customer(session, tenant, "Middle", is_master=True, master=top)
        await session.commit()
        # placing Top under Middle would make Top its own grandparent
        payload = (await api.run(ASSIGN, {"input": {"masterId": gid(middle), "customerIds": [gid(top)]}},
                                 user=tenant.admin))["assignCustomersToMaster"]
        assert payload["userErrors"][0]["code"] == "HIERARCHY_CYCLE"
        assert payload["userErrors"][0]["field"] == ["input", "customerIds", "0"]
        assert (await api.run(TRAIL, {"n": top.number}, user=tenant.agent))["customer"]["master"] is None

    async def test_a_customer_cannot_be_its_own_master(self, api, session, tenant):
        master = await make_customer(session, tenant, "Selfish Co", is_master=True)
        await session.commit()
        payload = (await api.run(ASSIGN, {"input": {"masterId": gid(master), "customerIds": [gid(master)]}},
                                 user=tenant.admin))["assignCustomersToMaster"]
        assert payload["userErrors"][0]["code"] == "HIERARCHY_CYCLE"

    async def test_target_must_be_a_master(self, api, session, tenant):
        plain = await make_customer(session, tenant, "Plain Person")
        child = await make_customer(session, tenant, "Other Person")
        await session.commit()
        payload = (await api.run(ASSIGN, {"input": {"masterId": gid(plain), "customerIds": [gid(child)]}},
                                 user=tenant.admin))["assignCustomersToMaster"]
        assert payload["userErrors"][0]["code"] == "NOT_A_MASTER"

    async def test_one_bad_id_fails_the_whole_batch(self, api, session, tenant, other_tenant):
        master = await make_customer(session, tenant, "Batch Group", is_master=True)
        mine = await make_customer(session, tenant, "Mine")
        theirs = await make_customer(session, other_tenant, "Theirs")
        await session.commit()
        payload = (await api.run(ASSIGN, {"input": {"masterId": gid(master), "customerIds": [gid(mine), gid(theirs)]}},
                                 user=tenant.admin))["assignCustomersToMaster"]
        assert payload["userErrors"] == [{"field": ["input", "customerIds", "1"], "code": "NOT_FOUND",
                                          "message": "Customer not found."}]
        assert (await api.run(TRAIL, {"n": mine.number}, user=tenant.agent))["customer"]["master"] is None

    async def test_agents_cannot_assign(self, api, session, tenant):
        master = await make_customer(session, tenant, "Lead Group", is_master=True)
        child = await make_customer(session, tenant, "Lead Child")
        await session.commit()
        payload = (await api.run(ASSIGN, {"input": {"masterId": gid(master), "customerIds": [gid(child)]}},
                                 user=tenant.agent))["assignCustomersToMaster"]
        assert payload["userErrors"][0]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("compiled", [False, True])
async def test_a_trail_stops_at_another_clients_customer(api, session, tenant, other_tenant, database, compiled):
    """Assignment never links clients; were a row to (a bad import), the trail shows none of the other client's
    customers nor what lies above them (resolvers/customers/batches.py checks the client of each row reached), as a
    plan's does."""
    from tests.api.persisted.helpers import app_in, auth, register

    top = await make_customer(session, tenant, "Our Top", is_master=True)
    theirs = await make_customer(session, other_tenant, "Their Middle", is_master=True, master=top)
    middle = await make_customer(session, tenant, "Our Middle", is_master=True, master=theirs)
    bottom = await make_customer(session, tenant, "Our Bottom", master=middle)
    await session.commit()
    text = "query T($id: ID!) { node(id: $id) { ... on Customer { hierarchyTrail { name } } } }"
    if compiled:
        [document_id] = await register(database, text)
        async with app_in(database, "open", compiled_plans=True) as planned:
            response = await planned.client.post("/graphql", json={"documentId": document_id,
                                                                   "variables": {"id": gid(bottom)}},
                                                 headers=auth(tenant.agent))
        node = response.json()["data"]["node"]
    else:
        node = (await api.run(text, {"id": gid(bottom)}, user=tenant.agent))["node"]
    assert node["hierarchyTrail"] == [{"name": "Our Middle"}, {"name": "Our Bottom"}]
