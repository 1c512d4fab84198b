"""Authorized contacts: added and removed (never deleted), audited on the customer and logged."""

import pytest

from tests.api.tickets.helpers import ADD_CONTACT, REMOVE_CONTACT, audit_of, gid, log_of
from tests.factories.customers import make_customer
from tests.factories.tickets import census, make_contact

CONTACTS = """
query($n: String!, $all: Boolean!) { customer(number: $n) { authorizedContacts(includeRemoved: $all) {
  name relationship active removedReason } } }
"""


@pytest.fixture
async def customer(session, tenant):
    customer = await make_customer(session, tenant, "John Smith")
    await session.commit()
    return customer


async def add(api, user, customer, **fields) -> dict:
    variables = {"input": {"customerId": gid("Customer", customer.id), "name": "Mary Smith", "relationship": "wife",
                           **fields}}
    return (await api.run(ADD_CONTACT, variables, user=user))["addAuthorizedContact"]


async def remove(api, user, contact_id: str, reason: str = "Holder withdrew consent") -> dict:
    variables = {"input": {"authorizedContactId": contact_id, "reason": reason}}
    return (await api.run(REMOVE_CONTACT, variables, user=user))["removeAuthorizedContact"]


async def contacts(api, user, customer, include_removed: bool = False) -> list[dict]:
    data = await api.run(CONTACTS, {"n": customer.number, "all": include_removed}, user=user)
    return data["customer"]["authorizedContacts"]


class TestAdd:
    async def test_added_normalized_audited_and_logged(self, api, tenant, customer):
        payload = await add(api, tenant.agent, customer, name="  Mary   Smith ", phone="(215) 555-0188",
                            email="Mary@Mail.Example")
        contact = payload["authorizedContact"]
        assert payload["userErrors"] == []
        assert (contact["name"], contact["relationship"], contact["phone"], contact["email"]) == (
            "Mary Smith", "wife", "+12155550188", "Mary@mail.example")
        assert contact["active"] is True
        assert contact["removedAt"] is None
        assert contact["addedAt"]
        assert contact["addedBy"] == {"email": tenant.agent.email}
        assert contact["customer"] == {"number": customer.number}
        assert (await audit_of(api, tenant.agent, customer))[0] == {
            "action": "customer.add_authorized_contact",
            "changes": [{"field": "authorized_contact", "from": None, "to": "Mary Smith (wife)"}]}
        log = await log_of(api, tenant.agent, customer)
        assert log == [{"kind": "SYSTEM", "subject": "Authorized contact added: Mary Smith (wife)",
                        "body": "Phone: +12155550188; Email: Mary@mail.example"}]

    @pytest.mark.parametrize(("fields", "code", "field"), [
        ({"name": " "}, "INVALID", ["input", "name"]),
        ({"relationship": ""}, "INVALID", ["input", "relationship"]),
        ({"relationship": "Self"}, "INVALID", ["input", "relationship"]),
        ({"phone": "12"}, "INVALID_PHONE", ["input", "phone"]),
        ({"email": "nope"}, "INVALID_EMAIL", ["input", "email"]),
        ({"name": "mary  SMITH"}, "AUTHORIZED_CONTACT_EXISTS", ["input", "name"]),
    ])
    async def test_invalid_input_writes_nothing(self, api, session, tenant, customer, fields, code, field):
        await make_contact(session, customer, "Mary Smith", "wife")
        before = await census(session, customer)
        payload = await add(api, tenant.agent, customer, **fields)
        assert payload["authorizedContact"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
        assert await census(session, customer) == before

    async def test_another_clients_customer_is_not_found(self, api, session, other_tenant, customer):
        before = await census(session, customer)
        payload = await add(api, other_tenant.agent, customer)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "customerId"])]
        assert await census(session, customer) == before


class TestRemove:
    async def test_removed_is_kept_but_no_longer_authorized(self, api, tenant, customer):
        added = (await add(api, tenant.agent, customer))["authorizedContact"]
        payload = await remove(api, tenant.agent, added["id"])
        removed = payload["authorizedContact"]
        assert payload["userErrors"] == []
        assert removed["active"] is False
        assert removed["removedAt"]
        assert removed["removedReason"] == "Holder withdrew consent"
        assert removed["removedBy"] == {"email": tenant.agent.email}
        assert await contacts(api, tenant.agent, customer) == []
        assert await contacts(api, tenant.agent, customer, include_removed=True) == [
            {"name": "Mary Smith", "relationship": "wife", "active": False, "removedReason": "Holder withdrew consent"}]
        event = (await audit_of(api, tenant.agent, customer))[0]
        assert event["action"] == "customer.remove_authorized_contact"
        assert {"field": "authorized_contact", "from": "Mary Smith (wife)", "to": None} in event["changes"]
        latest = (await log_of(api, tenant.agent, customer))[0]
        assert latest["subject"] == "Authorized contact removed: Mary Smith (wife)"
        # and the removed contact may no longer ask for changes
        refused = await api.run("""mutation($input: UpdateContactInfoInput!) { updateContactInfo(input: $input) {
          userErrors { code } } }""", {"input": {"customerId": gid("Customer", customer.id), "phone": "2155550100",
                                                  "requestedBy": {"name": "Mary Smith", "relationship": "wife"}}},
                                user=tenant.agent)
        assert refused["updateContactInfo"]["userErrors"] == [{"code": "REQUESTER_NOT_AUTHORIZED"}]

    async def test_removing_twice_is_refused(self, api, session, tenant, customer):
        contact = await make_contact(session, customer, removed=True)
        await session.commit()
        payload = await remove(api, tenant.agent, gid("AuthorizedContact", contact.id))
        assert [e["code"] for e in payload["userErrors"]] == ["AUTHORIZED_CONTACT_REMOVED"]

    async def test_reason_is_required(self, api, session, tenant, customer):
        contact = await make_contact(session, customer)
        await session.commit()
        payload = await remove(api, tenant.agent, gid("AuthorizedContact", contact.id), reason="  ")
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", ["input", "reason"])]

    async def test_another_clients_contact_is_not_found(self, api, session, other_tenant, customer):
        contact = await make_contact(session, customer)
        before = await census(session, customer)
        for wrong in (gid("AuthorizedContact", contact.id), gid("Customer", customer.id), "garbage"):
            payload = await remove(api, other_tenant.agent, wrong)
            assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
                ("NOT_FOUND", ["input", "authorizedContactId"])]
        assert await census(session, customer) == before
        node = await api.run("query($id: ID!) { node(id: $id) { id } }", {"id": gid("AuthorizedContact", contact.id)},
                             user=other_tenant.agent)
        assert node == {"node": None}
