"""Tickets through the resolvers: opened, assigned and closed (OPEN -> IN_PROGRESS -> CLOSED), each step audited and,
for a customer's ticket, noted in its log with the closing note; a closed ticket moves no more; bad input names its
field and writes nothing; another client's ticket, customer or user is not found; the queues list the client's own."""

import pytest
from sqlalchemy import select

from db.enums import (
    CommLogKind,
    NotificationStatus,
    PlatformArea,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)
from db.models import Notification, Ticket
from resolvers.pagination import PageRequest
from resolvers.tickets.lists import TicketFilter, ticket_count, ticket_page
from resolvers.tickets.numbers import ticket_number
from resolvers.tickets.tickets import Closing, NewTicket, assign_ticket, close_ticket, create_ticket
from tests.factories.customers import make_customer
from tests.factories.tickets import make_ticket
from tests.resolvers.helpers import act, audit_trail, code_and_field, count, fetch, log_of, read, refused, row_of


@pytest.fixture
async def customer(session, tenant):
    made = await make_customer(session, tenant, "Dana Reyes", email="dana@mail.example")
    await session.commit()
    return made


def question(customer=None, **changes) -> NewTicket:
    fields = {"summary": "  Meter   question ", "description": "  Customer asks when\nthe meter is read.  ",
              "customer_id": customer.id if customer else None, "request_type": TicketRequestType.BILLING,
              "queue": TicketQueue.BILLING, **changes}
    return NewTicket(**fields)


class TestLifecycle:
    async def test_a_ticket_is_opened_assigned_and_closed_each_step_audited_and_logged(self, database, tenant,
                                                                                      customer):
        opened = await act(database, tenant.agent, create_ticket, question(customer))
        assert (opened.status, opened.summary, opened.description) == (
            TicketStatus.OPEN, "Meter question", "Customer asks when\nthe meter is read.")
        assert (opened.reporter, opened.created_by, opened.assignee_id) == ("dana@mail.example", tenant.agent.id, None)
        assigned = await act(database, tenant.lead, assign_ticket, opened.id, tenant.agent.id)
        assert (assigned.status, assigned.assignee_id) == (TicketStatus.IN_PROGRESS, tenant.agent.id)
        assert assigned.updated_at is not None
        reassigned = await act(database, tenant.lead, assign_ticket, opened.id, tenant.lead.id)
        assert (reassigned.status, reassigned.assignee_id) == (TicketStatus.IN_PROGRESS, tenant.lead.id)
        closing = Closing(note="  Explained the\n read  schedule. ")
        closed = await act(database, tenant.lead, close_ticket, opened.id, closing)
        ticket = await row_of(database, Ticket, opened.id)
        assert (ticket.status, ticket.resolution, ticket.resolution_type, ticket.platform_area) == (
            TicketStatus.CLOSED, TicketResolution.DONE, TicketRequestType.BILLING, PlatformArea.BILLING)
        assert (ticket.resolution_note, ticket.closed_by) == ("Explained the read schedule.", tenant.lead.id)
        assert ticket.closed_at is not None
        assert closed.notification is None  # a general ticket tells nobody
        assert [(action, actor) for action, _c, actor in await audit_trail(database, "Ticket", opened.id)] == [
            ("ticket.create", tenant.agent.id), ("ticket.assign", tenant.lead.id), ("ticket.assign", tenant.lead.id),
            ("ticket.close", tenant.lead.id)]
        number = ticket_number(opened.id)
        log = await log_of(database, customer.id)
        assert [(e.kind, e.subject) for e in log] == [
            (CommLogKind.SYSTEM, f"Ticket {number} opened: Meter question"),
            (CommLogKind.SYSTEM, f"Ticket {number} assigned to {tenant.agent.name}"),
            (CommLogKind.SYSTEM, f"Ticket {number} assigned to {tenant.lead.name}"),
            (CommLogKind.SYSTEM, f"Ticket {number} closed: Done")]
        assert log[1].body == "Meter question. Status: OPEN -> IN_PROGRESS."
        assert log[3].body == "Meter question.\nNote: Explained the read schedule."

    async def test_assigning_to_the_same_user_again_records_nothing(self, database, session, tenant, customer):
        ticket = await make_ticket(session, tenant.client.id, customer=customer, assignee=tenant.agent,
                                   status=TicketStatus.IN_PROGRESS)
        await session.commit()
        await act(database, tenant.lead, assign_ticket, ticket.id, tenant.agent.id)
        assert await audit_trail(database, "Ticket", ticket.id) == []
        assert await log_of(database, customer.id) == []

    @pytest.mark.parametrize("closing, resolution_type, area", [
        (Closing(), TicketRequestType.OTHER, PlatformArea.OTHER),
        (Closing(resolution=TicketResolution.WONT_DO), TicketRequestType.OTHER, PlatformArea.OTHER),
        (Closing(resolution_type=TicketRequestType.ENROLLMENT, platform_area=PlatformArea.ENROLLMENT),
         TicketRequestType.ENROLLMENT, PlatformArea.ENROLLMENT),
    ])
    async def test_closing_takes_the_given_resolution_or_the_defaults(self, database, session, tenant, closing,
                                                                       resolution_type, area):
        ticket = await make_ticket(session, tenant.client.id)  # about no customer: no log to write
        await session.commit()
        await act(database, tenant.lead, close_ticket, ticket.id, closing)
        closed = await row_of(database, Ticket, ticket.id)
        assert (closed.resolution, closed.resolution_type, closed.platform_area, closed.resolution_note) == (
            closing.resolution, resolution_type, area, None)

    async def test_a_contact_change_closed_as_done_emails_the_customer(self, database, session, tenant, customer):
        changes = {"phone": {"from": "+12155550123", "to": "+12155550177"}}
        ticket = await make_ticket(session, tenant.client.id, customer=customer, kind=TicketKind.CONTACT_CHANGE,
                                   details={"changes": changes})
        await session.commit()
        closed = await act(database, tenant.lead, close_ticket, ticket.id, Closing())
        [notification] = await fetch(database, select(Notification).where(Notification.customer_id == customer.id))
        assert closed.notification.id == notification.id
        assert (notification.recipient, notification.status) == ("dana@mail.example", NotificationStatus.QUEUED)
        assert "Phone number changed from +12155550123 to +12155550177" in notification.body_text
        [entry] = await log_of(database, customer.id)
        assert notification.comm_log_entry_id == entry.id

    @pytest.mark.parametrize("resolution", [TicketResolution.WONT_DO, TicketResolution.DUPLICATE])
    async def test_a_contact_change_not_done_emails_nobody(self, database, session, tenant, customer, resolution):
        ticket = await make_ticket(session, tenant.client.id, customer=customer, kind=TicketKind.CONTACT_CHANGE)
        await session.commit()
        closed = await act(database, tenant.lead, close_ticket, ticket.id, Closing(resolution=resolution))
        assert closed.notification is None
        assert await count(database, Notification, Notification.customer_id == customer.id) == 0


