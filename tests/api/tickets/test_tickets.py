"""Tickets through their life (OPEN -> IN_PROGRESS -> CLOSED), who may move them, and the queues' lists."""

import pytest
from sqlalchemy import select

from db.enums import TicketKind, TicketQueue, TicketStatus
from db.models import AuditEvent, Notification, User
from tests.api.tickets.helpers import (
    ASSIGN_TICKET,
    CLOSE_TICKET,
    CREATE_TICKET,
    UPDATE_CONTACT_INFO,
    gid,
    log_of,
)
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket

TICKETS = """
query($filter: TicketFilter, $first: Int, $after: String, $last: Int, $before: String) {
  tickets(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { node { summary status } } } }
"""
CUSTOMER_TICKETS = """
query($n: String!, $statuses: [TicketStatus!], $first: Int, $after: String) { customer(number: $n) {
  tickets(statuses: $statuses, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { summary status } } } } }
"""


@pytest.fixture
async def customer(session, tenant):
    customer = await make_customer(session, tenant, "Dana Reyes", email="dana@mail.example")
    await session.commit()
    return customer


async def create(api, user, **fields) -> dict:
    variables = {"input": {"summary": "  Meter question ", "description": "Customer asks when the meter is read.",
                           **fields}}
    return (await api.run(CREATE_TICKET, variables, user=user))["createTicket"]


async def assign(api, user, ticket_id: str, assignee) -> dict:
    assignee_id = assignee if isinstance(assignee, str) else gid("User", assignee.id)
    variables = {"input": {"ticketId": ticket_id, "assigneeId": assignee_id}}
    return (await api.run(ASSIGN_TICKET, variables, user=user))["assignTicket"]


async def close(api, user, ticket_id: str, **fields) -> dict:
    return (await api.run(CLOSE_TICKET, {"input": {"ticketId": ticket_id, **fields}}, user=user))["closeTicket"]


def codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


