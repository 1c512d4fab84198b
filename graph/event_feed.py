"""Each worker's reader of the event log: new events by id, handed to its subscribers once and in order.

Every worker reads the same log, so a subscriber hears about a change whichever worker or host made it.
The feed reads "id > last seen" (one range read on the primary key; nothing to do when nothing changed)
whenever it is woken: right after a commit in this worker, on a PostgreSQL NOTIFY (graph/pg_listener.py),
and every `interval` seconds regardless, which is how SQLite workers learn of each other's writes
(POLL_SECONDS) and PostgreSQL workers catch up after anything a notification could miss. Ids become
visible in id order (db/event_log.py), so reading past the last id seen never skips an event.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager, suppress
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import on_loop_thread
from graph.broker import Broker, Mailbox
from resolvers.events import CommLogChanged, events_after, newest_id

log = logging.getLogger("csrgraph.events")
POLL_SECONDS = 0.05  # SQLite: how often each worker looks for the others' events
SAFETY_POLL_SECONDS = 5.0  # PostgreSQL: NOTIFY wakes the feed; this catches up whatever it might miss
BATCH = 500
RETRY_SECONDS = 1.0


class EventFeed:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], interval: float):
        self.sessionmaker, self.interval = sessionmaker, interval
        self.broker = Broker()
        self.last_id = 0
        self._wake = asyncio.Event()

    async def start(self) -> None:
        """Begin at the newest event: subscribers get what commits from now on (and replay by cursor)."""
        async with self.sessionmaker() as session:
            self.last_id = await newest_id(session)

    def poke(self) -> None:
        """Read the log soon: something may have committed."""
        self._wake.set()

    async def run(self) -> None:
        """Read the log whenever poked, and every `interval` seconds, until cancelled."""
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
            try:
                await self.catch_up()
            except Exception:  # the database may be restarting: keep the feed alive and try again
                log.exception("reading the event log failed; retrying in %s s", RETRY_SECONDS)
                await asyncio.sleep(RETRY_SECONDS)

    async def catch_up(self) -> None:
        """Publish every event after the last one seen, in id order."""
        while True:
            async with self.sessionmaker() as session, on_loop_thread(session):  # a range read on the key
                events = await events_after(session, self.last_id, BATCH)
            for event in events:
                self.broker.publish(topic_of(event), event)
                self.last_id = event.id
            if len(events) < BATCH:
                return

    @asynccontextmanager
    async def subscribe(self, topic: Hashable) -> AsyncIterator[Mailbox]:
        async with self.broker.subscribe(topic) as mailbox:
            yield mailbox

    def subscribers(self, topic: Hashable) -> int:
        return self.broker.subscribers(topic)


def topic_of(event: Any) -> tuple[Any, ...]:
    if isinstance(event, CommLogChanged):
        return commlog_topic(event.tenant_id, event.customer_id)
    raise TypeError(f"no topic for {type(event).__name__}")


def commlog_topic(tenant_id: int, customer_id: int) -> tuple[str, int, int]:
    return ("commlog", tenant_id, customer_id)
