"""Service tickets (seed 004's queue) and the authorized contacts who may request changes."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntId, CreatedAt, IntPk, TenantScoped, UtcDateTime
from db.enums import (
    PlatformArea,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=20)


class AuthorizedContact(TenantScoped, Base):
    """Someone the holder allows to act on the account. Removal is recorded, never a delete."""

    __tablename__ = "authorized_contacts"
    __table_args__ = (Index(None, "customer_id", "id"),)

    id: Mapped[IntPk]
    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customers.id"))
    name: Mapped[str] = mapped_column(String(200))
    # lower-cased, accent-free name: how a requester is matched against the list
    name_key: Mapped[str] = mapped_column(Text)  # folded: may be longer than the name
    relationship: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    added_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    removed_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_reason: Mapped[str | None] = mapped_column(String(500))


class Ticket(TenantScoped, Base):
    """A request worked in a queue: OPEN -> IN_PROGRESS -> CLOSED with a resolution."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index(None, "client_id", "queue", "status", "id"),
        Index(None, "client_id", "status", "id"),
        Index(None, "client_id", "assignee_id", "status", "id"),
        Index(None, "customer_id", "status", "id"),
        Index(None, "customer_id", "created_at", "id"),  # the customer timeline
    )

    id: Mapped[IntPk]
    customer_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("customers.id"))
    kind: Mapped[TicketKind] = mapped_column(_enum(TicketKind))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    request_type: Mapped[TicketRequestType] = mapped_column(_enum(TicketRequestType))
    queue: Mapped[TicketQueue] = mapped_column(_enum(TicketQueue))
    reporter: Mapped[str] = mapped_column(String(254))
    support_channel: Mapped[SupportChannel] = mapped_column(_enum(SupportChannel))
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus))
    assignee_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    # a contact change's from-to values, so closing it can tell the customer what was done
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    resolution: Mapped[TicketResolution | None] = mapped_column(_enum(TicketResolution))
    resolution_type: Mapped[TicketRequestType | None] = mapped_column(_enum(TicketRequestType))
    platform_area: Mapped[PlatformArea | None] = mapped_column(_enum(PlatformArea))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
