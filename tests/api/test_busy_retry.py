"""A write that cannot get the database in time answers BUSY_RETRY, within the wait, with nothing written.

On SQLite another process holds the file's write lock; on PostgreSQL another transaction holds the
customer's row (addNote's entry refers to it, so its insert waits for the row). Once the holder lets
go, the same mutation goes through.
"""

import asyncio
import sqlite3
import time

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from db.models import CommLogEntry, DomainEvent
from graph.app import create_app
from graph.core.relay import to_global_id
from graph.settings import Settings
from tests.conftest import SECRET, Api
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

WAIT = 0.5
NOTE = """mutation($i: AddNoteInput!) { addNote(input: $i) { entry { id } userErrors { field code message } } }"""


@pytest.fixture
async def impatient_api(database):
    """The app with a short write wait."""
    app = create_app(Settings(database_url=database.url, secret=SECRET, outbox_enabled=False,
                              write_wait_seconds=WAIT, event_poll_seconds=3600))
    async with lifespan(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://csrgraph.test") as client:
            yield Api(client)


class HeldFile:
    """SQLite's write lock, held by another process's connection."""

    def __init__(self, database, customer):
        self.conn = sqlite3.connect(make_url(database.url).database, isolation_level=None)

    async def __aenter__(self):
        self.conn.execute("BEGIN IMMEDIATE")

    async def __aexit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


class HeldRow:
    """The customer's row, locked FOR UPDATE by another PostgreSQL transaction."""

    def __init__(self, database, customer):
        self.database, self.customer = database, customer

    async def __aenter__(self):
        self.conn = await self.database.engine.connect()
        await self.conn.begin()
        await self.conn.execute(text("SELECT id FROM customers WHERE id = :id FOR UPDATE"), {"id": self.customer.id})

    async def __aexit__(self, *exc):
        await self.conn.rollback()
        await self.conn.close()


async def counts(database, customer) -> tuple[int, int]:
    async with database.sessionmaker() as session:
        entries = (await session.execute(select(func.count()).where(CommLogEntry.customer_id == customer.id))).scalar()
        events = (await session.execute(select(func.count()).where(DomainEvent.customer_id == customer.id))).scalar()
    return entries, events


async def test_a_write_that_waits_too_long_is_busy_retry_and_writes_nothing(impatient_api, database, session, tenant):
    # given the database held by someone else for longer than a write waits
    customer = await make_customer(session, tenant, "Busy Customer")
    await session.commit()
    note = {"i": {"customerId": to_global_id("Customer", customer.id), "body": "Explained the bill."}}
    held = (HeldFile if database.backend == "sqlite" else HeldRow)(database, customer)
    async with held:
        # when two agents add a note
        started = time.monotonic()
        bodies = await asyncio.gather(*(impatient_api.run(NOTE, note, user=tenant.agent) for _ in range(2)))
        waited = time.monotonic() - started
        # then both answer BUSY_RETRY within about the wait, and nothing was written
        assert [b["addNote"]["userErrors"][0]["code"] for b in bodies] == ["BUSY_RETRY", "BUSY_RETRY"]
        assert all(b["addNote"]["entry"] is None for b in bodies)
        assert waited < WAIT + 2.0
        assert await counts(database, customer) == (0, 0)
    # and once it is free, the same input goes through
    body = await impatient_api.run(NOTE, note, user=tenant.agent)
    assert body["addNote"]["userErrors"] == []
    assert await counts(database, customer) == (1, 1)
