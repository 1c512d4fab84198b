"""Mutations of tickets, authorized contacts and contact changes: input to plain Python, through the one wrapper."""

from typing import Annotated, Any

import strawberry

from db import enums
from graph.commlog.letters.types import Notification
from graph.commlog.mutations import findings_of
from graph.commlog.types import CommLogEntry, NoteFinding
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from graph.customers.types import Customer
from graph.tickets import inputs as i
from graph.tickets import payloads as p
from graph.tickets.types import AuthorizedContact, Ticket
from resolvers.context import RequestScope
from resolvers.tickets import contact_changes, contacts, tickets


def contact_change_request(input: i.UpdateContactInfoInput) -> contact_changes.ContactChangeRequest:
    address = input.billing_address
    return contact_changes.ContactChangeRequest(
        customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
        requester_name=input.requested_by.name, relationship=input.requested_by.relationship,
        email=input.email, phone=input.phone, reason=input.reason,
        billing_address=contact_changes.Address(address.line1, address.line2, address.city, address.state,
                                                address.zip) if address else None,
        support_channel=enums.SupportChannel(input.support_channel.value),
    )


def new_ticket(input: i.CreateTicketInput) -> tickets.NewTicket:
    return tickets.NewTicket(
        summary=input.summary, description=input.description,
        customer_id=decode_id(input.customer_id, "Customer", "customer_id") if input.customer_id else None,
        request_type=enums.TicketRequestType(input.request_type.value), queue=enums.TicketQueue(input.queue.value),
        support_channel=enums.SupportChannel(input.support_channel.value), reporter=input.reporter,
    )


def closing(input: i.CloseTicketInput) -> tickets.Closing:
    return tickets.Closing(
        resolution=enums.TicketResolution(input.resolution.value),
        resolution_type=enums.TicketRequestType(input.resolution_type.value) if input.resolution_type else None,
        platform_area=enums.PlatformArea(input.platform_area.value) if input.platform_area else None,
        note=input.note,
    )


@strawberry.type
class TicketMutations:
    @strawberry.mutation(description="Add someone the holder allows to request changes on the account; audited and "
                         "logged. Any role.")
    async def add_authorized_contact(
        self, info: strawberry.Info, input: Annotated[i.AddAuthorizedContactInput, INPUT]
    ) -> p.AddAuthorizedContactPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            new = contacts.NewContact(customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
                                      name=input.name, relationship=input.relationship, phone=input.phone,
                                      email=input.email)
            return {"authorized_contact": AuthorizedContact.from_row(await contacts.add_authorized_contact(scope, new))}

        return await run_mutation(info, p.AddAuthorizedContactPayload, action, input)

    @strawberry.mutation(description="Remove an authorized contact: kept on record, no longer authorized. Audited and "
                         "logged. Any role.")
    async def remove_authorized_contact(
        self, info: strawberry.Info, input: Annotated[i.RemoveAuthorizedContactInput, INPUT]
    ) -> p.RemoveAuthorizedContactPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            pk = decode_id(input.authorized_contact_id, "AuthorizedContact", "authorized_contact_id")
            return {"authorized_contact": AuthorizedContact.from_row(
                await contacts.remove_authorized_contact(scope, pk, input.reason))}

        return await run_mutation(info, p.RemoveAuthorizedContactPayload, action, input)

    @strawberry.mutation(description="Change a customer's email, phone and/or billing address at the request of the "
                         "holder or an authorized contact (seed 004), in one step: the change audited from-to, a note, "
                         "a ticket in the account-servicing queue, and an email telling the customer it is being "
                         "worked on. Anyone else asking is refused and nothing changes. Any role.")
    async def update_contact_info(
        self, info: strawberry.Info, input: Annotated[i.UpdateContactInfoInput, INPUT]
    ) -> p.UpdateContactInfoPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            done = await contact_changes.update_contact_info(scope, contact_change_request(input))
            return {
                "customer": Customer.from_row(done.customer), "ticket": Ticket.from_row(done.ticket),
                "entry": CommLogEntry.from_row(done.entry),
                "findings": [NoteFinding.from_rule(f) for f in done.findings],
                "notification": Notification.from_row(done.notification) if done.notification else None,
                "security_notice": Notification.from_row(done.security_notice) if done.security_notice else None,
                "customer_notified": done.notification is not None,
            }

        return await run_mutation(info, p.UpdateContactInfoPayload, action, input,
                                  on_error=findings_of)

    @strawberry.mutation(description="Open a ticket (OPEN, unassigned), optionally about a customer. Any role.")
    async def create_ticket(self, info: strawberry.Info, input: Annotated[i.CreateTicketInput, INPUT]
                            ) -> p.CreateTicketPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            return {"ticket": Ticket.from_row(await tickets.create_ticket(scope, new_ticket(input)))}

        return await run_mutation(info, p.CreateTicketPayload, action, input)

    @strawberry.mutation(description="Give a ticket to an active user of the client: OPEN becomes IN_PROGRESS; "
                         "reassigning is allowed until it is CLOSED. TEAM_LEAD.")
    async def assign_ticket(self, info: strawberry.Info, input: Annotated[i.AssignTicketInput, INPUT]
                            ) -> p.AssignTicketPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            ticket_id = decode_id(input.ticket_id, "Ticket", "ticket_id")
            assignee_id = decode_id(input.assignee_id, "User", "assignee_id")
            return {"ticket": Ticket.from_row(await tickets.assign_ticket(scope, ticket_id, assignee_id))}

        return await run_mutation(info, p.AssignTicketPayload, action, input)

    @strawberry.mutation(description="Close a ticket with a resolution, resolution type and platform area (seed 004's "
                         "closing step). A contact change closed as DONE emails the customer what was changed. "
                         "TEAM_LEAD.")
    async def close_ticket(self, info: strawberry.Info, input: Annotated[i.CloseTicketInput, INPUT]
                           ) -> p.CloseTicketPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            ticket_id = decode_id(input.ticket_id, "Ticket", "ticket_id")
            closed = await tickets.close_ticket(scope, ticket_id, closing(input))
            notification = Notification.from_row(closed.notification) if closed.notification else None
            return {"ticket": Ticket.from_row(closed.ticket), "notification": notification}

        return await run_mutation(info, p.CloseTicketPayload, action, input)
