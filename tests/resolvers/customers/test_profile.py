"""A customer's profile through the resolvers: read by number or id within the client, contact details normalized
and audited from-to, refusals that write nothing, and master customers created by admins."""

import pytest
from sqlalchemy import select

from db.enums import CustomerKind, Role
from db.models import AuditEvent, Customer, CustomerNameToken
from resolvers.customers.batches import customers_by_ids
from resolvers.customers.commands import NewMaster, create_master_customer, update_customer
from resolvers.customers.queries import get_customer, get_customer_by_number
from tests.factories.customers import make_customer
from tests.factories.settings import set_settings
from tests.resolvers.helpers import act, audit_trail, code_and_field, count, fetch, read, refused, row_of


class TestReads:
    async def test_by_number_trimmed_and_by_id(self, database, tenant, customer):
        by_number = await read(database, tenant.agent, get_customer_by_number, f"  {customer.number} ")
        by_id = await read(database, tenant.agent, get_customer, customer.id)
        assert by_number.id == customer.id
        assert by_id.name == "Alex Martin"

    async def test_another_clients_customer_is_not_found(self, database, tenant, other_tenant, customer):
        assert await read(database, other_tenant.agent, get_customer_by_number, customer.number) is None
        assert await read(database, other_tenant.agent, get_customer, customer.id) is None

    async def test_a_batch_keeps_the_order_asked_and_leaves_gaps_for_what_is_not_found(
            self, database, session, tenant, other_tenant, customer):
        theirs = await make_customer(session, other_tenant, "Their Customer")
        second = await make_customer(session, tenant, "Second Customer")
        await session.commit()
        found = await read(database, tenant.agent, customers_by_ids, [second.id, theirs.id, customer.id, 0])
        assert [c.id if c else None for c in found] == [second.id, None, customer.id, None]


class TestUpdateContactDetails:
    @pytest.mark.parametrize("changes, saved", [
        ({"email": " Pat.Doe@Mail.EXAMPLE "}, {"email": "Pat.Doe@mail.example"}),
        ({"email": "WWW@Mail.Example"}, {"email": "www@mail.example"}),
        ({"phone": "(215) 555-0199"}, {"phone": "+12155550199"}),
        ({"phone": "1-215-555-0199"}, {"phone": "+12155550199"}),
        ({"phone": "+44 20 7946 0958"}, {"phone": "+442079460958"}),
        ({"name": "  Alexandra Martin "}, {"name": "Alexandra Martin"}),
        ({"billing_state": " pa", "billing_city": "Erie"}, {"billing_state": "PA", "billing_city": "Erie"}),
        ({"email": None, "phone": None}, {"email": None, "phone": None}),
    ])
    async def test_values_are_normalized_saved_and_audited_from_to(self, database, tenant, customer, changes, saved):
        before = await row_of(database, Customer, customer.id)
        done = await act(database, tenant.agent, update_customer, customer.id, changes)
        after = await row_of(database, Customer, customer.id)
        assert {name: getattr(done, name) for name in saved} == saved
        assert {name: getattr(after, name) for name in saved} == saved
        [(action, audited, actor)] = await audit_trail(database, "Customer", customer.id)
        assert action == "customer.update"
        assert actor == tenant.agent.id
        assert audited == {name: {"from": getattr(before, name), "to": value} for name, value in saved.items()}

    async def test_the_same_values_again_record_nothing(self, database, tenant, customer):
        await act(database, tenant.agent, update_customer, customer.id, {"email": "alex@mail.example",
                                                                         "name": "Alex Martin"})
        assert await audit_trail(database, "Customer", customer.id) == []

    async def test_a_new_name_is_indexed_for_search(self, database, tenant, customer):
        await act(database, tenant.agent, update_customer, customer.id, {"name": "Brand Newname Bra"})
        stmt = select(CustomerNameToken.token, CustomerNameToken.previous_token, CustomerNameToken.words).where(
            CustomerNameToken.customer_id == customer.id)
        tokens = await fetch(database, stmt)
        # each with the token before it, so a prefix's customers are counted once ("bra": one customer), and every
        # word of the name, so "newn bra" reads the rows of one word
        words = " bra brand newname"
        assert sorted(tokens) == [("bra", "", words), ("brand", "bra", words), ("newname", "brand", words)]
        assert (await row_of(database, Customer, customer.id)).name_key == "brand newname bra"

    async def test_a_new_billing_address_is_indexed_for_search(self, database, tenant, customer):
        await act(database, tenant.agent, update_customer, customer.id,
                  {"billing_line1": "88 Willow Way", "billing_city": "Austin", "billing_zip": "73301"})
        assert "88 willow way" in (await row_of(database, Customer, customer.id)).address_key

    @pytest.mark.parametrize("changes, code, field", [
        ({"email": "pat@"}, "INVALID_EMAIL", ["email"]),
        ({"email": "Pat <pat@mail.example>"}, "INVALID_EMAIL", ["email"]),
        ({"phone": "12345"}, "INVALID_PHONE", ["phone"]),
        ({"phone": "(215) 555-0199 ext"}, "INVALID_PHONE", ["phone"]),
        ({"name": "   "}, "BLANK_NAME", ["name"]),
        ({"name": "!!! 123"}, "NAME_WITHOUT_LETTERS", ["name"]),
        ({"email": "new@mail.example", "phone": "nope"}, "INVALID_PHONE", ["phone"]),
    ])
    async def test_bad_values_are_refused_with_their_field_and_nothing_is_written(
            self, database, tenant, customer, changes, code, field):
        before = await row_of(database, Customer, customer.id)
        error = await refused(database, tenant.agent, update_customer, customer.id, changes)
        assert code_and_field(error) == (code, field)
        after = await row_of(database, Customer, customer.id)
        assert (after.name, after.email, after.phone) == (before.name, before.email, before.phone)
        assert await audit_trail(database, "Customer", customer.id) == []

    async def test_a_paperless_customer_keeps_an_email(self, database, session, tenant, customer):
        await set_settings(session, customer, paperless=True)
        await session.commit()
        error = await refused(database, tenant.agent, update_customer, customer.id, {"email": None})
        assert code_and_field(error) == ("PAPERLESS_NEEDS_EMAIL", ["email"])
        assert (await row_of(database, Customer, customer.id)).email == "alex@mail.example"

    async def test_another_clients_customer_is_not_found_and_unchanged(self, database, tenant, other_tenant, customer):
        error = await refused(database, other_tenant.admin, update_customer, customer.id, {"name": "Taken Over"})
        assert code_and_field(error) == ("NOT_FOUND", ["id"])
        assert (await row_of(database, Customer, customer.id)).name == "Alex Martin"
        assert await count(database, AuditEvent, AuditEvent.client_id == other_tenant.client.id) == 0


