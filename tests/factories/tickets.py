"""Builders for authorized contacts and tickets, and a census of what a contact change writes."""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketStatus,
)
from db.models import (
    AuditEvent,
    AuthorizedContact,
    CommLogEntry,
    Customer,
    Notification,
    Ticket,
    User,
)
from db.search_keys import name_key


async def make_contact(session: AsyncSession, customer: Customer, name: str = "Alexander Erickson",
                       relationship: str = "son", *, removed: bool = False) -> AuthorizedContact:
    contact = AuthorizedContact(client_id=customer.client_id, customer_id=customer.id, name=name,
                                name_key=name_key(name), relationship=relationship)
    if removed:
        contact.removed_at, contact.removed_reason = datetime(2025, 1, 2, 12, 0, tzinfo=UTC), "Holder withdrew consent"
    session.add(contact)
    await session.flush()
    return contact


async def make_ticket(session: AsyncSession, client_id: int, *, customer: Customer | None = None,
                      summary: str = "Question", queue: TicketQueue = TicketQueue.CUSTOMER_CARE,
                      status: TicketStatus = TicketStatus.OPEN, assignee: User | None = None,
                      kind: TicketKind = TicketKind.GENERAL, details: dict | None = None) -> Ticket:
    ticket = Ticket(client_id=client_id, customer_id=customer.id if customer else None, kind=kind, summary=summary,
                    description="Please look into it.", request_type=TicketRequestType.OTHER, queue=queue,
                    reporter="someone@mail.example", support_channel=SupportChannel.PHONE, status=status,
                    assignee_id=assignee.id if assignee else None, details=details or {})
    session.add(ticket)
    await session.flush()
    return ticket


async def census(session: AsyncSession, customer: Customer) -> dict:
    """Everything a contact change could write for this customer, to show a refusal wrote nothing."""
    fields = ("name", "email", "phone", "billing_line1", "billing_line2", "billing_city", "billing_state",
              "billing_zip", "address_key")
    # columns, not the entity: the caller's Customer object must stay as it is (and not expire)
    stmt = select(*(getattr(Customer, f) for f in fields)).where(Customer.id == customer.id)
    row = (await session.execute(stmt)).one()
    counts = {}
    for model, column in ((AuditEvent, AuditEvent.client_id), (CommLogEntry, CommLogEntry.customer_id),
                          (Ticket, Ticket.client_id), (Notification, Notification.customer_id)):
        key = customer.client_id if column.key == "client_id" else customer.id
        counts[model.__tablename__] = (await session.execute(select(func.count()).where(column == key))).scalar_one()
    found = {"customer": dict(zip(fields, row, strict=False)), **counts}
    await session.commit()  # end the read: SQLite would otherwise keep this snapshot (and its lock)
    return found
