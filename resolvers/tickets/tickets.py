"""Tickets through their life: opened (OPEN), assigned (IN_PROGRESS), closed (CLOSED) with a resolution.

Every change is audited (object type "Ticket"); every status change of a customer's ticket is also a
SYSTEM entry of that customer's communication log, so the account shows what the queue did.
"""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select

from db.base import utcnow
from db.enums import (
    CommLogKind,
    NotificationChannel,
    NotificationStatus,
    PlatformArea,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)
from db.models import CommLogEntry, Customer, Notification, Ticket, User
from resolvers import audit
from resolvers.admin.commands import viewer_user
from resolvers.commlog.entries import append_entry
from resolvers.context import RequestScope
from resolvers.customers.contact import normalize_email
from resolvers.customers.queries import get_customer
from resolvers.errors import Invalid, NotFound, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped
from resolvers.tickets import messages
from resolvers.tickets.errors import DESCRIPTIONS, TicketErrorCode
from resolvers.tickets.numbers import ticket_number
from resolvers.tickets.text import required_text

MAX_SUMMARY = 200
MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
SUBJECT_CHARS = 200
# Seed 004's closing step: an account-management request closes in the account-management area.
AREA_OF = {
    TicketRequestType.ACCOUNT_MANAGEMENT: PlatformArea.ACCOUNT_MANAGEMENT,
    TicketRequestType.BILLING: PlatformArea.BILLING,
    TicketRequestType.ENROLLMENT: PlatformArea.ENROLLMENT,
}


@dataclass(frozen=True, slots=True)
class NewTicket:
    summary: str
    description: str
    customer_id: int | None = None
    request_type: TicketRequestType = TicketRequestType.OTHER
    queue: TicketQueue = TicketQueue.CUSTOMER_CARE
    support_channel: SupportChannel = SupportChannel.PHONE
    reporter: str | None = None


@dataclass(frozen=True, slots=True)
class Opening:
    """A ticket as the system opens it, already checked (contact changes open theirs this way)."""

    summary: str
    description: str
    request_type: TicketRequestType
    queue: TicketQueue
    reporter: str
    support_channel: SupportChannel
    kind: TicketKind = TicketKind.GENERAL
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Closing:
    resolution: TicketResolution = TicketResolution.DONE
    resolution_type: TicketRequestType | None = None
    platform_area: PlatformArea | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Closed:
    ticket: Ticket
    notification: Notification | None


async def create_ticket(scope: RequestScope, new: NewTicket) -> Ticket:
    ensure_allowed(scope, Action.CREATE_TICKET)
    summary = required_text(new.summary, MAX_SUMMARY, "summary", "The summary")
    description = _description(new.description)
    reporter = normalize_email(new.reporter, "reporter") if new.reporter and new.reporter.strip() else None
    customer = None
    if new.customer_id is not None:
        customer = get_or_not_found(await get_customer(scope, new.customer_id), "Customer", "customer_id")
    reporter = reporter or (customer.email if customer and customer.email else scope.viewer.email)
    opening = Opening(summary=summary, description=description, request_type=new.request_type, queue=new.queue,
                      reporter=reporter, support_channel=new.support_channel)
    return await open_ticket(scope, customer, opening)


