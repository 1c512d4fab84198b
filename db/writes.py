"""Write transactions of one server process, each answered within a bounded time.

SQLite has one write lock for the whole file, and a write here holds it only for its own statements:
BEGIN IMMEDIATE is tried on the event loop's thread, and once it has the lock the transaction runs there
to COMMIT without yielding (db/sqlite_driver.py), so no other request of this worker runs in between.
When the lock is taken (by another worker, or by this worker's bulk transaction) the writer queues in
this process, first come first served (`queue`, an asyncio lock): only the one at the head of the queue
waits for the file, trying again every few milliseconds; a writer that finds others queued joins the
queue rather than pass them. (Waiting inside SQLite's busy handler in a thread would take the lock in
that thread and hold it while the event loop gets round to the writer, which under load is a second and
more: the convoy of issue 11.) The queue and the wait together never exceed `wait_seconds`; past that
the write gives up (`WriteBusy`) with nothing written, and the mutation answers BUSY_RETRY.
Nothing orders the writers of different workers but their tries, so a job that commits unit after unit
(a customer import) rests BULK_REST_SECONDS between its bulk transactions: without that it took the lock
again within a millisecond of letting it go, and another worker's writers, trying every 10 ms, missed
every gap and gave up.

PostgreSQL locks rows, not the database. Lock waits stop at `lock_timeout` (set on the app's connections to
`wait_seconds`, db/engine.py) and a pool that stays exhausted at its checkout timeout, both `WriteBusy`
(each lock a statement waits for is bounded; so is the number of them); a serialization failure or a
deadlock (PostgreSQL aborts one of the two) runs the transaction again, a few times. Row locks are taken
in one order (resolvers/billing/locks.py) so deadlocks should not happen; the retry is the backstop.
"""

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db import event_log
from db.engine import BUSY_TIMEOUT_MS, is_sqlite, make_sessionmaker
from db.sqlite_driver import OneHopConnection, is_busy

T = TypeVar("T")
log = logging.getLogger("csrgraph.writes")
WAIT_SECONDS = 5.0
POLL_SECONDS = (0.001, 0.002, 0.005, 0.01)  # the head of the queue tries the lock again after these, then every 10 ms
BULK_REST_SECONDS = 0.03  # between one bulk transaction and the next: other workers try every 10 ms (POLL_SECONDS)
ATTEMPTS = 3  # on PostgreSQL, runs of a transaction that hit a serialization failure or a deadlock
RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected: nothing was written, run it again
LOCK_TIMEOUT = "55P03"  # lock_not_available: a row stayed locked past lock_timeout


class WriteBusy(Exception):
    """The database stayed busy until the write's deadline; nothing was written."""


