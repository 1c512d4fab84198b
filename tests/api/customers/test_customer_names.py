"""Customer names through createMasterCustomer and updateCustomer: a name needs a letter; any name that has one is
stored whole and searchable, on both engines (issue 10, item 9)."""

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Customer
from graph.core.relay import to_global_id
from tests.factories.customers import make_customer

CREATE = """
mutation($input: CreateMasterCustomerInput!) {
  createMasterCustomer(input: $input) { customer { number name } userErrors { field code message } }
}
"""
UPDATE = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { name } userErrors { field code message } }
}
"""
SEARCH = "query($name: String!) { customers(search: {name: $name}) { edges { node { number name } } } }"

NO_LETTER = [("!!!", "NAME_WITHOUT_LETTERS"), ("123", "NAME_WITHOUT_LETTERS"), (" - . - ", "NAME_WITHOUT_LETTERS"),
             ("\u2603\u2605", "NAME_WITHOUT_LETTERS"), ("__", "NAME_WITHOUT_LETTERS"), ("   ", "BLANK_NAME")]
# Names that stress the search keys: one 200-letter word (a 200-character token), and ligatures and symbols
# whose compatibility forms fold to several letters each (the folded name key is longer than the name).
NAMES = ["3M", "Ελένη Παπαδοπούλου", "Nguyễn Thị Minh", "李小龍", "A" * 200, "\ufb03" * 200, "\ufdfa" * 20 + " Trading"]


async def count(database, model, *where) -> int:
    async with database.sessionmaker() as s:
        return (await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


class TestCreateMasterCustomer:
    @pytest.mark.parametrize("name, code", NO_LETTER)
    async def test_a_name_without_letters_is_a_user_error_and_creates_nothing(self, api, database, tenant, name, code):
        # when
        payload = (await api.run(CREATE, {"input": {"name": name}}, user=tenant.admin))["createMasterCustomer"]
        # then
        assert payload["customer"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", "name"])]
        assert await count(database, Customer, Customer.client_id == tenant.client.id) == 0

    @pytest.mark.parametrize("name", NAMES)
    async def test_a_name_with_a_letter_is_stored_whole_and_searchable(self, api, tenant, name):
        payload = (await api.run(CREATE, {"input": {"name": name}}, user=tenant.admin))["createMasterCustomer"]
        assert payload["userErrors"] == []
        assert payload["customer"]["name"] == name
        found = await api.run(SEARCH, {"name": name.split()[0]}, user=tenant.agent)
        assert found["customers"]["edges"] == [{"node": payload["customer"]}]


class TestUpdateCustomer:
    @pytest.mark.parametrize("name, code", NO_LETTER)
    async def test_a_name_without_letters_is_a_user_error_and_changes_nothing(self, api, database, session, tenant,
                                                                            name, code):
        customer = await make_customer(session, tenant, "Kept Name")
        await session.commit()
        payload = (await api.run(UPDATE, {"input": {"id": to_global_id("Customer", customer.id), "name": name}},
                                 user=tenant.agent))["updateCustomer"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, ["input", "name"])]
        found = await api.run(SEARCH, {"name": "kept"}, user=tenant.agent)
        assert found["customers"]["edges"] == [{"node": {"number": customer.number, "name": "Kept Name"}}]
        assert await count(database, AuditEvent, AuditEvent.object_id == customer.id,
                           AuditEvent.client_id == tenant.client.id) == 0

    @pytest.mark.parametrize("name", NAMES)
    async def test_a_rename_to_any_name_with_a_letter_is_searchable(self, api, session, tenant, name):
        customer = await make_customer(session, tenant, "Before Rename")
        await session.commit()
        payload = (await api.run(UPDATE, {"input": {"id": to_global_id("Customer", customer.id), "name": name}},
                                 user=tenant.agent))["updateCustomer"]
        assert payload["userErrors"] == []
        assert payload["customer"]["name"] == name
        found = await api.run(SEARCH, {"name": name.split()[0]}, user=tenant.agent)
        assert found["customers"]["edges"] == [{"node": {"number": customer.number, "name": name}}]