def _description(text: str | None) -> str:
    """Trimmed but with its line breaks: a description is prose, often pasted."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise Invalid("The description is required.", "description")
    if len(cleaned) > MAX_DESCRIPTION:
        raise Invalid(f"The description is at most {MAX_DESCRIPTION} characters.", "description")
    return cleaned


async def open_ticket(scope: RequestScope, customer: Customer | None, opening: Opening) -> Ticket:
    """Open a ticket (OPEN, unassigned) for the viewer; the caller has checked the role and the text."""
    ticket = Ticket(
        client_id=scope.tenant_id, customer_id=customer.id if customer else None, kind=opening.kind,
        summary=opening.summary, description=opening.description, request_type=opening.request_type,
        queue=opening.queue, reporter=opening.reporter, support_channel=opening.support_channel,
        status=TicketStatus.OPEN, details=opening.details, created_by=scope.viewer.user_id,
    )
    scope.db.add(ticket)
    await scope.db.flush()
    await audit.record(scope, "ticket.create", "Ticket", ticket.id, {
        "status": {"from": None, "to": TicketStatus.OPEN.value}, "kind": {"from": None, "to": opening.kind.value},
        "queue": {"from": None, "to": opening.queue.value}, "summary": {"from": None, "to": opening.summary},
        "customer_id": {"from": None, "to": ticket.customer_id},
    })
    await _log(scope, ticket, f"Ticket {ticket_number(ticket.id)} opened: {ticket.summary}",
               f"Queue: {_label(ticket.queue)}. Status: OPEN.")
    return ticket


async def assign_ticket(scope: RequestScope, ticket_id: int, assignee_id: int) -> Ticket:
    """Give the ticket to an active user of the client: OPEN becomes IN_PROGRESS; reassigning keeps the status."""
    ensure_allowed(scope, Action.ASSIGN_TICKET)
    ticket = await _open_ticket_or_fail(scope, ticket_id)
    assignee = await _active_user(scope, assignee_id)
    before = _state(ticket)
    ticket.assignee_id = assignee.id
    if ticket.status is TicketStatus.OPEN:
        ticket.status = TicketStatus.IN_PROGRESS
    changes = audit.diff(before, _state(ticket))
    if not changes:
        return ticket  # already theirs: nothing to record
    ticket.updated_at = utcnow()
    await audit.record(scope, "ticket.assign", "Ticket", ticket.id, changes)
    status = f" Status: {before['status']} -> {ticket.status.value}." if "status" in changes else ""
    await _log(scope, ticket, f"Ticket {ticket_number(ticket.id)} assigned to {assignee.name}",
               f"{ticket.summary}.{status}")
    await scope.db.flush()
    return ticket


async def close_ticket(scope: RequestScope, ticket_id: int, closing: Closing) -> Closed:
    """Close with a resolution; a contact change closed as DONE tells the customer what was changed."""
    ensure_allowed(scope, Action.CLOSE_TICKET)
    ticket = await _open_ticket_or_fail(scope, ticket_id)
    note = " ".join((closing.note or "").split()) or None
    if note and len(note) > MAX_NOTE:
        raise Invalid(f"The note is at most {MAX_NOTE} characters.", "note")
    before = _state(ticket)
    now = utcnow()
    ticket.status, ticket.resolution, ticket.resolution_note = TicketStatus.CLOSED, closing.resolution, note
    ticket.resolution_type = closing.resolution_type or ticket.request_type
    ticket.platform_area = closing.platform_area or AREA_OF.get(ticket.request_type, PlatformArea.OTHER)
    ticket.closed_by, ticket.closed_at, ticket.updated_at = scope.viewer.user_id, now, now
    await audit.record(scope, "ticket.close", "Ticket", ticket.id, audit.diff(before, _state(ticket)))
    to_tell = await _to_tell_done(scope, ticket)
    told = f" {messages.done_queued(to_tell.email)}" if to_tell else ""
    entry = await _log(scope, ticket, f"Ticket {ticket_number(ticket.id)} closed: {_label(ticket.resolution)}",
                       f"{ticket.summary}.{told}" + (f"\nNote: {note}" if note else ""))
    notification = None
    if to_tell is not None:
        body = messages.done_email(to_tell.customer.name, ticket.details.get("changes", {}),
                                   (await viewer_user(scope)).name)
        notification = await queue_email(scope, to_tell.customer, to_tell.email, messages.DONE_SUBJECT, body, entry)
    await scope.db.flush()
    return Closed(ticket, notification)


class _Recipient(NamedTuple):
    customer: Customer
    email: str


async def _to_tell_done(scope: RequestScope, ticket: Ticket) -> _Recipient | None:
    """The customer to email that a contact change is done: only a DONE contact change, only with an address."""
    if ticket.kind is not TicketKind.CONTACT_CHANGE or ticket.resolution is not TicketResolution.DONE:
        return None
    customer = await get_customer(scope, ticket.customer_id) if ticket.customer_id else None
    return _Recipient(customer, customer.email) if customer is not None and customer.email else None


async def queue_email(scope: RequestScope, customer: Customer, recipient: str, subject: str, body: str,
                      entry: CommLogEntry | None) -> Notification:
    """An email to the customer, QUEUED for the outbox (resolvers/commlog/letters/outbox.py), tied to the log entry
    that records it (None only for a ticket without a customer, which has no log)."""
    notification = Notification(
        client_id=scope.tenant_id, customer_id=customer.id, channel=NotificationChannel.EMAIL, recipient=recipient,
        subject=subject, body_text=body, status=NotificationStatus.QUEUED, attempts=0,
        created_by=scope.viewer.user_id, comm_log_entry_id=entry.id if entry else None,
    )
    scope.db.add(notification)
    await scope.db.flush()
    return notification


async def get_ticket(scope: RequestScope, ticket_id: int) -> Ticket | None:
    stmt = tenant_scoped(select(Ticket).where(Ticket.id == ticket_id), Ticket, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def _open_ticket_or_fail(scope: RequestScope, ticket_id: int) -> Ticket:
    ticket = get_or_not_found(await get_ticket(scope, ticket_id), "Ticket", "ticket_id")
    if ticket.status is TicketStatus.CLOSED:
        code = TicketErrorCode.TICKET_ALREADY_CLOSED
        raise UserInputError(code, DESCRIPTIONS[code], "ticket_id")
    return ticket


async def _active_user(scope: RequestScope, user_id: int) -> User:
    stmt = tenant_scoped(select(User).where(User.id == user_id), User, scope)
    user = (await scope.db.execute(stmt)).scalar_one_or_none()
    if user is None:
        raise NotFound("User", "assignee_id")
    if not user.active:
        code = TicketErrorCode.ASSIGNEE_INACTIVE
        raise UserInputError(code, DESCRIPTIONS[code], "assignee_id")
    return user


def _state(ticket: Ticket) -> dict[str, Any]:
    """What the audit trail follows, as plain values."""
    names = ("status", "assignee_id", "resolution", "resolution_type", "platform_area", "resolution_note", "closed_by")
    return {n: getattr(getattr(ticket, n), "value", getattr(ticket, n)) for n in names}


def _label(value: Any) -> str:
    return str(getattr(value, "value", value)).replace("_", " ").title()


async def _log(scope: RequestScope, ticket: Ticket, subject: str, body: str) -> CommLogEntry | None:
    """A SYSTEM entry on the customer's log; a ticket without a customer has no log to write to."""
    if ticket.customer_id is None:
        return None
    clipped = subject if len(subject) <= SUBJECT_CHARS else subject[: SUBJECT_CHARS - 1] + "…"
    return await append_entry(
        scope, customer_id=ticket.customer_id, kind=CommLogKind.SYSTEM, subject=clipped, body=body
    )
