"""The tickets domain's fields on Customer: its service tickets and authorized contacts."""

from typing import Annotated

import strawberry

from db import enums, models
from graph.core.relay import After, Before, Connection, First, Last, page_request, to_connection
from graph.tickets import loaders
from graph.tickets.enums import TicketStatus
from graph.tickets.types import TICKET_CURSOR, AuthorizedContact, Ticket

Statuses = Annotated[list[TicketStatus] | None, strawberry.argument(
    description="Only these statuses; default all.")]
IncludeRemoved = Annotated[bool, strawberry.argument(description="Also list removed contacts.")]


@strawberry.type
class CustomerTicketFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="Service tickets about this customer, newest first.")
    async def tickets(
        self, info: strawberry.Info, first: First = None, after: After = None, last: Last = None, before: Before = None,
        statuses: Statuses = None,
    ) -> Connection[Ticket]:
        wanted = tuple(sorted({enums.TicketStatus(s.value) for s in statuses})) if statuses is not None else None
        request = page_request(first, after, last, before, TICKET_CURSOR)
        page = await info.context.loaders.grouped(loaders.ticket_pages_by_customer_id).load(
            (self.row.id, (request, wanted)))
        count = info.context.loaders.grouped(loaders.ticket_counts_by_customer_id)
        return to_connection(page, TICKET_CURSOR, Ticket.from_row, lambda: count.load((self.row.id, wanted)))

    @strawberry.field(description="People the holder allows to request changes on the account, oldest first.")
    async def authorized_contacts(self, info: strawberry.Info, include_removed: IncludeRemoved = False
                                  ) -> list[AuthorizedContact]:
        contacts = info.context.loaders.grouped(loaders.contacts_by_customer_id)
        return [AuthorizedContact.from_row(r) for r in await contacts.load((self.row.id, include_removed))]