class Writes:
    """Runs write transactions (mutations) with bounded waits; one per app (lifespan state).

    `immediate=False` is the unsafe old way, kept for a test that shows what it lets through: SQLite
    transactions begin DEFERRED, unqueued, and take the write lock only at their first write.
    """

    def __init__(self, engine: AsyncEngine, *, wait_seconds: float = WAIT_SECONDS, immediate: bool = True):
        self.engine, self.wait_seconds = engine, wait_seconds
        self.sessionmaker = make_sessionmaker(engine)
        sqlite = is_sqlite(engine)
        self.queue = asyncio.Lock() if sqlite and immediate else None
        self.waiting = 0  # writers of this process in the queue (waiting, or holding the lock across turns)
        self._rest_until = 0.0  # a bulk transaction starts no sooner (BULK_REST_SECONDS after the last one)
        # this module begins SQLite's transactions itself (_sqlite_lock), so the session must not
        self.bind = engine.execution_options(sqlite_begin=None if self.queue else "BEGIN")

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]], *, bulk: bool = False) -> tuple[T, list[int]]:
        """`work` in one transaction, committed: its result and the ids of the events it appended.

        `bulk`: long work, whose statements keep leaving the event loop free (db/sqlite_driver.py).
        """
        started = time.monotonic()
        deadline = started + self.wait_seconds
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._transaction(deadline, bulk) as session:
                    result = await work(session)
                return result, event_log.written(session)
            except Exception as error:
                verdict = _verdict(error)
                if verdict == "retry" and attempt < ATTEMPTS and time.monotonic() < deadline:
                    await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)  # let the other transaction finish
                    continue
                if verdict in ("retry", "busy"):
                    self._gave_up(error, started)
                    raise WriteBusy(str(error)) from error
                raise
        raise AssertionError("unreachable")

    def _gave_up(self, error: BaseException, started: float) -> None:
        """Say why a write answered BUSY_RETRY (an operator sizing the wait, or a test, wants to know)."""
        log.warning("a write gave up after %.2f s (%d queued in this worker): %s",
                    time.monotonic() - started, self.waiting, error)

    @asynccontextmanager
    async def transaction(
        self, *, bulk: bool = False, wait_seconds: float | None = None
    ) -> AsyncIterator[AsyncSession]:
        """One transaction, committed when the block ends, for a job that commits its own units (a customer
        import): the same queue, lock and bounded wait as `run`, but never run again (WriteBusy instead)."""
        started = time.monotonic()
        deadline = started + (self.wait_seconds if wait_seconds is None else wait_seconds)
        try:
            async with self._transaction(deadline, bulk) as session:
                yield session
        except WriteBusy as error:
            self._gave_up(error, started)
            raise
        except Exception as error:
            if _verdict(error) is not None:
                self._gave_up(error, started)
                raise WriteBusy(str(error)) from error
            raise

    @asynccontextmanager
    async def _transaction(self, deadline: float, bulk: bool) -> AsyncIterator[AsyncSession]:
        async with (
            self.sessionmaker(bind=self.bind) as session,  # closing it rolls back a failed one
            self._sqlite_lock(session, deadline, bulk),
        ):
            yield session
            await session.commit()

    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def _sqlite_lock(self, session: AsyncSession, deadline: float, bulk: bool) -> AsyncIterator[None]:
        """SQLite's write lock for the session's transaction (nothing to do elsewhere)."""
        if self.queue is None:
            yield
            return
        if bulk:  # right after this worker's last bulk transaction, let the other workers' writers in first
            await asyncio.sleep(self._rest_until - time.monotonic())
        queued = False
        try:
            if not (self.waiting == 0 and await self._begin_now(session)):
                await self._join_queue(deadline)
                queued = True
                await self._begin_when_free(session, deadline)
            elif bulk:
                await self._join_queue(deadline)  # at once: nobody waits; others queue behind it meanwhile
                queued = True
            (await _driver(session)).inline = not bulk
            if queued and not bulk:
                self._leave_queue()  # it runs to COMMIT without yielding: the next may start trying
                queued = False
            yield
        finally:
            if queued:
                self._leave_queue()
            if bulk:
                self._rest_until = time.monotonic() + BULK_REST_SECONDS

    async def _begin_now(self, session: AsyncSession) -> bool:
        driver = await _driver(session)  # a new connection takes a few turns: check again after
        return self.waiting == 0 and driver.try_begin_immediate(BUSY_TIMEOUT_MS)

    async def _join_queue(self, deadline: float) -> None:
        assert self.queue is not None  # only SQLite's immediate writers queue
        self.waiting += 1
        try:
            await asyncio.wait_for(self.queue.acquire(), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            self.waiting -= 1
            raise WriteBusy("this worker's other writes took the whole wait") from None

    def _leave_queue(self) -> None:
        assert self.queue is not None
        self.waiting -= 1
        self.queue.release()

    async def _begin_when_free(self, session: AsyncSession, deadline: float) -> None:
        """At the head of the queue: try for the file's lock every few milliseconds until the deadline."""
        driver, tries = await _driver(session), 0
        while not driver.try_begin_immediate(BUSY_TIMEOUT_MS):
            if time.monotonic() >= deadline:
                raise WriteBusy("another worker held the database for the whole wait")
            await asyncio.sleep(POLL_SECONDS[min(tries, len(POLL_SECONDS) - 1)])
            tries += 1


async def _driver(session: AsyncSession) -> OneHopConnection:
    driver = (await (await session.connection()).get_raw_connection()).dbapi_connection
    assert isinstance(driver, OneHopConnection), "SQLite writes need db/sqlite_driver.py's connection"
    return driver


def _verdict(error: BaseException) -> str | None:
    """"busy" (give up: the wait is spent), "retry" (run again) or None (not about concurrency)."""
    if isinstance(error, WriteBusy | PoolTimeout):
        return "busy"
    driver_error = getattr(error, "orig", None) or error
    if is_busy(driver_error):
        return "busy"
    code = getattr(driver_error, "sqlstate", None)
    return "retry" if code in RETRYABLE else "busy" if code == LOCK_TIMEOUT else None
