"""Mutation payloads of tickets, authorized contacts and contact changes."""

import strawberry

from graph.commlog.letters.types import Notification
from graph.commlog.types import CommLogEntry, NoteFinding
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError
from graph.customers.types import Customer
from graph.tickets.types import AuthorizedContact, Ticket


@strawberry.type(description="Result of addAuthorizedContact.")
class AddAuthorizedContactPayload:
    authorized_contact: AuthorizedContact | None = strawberry.field(default=None, description="The new contact.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of removeAuthorizedContact.")
class RemoveAuthorizedContactPayload:
    authorized_contact: AuthorizedContact | None = strawberry.field(default=None, description="The contact, removed.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of updateContactInfo.")
class UpdateContactInfoPayload:
    customer: Customer | None = strawberry.field(default=None, description="The customer as changed.")
    ticket: Ticket | None = strawberry.field(default=None, description="The account-servicing ticket opened.")
    entry: CommLogEntry | None = strawberry.field(default=None, description="The note written to the log.")
    findings: list[NoteFinding] = strawberry.field(
        default_factory=list, description="Notes-policy findings on the note (from the reason given; or why a "
        "blocking client refused it).")
    notification: Notification | None = strawberry.field(
        default=None, description="The \"we're working on your request\" email; null when the customer has no email.")
    security_notice: Notification | None = strawberry.field(
        default=None, description="When the email changed: the notice queued to the old address.")
    customer_notified: bool = strawberry.field(
        default=False, description="An email was queued to the customer (false: no email address on file).")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of createTicket.")
class CreateTicketPayload:
    ticket: Ticket | None = strawberry.field(default=None, description="The new ticket.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of assignTicket.")
class AssignTicketPayload:
    ticket: Ticket | None = strawberry.field(default=None, description="The ticket, assigned.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of closeTicket.")
class CloseTicketPayload:
    ticket: Ticket | None = strawberry.field(default=None, description="The ticket, closed.")
    notification: Notification | None = strawberry.field(
        default=None, description="A contact change closed as DONE: the \"update complete\" email to the customer.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
