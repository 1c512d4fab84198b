"""Customer hierarchies through the resolvers: customers assigned under a master and detached, audited; a master
that is not one, a cycle or a hierarchy too deep refused; trails and children read within the client."""

import pytest
from sqlalchemy import select

from db.models import Customer
from resolvers.customers.batches import MAX_HIERARCHY_DEPTH, child_counts, children_pages, trails_by_customer_ids
from resolvers.customers.commands import assign_customers_to_master
from resolvers.pagination import PageRequest
from tests.factories.customers import make_customer
from tests.resolvers.helpers import act, audit_trail, code_and_field, fetch, read, refused


async def masters_of(database, *customers) -> list[int | None]:
    ids = [c.id for c in customers]
    found = dict(await fetch(database, select(Customer.id, Customer.master_id).where(Customer.id.in_(ids))))
    return [found[i] for i in ids]


@pytest.fixture
async def family(session, tenant):
    """A master with no children yet, and two plain customers."""
    master = await make_customer(session, tenant, "Summit Holdings", is_master=True)
    shop = await make_customer(session, tenant, "Summit Shop")
    depot = await make_customer(session, tenant, "Summit Depot")
    await session.commit()
    return master, shop, depot


async def test_customers_are_assigned_and_detached_with_an_audit_each(database, tenant, family):
    master, shop, depot = family
    assigned_to, moved = await act(database, tenant.admin, assign_customers_to_master, master.id, [shop.id, depot.id])
    assert assigned_to.id == master.id
    assert [c.id for c in moved] == [shop.id, depot.id]
    assert await masters_of(database, shop, depot) == [master.id, master.id]
    assert await read(database, tenant.agent, child_counts, [master.id, shop.id]) == [2, 0]
    # detaching one leaves the other; assigning again where it already is records nothing
    await act(database, tenant.admin, assign_customers_to_master, None, [shop.id])
    await act(database, tenant.admin, assign_customers_to_master, master.id, [depot.id])
    assert await masters_of(database, shop, depot) == [None, master.id]
    assert await audit_trail(database, "Customer", shop.id) == [
        ("customer.assign_master", {"master_id": {"from": None, "to": master.id}}, tenant.admin.id),
        ("customer.assign_master", {"master_id": {"from": master.id, "to": None}}, tenant.admin.id)]
    assert len(await audit_trail(database, "Customer", depot.id)) == 1


async def test_children_page_by_name_and_trails_run_from_the_top(database, session, tenant, family):
    master, shop, depot = family
    group = await make_customer(session, tenant, "Group Parent", is_master=True)
    await session.commit()
    await act(database, tenant.admin, assign_customers_to_master, group.id, [master.id])
    await act(database, tenant.admin, assign_customers_to_master, master.id, [shop.id, depot.id])
    [page] = await read(database, tenant.agent, children_pages, [master.id], PageRequest(first=1))
    assert [c.name for c in page.rows] == ["Summit Depot"]
    assert page.has_next is True
    trails = await read(database, tenant.agent, trails_by_customer_ids, [shop.id, group.id])
    assert [[c.name for c in trail] for trail in trails] == [
        ["Group Parent", "Summit Holdings", "Summit Shop"], ["Group Parent"]]


async def test_only_a_master_takes_customers(database, tenant, family):
    _master, shop, depot = family
    error = await refused(database, tenant.admin, assign_customers_to_master, shop.id, [depot.id])
    assert code_and_field(error) == ("NOT_A_MASTER", ["master_id"])
    assert await masters_of(database, depot) == [None]


async def test_a_master_cannot_go_under_itself_or_its_children(database, session, tenant, family):
    master, shop, _depot = family
    sub = await make_customer(session, tenant, "Sub Master", is_master=True)
    await session.commit()
    await act(database, tenant.admin, assign_customers_to_master, master.id, [sub.id])
    under_child = await refused(database, tenant.admin, assign_customers_to_master, sub.id, [shop.id, master.id])
    assert code_and_field(under_child) == ("HIERARCHY_CYCLE", ["customer_ids", 1])
    itself = await refused(database, tenant.admin, assign_customers_to_master, master.id, [master.id])
    assert code_and_field(itself) == ("HIERARCHY_CYCLE", ["customer_ids", 0])
    # the refused list moved nobody, not even the customer listed before the one at fault
    assert await masters_of(database, shop, master, sub) == [None, None, master.id]


async def test_a_hierarchy_deeper_than_the_limit_is_refused(database, session, tenant, family):
    _master, shop, _depot = family
    chain = [await make_customer(session, tenant, f"Level {n}", is_master=True) for n in range(MAX_HIERARCHY_DEPTH)]
    await session.commit()
    for upper, lower in zip(chain, chain[1:], strict=False):
        await act(database, tenant.admin, assign_customers_to_master, upper.id, [lower.id])
    error = await refused(database, tenant.admin, assign_customers_to_master, chain[-1].id, [shop.id])
    assert code_and_field(error) == ("HIERARCHY_CYCLE", ["master_id"])
    await act(database, tenant.admin, assign_customers_to_master, chain[-2].id, [shop.id])  # one level up fits
    assert await masters_of(database, shop) == [chain[-2].id]


async def test_another_clients_customers_are_not_found(database, session, tenant, other_tenant, family):
    master, shop, _depot = family
    theirs = await make_customer(session, other_tenant, "Their Shop")
    their_master = await make_customer(session, other_tenant, "Their Master", is_master=True)
    await session.commit()
    listed = await refused(database, tenant.admin, assign_customers_to_master, master.id, [shop.id, theirs.id])
    assert code_and_field(listed) == ("NOT_FOUND", ["customer_ids", 1])
    as_master = await refused(database, tenant.admin, assign_customers_to_master, their_master.id, [shop.id])
    assert code_and_field(as_master) == ("NOT_FOUND", ["master_id"])
    assert await masters_of(database, shop, theirs) == [None, None]
    assert await read(database, other_tenant.agent, child_counts, [master.id]) == [0]
    assert await read(database, other_tenant.agent, trails_by_customer_ids, [shop.id]) == [[]]


async def test_agents_may_not_change_hierarchies(database, tenant, family):
    master, shop, _depot = family
    error = await refused(database, tenant.agent, assign_customers_to_master, master.id, [shop.id])
    assert code_and_field(error) == ("FORBIDDEN", None)
    assert await masters_of(database, shop) == [None]
