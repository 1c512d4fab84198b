"""GraphQL types of service tickets and authorized contacts, built from ORM rows with plain attribute fields."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import models
from graph.admin.types import User
from graph.core.columns import FromRow, by_value, column
from graph.core.relay import CursorShape, Node, load_converted, node_or_none, to_global_id
from graph.tickets import loaders
from graph.tickets.enums import (
    PlatformArea,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)
from resolvers.tickets.numbers import ticket_number

if TYPE_CHECKING:
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
TICKET_CURSOR = CursorShape("ticket", (int,))  # a queue's and a customer's tickets alike


@strawberry.type(description="A request worked in a team queue: OPEN -> IN_PROGRESS -> CLOSED with a resolution.")
class Ticket(Node):
    number: str = column(models.Ticket.id, convert=ticket_number,
                         description="Short reference quoted to customers and in notes, e.g. TKT-000042.")
    kind: TicketKind = column(models.Ticket.kind, convert=by_value(TicketKind), description="What the ticket is for.")
    summary: str = column(models.Ticket.summary,
                          description="One-line summary, e.g. \"Contact information update - NAME\".")
    description: str = column(models.Ticket.description, description="What is asked: for a contact change, the "
                              "holder, the service address and what changed from-to.")
    request_type: TicketRequestType = column(models.Ticket.request_type, convert=by_value(TicketRequestType),
                                             description="What the ticket asks for.")
    queue: TicketQueue = column(models.Ticket.queue, convert=by_value(TicketQueue),
                                description="The queue it is worked in.")
    reporter: str = column(models.Ticket.reporter,
                           description="Email of who reported it: the customer's, else the agent's.")
    support_channel: SupportChannel = column(models.Ticket.support_channel, convert=by_value(SupportChannel),
                                             description="How the request came in.")
    status: TicketStatus = column(models.Ticket.status, convert=by_value(TicketStatus),
                                  description="OPEN, IN_PROGRESS or CLOSED.")
    resolution: TicketResolution | None = column(models.Ticket.resolution, convert=by_value(TicketResolution),
                                                 description="How it was closed; null while not closed.")
    resolution_type: TicketRequestType | None = column(
        models.Ticket.resolution_type, convert=by_value(TicketRequestType),
        description="What kind of work closed it; null while not closed.")
    platform_area: PlatformArea | None = column(models.Ticket.platform_area, convert=by_value(PlatformArea),
                                                description="The part of the platform it concerned; null while not "
                                                "closed.")
    resolution_note: str | None = column(models.Ticket.resolution_note, description="The closing note, if any.")
    created_at: datetime = column(models.Ticket.created_at, description="When it was opened (UTC).")
    updated_at: datetime | None = column(models.Ticket.updated_at, description="When it last changed (UTC), if ever.")
    closed_at: datetime | None = column(models.Ticket.closed_at, description="When it was closed (UTC), if it is.")
    row: strawberry.Private[models.Ticket]

    @strawberry.field(description="Who works it; null while unassigned.")
    async def assignee(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.assignee_id)

    @strawberry.field(description="The customer it is about, if any.")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from graph.customers.types import Customer

        return await node_or_none(Customer, info, self.row.customer_id)

    @strawberry.field(description="Who opened it; null for tickets opened by the system.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.created_by)

    @strawberry.field(description="Who closed it; null while not closed.")
    async def closed_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.closed_by)

    from_row = FromRow()

    @classmethod
    async def load(cls, info: strawberry.Info, pk: int) -> Self | None:
        return await node_or_none(cls, info, pk)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.tickets_by_id, ids, cls.from_row)


@strawberry.type(description="Someone the account holder allows to request changes on the account.")
class AuthorizedContact(Node):
    name: str = strawberry.field(description="Full name, as the requester will give it.")
    relationship: str = strawberry.field(description="Relationship to the account holder, e.g. spouse, son, employee.")
    phone: str | None = strawberry.field(description="Phone number in E.164 form, if given.")
    email: str | None = strawberry.field(description="Email address (normalized), if given.")
    added_at: datetime = strawberry.field(description="When it was added (UTC).")
    removed_at: datetime | None = strawberry.field(description="When it was removed (UTC); removed contacts are no "
                                                   "longer authorized.")
    removed_reason: str | None = strawberry.field(description="Why it was removed, if it was.")
    row: strawberry.Private[models.AuthorizedContact]

    @strawberry.field(description="Still authorized: not removed.")
    def active(self) -> bool:
        return self.row.removed_at is None

    @strawberry.field(description="Who added it.")
    async def added_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.added_by)

    @strawberry.field(description="Who removed it, if it was removed.")
    async def removed_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.removed_by)

    @strawberry.field(description="The customer whose account this contact may act on.")
    async def customer(self, info: strawberry.Info) -> CustomerRef:
        from graph.customers.types import Customer

        return await Customer.load(info, self.row.customer_id)

    @classmethod
    def from_row(cls, row: models.AuthorizedContact) -> Self:
        return cls(
            id=to_global_id("AuthorizedContact", row.id), name=row.name, relationship=row.relationship,
            phone=row.phone, email=row.email, added_at=row.created_at, removed_at=row.removed_at,
            removed_reason=row.removed_reason, row=row,
        )

    @classmethod
    async def load(cls, info: strawberry.Info, pk: int) -> Self | None:
        return await node_or_none(cls, info, pk)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.authorized_contacts_by_id, ids, cls.from_row)
