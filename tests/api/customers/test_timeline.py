"""Customer.timeline and recentActivity: one newest-first list over every source, keyset-paged across them."""

from datetime import timedelta, timezone

import pytest

from db.enums import CustomerKind
from graph.commlog.types import ENTRY_CURSOR
from graph.core.relay import decode_cursor, encode_cursor, to_global_id
from graph.customers.timeline.types import TIMELINE_CURSOR
from resolvers.rules.timeline import KINDS_BY_RANK, ActivityKind
from tests.factories.commlog import make_entry
from tests.factories.customers import make_customer
from tests.factories.timeline import BASE, Builder

PAGE = """
query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: TimelineFilter,
      $children: Boolean!) {
  node(id: $id) { ... on Customer {
    timeline(first: $first, after: $after, last: $last, before: $before, filter: $filter, includeChildren: $children) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { occurredAt kind summary subject { __typename } customer { number } } }
    }
  } }
}
"""
FULL = """
query($id: ID!, $first: Int!, $filter: TimelineFilter) { node(id: $id) { ... on Customer {
  timeline(first: $first, filter: $filter) { edges { node {
    occurredAt kind summary actor { name } customer { number }
    subject {
      __typename
      ... on CommLogEntry { id subject createdBy { name } }
      ... on Invoice { id number total { amount } }
      ... on Payment { id amount { amount } method status }
      ... on PaymentAllocation { amount { amount } invoice { number } }
      ... on Adjustment { id direction amount { amount } }
      ... on InvoiceLine { id kind amount { amount } }
      ... on Refund { id amount { amount } }
      ... on MarketTransaction { id type reference }
      ... on EnrollmentStatusChange { fromStatus toStatus }
      ... on Ticket { id summary ticketStatus: status }
      ... on AuditEvent { id action changes { field } }
    }
  } } }
} } }
"""
RECENT = """
query($id: ID!, $first: Int!) { node(id: $id) { ... on Customer {
  recentActivity(first: $first) { occurredAt kind summary }
  timeline(first: $first) { edges { node { occurredAt kind summary } } }
} } }
"""
SUBJECT_TYPES = {
    "COMM_LOG": "CommLogEntry", "INVOICE": "Invoice", "PAYMENT": "Payment", "PAYMENT_RETURNED": "Payment",
    "ALLOCATION": "PaymentAllocation", "ADJUSTMENT": "Adjustment", "REVERSAL": "InvoiceLine", "REFUND": "Refund",
    "MARKET_TRANSACTION": "MarketTransaction", "STATUS_CHANGE": "EnrollmentStatusChange", "TICKET": "Ticket",
    "AUDIT": "AuditEvent",
}


def gid(customer) -> str:
    return to_global_id("Customer", customer.id)


def keys_of(connection: dict) -> list[tuple]:
    return [decode_cursor(edge["cursor"], TIMELINE_CURSOR) for edge in connection["edges"]]


async def page(api, user, customer, children: bool = False, **arguments) -> dict:
    variables = {"id": gid(customer), "children": children, **arguments}
    return (await api.run(PAGE, variables, user=user))["node"]["timeline"]


async def walk(api, user, customer, size: int, *, backwards: bool = False, **arguments) -> list[tuple]:
    """Every key, newest first, following endCursor (or startCursor backwards) page by page."""
    keys: list[tuple] = []
    cursor = None
    while True:
        paging = {"last": size, "before": cursor} if backwards else {"first": size, "after": cursor}
        connection = await page(api, user, customer, **paging, **arguments)
        keys = keys_of(connection) + keys if backwards else keys + keys_of(connection)
        info = connection["pageInfo"]
        if not (info["hasPreviousPage"] if backwards else info["hasNextPage"]):
            return keys
        cursor = info["startCursor"] if backwards else info["endCursor"]


@pytest.fixture
async def busy(session, tenant):
    """A customer with ~300 events of every kind, three per instant, and its expected items."""
    customer = await make_customer(session, tenant, "Jane Doe")
    builder = Builder(session, customer, tenant.agent)
    await builder.mixed(290)
    await session.commit()
    return customer, builder.expected