class TestRefusals:
    async def test_a_closed_ticket_is_neither_closed_nor_assigned_again(self, database, session, tenant, customer):
        ticket = await make_ticket(session, tenant.client.id, customer=customer, status=TicketStatus.CLOSED)
        await session.commit()
        again = await refused(database, tenant.lead, close_ticket, ticket.id, Closing())
        assert code_and_field(again) == ("TICKET_ALREADY_CLOSED", ["ticket_id"])
        assigned = await refused(database, tenant.lead, assign_ticket, ticket.id, tenant.agent.id)
        assert code_and_field(assigned) == ("TICKET_ALREADY_CLOSED", ["ticket_id"])
        assert (await row_of(database, Ticket, ticket.id)).assignee_id is None
        assert await audit_trail(database, "Ticket", ticket.id) == []

    async def test_only_an_active_user_of_the_client_takes_a_ticket(self, database, session, tenant, other_tenant):
        ticket = await make_ticket(session, tenant.client.id)
        tenant.agent.active = False
        session.add(tenant.agent)
        await session.commit()
        inactive = await refused(database, tenant.lead, assign_ticket, ticket.id, tenant.agent.id)
        assert code_and_field(inactive) == ("ASSIGNEE_INACTIVE", ["assignee_id"])
        outsider = await refused(database, tenant.lead, assign_ticket, ticket.id, other_tenant.agent.id)
        assert code_and_field(outsider) == ("NOT_FOUND", ["assignee_id"])
        assert (await row_of(database, Ticket, ticket.id)).status is TicketStatus.OPEN

    @pytest.mark.parametrize("changes, code, field", [
        ({"summary": "   "}, "INVALID", ["summary"]),
        ({"summary": "x" * 201}, "INVALID", ["summary"]),
        ({"description": " \n "}, "INVALID", ["description"]),
        ({"description": "x" * 5001}, "INVALID", ["description"]),
        ({"reporter": "not an email"}, "INVALID_EMAIL", ["reporter"]),
        ({"customer_id": 0}, "NOT_FOUND", ["customer_id"]),
    ])
    async def test_bad_tickets_are_refused_at_their_field_and_nothing_is_written(self, database, tenant, customer,
                                                                               changes, code, field):
        error = await refused(database, tenant.agent, create_ticket, question(customer, **changes))
        assert code_and_field(error) == (code, field)
        assert await count(database, Ticket, Ticket.client_id == tenant.client.id) == 0
        assert await log_of(database, customer.id) == []

    async def test_a_closing_note_over_the_limit_is_refused(self, database, session, tenant):
        ticket = await make_ticket(session, tenant.client.id)
        await session.commit()
        error = await refused(database, tenant.lead, close_ticket, ticket.id, Closing(note="word " * 500))
        assert code_and_field(error) == ("INVALID", ["note"])
        assert (await row_of(database, Ticket, ticket.id)).status is TicketStatus.OPEN

    @pytest.mark.parametrize("action", ["assign", "close"])
    async def test_agents_open_tickets_but_do_not_work_the_queue(self, database, session, tenant, action):
        ticket = await make_ticket(session, tenant.client.id)
        await session.commit()
        if action == "assign":
            error = await refused(database, tenant.agent, assign_ticket, ticket.id, tenant.agent.id)
        else:
            error = await refused(database, tenant.agent, close_ticket, ticket.id, Closing())
        assert code_and_field(error) == ("FORBIDDEN", None)
        assert (await row_of(database, Ticket, ticket.id)).status is TicketStatus.OPEN