class TestCreateMaster:
    async def test_an_admin_creates_a_numbered_searchable_master(self, database, tenant):
        master = await act(database, tenant.admin, create_master_customer,
                           NewMaster(name=" Summit Holdings ", email="AP@Summit.Example", billing_state="tx",
                                     billing_line1="1 Summit Plaza", billing_city="Dallas", billing_zip="75201"))
        row = await row_of(database, Customer, master.id)
        assert (row.name, row.kind, row.is_master, row.client_id) == (
            "Summit Holdings", CustomerKind.COMMERCIAL, True, tenant.client.id)
        assert row.number == str(100_000_000 + master.id)
        assert (row.email, row.billing_state) == ("AP@summit.example", "TX")
        assert row.name_key == "summit holdings"
        assert "1 summit plaza" in row.address_key
        [(action, audited, actor)] = await audit_trail(database, "Customer", master.id)
        assert (action, actor) == ("customer.create_master", tenant.admin.id)
        assert audited["number"] == row.number

    async def test_a_number_taken_by_an_imported_customer_gets_a_suffix(self, database, session, tenant):
        # an imported customer holds the number the next customer would get
        probe = await make_customer(session, tenant, "Probe")
        imported = await make_customer(session, tenant, "Imported Book")
        imported.number = str(100_000_000 + probe.id + 2)
        await session.commit()
        master = await act(database, tenant.admin, create_master_customer, NewMaster(name="Next Master"))
        assert master.id == probe.id + 2
        assert master.number == f"{imported.number}.1"

    @pytest.mark.parametrize("role", [Role.AGENT, Role.TEAM_LEAD])
    async def test_other_roles_may_not(self, database, tenant, role):
        error = await refused(database, tenant.user(role), create_master_customer, NewMaster(name="Not Allowed"))
        assert code_and_field(error) == ("FORBIDDEN", None)
        assert await count(database, Customer, Customer.client_id == tenant.client.id) == 0
