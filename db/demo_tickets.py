"""Demo tickets and authorized contacts, so the ticket queues and the contacts list show something.

Per client, on its first customers: an authorized contact (and one removed), and a ticket in each state —
a contact change waiting in account servicing, a billing question being worked, a closed one, and a
ticket about no customer. Deterministic (no randomness, times fixed relative to the demo's day) and
written once: a client that already has tickets is left alone, so seeding more customers adds none.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import (
    PlatformArea,
    Role,
    SupportChannel,
    TicketKind,
    TicketQueue,
    TicketRequestType,
    TicketResolution,
    TicketStatus,
)
from db.models import AuthorizedContact, Customer, Ticket, User
from db.search_keys import name_key

NUMBER_OF_CUSTOMERS = 3  # the client's first customers get the tickets


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def seed_demo_tickets(conn: AsyncConnection, client_id: int, today: date) -> None:
    if (await conn.execute(select(func.count()).where(Ticket.client_id == client_id))).scalar_one():
        return
    stmt = (select(Customer.id, Customer.name, Customer.email, Customer.phone)
            .where(Customer.client_id == client_id, Customer.is_master.is_(False))
            .order_by(Customer.id).limit(NUMBER_OF_CUSTOMERS))
    customers = list((await conn.execute(stmt)).all())
    users = dict((await conn.execute(select(User.role, User.id).where(User.client_id == client_id))).tuples().all())
    if not customers or not users:
        return
    agent, lead = users.get(Role.AGENT), users.get(Role.TEAM_LEAD)
    await conn.execute(insert(AuthorizedContact), _contacts(client_id, customers[0], agent, lead, today))
    await conn.execute(insert(Ticket), _tickets(client_id, customers, agent, lead, today))


def _contacts(client_id: int, customer: Any, agent: int | None, lead: int | None, today: date) -> list[dict]:
    surname = customer.name.split()[-1]
    rows = [(f"Sam {surname}", "spouse", "+12155550142", None, None),
            (f"Alex {surname}", "son", None, today - timedelta(days=20), "Holder withdrew consent")]
    return [{"client_id": client_id, "customer_id": customer.id, "name": name, "name_key": name_key(name),
             "relationship": relationship, "phone": phone, "email": None, "added_by": agent,
             "created_at": _at(today - timedelta(days=200)), "removed_at": _at(removed) if removed else None,
             "removed_by": lead if removed else None, "removed_reason": reason}
            for name, relationship, phone, removed, reason in rows]


def _tickets(client_id: int, customers: list[Any], agent: int | None, lead: int | None, today: date) -> list[dict]:
    first, second, third = (customers * NUMBER_OF_CUSTOMERS)[:NUMBER_OF_CUSTOMERS]
    new_phone = "+12155550177"
    changes = {"phone": {"from": first.phone, "to": new_phone}}
    contact_change = {
        "customer_id": first.id, "kind": TicketKind.CONTACT_CHANGE,
        "summary": f"Contact information update - {first.name}",
        "description": f"Per the account holder's request, we've updated their contact information as follows:\n"
                       f"Account holder: {first.name}\n- Phone number changed from {first.phone} to {new_phone}\n\n"
                       "Please update your system of record and confirm when complete.",
        "request_type": TicketRequestType.ACCOUNT_MANAGEMENT, "queue": TicketQueue.ACCOUNT_SERVICING,
        "reporter": first.email or "support@example.com", "support_channel": SupportChannel.PHONE,
        "status": TicketStatus.OPEN, "details": {"changes": changes, "requested_by": {
            "name": first.name, "relationship": None, "is_account_holder": True, "authorized_contact_id": None}},
        "created_at": _at(today - timedelta(days=1)),
    }
    billing = {
        "customer_id": second.id, "kind": TicketKind.GENERAL, "summary": "Bill higher than expected",
        "description": "Customer asks why the October bill is higher than September's; check the meter read.",
        "request_type": TicketRequestType.BILLING, "queue": TicketQueue.BILLING,
        "reporter": second.email or "support@example.com", "support_channel": SupportChannel.EMAIL,
        "status": TicketStatus.IN_PROGRESS, "assignee_id": agent, "created_at": _at(today - timedelta(days=4)),
        "updated_at": _at(today - timedelta(days=3)),
    }
    closed = {
        "customer_id": third.id, "kind": TicketKind.GENERAL, "summary": "Paperless billing enrollment",
        "description": "Customer asked to receive bills by email only.",
        "request_type": TicketRequestType.ACCOUNT_MANAGEMENT, "queue": TicketQueue.CUSTOMER_CARE,
        "reporter": third.email or "support@example.com", "support_channel": SupportChannel.CHAT,
        "status": TicketStatus.CLOSED, "assignee_id": lead, "resolution": TicketResolution.DONE,
        "resolution_type": TicketRequestType.ACCOUNT_MANAGEMENT, "platform_area": PlatformArea.ACCOUNT_MANAGEMENT,
        "resolution_note": "Enrolled in paperless billing.", "closed_by": lead,
        "created_at": _at(today - timedelta(days=10)), "updated_at": _at(today - timedelta(days=8)),
        "closed_at": _at(today - timedelta(days=8)),
    }
    portal = {
        "customer_id": None, "kind": TicketKind.GENERAL, "summary": "Portal login page slow",
        "description": "Several callers said the customer portal login page takes a minute to load.",
        "request_type": TicketRequestType.OTHER, "queue": TicketQueue.CUSTOMER_CARE,
        "reporter": "support@example.com", "support_channel": SupportChannel.PHONE, "status": TicketStatus.OPEN,
        "created_at": _at(today - timedelta(days=2)),
    }
    rows = [closed, billing, portal, contact_change]  # oldest first, so ids follow time
    defaults: dict[str, Any] = {"assignee_id": None, "details": {}, "resolution": None, "resolution_type": None,
                "platform_area": None, "resolution_note": None, "updated_at": None, "closed_by": None,
                "closed_at": None}
    return [{**defaults, **row, "client_id": client_id, "created_by": agent} for row in rows]