class TestTenancy:
    async def test_another_clients_ticket_and_customer_are_not_found(self, database, session, tenant, other_tenant,
                                                                     customer):
        ticket = await make_ticket(session, tenant.client.id, customer=customer)
        await session.commit()
        assigned = await refused(database, other_tenant.lead, assign_ticket, ticket.id, other_tenant.agent.id)
        assert code_and_field(assigned) == ("NOT_FOUND", ["ticket_id"])
        closed = await refused(database, other_tenant.lead, close_ticket, ticket.id, Closing())
        assert code_and_field(closed) == ("NOT_FOUND", ["ticket_id"])
        opened = await refused(database, other_tenant.agent, create_ticket, question(customer))
        assert code_and_field(opened) == ("NOT_FOUND", ["customer_id"])
        assert (await row_of(database, Ticket, ticket.id)).status is TicketStatus.OPEN
        assert await count(database, Ticket, Ticket.client_id == other_tenant.client.id) == 0

    async def test_the_reporter_defaults_to_the_customer_then_the_viewer(self, database, session, tenant):
        no_email = await make_customer(session, tenant, "No Email", email=None)
        await session.commit()
        given = await act(database, tenant.agent, create_ticket, question(reporter=" Caller@Mail.Example "))
        about_no_email = await act(database, tenant.agent, create_ticket, question(no_email))
        assert given.reporter == "Caller@mail.example"
        assert about_no_email.reporter == tenant.agent.email

    @pytest.mark.parametrize("criteria, expected", [
        (TicketFilter(), ["closed", "mine", "billing", "open"]),
        (TicketFilter(queue=TicketQueue.BILLING), ["billing"]),
        (TicketFilter(statuses=(TicketStatus.OPEN, TicketStatus.IN_PROGRESS)), ["mine", "billing", "open"]),
        (TicketFilter(unassigned=True), ["billing", "open"]),
        (TicketFilter(unassigned=False), ["closed", "mine"]),
        (TicketFilter(assignee_id=-1), []),
    ])
    async def test_queues_list_the_clients_tickets_newest_first(self, database, session, tenant, other_tenant,
                                                                 customer, criteria, expected):
        await make_ticket(session, tenant.client.id, summary="open")
        await make_ticket(session, tenant.client.id, summary="billing", queue=TicketQueue.BILLING, customer=customer)
        await make_ticket(session, tenant.client.id, summary="mine", assignee=tenant.agent,
                          status=TicketStatus.IN_PROGRESS)
        await make_ticket(session, tenant.client.id, summary="closed", assignee=tenant.lead, status=TicketStatus.CLOSED)
        await make_ticket(session, other_tenant.client.id, summary="theirs", queue=TicketQueue.BILLING)
        await session.commit()
        page = await read(database, tenant.lead, ticket_page, criteria, PageRequest(first=10))
        assert [t.summary for t in page.rows] == expected
        assert await read(database, tenant.lead, ticket_count, criteria) == len(expected)

    async def test_support_channel_and_request_type_are_kept(self, database, tenant, customer):
        ticket = await act(database, tenant.agent, create_ticket, question(
            customer, support_channel=SupportChannel.EMAIL, request_type=TicketRequestType.ENROLLMENT,
            queue=TicketQueue.CUSTOMER_CARE))
        row = await row_of(database, Ticket, ticket.id)
        assert (row.support_channel, row.request_type, row.queue, row.kind) == (
            SupportChannel.EMAIL, TicketRequestType.ENROLLMENT, TicketQueue.CUSTOMER_CARE, TicketKind.GENERAL)
