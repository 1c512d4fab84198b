"""The Customer's ticket fields, as functions `graph/customers/types.py` delegates to."""

from typing import Any

import strawberry

from db import enums
from graph.core.relay import Connection, page_request, to_connection
from graph.tickets import loaders
from graph.tickets.queries import TICKET_CURSOR
from graph.tickets.types import AuthorizedContact, Ticket


async def tickets(info: strawberry.Info, customer_id: int, statuses: list[Any] | None, *paging: Any
                  ) -> Connection[Ticket]:
    wanted = tuple(sorted({enums.TicketStatus(s.value) for s in statuses})) if statuses is not None else None
    request = page_request(*paging, TICKET_CURSOR)
    page = await info.context.loaders.grouped(loaders.ticket_pages_by_customer_id).load((customer_id, (request, wanted)))
    count = info.context.loaders.grouped(loaders.ticket_counts_by_customer_id)
    return to_connection(page, TICKET_CURSOR, Ticket.from_row, lambda: count.load((customer_id, wanted)))


async def authorized_contacts(info: strawberry.Info, customer_id: int, include_removed: bool
                              ) -> list[AuthorizedContact]:
    rows = await info.context.loaders.grouped(loaders.contacts_by_customer_id).load((customer_id, include_removed))
    return [AuthorizedContact.from_row(r) for r in rows]
