"""Ticket lists, newest first: the client's queues (filtered) and each customer's tickets, as keyset pages."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from db.enums import TicketQueue, TicketStatus
from db.models import Ticket
from resolvers.context import RequestScope
from resolvers.pagination import (
    Page,
    PageRequest,
    count_by_parent,
    count_rows,
    keyset_page,
    keyset_pages_by_parent,
)
from resolvers.scope import tenant_scoped

NO_KEY = 0  # matches no row: an ID of the wrong type or another client's finds nothing rather than everything


@dataclass(frozen=True, slots=True)
class TicketFilter:
    queue: TicketQueue | None = None
    statuses: tuple[TicketStatus, ...] | None = None
    assignee_id: int | None = None
    unassigned: bool | None = None
    customer_id: int | None = None


def _filtered(scope: RequestScope, criteria: TicketFilter) -> Select[Any]:
    stmt = tenant_scoped(select(Ticket), Ticket, scope)
    if criteria.queue is not None:
        stmt = stmt.where(Ticket.queue == criteria.queue)
    if criteria.statuses is not None:
        stmt = stmt.where(Ticket.status.in_(criteria.statuses))
    if criteria.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == criteria.assignee_id)
    if criteria.unassigned is True:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    elif criteria.unassigned is False:
        stmt = stmt.where(Ticket.assignee_id.is_not(None))
    if criteria.customer_id is not None:
        stmt = stmt.where(Ticket.customer_id == criteria.customer_id)
    return stmt


async def ticket_page(scope: RequestScope, criteria: TicketFilter, request: PageRequest) -> Page[Ticket]:
    return await keyset_page(scope.db, _filtered(scope, criteria), [Ticket.id], lambda t: (t.id,), request,
                             descending=True)


async def ticket_count(scope: RequestScope, criteria: TicketFilter) -> int:
    return await count_rows(scope.db, _filtered(scope, criteria))


def _of_customers(scope: RequestScope, statuses: tuple[TicketStatus, ...] | None) -> Select[Any]:
    stmt = tenant_scoped(select(Ticket), Ticket, scope)
    return stmt.where(Ticket.status.in_(statuses)) if statuses is not None else stmt


async def ticket_pages_by_customer(scope: RequestScope, customer_ids: Sequence[int],
                                   argument: tuple[PageRequest, tuple[TicketStatus, ...] | None]) -> list[Page[Ticket]]:
    """The same page of many customers' tickets in one statement."""
    request, statuses = argument
    return await keyset_pages_by_parent(scope.db, Ticket, _of_customers(scope, statuses), Ticket.customer_id,
                                        customer_ids, [Ticket.id], lambda t: (t.id,), request, descending=True,
                                        reuse=(scope, ("tickets", statuses)))


async def ticket_counts_by_customer(scope: RequestScope, customer_ids: Sequence[int],
                                    statuses: tuple[TicketStatus, ...] | None) -> list[int]:
    return await count_by_parent(scope.db, _of_customers(scope, statuses), Ticket.customer_id, customer_ids,
                                 reuse=(scope, ("tickets", statuses)))