class TestLifecycle:
    async def test_create_assign_close(self, api, tenant, customer):
        # an agent opens a ticket about the customer
        created = await create(api, tenant.agent, customerId=gid("Customer", customer.id), queue="BILLING",
                               requestType="BILLING", supportChannel="EMAIL")
        ticket = created["ticket"]
        assert created["userErrors"] == []
        assert (ticket["summary"], ticket["status"], ticket["kind"], ticket["queue"]) == (
            "Meter question", "OPEN", "GENERAL", "BILLING")
        assert ticket["reporter"] == "dana@mail.example"
        assert ticket["customer"] == {"number": customer.number}
        # a team lead assigns it: OPEN -> IN_PROGRESS
        assigned = (await assign(api, tenant.lead, ticket["id"], tenant.agent))["ticket"]
        assert assigned["status"] == "IN_PROGRESS"
        assert assigned["assignee"] == {"email": tenant.agent.email}
        assert assigned["updatedAt"]
        # reassigning keeps it IN_PROGRESS
        again = (await assign(api, tenant.lead, ticket["id"], tenant.lead))["ticket"]
        assert again["status"] == "IN_PROGRESS"
        assert again["assignee"] == {"email": tenant.lead.email}
        # and closes it, defaults from the seed's closing step
        closed = await close(api, tenant.lead, ticket["id"], note="Explained the meter read schedule.")
        t = closed["ticket"]
        assert closed["userErrors"] == []
        assert closed["notification"] is None  # a general ticket tells nobody
        assert (t["status"], t["resolution"], t["resolutionType"], t["platformArea"]) == (
            "CLOSED", "DONE", "BILLING", "BILLING")
        assert t["resolutionNote"] == "Explained the meter read schedule."
        assert t["closedBy"] == {"email": tenant.lead.email}
        assert t["closedAt"]
        # every status change is on the customer's log
        subjects = [e["subject"] for e in await log_of(api, tenant.agent, customer)]
        number = ticket["number"]
        assert subjects == [f"Ticket {number} closed: Done", f"Ticket {number} assigned to {tenant.lead.name}",
                            f"Ticket {number} assigned to {tenant.agent.name}",
                            f"Ticket {number} opened: Meter question"]

    async def test_every_change_is_audited(self, api, session, tenant):
        ticket = (await create(api, tenant.agent))["ticket"]
        await assign(api, tenant.lead, ticket["id"], tenant.agent)
        await close(api, tenant.lead, ticket["id"], resolution="WONT_DO", platformArea="PORTAL")
        pk = int(ticket["number"].removeprefix("TKT-"))
        rows = (await session.execute(select(AuditEvent).where(AuditEvent.object_type == "Ticket",
                                                               AuditEvent.object_id == pk).order_by(AuditEvent.id)))
        events = [(e.action, e.changes) for e in rows.scalars()]
        await session.commit()
        assert [a for a, _ in events] == ["ticket.create", "ticket.assign", "ticket.close"]
        assert events[1][1]["status"] == {"from": "OPEN", "to": "IN_PROGRESS"}
        assert events[1][1]["assignee_id"] == {"from": None, "to": tenant.agent.id}
        assert events[2][1]["status"] == {"from": "IN_PROGRESS", "to": "CLOSED"}
        assert events[2][1]["resolution"] == {"from": None, "to": "WONT_DO"}
        assert events[2][1]["platform_area"] == {"from": None, "to": "PORTAL"}

    async def test_a_ticket_without_customer_reports_the_agent(self, api, tenant):
        ticket = (await create(api, tenant.agent))["ticket"]
        assert ticket["customer"] is None
        assert ticket["reporter"] == tenant.agent.email
        assert (ticket["queue"], ticket["requestType"], ticket["supportChannel"]) == ("CUSTOMER_CARE", "OTHER", "PHONE")

    async def test_closing_twice_and_assigning_a_closed_ticket_are_refused(self, api, tenant):
        ticket = (await create(api, tenant.agent))["ticket"]
        await close(api, tenant.lead, ticket["id"])
        assert codes(await close(api, tenant.lead, ticket["id"])) == [("TICKET_ALREADY_CLOSED", ["input", "ticketId"])]
        assert codes(await assign(api, tenant.lead, ticket["id"], tenant.agent)) == [
            ("TICKET_ALREADY_CLOSED", ["input", "ticketId"])]

    async def test_agents_cannot_assign_or_close(self, api, tenant):
        ticket = (await create(api, tenant.agent))["ticket"]
        assert codes(await assign(api, tenant.agent, ticket["id"], tenant.agent)) == [("FORBIDDEN", None)]
        assert codes(await close(api, tenant.agent, ticket["id"])) == [("FORBIDDEN", None)]
        node = await api.run("query($id: ID!) { node(id: $id) { ... on Ticket { status assignee { email } } } }",
                             {"id": ticket["id"]}, user=tenant.agent)
        assert node["node"] == {"status": "OPEN", "assignee": None}

    async def test_inactive_assignee_is_refused(self, api, session, tenant):
        user = await session.get(User, tenant.agent.id)
        ticket = (await create(api, tenant.lead))["ticket"]
        user.active = False
        await session.commit()
        assert codes(await assign(api, tenant.lead, ticket["id"], tenant.agent)) == [
            ("ASSIGNEE_INACTIVE", ["input", "assigneeId"])]

    @pytest.mark.parametrize(("fields", "field"), [
        ({"summary": "   "}, ["input", "summary"]),
        ({"summary": "x" * 201}, ["input", "summary"]),
        ({"description": "\n \n"}, ["input", "description"]),
        ({"description": "x" * 5001}, ["input", "description"]),
        ({"reporter": "not-an-email"}, ["input", "reporter"]),
    ])
    async def test_text_is_required_and_bounded(self, api, session, tenant, fields, field):
        payload = await create(api, tenant.agent, **fields)
        assert payload["ticket"] is None
        assert [e["field"] for e in payload["userErrors"]] == [field]


