"""Demo settings (seed 000): some customers on autopay or paperless, one on a dunning hold, one whose hold expired.

Holds are written as placing them would have written them: the columns, a SYSTEM log entry and
an audit event by the client's agent. Dates are relative to the demo's fixed day, like all demo data.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import CommLogKind, Role
from db.models import AuditEvent, CommLogEntry, Customer, User

AUTOPAY, PAPERLESS = slice(0, 4), slice(2, 6)  # positions among the client's first customers with an email
HOLDS = [  # position, days from the demo day to the hold's last day, placed how many days before the demo day, reason
    (6, 180, 5, "Payment arrangement: three installments agreed"),
    (7, -10, 40, "Billing dispute under review"),  # expired by itself: reads as no hold
]


async def seed_demo_settings(conn: AsyncConnection, client_id: int, today: date) -> None:
    stmt = (select(Customer.id).where(Customer.client_id == client_id, Customer.is_master.is_(False),
                                      Customer.email.is_not(None)).order_by(Customer.id).limit(8))
    ids = list((await conn.execute(stmt)).scalars())
    for chosen, column in ((ids[AUTOPAY], "autopay"), (ids[PAPERLESS], "paperless")):
        if chosen:
            await conn.execute(update(Customer).where(Customer.id.in_(chosen)).values({column: True}))
    agent = (await conn.execute(select(User.id).where(User.client_id == client_id, User.role == Role.AGENT))).scalar()
    for position, last_day, days_ago, reason in HOLDS:
        if position < len(ids):
            await _hold(conn, client_id, ids[position], agent, today + timedelta(days=last_day),
                        _at(today - timedelta(days=days_ago)), reason)


async def _hold(conn: AsyncConnection, client_id: int, customer_id: int, agent: int | None, until: date,
                placed: datetime, reason: str) -> None:
    await conn.execute(update(Customer).where(Customer.id == customer_id)
                       .values(dunning_hold_until=until, dunning_hold_reason=reason))
    await conn.execute(insert(CommLogEntry), [{
        "client_id": client_id, "customer_id": customer_id, "kind": CommLogKind.SYSTEM, "category": "Account",
        "subject": f"Dunning hold until {until}", "body": f"Dunning hold until {until}: {reason}",
        "author_id": agent, "critical": False, "created_at": placed,
    }])
    changes = {"dunning_hold_until": {"from": None, "to": until.isoformat()},
               "dunning_hold_reason": {"from": None, "to": reason}}
    await conn.execute(insert(AuditEvent), [{
        "client_id": client_id, "actor_id": agent, "action": "customer.place_dunning_hold", "object_type": "Customer",
        "object_id": customer_id, "changes": changes, "request_id": "demo", "created_at": placed,
    }])


def _at(day: date) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=UTC)