class TestOrderAndPaging:
    async def test_first_page_is_newest_first_across_every_source(self, api, tenant, busy):
        # given
        customer, expected = busy
        # when
        connection = await page(api, tenant.agent, customer, first=50)
        # then
        assert keys_of(connection) == expected.newest_first()[:50]
        assert connection["totalCount"] == len(expected.keys)
        assert connection["pageInfo"]["hasNextPage"] is True
        assert connection["pageInfo"]["hasPreviousPage"] is False
        for edge in connection["edges"]:
            node = edge["node"]
            assert node["subject"]["__typename"] == SUBJECT_TYPES[node["kind"]]
            assert node["customer"] == {"number": customer.number}
        kinds = {node["kind"] for node in (e["node"] for e in connection["edges"])}
        assert kinds == {k.value for k in ActivityKind}

    async def test_walking_forward_yields_every_item_once_in_order(self, api, tenant, busy):
        customer, expected = busy
        assert await walk(api, tenant.agent, customer, 37) == expected.newest_first()

    async def test_walking_backward_yields_every_item_once_in_order(self, api, tenant, busy):
        customer, expected = busy
        assert await walk(api, tenant.agent, customer, 41, backwards=True) == expected.newest_first()

    async def test_after_and_before_bound_a_range(self, api, tenant, busy):
        customer, expected = busy
        everything = expected.newest_first()
        after, before = (encode_cursor(everything[i], TIMELINE_CURSOR) for i in (10, 30))
        connection = await page(api, tenant.agent, customer, first=100, after=after, before=before)
        assert keys_of(connection) == everything[11:30]

    async def test_ties_on_the_instant_go_by_source_then_id(self, api, session, tenant):
        # given three sources and two rows of one source, all at one instant
        customer = await make_customer(session, tenant)
        builder = Builder(session, customer, tenant.agent)
        for kind in (ActivityKind.COMM_LOG, ActivityKind.INVOICE, ActivityKind.TICKET, ActivityKind.COMM_LOG):
            await builder.add(kind, BASE)
        await session.commit()
        # when
        connection = await page(api, tenant.agent, customer, first=10)
        # then: higher rank first, and within a source the higher id first
        kinds = [KINDS_BY_RANK[rank] for _at, rank, _id in keys_of(connection)]
        assert kinds == [ActivityKind.COMM_LOG, ActivityKind.COMM_LOG, ActivityKind.TICKET, ActivityKind.INVOICE]
        assert keys_of(connection) == builder.expected.newest_first()


