"""Each worker's reader of the event log: new events by id, handed to its subscribers once and in order.

Every worker reads the same log, so a subscriber hears about a change whichever worker or host made it.
The feed reads "id > last seen" (one range read on the primary key; nothing to do when nothing changed)
whenever it is woken: at a commit in this worker (db/event_log.py's `on_commit`, right at COMMIT rather
than after the request's way back through a busy event loop), on a PostgreSQL NOTIFY (graph/pg_listener.py),
and every `interval` seconds regardless, which is how SQLite workers learn of each other's writes
(POLL_SECONDS) and PostgreSQL workers catch up after anything a notification could miss. Ids become
visible in id order (db/event_log.py), so reading past the last id seen never skips an event.

Under load every await that yields costs a turn of the worker's event loop, behind the 25 or so requests
it is serving (bench load measured 30-300 ms a turn on a busy machine), so the way from commit to the
socket takes as few as it can: the feed reads on a connection of its own, kept open (no pool checkout and
ping per read; on SQLite the read runs on the loop's thread, a range read on the key), and reads each
event's entry and memo in the same statement, once for all subscribers (`LoggedChange`), so that a
subscription builds its update without a read of its own.

On PostgreSQL the feed listens and reads on a thread of its own, with an event loop of its own
(`run_in_thread`): bench load's stage table (busy machine, 50 agents, 2 workers) had COMMIT -> read by the
feed at p50/p95 116/187 ms in the committing worker and 164/307 ms in the other, every bit of it turns of
the worker's loop (the NOTIFY callback, the feed's wake-up, the read's round trip: each behind every request
step ready, 43 ms on average). On a quiet loop those take milliseconds, and the worker's loop is asked for
one turn, to hand the rows to the subscribers (call_soon_threadsafe keeps their order). SQLite workers read
on their own loop: that read is a range read on the loop's thread, without an await that yields.
"""

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager, suppress
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from db import event_log
from db.engine import is_sqlite, make_engine, on_loop_thread
from graph import event_trace
from graph.broker import Broker, Mailbox
from graph.pg_listener import listen
from graph.shutdown import settle
from resolvers.events import CommLogChanged, LoggedChange, changes_after, newest_id

log = logging.getLogger("csrgraph.events")
POLL_SECONDS = 0.02  # SQLite: how often each worker looks for the others' events (a read by key on the loop: ~0.1 ms)
SAFETY_POLL_SECONDS = 5.0  # PostgreSQL: NOTIFY wakes the feed; this catches up whatever it might miss
BATCH = 500
RETRY_SECONDS = 1.0
THREAD_STOP_SECONDS = 3.0  # how long a stopping worker waits for the feed's thread to end (a daemon: it dies with it)
TEARDOWN_SECONDS = 1.0  # within that, the thread's wait for its reader and listener, then for closing its connection


