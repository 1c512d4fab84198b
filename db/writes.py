"""Write transactions of one server process, each answered within a bounded time.

SQLite has one write lock for the whole file. In a process, writers queue for it in order (`one_at_a_time`,
an asyncio lock, FIFO) so that at most one of them competes with the other workers' writers, which wait
in SQLite's busy handler. The queue and the busy wait together never exceed `wait_seconds`; past that the
write gives up (`WriteBusy`) with nothing written, and the mutation answers BUSY_RETRY.

PostgreSQL locks rows, not the database. Lock waits stop at `lock_timeout` (set on the app's connections,
db/engine.py) and a busy pool at its checkout timeout, both `WriteBusy`; a serialization failure or a
deadlock (PostgreSQL aborts one of the two) runs the transaction again, a few times. Row locks are taken
in one order (resolvers/billing/locks.py) so deadlocks should not happen; the retry is the backstop.
"""

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db import event_log
from db.engine import WRITE_OPTIONS, is_sqlite, make_sessionmaker
from db.sqlite_driver import is_busy

T = TypeVar("T")
WAIT_SECONDS = 5.0
ATTEMPTS = 3  # on PostgreSQL, runs of a transaction that hit a serialization failure or a deadlock
RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected: nothing was written, run it again
LOCK_TIMEOUT = "55P03"  # lock_not_available: a row stayed locked past lock_timeout


class WriteBusy(Exception):
    """The database stayed busy until the write's deadline; nothing was written."""


class Writes:
    """Runs write transactions (mutations) with bounded waits; one per app (lifespan state)."""

    def __init__(self, engine: AsyncEngine, *, wait_seconds: float = WAIT_SECONDS, one_at_a_time: bool = True,
                 sqlite_begin: str = WRITE_OPTIONS["sqlite_begin"]):
        self.engine, self.wait_seconds, self.sqlite_begin = engine, wait_seconds, sqlite_begin
        self.sessionmaker = make_sessionmaker(engine)
        self.queue = asyncio.Lock() if one_at_a_time and is_sqlite(engine) else None

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]], *, inline: bool = True) -> tuple[T, list[int]]:
        """`work` in one transaction, committed: its result and the ids of the events it appended.

        `inline=False` for bulk work: on SQLite its statements always leave the event loop free (db/sqlite_driver.py).
        """
        deadline = time.monotonic() + self.wait_seconds
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._turn(deadline), self._session(deadline, inline) as session:
                    async with session.begin():
                        result = await work(session)
                    return result, event_log.written(session)
            except Exception as error:
                verdict = _verdict(error)
                if verdict == "retry" and attempt < ATTEMPTS and time.monotonic() < deadline:
                    await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)  # let the other transaction finish
                    continue
                if verdict in ("retry", "busy"):
                    raise WriteBusy(str(error)) from error
                raise
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def _turn(self, deadline: float) -> AsyncIterator[None]:
        """This process's turn to write on SQLite (first come, first served); at once elsewhere."""
        if self.queue is None:
            yield
            return
        try:
            await asyncio.wait_for(self.queue.acquire(), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise WriteBusy("the other writes of this process took the whole wait") from None
        try:
            yield
        finally:
            self.queue.release()

    def _session(self, deadline: float, inline: bool) -> AsyncSession:
        bind = self.engine.execution_options(sqlite_begin=self.sqlite_begin, sqlite_deadline=deadline,
                                             sqlite_inline=inline)
        return self.sessionmaker(bind=bind)


def _verdict(error: BaseException) -> str | None:
    """"busy" (give up: the wait is spent), "retry" (run again) or None (not about concurrency)."""
    if isinstance(error, PoolTimeout):
        return "busy"
    driver_error = getattr(error, "orig", None) or error
    if is_busy(driver_error):
        return "busy"
    code = getattr(driver_error, "sqlstate", None)
    return "retry" if code in RETRYABLE else "busy" if code == LOCK_TIMEOUT else None
