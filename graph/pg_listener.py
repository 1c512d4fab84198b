"""LISTEN for new events on a dedicated PostgreSQL connection, and keep listening whatever happens to it.

asyncpg's `add_listener` delivers NOTIFY payloads and `add_termination_listener` reports a connection the
server closed (pg_terminate_backend, a restart, a failover), but asyncpg does not restore LISTEN on a new
connection. So this loop: connect, LISTEN, wake the feed (to catch up on what committed while nobody
listened), then wait; every LIVENESS_SECONDS a short query proves the connection still answers (a dead
network path is otherwise silent); when the connection is lost it reconnects with backoff and does it
all again. The `broadcaster` package does the LISTEN part but is alpha and never reconnects.
"""

import asyncio
import logging
import os
from collections.abc import Callable

import asyncpg
from sqlalchemy.engine import make_url

from db.event_log import CHANNEL

log = logging.getLogger("csrgraph.events")
APPLICATION_NAME = "csrgraph-listener"  # and the worker's pid: how operators (and tests) find them in pg_stat_activity
LIVENESS_SECONDS = 5.0
LIVENESS_TIMEOUT = 3.0
BACKOFF_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)


def asyncpg_dsn(database_url: str) -> str:
    """The SQLAlchemy URL (postgresql+asyncpg://...) as a DSN asyncpg.connect takes."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(database_url: str, wake: Callable[[], None]) -> None:
    """Call `wake` on every NOTIFY and after every (re)connection, until cancelled."""
    loop, failures = asyncio.get_running_loop(), 0
    while True:
        started = loop.time()
        try:
            await _listen_once(asyncpg_dsn(database_url), wake)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
            if loop.time() - started > 2 * LIVENESS_SECONDS:
                failures = 0  # it was up for a while: start the backoff over
            delay = BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)]
            failures += 1
            log.warning("event listener connection lost (%s); reconnecting in %s s", type(error).__name__, delay)
            await asyncio.sleep(delay)


async def _listen_once(dsn: str, wake: Callable[[], None]) -> None:
    """One connection's life: raises when it is lost, after waking the feed to catch up."""
    conn = await asyncpg.connect(dsn, server_settings={"application_name": f"{APPLICATION_NAME} {os.getpid()}"})
    lost = asyncio.Event()
    try:
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(CHANNEL, lambda *_notification: wake())
        wake()  # whatever committed while nobody listened
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), timeout=LIVENESS_SECONDS)
            except TimeoutError:
                await conn.fetchval("SELECT 1", timeout=LIVENESS_TIMEOUT)
        raise ConnectionResetError("the server closed the listening connection")
    finally:
        wake()  # catch up now: the next connection may take a while
        if not conn.is_closed():
            conn.terminate()