class EventFeed:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], interval: float):
        self.sessionmaker, self.interval = sessionmaker, interval
        self.broker = Broker()
        self.last_id = 0
        self._wake = asyncio.Event()
        self._connection: AsyncConnection | None = None  # the feed's own, kept between reads
        self._engine: AsyncEngine | None = None  # its engine, when the feed runs on a thread (its loop's connections)
        self._loop: asyncio.AbstractEventLoop | None = None  # the feed's own loop, when it runs on a thread
        self._subscribers_loop: asyncio.AbstractEventLoop | None = None  # the worker's loop, the broker's

    async def start(self) -> None:
        """Begin at the newest event: subscribers get what commits from now on (and replay by cursor)."""
        async with self.sessionmaker() as session:
            self.last_id = await newest_id(session)

    def poke(self) -> None:
        """Read the log soon: something may have committed (from the worker's loop or the feed's own)."""
        loop = self._loop
        if loop is None or loop is _running_loop():
            self._wake.set()
        else:
            with suppress(RuntimeError):  # the feed's loop has closed (the worker is stopping): nothing to wake
                loop.call_soon_threadsafe(self._wake.set)

    async def run_in_thread(self, database_url: str) -> None:
        """PostgreSQL: LISTEN and read the log on a thread with an event loop of its own, until cancelled."""
        subscribers, loop, finished = asyncio.get_running_loop(), asyncio.new_event_loop(), asyncio.Event()
        stop = asyncio.Event()  # set on the feed's loop

        def in_thread() -> None:
            try:
                loop.run_until_complete(self._run_threaded(database_url, stop))
            finally:
                loop.close()
                with suppress(RuntimeError):  # the worker's loop is closed already
                    subscribers.call_soon_threadsafe(finished.set)

        self._loop, self._subscribers_loop = loop, subscribers
        thread = threading.Thread(target=in_thread, name="csrgraph-event-feed", daemon=True)
        thread.start()
        try:
            await finished.wait()
            log.error("the event feed's thread ended: this worker's subscribers get no more updates")
        finally:
            with suppress(RuntimeError):  # its loop ended already
                loop.call_soon_threadsafe(stop.set)
            await settle([finished.wait()], THREAD_STOP_SECONDS, "the event feed's thread")

    async def _run_threaded(self, database_url: str, stop: asyncio.Event) -> None:
        self._engine = make_engine(database_url, pool_size=1, max_overflow=0)
        tasks = [asyncio.create_task(self.run()), asyncio.create_task(listen(database_url, self.poke))]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await settle(tasks, TEARDOWN_SECONDS, "the event feed's reader and listener")
            await settle([self._engine.dispose()], TEARDOWN_SECONDS, "the event feed's connection")

    async def run(self) -> None:
        """Read the log whenever poked, and every `interval` seconds, until cancelled."""
        event_log.on_commit.append(self._committed)
        try:
            loop = asyncio.get_running_loop()
            while True:
                # A timer that sets the event, not wait_for: wait_for wraps the wait in a task of its own, and a poke
                # then took three turns of the event loop to resume the feed instead of one (each a wait behind
                # every request step the worker has ready; 50-250 ms under load, bench load's stage table).
                timer = loop.call_later(self.interval, self._wake.set)
                try:
                    await self._wake.wait()
                finally:
                    timer.cancel()
                self._wake.clear()
                try:
                    await self.catch_up()
                except Exception:  # the database may be restarting: keep the feed alive and try again
                    log.exception("reading the event log failed; retrying in %s s", RETRY_SECONDS)
                    await self._drop_connection()
                    await asyncio.sleep(RETRY_SECONDS)
        finally:
            event_log.on_commit.remove(self._committed)
            await self._drop_connection()

    def _committed(self, _event_ids: list[int]) -> None:
        self.poke()

    async def catch_up(self) -> None:
        """Publish every event after the last one seen, in id order."""
        while True:
            changes = await self._read(self.last_id)
            if changes:
                event_trace.stamp("read", (change.event.id for change in changes))
            if changes:
                self.last_id = changes[-1].event.id
                if self._subscribers_loop is None:
                    self._publish(changes)
                else:
                    self._subscribers_loop.call_soon_threadsafe(self._publish, changes)
            if len(changes) < BATCH:
                return

    def _publish(self, changes: list[LoggedChange]) -> None:
        for change in changes:
            self.broker.publish(topic_of(change.event), change)

    async def _read(self, after_id: int) -> list[LoggedChange]:
        if self._connection is None:
            self._connection = await _reading_connection(self._engine or await _engine_of(self.sessionmaker))
        async with AsyncSession(bind=self._connection, expire_on_commit=False) as session, on_loop_thread(session):
            return await changes_after(session, after_id, BATCH)

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # a connection the server dropped cannot be closed politely
                await connection.close()

    @asynccontextmanager
    async def subscribe(self, topic: Hashable) -> AsyncIterator[Mailbox]:
        async with self.broker.subscribe(topic) as mailbox:
            yield mailbox

    def subscribers(self, topic: Hashable) -> int:
        return self.broker.subscribers(topic)


async def _engine_of(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    """The read sessions' engine, with their options (their SQLite reads never BEGIN)."""
    async with sessionmaker() as session:  # (no connection yet) its bind
        bind = session.bind
    return bind if isinstance(bind, AsyncEngine) else bind.engine


async def _reading_connection(engine: AsyncEngine) -> AsyncConnection:
    """A connection for the feed alone; on PostgreSQL in autocommit, so that no read leaves a transaction open or
    costs a BEGIN and a ROLLBACK."""
    return await (engine if is_sqlite(engine) else engine.execution_options(isolation_level="AUTOCOMMIT")).connect()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def topic_of(event: Any) -> tuple[Any, ...]:
    if isinstance(event, CommLogChanged):
        return commlog_topic(event.tenant_id, event.customer_id)
    raise TypeError(f"no topic for {type(event).__name__}")


def commlog_topic(tenant_id: int, customer_id: int) -> tuple[str, int, int]:
    return ("commlog", tenant_id, customer_id)
