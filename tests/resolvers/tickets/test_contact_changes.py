"""A holder's or authorized contact's contact change through the resolver: the customer updated (normalized, audited
from-to), a ticket for account servicing, a note, the emails queued; anyone else, bad input or nothing new is
refused and writes nothing; another client's customer is not found."""

import pytest

from db.enums import CommLogKind, TicketKind, TicketQueue, TicketStatus
from resolvers.tickets.contact_changes import Address, ContactChangeRequest, update_contact_info
from resolvers.tickets.messages import SECURITY_SUBJECT, WORKING_SUBJECT
from tests.factories.customers import make_customer
from tests.factories.tickets import census, make_contact
from tests.resolvers.helpers import act, audit_trail, code_and_field, refused


@pytest.fixture
async def holder(session, tenant):
    customer = await make_customer(session, tenant, "José O'Neil", email="jose@mail.example")
    await make_contact(session, customer, "Alexander Erickson", "son")
    await make_contact(session, customer, "Former Friend", "friend", removed=True)
    await session.commit()
    return customer


def asked(customer, name="jose oneil", relationship=None, **changes) -> ContactChangeRequest:
    return ContactChangeRequest(customer_id=customer.id, requester_name=name, relationship=relationship, **changes)


async def test_the_holder_changes_the_email_with_everything_the_procedure_asks(database, tenant, holder):
    done = await act(database, tenant.agent, update_contact_info, asked(holder, email=" New.Address@Mail.EXAMPLE "))
    assert done.customer.email == "New.Address@mail.example"
    [(action, changes, actor)] = await audit_trail(database, "Customer", holder.id)
    assert (action, actor) == ("customer.update_contact_info", tenant.agent.id)
    assert changes == {"email": {"from": "jose@mail.example", "to": "New.Address@mail.example"},
                       "requested_by": {"from": None, "to": "jose oneil (account holder)"}}
    ticket = done.ticket
    assert (ticket.kind, ticket.queue, ticket.status, ticket.customer_id) == (
        TicketKind.CONTACT_CHANGE, TicketQueue.ACCOUNT_SERVICING, TicketStatus.OPEN, holder.id)
    assert ticket.details["changes"] == {"email": {"from": "jose@mail.example", "to": "New.Address@mail.example"}}
    assert (done.entry.kind, done.entry.is_account_holder, done.entry.relationship) == (CommLogKind.NOTE, True, None)
    assert (done.notification.recipient, done.notification.subject) == ("New.Address@mail.example", WORKING_SUBJECT)
    assert (done.security_notice.recipient, done.security_notice.subject) == ("jose@mail.example", SECURITY_SUBJECT)
    assert done.notification.comm_log_entry_id == done.entry.id


async def test_an_authorized_contact_changes_phone_and_address(database, tenant, holder):
    done = await act(database, tenant.agent, update_contact_info, asked(
        holder, "alexander  erickson", "Son", phone="(215) 555-0177",
        billing_address=Address(" 9  Elm St ", None, "Austin", "tx", "73301")))
    customer = done.customer
    assert (customer.phone, customer.billing_line1, customer.billing_state) == ("+12155550177", "9 Elm St", "TX")
    assert "9 elm st" in customer.address_key
    assert (done.entry.is_account_holder, done.entry.relationship) == (False, "Son")
    assert done.ticket.details["changes"]["billing_address"] == {"from": "1 Billing Rd, Dallas, TX 75201",
                                                                 "to": "9 Elm St, Austin, TX 73301"}
    assert done.security_notice is None  # the email did not change


@pytest.mark.parametrize("name, relationship, code", [
    ("Former Friend", "friend", "REQUESTER_NOT_AUTHORIZED"),  # removed from the list
    ("Alexander Erickson", None, "REQUESTER_NOT_AUTHORIZED"),  # a contact must give the relationship
    ("Somebody Else", "neighbour", "REQUESTER_NOT_AUTHORIZED"),
    ("Somebody Else", "self", "REQUESTER_NOT_AUTHORIZED"),
    ("   ", None, "INVALID"),
])
async def test_anyone_else_is_refused_and_nothing_is_written(database, session, tenant, holder, name, relationship,
                                                             code):
    before = await census(session, holder)
    error = await refused(database, tenant.agent, update_contact_info, asked(holder, name, relationship,
                                                                             phone="(215) 555-0177"))
    assert code_and_field(error) == (code, ["requested_by", "name"])
    assert await census(session, holder) == before


@pytest.mark.parametrize("changes, code, field", [
    ({}, "INVALID", []),
    ({"email": "jose@mail.example"}, "INVALID", []),
    ({"email": " "}, "INVALID", ["email"]),
    ({"email": "nope@"}, "INVALID_EMAIL", ["email"]),
    ({"phone": "555"}, "INVALID_PHONE", ["phone"]),
    ({"billing_address": Address("1 A St", None, None, "TX", "75201")}, "INVALID", ["billing_address", "city"]),
    ({"billing_address": Address("1 A St", None, "Dallas", "Texas", "75201")}, "INVALID",
     ["billing_address", "state"]),
    ({"billing_address": Address("1 A St", None, "Dallas", "TX", "7520")}, "INVALID",
     ["billing_address", "zip"]),
    ({"phone": "(215) 555-0177", "reason": "x" * 501}, "INVALID", ["reason"]),
])
async def test_bad_or_empty_changes_are_refused_and_nothing_is_written(database, session, tenant, holder, changes,
                                                                      code, field):
    before = await census(session, holder)
    error = await refused(database, tenant.agent, update_contact_info, asked(holder, **changes))
    assert code_and_field(error) == (code, field)
    assert await census(session, holder) == before


async def test_another_clients_customer_is_not_found(database, session, tenant, other_tenant, holder):
    before = await census(session, holder)
    error = await refused(database, other_tenant.agent, update_contact_info, asked(holder, phone="(215) 555-0177"))
    assert code_and_field(error) == ("NOT_FOUND", ["customer_id"])
    assert await census(session, holder) == before
