"""The event log: appended with the change, visible in id order on PostgreSQL, purged past its retention."""

import asyncio
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from db import event_log
from db.base import utcnow
from db.enums import EventKind
from db.models import DomainEvent
from db.writes import Writes
from resolvers import events
from resolvers.events import events_after, purge_events
from tests.conftest import SECRET
from tests.factories.customers import make_customer


def record(session, tenant, customer, entry_id: int) -> None:
    event_log.record(session, client_id=tenant.client.id, kind=EventKind.COMMLOG_ENTRY_ADDED,
                     customer_id=customer.id, entry_id=entry_id, memo_id=None)


async def newest(database) -> int:
    async with database.sessionmaker() as session:
        return await events.newest_id(session)


async def test_ids_become_visible_in_the_order_they_were_given(database, session, tenant):
    """Two transactions append at once; the one that got the higher id cannot commit first (PostgreSQL would
    otherwise let a reader at "id > last seen" pass over the lower one for good)."""
    if database.backend != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time")
    customer = await make_customer(session, tenant, "Ordered")
    await session.commit()
    start = await newest(database)
    first, second = database.sessionmaker(), database.sessionmaker()
    # given a transaction that appended an event and has not committed
    record(first, tenant, customer, 1)
    await first.run_sync(event_log.append_pending)
    # when another appends one
    record(second, tenant, customer, 2)
    appending = asyncio.create_task(second.run_sync(event_log.append_pending))
    # then it waits for the lock (bounded wait for PostgreSQL to show it: a fixed sleep proved nothing on a busy
    # machine), and a reader sees neither, until the first commits; then both, in id order
    await waiting_for_the_event_lock(database)
    assert not appending.done()
    async with database.sessionmaker() as reader:
        assert await events_after(reader, start, 10) == []
    await first.commit()
    await appending
    await second.commit()
    async with database.sessionmaker() as reader:
        seen = await events_after(reader, start, 10)
    assert [e.entry_id for e in seen] == [1, 2]
    assert seen[0].id < seen[1].id
    await first.close()
    await second.close()


async def waiting_for_the_event_lock(database, seconds: float = 30.0) -> None:
    """Until a transaction waits for EVENT_LOCK (pg_locks: an advisory lock not granted)."""
    key = event_log.EVENT_LOCK
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                   "AND ((classid::bigint << 32) | objid::bigint) = :key")
    deadline = asyncio.get_running_loop().time() + seconds
    async with database.engine.connect() as conn:
        while not (await conn.execute(waiting, {"key": key})).scalar():
            assert asyncio.get_running_loop().time() < deadline, "no transaction ever waited for the event lock"
            await asyncio.sleep(0.02)


async def test_a_deadlock_is_run_again(database, session, tenant):
    """Two transactions lock the same rows in opposite orders: PostgreSQL aborts one, which then runs again."""
    if database.backend != "postgresql":
        pytest.skip("SQLite has no row locks")
    a, b = await make_customer(session, tenant, "Lock A"), await make_customer(session, tenant, "Lock B")
    await session.commit()
    writes, runs, first_rows = Writes(database.engine), [], asyncio.Barrier(2)

    async def lock_both(session, order):
        runs.append(order)
        for n, customer in enumerate(order):
            await session.execute(text("SELECT id FROM customers WHERE id = :id FOR UPDATE"), {"id": customer.id})
            if n == 0 and len(runs) <= 2:  # both first runs hold their first row before asking for the second (a
                await first_rows.wait()   # fixed 0.2 s let one take both rows first on a busy machine: no deadlock)
        return order[0].name

    done = await asyncio.gather(writes.run(lambda s: lock_both(s, (a, b))), writes.run(lambda s: lock_both(s, (b, a))))
    assert sorted(result for result, _events in done) == ["Lock A", "Lock B"]
    assert len(runs) == 3  # one of the two ran twice


class TestPurge:
    async def test_events_past_the_retention_are_deleted_in_batches(self, database, session, tenant, monkeypatch):
        # given events of a week ago and more, and of today
        customer = await make_customer(session, tenant, "Purge")
        await session.commit()
        async with database.sessionmaker() as s, s.begin():
            for n in range(7):
                record(s, tenant, customer, n)
        async with database.sessionmaker() as s, s.begin():
            ids = list((await s.execute(select(DomainEvent.id).where(DomainEvent.customer_id == customer.id)
                                        .order_by(DomainEvent.id))).scalars())
            ages = [timedelta(days=30), timedelta(days=8), timedelta(days=7, minutes=1), timedelta(days=6, hours=23),
                    timedelta(days=1), timedelta(0), timedelta(0)]
            for pk, age in zip(ids, ages, strict=False):
                await s.execute(update(DomainEvent).where(DomainEvent.id == pk).values(created_at=utcnow() - age))
        monkeypatch.setattr(events, "PURGE_BATCH", 2)
        # when they are purged with the default retention
        purged = await purge_events(Writes(database.engine), events.RETENTION)
        # then the three older than seven days are gone (with any other tests' old ones), the rest kept
        async with database.sessionmaker() as s:
            kept = list((await s.execute(select(DomainEvent.id).where(DomainEvent.customer_id == customer.id)
                                         .order_by(DomainEvent.id))).scalars())
        assert kept == ids[3:]
        assert purged >= 3

    async def test_less_than_a_day_is_refused(self, database):
        with pytest.raises(ValueError, match="at least a day"):
            await purge_events(Writes(database.engine), timedelta(hours=23))

    async def test_the_command_keeps_a_week_by_default(self, database, session, tenant, tmp_path):
        customer = await make_customer(session, tenant, "Purge Command")
        await session.commit()
        async with database.sessionmaker() as s, s.begin():
            record(s, tenant, customer, 1)
            record(s, tenant, customer, 2)
        async with database.sessionmaker() as s, s.begin():
            first = (
                await s.execute(select(func.min(DomainEvent.id)).where(DomainEvent.customer_id == customer.id))
            ).scalar()
            await s.execute(update(DomainEvent).where(DomainEvent.id == first).values(
                created_at=utcnow() - timedelta(days=7, minutes=5)))
        env = {**os.environ, "DATABASE_URL": database.url, "CSRGRAPH_SECRET": SECRET, "CSRGRAPH_VAR": str(tmp_path)}
        command = [sys.executable, "-m", "graph.cli", "purge-events"]
        done = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "events purged" in done.stderr, done.stderr
        refused = await asyncio.to_thread(subprocess.run, [*command, "--older-than-days", "0"], env=env,
                                          capture_output=True, text=True)
        assert refused.returncode == 2
        assert "at least a day" in refused.stderr
        async with database.sessionmaker() as s:
            left = list(
                (await s.execute(select(DomainEvent.entry_id).where(DomainEvent.customer_id == customer.id))).scalars()
            )
        assert left == [2]
