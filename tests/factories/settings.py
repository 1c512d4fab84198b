"""Builders for customer settings, writing the columns directly (the API refuses past holds)."""

from datetime import date

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import CustomerKind
from db.models import Customer
from tests.factories.admin import Tenant


async def set_settings(session: AsyncSession, customer: Customer, *, autopay: bool | None = None,
                       paperless: bool | None = None) -> Customer:
    row = await session.get(Customer, customer.id)
    assert row is not None
    if autopay is not None:
        row.autopay = autopay
    if paperless is not None:
        row.paperless = paperless
    await session.flush()
    return row


async def set_hold(session: AsyncSession, customer: Customer, until: date | None,
                   reason: str | None = "On hold") -> Customer:
    """Any hold, an expired one included: what the columns would hold once its day has passed."""
    row = await session.get(Customer, customer.id)
    assert row is not None
    row.dunning_hold_until, row.dunning_hold_reason = until, reason if until else None
    await session.flush()
    return row


async def make_plain_customers(session: AsyncSession, tenant: Tenant, count: int, prefix: str) -> list[str]:
    """`count` customers with numbers PREFIX-1.., no accounts and no search keys, in one INSERT: for big lists."""
    rows = [{"client_id": tenant.client.id, "number": f"{prefix}-{n}", "name": f"Plain {n}", "name_key": f"plain {n}",
             "kind": CustomerKind.RESIDENTIAL, "email": None, "address_key": ""} for n in range(1, count + 1)]
    await session.execute(insert(Customer), rows)
    await session.flush()
    return [row["number"] for row in rows]
