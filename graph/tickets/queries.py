"""Root query of tickets: the client's queues, newest first."""

from typing import Annotated

import strawberry

from db import enums
from graph.core.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    from_global_id,
    page_request,
    to_connection,
)
from graph.tickets.inputs import TicketFilter
from graph.tickets.types import TICKET_CURSOR, Ticket
from resolvers.tickets import lists


def pk_or_nothing(global_id: str | None, type_name: str) -> int | None:
    """The key of an ID of `type_name`; any other ID (or another client's) matches no ticket."""
    if global_id is None:
        return None
    decoded = from_global_id(global_id)
    return decoded[1] if decoded and decoded[0] == type_name else lists.NO_KEY


def to_ticket_filter(given: TicketFilter | None) -> lists.TicketFilter:
    given = given or TicketFilter()
    statuses = tuple(enums.TicketStatus(s.value) for s in given.statuses) if given.statuses is not None else None
    return lists.TicketFilter(
        queue=enums.TicketQueue(given.queue.value) if given.queue else None, statuses=statuses,
        assignee_id=pk_or_nothing(given.assignee_id, "User"), unassigned=given.unassigned,
        customer_id=pk_or_nothing(given.customer_id, "Customer"),
    )


@strawberry.type
class TicketQueries:
    @strawberry.field(description="The client's tickets, newest first: work a queue by queue, status and assignee.")
    async def tickets(
        self, info: strawberry.Info,
        filter: Annotated[TicketFilter | None, strawberry.argument(description="Which tickets; default all.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[Ticket]:
        criteria = to_ticket_filter(filter)
        request = page_request(first, after, last, before, TICKET_CURSOR)
        async with info.context.session_scope() as scope:
            page = await lists.ticket_page(scope, criteria, request)

        async def count() -> int:
            async with info.context.session_scope() as scope:
                return await lists.ticket_count(scope, criteria)

        return to_connection(page, TICKET_CURSOR, Ticket.from_row, count)