class TestFilters:
    async def test_kinds_and_period(self, api, tenant, busy):
        # given
        customer, expected = busy
        since, until = BASE + timedelta(minutes=20), BASE + timedelta(minutes=70)
        kinds = {ActivityKind.PAYMENT, ActivityKind.TICKET, ActivityKind.STATUS_CHANGE}
        window = {"kinds": sorted(k.value for k in kinds), "since": since.isoformat(), "until": until.isoformat()}
        # when
        walked = await walk(api, tenant.agent, customer, 7, filter=window)
        counted = (await page(api, tenant.agent, customer, first=1, filter=window))["totalCount"]
        # then
        wanted = expected.newest_first(kinds, since, until)
        assert walked == wanted
        assert counted == len(wanted) > 0

    async def test_an_instant_is_read_in_its_offset_and_one_without_is_refused(self, api, tenant, busy):
        """No guess at the zone (graph/core/scalars.py): a local time sent without one would move the window."""
        customer, expected = busy
        since = BASE + timedelta(minutes=90)
        eastern = since.astimezone(timezone(timedelta(hours=-5))).isoformat()
        connection = await page(api, tenant.agent, customer, first=100, filter={"since": eastern})
        assert keys_of(connection) == expected.newest_first(since=since)
        variables = {"id": gid(customer), "children": False, "first": 100,
                     "filter": {"since": since.replace(tzinfo=None).isoformat()}}
        errors = await api.errors(PAGE, variables, user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "has no time zone" in errors[0]["message"]

    async def test_no_kinds_is_an_empty_timeline(self, api, tenant, busy):
        customer, _expected = busy
        connection = await page(api, tenant.agent, customer, first=10, filter={"kinds": []})
        assert connection["edges"] == []
        assert connection["totalCount"] == 0

    async def test_include_children_adds_the_customers_directly_under_a_master(self, api, session, tenant):
        # given a master, two children and a grandchild, each with events
        master = await make_customer(session, tenant, "Harbor Group", kind=CustomerKind.COMMERCIAL, is_master=True)
        child = await make_customer(session, tenant, "Harbor Bakery", master=master, is_master=True)
        sibling = await make_customer(session, tenant, "Harbor Dental", master=master)
        grandchild = await make_customer(session, tenant, "Harbor Bakery East", master=child)
        builders = [Builder(session, c, tenant.agent) for c in (master, child, sibling, grandchild)]
        for n, builder in enumerate(builders):
            await builder.mixed(15, start=BASE + timedelta(seconds=n))
        await session.commit()
        # when
        alone = await walk(api, tenant.agent, master, 20)
        rolled = await page(api, tenant.agent, master, children=True, first=100)
        # then: one level down only
        assert alone == builders[0].expected.newest_first()
        family = sorted([k for b in builders[:3] for k in b.expected.keys], reverse=True)
        assert keys_of(rolled) == family
        assert rolled["totalCount"] == len(family)
        numbers = {edge["node"]["customer"]["number"] for edge in rolled["edges"]}
        assert numbers == {master.number, child.number, sibling.number}


class TestRecentActivity:
    async def test_recent_activity_is_the_timeline_head(self, api, tenant, busy):
        customer, _expected = busy
        data = (await api.run(RECENT, {"id": gid(customer), "first": 12}, user=tenant.agent))["node"]
        assert data["recentActivity"] == [edge["node"] for edge in data["timeline"]["edges"]]
        assert len(data["recentActivity"]) == 12

    async def test_default_is_ten_and_more_than_fifty_is_refused(self, api, tenant, busy):
        customer, _expected = busy
        query = "query($id: ID!) { node(id: $id) { ... on Customer { recentActivity { kind } } } }"
        assert len((await api.run(query, {"id": gid(customer)}, user=tenant.agent))["node"]["recentActivity"]) == 10
        errors = await api.errors(RECENT, {"id": gid(customer), "first": 51}, user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestItems:
    async def test_summaries_actors_and_subjects(self, api, session, tenant):
        # given one event of each kind
        customer = await make_customer(session, tenant, "Jane Doe")
        builder = Builder(session, customer, tenant.agent)
        await builder.mixed(len(ActivityKind), per_instant=1)
        await session.commit()
        # when
        data = await api.run(FULL, {"id": gid(customer), "first": 50}, user=tenant.agent)
        edges = data["node"]["timeline"]["edges"]
        # then
        by_kind = {}
        for edge in edges:
            by_kind.setdefault(edge["node"]["kind"], edge["node"])
        invoice_number = by_kind["ALLOCATION"]["subject"]["invoice"]["number"]
        assert by_kind["PAYMENT"]["summary"] == "Payment $120.00 (ACH) received"
        assert by_kind["PAYMENT_RETURNED"]["summary"] == "Payment $120.00 (ACH) returned: NSF"
        assert by_kind["INVOICE"]["summary"].endswith("issued, $88.10")
        assert by_kind["ALLOCATION"]["summary"] == f"$40.00 of a payment applied to invoice {invoice_number}"
        assert by_kind["REVERSAL"]["summary"] == f"Reversal: Energy on invoice {invoice_number}, $5.00 credited"
        assert by_kind["TICKET"]["summary"] == "Ticket opened: Contact information update - Jane Doe"
        assert by_kind["AUDIT"]["summary"] == "Changed email (customer.update)"
        assert by_kind["STATUS_CHANGE"]["summary"] == \
            "Enrollment status changed from pending to active: Enrollment accepted"
        assert by_kind["COMM_LOG"]["subject"]["createdBy"] == {"name": tenant.agent.name}
        assert by_kind["ADJUSTMENT"]["actor"] == {"name": tenant.agent.name}
        assert by_kind["INVOICE"]["actor"] is None
        assert by_kind["ALLOCATION"]["actor"] is None
        assert {kind: node["subject"]["__typename"] for kind, node in by_kind.items()} == SUBJECT_TYPES


class TestTenancyAndCursors:
    async def test_other_clients_customer_is_not_found_and_their_rows_never_show(self, api, session, tenant,
                                                                                 other_tenant):
        # given my customer, and rows of the other client pointing at it
        mine = await make_customer(session, tenant)
        theirs = await make_customer(session, other_tenant)
        expected = await Builder(session, mine, tenant.agent).mixed(5)
        await Builder(session, theirs, other_tenant.agent).mixed(5)
        stray = await make_entry(session, theirs, other_tenant.agent, subject="Theirs")
        stray.customer_id = mine.id  # a row of their client naming my customer must still not show
        await session.commit()
        # when
        connection = await page(api, tenant.agent, mine, first=100)
        theirs_seen = await api.run(PAGE, {"id": gid(theirs), "first": 5, "children": False}, user=tenant.agent)
        # then
        assert keys_of(connection) == expected.newest_first()
        assert connection["totalCount"] == len(expected.keys)
        assert all("Theirs" not in edge["node"]["summary"] for edge in connection["edges"])
        assert theirs_seen == {"node": None}

    @pytest.mark.parametrize("cursor", [
        "garbage",
        encode_cursor((42,), ENTRY_CURSOR),  # another list's cursor
        encode_cursor((BASE.replace(tzinfo=None), 1, 1), TIMELINE_CURSOR),  # no offset
        encode_cursor((BASE, 99, 1), TIMELINE_CURSOR),  # no such source
    ])
    async def test_invalid_cursor(self, api, tenant, busy, cursor):
        customer, _expected = busy
        errors = await api.errors(PAGE, {"id": gid(customer), "first": 5, "after": cursor, "children": False},
                                  user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR"

    async def test_first_and_last_together_are_refused(self, api, tenant, busy):
        customer, _expected = busy
        errors = await api.errors(PAGE, {"id": gid(customer), "first": 5, "last": 5, "children": False},
                                  user=tenant.agent)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestStatementCounts:
    KINDS = [ActivityKind.COMM_LOG, ActivityKind.PAYMENT, ActivityKind.ALLOCATION, ActivityKind.TICKET,
             ActivityKind.AUDIT, ActivityKind.STATUS_CHANGE]

    async def statements(self, api, count_sql, user, customer, first: int) -> int:
        variables = {"id": gid(customer), "first": first, "filter": {"kinds": [k.value for k in self.KINDS]}}
        await api.run(FULL, variables, user=user)  # warm the per-app caches
        with count_sql() as counter:
            edges = (await api.run(FULL, variables, user=user))["node"]["timeline"]["edges"]
        assert len(edges) == first
        assert {e["node"]["kind"] for e in edges} == {k.value for k in self.KINDS}
        return counter.count

    async def test_a_page_costs_the_same_for_6_items_and_for_60(self, api, session, tenant, count_sql):
        # given one customer with a few events of six kinds, another with many
        few = await make_customer(session, tenant, "Few Events")
        many = await make_customer(session, tenant, "Many Events")
        await Builder(session, few, tenant.agent).mixed(6, kinds=self.KINDS)
        await Builder(session, many, tenant.agent).mixed(60, kinds=self.KINDS)
        await session.commit()
        # when / then
        assert await self.statements(api, count_sql, tenant.agent, few, 6) == \
            await self.statements(api, count_sql, tenant.agent, many, 60)

    async def test_recent_activity_of_a_list_costs_the_same_for_1_customer_and_for_12(self, api, session, tenant,
                                                                                      other_tenant, count_sql):
        # given one client with 1 customer with events, another with 12
        for who, customers in ((tenant, 1), (other_tenant, 12)):
            for n in range(customers):
                customer = await make_customer(session, who, f"Listed {n:02d}")
                await Builder(session, customer, who.agent).mixed(8)
        await session.commit()
        query = """{ customers(first: 20, search: {name: "listed"}) { edges { node {
            recentActivity(first: 5) { kind summary actor { name } subject { __typename } } } } } }"""

        async def statements(user) -> int:
            await api.run(query, user=user)
            with count_sql() as counter:
                data = await api.run(query, user=user)
            assert all(len(e["node"]["recentActivity"]) == 5 for e in data["customers"]["edges"])
            return counter.count

        # when / then
        assert await statements(tenant.agent) == await statements(other_tenant.agent)
