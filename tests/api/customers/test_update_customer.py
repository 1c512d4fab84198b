"""updateCustomer: edits are validated, audited from-to, and searchable at once."""

from graph.core.relay import to_global_id
from tests.factories.customers import make_customer

UPDATE = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { name email phone language billingAddress { line1 city state zip } }
    userErrors { field code message }
    clientMutationId
  }
}
"""
AUDIT = """
query($n: String!) { customer(number: $n) { name email auditTrail(first: 10) { totalCount edges { node {
  action requestId createdAt actor { email } changes { field from to } } } } } }
"""


class TestUpdateCustomer:
    async def test_changes_are_saved_and_audited_from_to(self, api, session, tenant):
        # given
        customer = await make_customer(session, tenant, "Alex Martin", email="alexmart@covesmart.com")
        await session.commit()
        # when
        payload = (await api.run(UPDATE, {"input": {
            "id": to_global_id("Customer", customer.id), "email": "alex.cmart@covesmart.com",
            "phone": "(215) 555-0199", "clientMutationId": "c-1"}}, user=tenant.agent))["updateCustomer"]
        # then
        assert payload["userErrors"] == []
        assert payload["clientMutationId"] == "c-1"
        assert payload["customer"]["email"] == "alex.cmart@covesmart.com"
        assert payload["customer"]["phone"] == "+12155550199"
        trail = (await api.run(AUDIT, {"n": customer.number}, user=tenant.lead))["customer"]["auditTrail"]
        event = trail["edges"][0]["node"]
        assert trail["totalCount"] == 1
        assert event["action"] == "customer.update"
        assert event["actor"] == {"email": tenant.agent.email}
        assert event["requestId"]
        assert event["createdAt"].endswith("+00:00")
        assert sorted(event["changes"], key=lambda c: c["field"]) == [
            {"field": "email", "from": "alexmart@covesmart.com", "to": "alex.cmart@covesmart.com"},
            {"field": "phone", "from": "+12155550123", "to": "+12155550199"},
        ]

    async def test_rename_is_searchable_immediately(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Old Name")
        await session.commit()
        await api.run(
            UPDATE, {"input": {"id": to_global_id("Customer", customer.id), "name": "Brand New"}}, user=tenant.agent
        )
        new = await api.run('{ customers(search: {name: "brand"}) { totalCount } }', user=tenant.agent)
        old = await api.run('{ customers(search: {name: "old"}) { totalCount } }', user=tenant.agent)
        assert (new["customers"]["totalCount"], old["customers"]["totalCount"]) == (1, 0)

    async def test_billing_address_change_is_searchable(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Mover Person")
        await session.commit()
        address = {"line1": "88 Willow Way", "city": "Austin", "state": "tx", "zip": "73301"}
        payload = (
            await api.run(
                UPDATE,
                {"input": {"id": to_global_id("Customer", customer.id), "billingAddress": address}},
                user=tenant.agent,
            )
        )["updateCustomer"]
        assert payload["customer"]["billingAddress"] == {**address, "state": "TX"}
        found = await api.run(
            '{ customers(search: {address: "willow way"}) { edges { node { name } } } }', user=tenant.agent
        )
        assert found["customers"]["edges"] == [{"node": {"name": "Mover Person"}}]

    async def test_invalid_input_changes_nothing(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Careful Person", email="careful@mail.example")
        await session.commit()
        payload = (await api.run(UPDATE, {"input": {"id": to_global_id("Customer", customer.id), "name": "Renamed",
                                                    "phone": "12"}}, user=tenant.agent))["updateCustomer"]
        assert payload["customer"] is None
        assert payload["userErrors"][0]["code"] == "INVALID_PHONE"
        assert payload["userErrors"][0]["field"] == ["input", "phone"]
        after = (await api.run(AUDIT, {"n": customer.number}, user=tenant.agent))["customer"]
        assert after["name"] == "Careful Person"
        assert after["auditTrail"]["totalCount"] == 0

    async def test_null_clears_an_optional_field_and_omitted_fields_stay(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Clear Me", email="clear@mail.example")
        await session.commit()
        payload = (await api.run(UPDATE, {"input": {"id": to_global_id("Customer", customer.id), "email": None}},
                                 user=tenant.agent))["updateCustomer"]
        assert payload["customer"]["email"] is None
        assert payload["customer"]["name"] == "Clear Me"

    async def test_no_change_writes_no_audit_event(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Same Person")
        await session.commit()
        await api.run(
            UPDATE, {"input": {"id": to_global_id("Customer", customer.id), "name": "Same Person"}}, user=tenant.agent
        )
        after = (await api.run(AUDIT, {"n": customer.number}, user=tenant.agent))["customer"]
        assert after["auditTrail"]["totalCount"] == 0

    async def test_unknown_or_forged_ids_are_not_found(self, api, session, tenant):
        customer = await make_customer(session, tenant, "Real Person")
        await session.commit()
        for forged in (to_global_id("UtilityAccount", customer.id), "garbage", to_global_id("Customer", 10**9)):
            payload = (await api.run(UPDATE, {"input": {"id": forged, "name": "X"}}, user=tenant.agent))[
                "updateCustomer"
            ]
            assert payload["userErrors"][0]["code"] == "NOT_FOUND", forged
