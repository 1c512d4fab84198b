"""No N+1 on the tickets tab: the statements for 1 customer and for 20 are the same."""

from db.enums import TicketStatus
from tests.factories.customers import make_customer
from tests.factories.tickets import make_contact, make_ticket

TICKETS_TAB = """
query($first: Int!) { customers(first: $first, search: {name: "holder"}) { edges { node {
  authorizedContacts { name addedBy { email } customer { number } }
  removed: authorizedContacts(includeRemoved: true) { name active }
  tickets(first: 5) { totalCount edges { node { number summary status assignee { email } createdBy { email }
    customer { number } } } }
  openTickets: tickets(first: 5, statuses: [OPEN, IN_PROGRESS]) { totalCount edges { node { status } } }
} } } }
"""
QUEUE = """
query { tickets(first: 50) { totalCount edges { node { summary assignee { email } customer { number }
  createdBy { email } closedBy { email } } } } }
"""


async def build(session, tenant, customers: int) -> None:
    for n in range(customers):
        customer = await make_customer(session, tenant, f"Holder {n:03d}")
        await make_contact(session, customer, f"Contact {n:03d}", "son")
        await make_contact(session, customer, f"Former {n:03d}", "wife", removed=True)
        for status, assignee in ((TicketStatus.OPEN, None), (TicketStatus.IN_PROGRESS, tenant.agent),
                                 (TicketStatus.CLOSED, tenant.lead)):
            await make_ticket(session, tenant.client.id, customer=customer, status=status, assignee=assignee)
    await session.commit()


async def statements(api, count_sql, user, query: str, variables: dict, rows) -> int:
    await api.run(query, variables, user=user)
    with count_sql() as counter:
        data = await api.run(query, variables, user=user)
    assert rows(data)
    return counter.count


async def test_tickets_tab_statements_are_constant_in_customers(api, session, tenant, other_tenant, count_sql):
    # given one client with 1 customer and another with 20, each with contacts and tickets
    await build(session, tenant, 1)
    await build(session, other_tenant, 20)

    def all_there(first):
        return lambda data: len(data["customers"]["edges"]) == first and all(
            e["node"]["tickets"]["totalCount"] == 3 and len(e["node"]["authorizedContacts"]) == 1
            for e in data["customers"]["edges"])

    # when / then
    one = await statements(api, count_sql, tenant.agent, TICKETS_TAB, {"first": 1}, all_there(1))
    twenty = await statements(api, count_sql, other_tenant.agent, TICKETS_TAB, {"first": 20}, all_there(20))
    assert one == twenty, (one, twenty)


async def test_queue_statements_are_constant_in_tickets(api, session, tenant, other_tenant, count_sql):
    await build(session, tenant, 1)
    await build(session, other_tenant, 15)
    one = await statements(api, count_sql, tenant.lead, QUEUE, {}, lambda d: d["tickets"]["totalCount"] == 3)
    many = await statements(api, count_sql, other_tenant.lead, QUEUE, {}, lambda d: d["tickets"]["totalCount"] == 45)
    assert one == many, (one, many)
