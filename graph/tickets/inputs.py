"""Inputs of tickets, authorized contacts and contact changes."""

import strawberry

from graph.customers.inputs import CMID
from graph.tickets.enums import (
    PlatformArea,
    SupportChannel,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)


@strawberry.input(description="A new authorized contact of a customer.")
class AddAuthorizedContactInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (account holder).")
    name: str = strawberry.field(description="The contact's full name, as they will give it when they call.")
    relationship: str = strawberry.field(description="Their relationship to the holder, e.g. wife, son, employee.")
    phone: str | None = strawberry.field(default=None, description="Phone; validated, stored as E.164.")
    email: str | None = strawberry.field(default=None, description="Email; validated and normalized.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Remove an authorized contact; the record stays, marked removed.")
class RemoveAuthorizedContactInput:
    authorized_contact_id: strawberry.ID = strawberry.field(description="The authorized contact.")
    reason: str = strawberry.field(description="Why (at most 500 characters).")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="A billing address the post can deliver to.")
class ContactAddressInput:
    line1: str = strawberry.field(description="Street address.")
    line2: str | None = strawberry.field(default=None, description="Unit, suite or floor.")
    city: str = strawberry.field(description="City.")
    state: str = strawberry.field(description="Two-letter state code.")
    zip: str = strawberry.field(description="ZIP code: 5 digits or ZIP+4.")


@strawberry.input(description="Who asked for the change: the account holder, or an authorized contact.")
class RequestedByInput:
    name: str = strawberry.field(description="The requester's full name (any case or accents).")
    relationship: str | None = strawberry.field(
        default=None, description="Their relationship to the holder; omit it (or say \"self\") for the holder. "
        "Required for an authorized contact.")


@strawberry.input(description="A contact-information update (seed 004). Give at least one of email, phone and "
                  "billing address; omitted ones stay as they are.")
class UpdateContactInfoInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    email: str | None = strawberry.field(default=None, description="New email; validated and normalized.")
    phone: str | None = strawberry.field(default=None, description="New phone; validated, stored as E.164.")
    billing_address: ContactAddressInput | None = strawberry.field(
        default=None, description="New billing address (replaces the whole address).")
    requested_by: RequestedByInput = strawberry.field(description="Who asked for the change.")
    reason: str | None = strawberry.field(
        default=None, description="Why, for the note; default \"Contact information update requested\".")
    support_channel: SupportChannel = strawberry.field(  # type: ignore[valid-type]
        default=SupportChannel.PHONE, description="How the request came in.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="A new ticket (OPEN, unassigned).")
class CreateTicketInput:
    summary: str = strawberry.field(description="One line (at most 200 characters).")
    description: str = strawberry.field(description="What is asked (at most 5000 characters).")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="The customer it is about, if any.")
    request_type: TicketRequestType = strawberry.field(  # type: ignore[valid-type]
        default=TicketRequestType.OTHER, description="What it asks for.")
    queue: TicketQueue = strawberry.field(  # type: ignore[valid-type]
        default=TicketQueue.CUSTOMER_CARE, description="The queue to work it in.")
    support_channel: SupportChannel = strawberry.field(  # type: ignore[valid-type]
        default=SupportChannel.PHONE, description="How the request came in.")
    reporter: str | None = strawberry.field(
        default=None, description="Reporter's email; default the customer's email, else the viewer's.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Give a ticket to a user (TEAM_LEAD or ADMIN).")
class AssignTicketInput:
    ticket_id: strawberry.ID = strawberry.field(description="The ticket (not CLOSED).")
    assignee_id: strawberry.ID = strawberry.field(description="An active user of the client.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Close a ticket with a resolution (TEAM_LEAD or ADMIN).")
class CloseTicketInput:
    ticket_id: strawberry.ID = strawberry.field(description="The ticket (not already CLOSED).")
    resolution: TicketResolution = strawberry.field(  # type: ignore[valid-type]
        default=TicketResolution.DONE, description="How it ends.")
    resolution_type: TicketRequestType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="What kind of work closed it; default the ticket's request type.")
    platform_area: PlatformArea | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The part of the platform it concerned; default from the request type.")
    note: str | None = strawberry.field(default=None, description="Closing note (at most 2000 characters).")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Which tickets to list. Filters combine with AND; omit one to ignore it.")
class TicketFilter:
    queue: TicketQueue | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only this queue.")
    statuses: list[TicketStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only these statuses.")
    assignee_id: strawberry.ID | None = strawberry.field(default=None, description="Only tickets of this user.")
    unassigned: bool | None = strawberry.field(
        default=None, description="true: only unassigned tickets; false: only assigned ones.")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="Only this customer's tickets.")