class TestContactChangeClosing:
    async def test_closing_done_tells_the_customer_what_changed(self, api, session, tenant, customer):
        changes = {"email": {"from": "old@mail.example", "to": "dana@mail.example"},
                   "phone": {"from": None, "to": "+12155550100"}}
        ticket = await make_ticket(session, tenant.client.id, customer=customer, kind=TicketKind.CONTACT_CHANGE,
                                   queue=TicketQueue.ACCOUNT_SERVICING, details={"changes": changes})
        await session.commit()
        closed = await close(api, tenant.lead, gid("Ticket", ticket.id))
        assert closed["notification"] == {"recipient": "dana@mail.example", "status": "QUEUED",
                                          "subject": "Your contact information update is complete"}
        body = (await session.execute(select(Notification.body_text).where(
            Notification.customer_id == customer.id))).scalar_one()
        await session.commit()
        assert body.startswith("Hi Dana Reyes,\n\nYour contact information update is complete:")
        assert "- Email changed from old@mail.example to dana@mail.example" in body
        assert "- Phone number changed from (none) to +12155550100" in body
        assert tenant.lead.name in body
        log = await log_of(api, tenant.agent, customer)
        assert log[0]["kind"] == "SYSTEM"
        assert "Queued an email to dana@mail.example" in log[0]["body"]

    async def test_closing_otherwise_tells_nobody(self, api, session, tenant, customer):
        ticket = await make_ticket(session, tenant.client.id, customer=customer, kind=TicketKind.CONTACT_CHANGE)
        await session.commit()
        closed = await close(api, tenant.lead, gid("Ticket", ticket.id), resolution="DUPLICATE")
        assert closed["userErrors"] == []
        assert closed["notification"] is None

    async def test_a_contact_change_round_trip(self, api, tenant, customer):
        made = (await api.run(UPDATE_CONTACT_INFO, {"input": {
            "customerId": gid("Customer", customer.id), "requestedBy": {"name": "Dana Reyes"},
            "billingAddress": {"line1": "5 Oak Ct", "city": "Plano", "state": "TX", "zip": "75024"}}},
            user=tenant.agent))["updateContactInfo"]
        queue = await api.run(TICKETS, {"filter": {"queue": "ACCOUNT_SERVICING", "statuses": ["OPEN"]}},
                              user=tenant.lead)
        assert queue["tickets"]["edges"] == [{"node": {"summary": "Contact information update - Dana Reyes",
                                                       "status": "OPEN"}}]
        closed = await close(api, tenant.lead, made["ticket"]["id"])
        assert closed["ticket"]["platformArea"] == "ACCOUNT_MANAGEMENT"
        assert closed["ticket"]["resolutionType"] == "ACCOUNT_MANAGEMENT"
        assert closed["notification"]["recipient"] == "dana@mail.example"


