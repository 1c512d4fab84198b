"""Inputs of tickets, authorized contacts and contact changes."""

import strawberry

from db.models import AuthorizedContact, Customer, Ticket
from graph.core.text import client_mutation_id_field, text_field
from graph.tickets.enums import (
    PlatformArea,
    SupportChannel,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)
from resolvers.tickets.contacts import MAX_NAME, MAX_REASON, MAX_RELATIONSHIP
from resolvers.tickets.tickets import MAX_DESCRIPTION, MAX_NOTE


@strawberry.input(description="A new authorized contact of a customer.")
class AddAuthorizedContactInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (account holder).")
    name: str = text_field("The contact's full name, as they will give it when they call.", MAX_NAME)
    relationship: str = text_field("Their relationship to the holder, e.g. wife, son, employee.", MAX_RELATIONSHIP)
    phone: str | None = text_field("Phone; validated, stored as E.164.", AuthorizedContact.phone, default=None)
    email: str | None = text_field("Email; validated and normalized.", AuthorizedContact.email, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Remove an authorized contact; the record stays, marked removed.")
class RemoveAuthorizedContactInput:
    authorized_contact_id: strawberry.ID = strawberry.field(description="The authorized contact.")
    reason: str = text_field("Why; required.", MAX_REASON)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A billing address the post can deliver to.")
class ContactAddressInput:
    line1: str = text_field("Street address.", Customer.billing_line1)
    line2: str | None = text_field("Unit, suite or floor.", Customer.billing_line2, default=None)
    city: str = text_field("City.", Customer.billing_city)
    state: str = text_field("Two-letter state code.", Customer.billing_state)
    zip: str = text_field("ZIP code: 5 digits or ZIP+4.", Customer.billing_zip)


@strawberry.input(description="Who asked for the change: the account holder, or an authorized contact.")
class RequestedByInput:
    name: str = text_field("The requester's full name (any case or accents).", MAX_NAME)
    relationship: str | None = text_field(
        "Their relationship to the holder; omit it (or say \"self\") for the holder. Required for an authorized "
        "contact.", MAX_RELATIONSHIP, default=None)


@strawberry.input(description="A contact-information update (seed 004). Give at least one of email, phone and "
                  "billing address; omitted ones stay as they are.")
class UpdateContactInfoInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    email: str | None = text_field("New email; validated and normalized.", Customer.email, default=None)
    phone: str | None = text_field("New phone; validated, stored as E.164.", Customer.phone, default=None)
    billing_address: ContactAddressInput | None = strawberry.field(
        default=None, description="New billing address (replaces the whole address).")
    requested_by: RequestedByInput = strawberry.field(description="Who asked for the change.")
    reason: str | None = text_field("Why, for the note; default \"Contact information update requested\".", MAX_REASON,
                                    default=None)
    support_channel: SupportChannel = strawberry.field(
        default=SupportChannel.PHONE, description="How the request came in.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A new ticket (OPEN, unassigned).")
class CreateTicketInput:
    summary: str = text_field("One line.", Ticket.summary)
    description: str = text_field("What is asked.", MAX_DESCRIPTION)
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="The customer it is about, if any.")
    request_type: TicketRequestType = strawberry.field(
        default=TicketRequestType.OTHER, description="What it asks for.")
    queue: TicketQueue = strawberry.field(
        default=TicketQueue.CUSTOMER_CARE, description="The queue to work it in.")
    support_channel: SupportChannel = strawberry.field(
        default=SupportChannel.PHONE, description="How the request came in.")
    reporter: str | None = text_field("Reporter's email; default the customer's email, else the viewer's.",
                                      Ticket.reporter, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Give a ticket to a user (TEAM_LEAD or ADMIN).")
class AssignTicketInput:
    ticket_id: strawberry.ID = strawberry.field(description="The ticket (not CLOSED).")
    assignee_id: strawberry.ID = strawberry.field(description="An active user of the client.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Close a ticket with a resolution (TEAM_LEAD or ADMIN).")
class CloseTicketInput:
    ticket_id: strawberry.ID = strawberry.field(description="The ticket (not already CLOSED).")
    resolution: TicketResolution = strawberry.field(
        default=TicketResolution.DONE, description="How it ends.")
    resolution_type: TicketRequestType | None = strawberry.field(
        default=None, description="What kind of work closed it; default the ticket's request type.")
    platform_area: PlatformArea | None = strawberry.field(
        default=None, description="The part of the platform it concerned; default from the request type.")
    note: str | None = text_field("Closing note.", MAX_NOTE, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Which tickets to list. Filters combine with AND; omit one to ignore it.")
class TicketFilter:
    queue: TicketQueue | None = strawberry.field(
        default=None, description="Only this queue.")
    statuses: list[TicketStatus] | None = strawberry.field(
        default=None, description="Only these statuses.")
    assignee_id: strawberry.ID | None = strawberry.field(default=None, description="Only tickets of this user.")
    unassigned: bool | None = strawberry.field(
        default=None, description="true: only unassigned tickets; false: only assigned ones.")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="Only this customer's tickets.")