class TestLists:
    @pytest.fixture
    async def queue(self, session, tenant, customer):
        """Six tickets in various states, oldest first."""
        other = await make_customer(session, tenant, "Other Person")
        specs = [("A", TicketQueue.BILLING, TicketStatus.OPEN, None, customer),
                 ("B", TicketQueue.BILLING, TicketStatus.IN_PROGRESS, tenant.agent, customer),
                 ("C", TicketQueue.ACCOUNT_SERVICING, TicketStatus.OPEN, None, other),
                 ("D", TicketQueue.ACCOUNT_SERVICING, TicketStatus.IN_PROGRESS, tenant.lead, None),
                 ("E", TicketQueue.BILLING, TicketStatus.CLOSED, tenant.agent, customer),
                 ("F", TicketQueue.CUSTOMER_CARE, TicketStatus.OPEN, None, customer)]
        for summary, queue, status, assignee, who in specs:
            await make_ticket(session, tenant.client.id, customer=who, summary=summary, queue=queue, status=status,
                              assignee=assignee)
        await session.commit()
        return other

    async def summaries(self, api, user, **variables) -> list[str]:
        data = await api.run(TICKETS, variables, user=user)
        return [e["node"]["summary"] for e in data["tickets"]["edges"]]

    async def test_filters(self, api, tenant, customer, queue):
        lead = tenant.lead
        assert await self.summaries(api, lead) == ["F", "E", "D", "C", "B", "A"]
        assert await self.summaries(api, lead, filter={"queue": "BILLING"}) == ["E", "B", "A"]
        working = {"statuses": ["OPEN", "IN_PROGRESS"]}
        assert await self.summaries(api, lead, filter=working) == ["F", "D", "C", "B", "A"]
        assert await self.summaries(api, lead, filter={"assigneeId": gid("User", tenant.agent.id)}) == ["E", "B"]
        assert await self.summaries(api, lead, filter={"unassigned": True}) == ["F", "C", "A"]
        assert await self.summaries(api, lead, filter={"unassigned": False}) == ["E", "D", "B"]
        assert await self.summaries(api, lead, filter={"customerId": gid("Customer", customer.id)}) == [
            "F", "E", "B", "A"]
        assert await self.summaries(api, lead, filter={"queue": "BILLING", "statuses": ["OPEN"]}) == ["A"]

    async def test_pages_forward_and_back_with_total(self, api, tenant, queue):
        first = (await api.run(TICKETS, {"first": 4}, user=tenant.agent))["tickets"]
        assert first["totalCount"] == 6
        assert first["pageInfo"]["hasNextPage"] is True
        rest = (await api.run(TICKETS, {"first": 4, "after": first["pageInfo"]["endCursor"]}, user=tenant.agent))
        assert [e["node"]["summary"] for e in rest["tickets"]["edges"]] == ["B", "A"]
        assert rest["tickets"]["pageInfo"]["hasNextPage"] is False
        back = await api.run(TICKETS, {"last": 2, "before": rest["tickets"]["pageInfo"]["startCursor"]},
                             user=tenant.agent)
        assert [e["node"]["summary"] for e in back["tickets"]["edges"]] == ["D", "C"]

    async def test_customer_tickets(self, api, tenant, customer, queue):
        data = await api.run(CUSTOMER_TICKETS, {"n": customer.number, "first": 2}, user=tenant.agent)
        tickets = data["customer"]["tickets"]
        assert tickets["totalCount"] == 4
        assert [e["node"]["summary"] for e in tickets["edges"]] == ["F", "E"]
        more = await api.run(CUSTOMER_TICKETS, {"n": customer.number, "first": 2,
                                                "after": tickets["pageInfo"]["endCursor"]}, user=tenant.agent)
        assert [e["node"]["summary"] for e in more["customer"]["tickets"]["edges"]] == ["B", "A"]
        open_only = await api.run(CUSTOMER_TICKETS, {"n": customer.number, "statuses": ["OPEN", "IN_PROGRESS"]},
                                  user=tenant.agent)
        assert open_only["customer"]["tickets"]["totalCount"] == 3

    async def test_other_clients_see_nothing(self, api, tenant, other_tenant, customer, queue):
        assert await self.summaries(api, other_tenant.lead) == []
        for wrong in ({"customerId": gid("Customer", customer.id)}, {"assigneeId": gid("User", tenant.agent.id)},
                      {"customerId": "garbage"}, {"assigneeId": gid("Customer", customer.id)}):
            assert await self.summaries(api, other_tenant.lead, filter=wrong) == []
        assert await self.summaries(api, tenant.lead, filter={"assigneeId": "garbage"}) == []


class TestCrossClient:
    async def test_other_clients_ids_are_not_found(self, api, session, tenant, other_tenant, customer):
        ticket = await make_ticket(session, tenant.client.id, customer=customer)
        mine = await make_ticket(session, other_tenant.client.id)
        await session.commit()
        theirs = gid("Ticket", ticket.id)
        assert codes(await assign(api, other_tenant.lead, theirs, other_tenant.agent)) == [
            ("NOT_FOUND", ["input", "ticketId"])]
        assert codes(await close(api, other_tenant.lead, theirs)) == [("NOT_FOUND", ["input", "ticketId"])]
        assert codes(await assign(api, other_tenant.lead, gid("Ticket", mine.id), tenant.agent)) == [
            ("NOT_FOUND", ["input", "assigneeId"])]
        assert codes(await create(api, other_tenant.agent, customerId=gid("Customer", customer.id))) == [
            ("NOT_FOUND", ["input", "customerId"])]
        node = await api.run("query($id: ID!) { node(id: $id) { id } }", {"id": theirs}, user=other_tenant.agent)
        assert node == {"node": None}
        untouched = await api.run("query($id: ID!) { node(id: $id) { ... on Ticket { status } } }", {"id": theirs},
                                  user=tenant.agent)
        assert untouched["node"] == {"status": "OPEN"}
