"""Engine and session factories; SQLite gets its durability pragmas on every connection."""

import asyncio
import logging
import sqlite3
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiosqlite
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import Pool

from db.event_log import EventLoggingSession
from db.sqlite_driver import OneHopConnection, OneHopDBAPI

log = logging.getLogger("csrgraph.db")

BUSY_TIMEOUT_MS = 10_000  # statements wait this long for a lock (db/writes.py bounds its own wait)
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "2",  # FULL: a committed transaction survives power loss
    "foreign_keys": "1",
    "busy_timeout": str(BUSY_TIMEOUT_MS),
}

# Session options the write path uses: SQLite takes its write lock at BEGIN, so two
# writers queue up instead of one failing with "database is locked" at its first write.
WRITE_OPTIONS = {"sqlite_begin": "BEGIN IMMEDIATE"}


# Connections a SQLite engine keeps open. A worker runs several requests at once (CSRGRAPH_CONCURRENT_REQUESTS) and
# graphql-core runs a request's sibling loaders at once, a session each: the SPA's customer profile at eight
# connections held up to 30. With SQLAlchemy's default pool (5, and 10 more opened and closed on demand) it opened
# 2.25 connections a request (an aiosqlite thread and the pragmas each): a fifth of its CPU (bench http).
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 32, 32

# Compiled statements each SQLite connection keeps (sqlite3's `cached_statements`, default 128; an LRU by SQL text).
# A text not kept is compiled again: the CustomerProfile's ten statements take ~110 us compiled, ~325 us compiled
# afresh each (the alert sources +100 us, the trail +37). The SQL differs by every expanding IN list's length, so
# the SPA's query views alone take ~90 texts over customers of 1..30 accounts (36 statements, ten with IN lists of up
# to a page, 10-11 lengths each: ~140 at most) before search, mutations' payloads and live updates: more than 128.
# A compiled profile statement holds ~13.5 KB, so 256 cost a connection at most ~3.5 MB (docs/compiled-plans.md 18d).
SQLITE_CACHED_STATEMENTS = 256


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, max_overflow: int = 20,
                wait_seconds: float | None = None) -> AsyncEngine:
    """`wait_seconds`, on PostgreSQL: how long a statement waits for a row lock before giving up (the server
    passes its write wait; db/writes.py turns it into BUSY_RETRY)."""
    if make_url(url).get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, echo)
    settings = {"lock_timeout": str(int(wait_seconds * 1000))} if wait_seconds is not None else {}
    return create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True,
                               connect_args={"server_settings": settings})


def _make_sqlite_engine(url: str, echo: bool) -> AsyncEngine:
    one_hop = make_url(url).get_driver_name() == "aiosqlite" and hasattr(aiosqlite.Connection, "_execute")
    module = OneHopDBAPI(aiosqlite, sqlite3) if one_hop else None  # else SQLAlchemy's own adapter, as before
    connect_args = {"timeout": 30, "cached_statements": SQLITE_CACHED_STATEMENTS}
    engine = create_async_engine(url, echo=echo, connect_args=connect_args, pool_size=SQLITE_POOL_SIZE,
                                 max_overflow=SQLITE_POOL_OVERFLOW, **({"module": module} if module else {}))
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    if one_hop:
        parked = _PARKED[engine.sync_engine.pool] = _Parked()
        event.listen(engine.sync_engine, "engine_disposed", parked.close_all)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # Take BEGIN away from the driver so `_on_sqlite_begin` decides DEFERRED or IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for name, value in SQLITE_PRAGMAS.items():
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    begin = conn.get_execution_options().get("sqlite_begin", "BEGIN")
    if begin:  # read-only sessions (and db/writes.py, which begins by itself) skip it
        conn.exec_driver_sql(begin)


@asynccontextmanager
async def on_loop_thread(session: AsyncSession) -> AsyncIterator[None]:
    """On SQLite, run the session's statements on the event loop's thread, without a hop to aiosqlite's: for reads
    of a few rows by key (a live update), where the hop, a turn of a busy event loop, costs far more than the read.
    A long read must never run so: the worker serves nothing else meanwhile. Elsewhere nothing changes."""
    if session.bind.dialect.name != "sqlite":
        yield
        return
    async with connection_on_loop_thread(await session.connection()):
        yield


@asynccontextmanager
async def connection_on_loop_thread(connection: AsyncConnection) -> AsyncIterator[sqlite3.Connection | None]:
    """`on_loop_thread` for a connection without a session (a compiled plan's reads by key): the raw sqlite3
    connection under it, whose statements run on the loop's thread now (on SQLite only; else None). They must then
    run through `run_sync` or on that connection (db/sqlite_driver.prepared_rows): `AsyncConnection.execute`
    insists on an await."""
    if connection.dialect.name != "sqlite":
        yield None
        return
    raw = (await connection.get_raw_connection()).dbapi_connection
    driver = raw if isinstance(raw, OneHopConnection) else None
    if driver is not None:
        driver.inline = True
    try:
        yield driver._connection._conn if driver is not None else None
    finally:
        if driver is not None:
            driver.inline = False
            # statements run on the raw connection leave SQLAlchemy's adapter unaware: ask SQLite (a read opens no
            # transaction in autocommit; the pool's rollback is skipped then)
            driver.in_transaction = driver._connection._conn.in_transaction


# Read connections a SQLite worker keeps checked out between requests for reads by key (`read_by_key`), at most; a
# worker serves CSRGRAPH_CONCURRENT_REQUESTS at once (8 by default), and the pool holds 32 + 32.
PARKED_READS = 8


def read_by_key(engine: AsyncEngine) -> AbstractAsyncContextManager[tuple[AsyncConnection, sqlite3.Connection | None]]:
    """A connection of `engine` for one request's reads by key (a compiled plan's: graph/compiled/plan.py, BY_KEY)
    and, on SQLite, the raw sqlite3 connection under it, whose statements run on the loop's thread
    (`connection_on_loop_thread`); None elsewhere.

    On SQLite (our driver) a worker keeps up to PARKED_READS such connections checked out between requests, already
    on the loop's thread: checking one out of SQLAlchemy's pool and back (three greenlet switches, the pool's events
    and reset) costs ~40 us, more than SQLite takes for the profile's ten reads. A parked connection is in the state
    a fresh checkout is in: autocommit (the read engine begins no transaction), none open (it is parked only when
    neither SQLAlchemy nor SQLite has one: each statement reads the latest commit, as on a fresh one), no session
    state; tenancy is the statements' own (each names its client). One request holds it at a time: taken off the
    list for the request, put back after it; a request that fails closes it. `engine.dispose()` closes them.

    A class's __aenter__/__aexit__ for the parked case rather than a generator's context manager: 2.45 -> 1.55 us a
    request (docs/compiled-plans.md 18d)."""
    parked = _PARKED.get(engine.sync_engine.pool)
    if parked is None:  # PostgreSQL, or SQLAlchemy's own adapter: a checkout per request, as before
        return _read_checked_out(engine)
    return _ParkedRead(engine, parked)


@asynccontextmanager
async def _read_checked_out(engine: AsyncEngine) -> AsyncIterator[tuple[AsyncConnection, sqlite3.Connection | None]]:
    async with engine.connect() as connection, connection_on_loop_thread(connection) as raw:
        yield connection, raw


class _ParkedRead:
    """`read_by_key` on an engine that parks its read connections: a parked one (or one checked out), given back on
    the way out, or closed if the block raised (or was cancelled)."""

    __slots__ = ("engine", "parked", "lease")

    def __init__(self, engine: AsyncEngine, parked: "_Parked") -> None:
        self.engine, self.parked = engine, parked
        self.lease: _Lease | None = None

    async def __aenter__(self) -> tuple[AsyncConnection, sqlite3.Connection | None]:
        loop = asyncio.get_running_loop()
        lease = self.lease = self.parked.take(self.engine, loop) or await _Lease.checked_out(self.engine, loop)
        return lease.connection, lease.raw

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        lease, self.lease = self.lease, None
        assert lease is not None  # entered
        if kind is not None or not self.parked.keep(lease):
            await lease.close()


@dataclass(eq=False, slots=True)
class _Lease:
    """A read connection checked out of the pool with its statements on the loop's thread (`read_by_key`)."""

    engine: AsyncEngine  # whose execution options it has (the read engine's: no BEGIN)
    loop: asyncio.AbstractEventLoop  # its aiosqlite connection's futures are this loop's
    connection: AsyncConnection
    driver: OneHopConnection
    raw: sqlite3.Connection

    @classmethod
    async def checked_out(cls, engine: AsyncEngine, loop: asyncio.AbstractEventLoop) -> "_Lease":
        connection = await engine.connect().start()
        driver = (await connection.get_raw_connection()).dbapi_connection
        assert isinstance(driver, OneHopConnection)  # engines of our driver only are parked (_make_sqlite_engine)
        driver.inline = True
        return cls(engine, loop, connection, driver, driver._connection._conn)

    def idle(self) -> bool:
        """Nothing open on it: neither SQLite's transaction nor SQLAlchemy's (a statement prepared through
        SQLAlchemy's execute begins one, which on the read engine emits no BEGIN)."""
        return not self.raw.in_transaction and not self.connection.in_transaction() and not self.connection.closed

    async def close(self) -> None:
        """Back to the pool, as `connection_on_loop_thread` leaves a connection."""
        self.driver.inline = False
        self.driver.in_transaction = self.raw.in_transaction  # the pool's rollback is skipped if none is open
        await self.connection.close()


@dataclass(eq=False)
class _Parked:
    """One engine's parked read connections (`read_by_key`)."""

    leases: list[_Lease] = field(default_factory=list)

    def take(self, engine: AsyncEngine, loop: asyncio.AbstractEventLoop) -> _Lease | None:
        """A parked connection of this engine (the pool's engines differ in their options) and loop, if any."""
        for at in range(len(self.leases) - 1, -1, -1):  # the last parked first (usually: the loop's one engine)
            lease = self.leases[at]
            if lease.engine is engine and lease.loop is loop:
                del self.leases[at]
                lease.driver.inline = True  # a rollback (SQLAlchemy's, on a failure) turns it off
                return lease
        return None

    def keep(self, lease: _Lease) -> bool:
        if len(self.leases) >= PARKED_READS or not lease.idle():
            return False
        self.leases.append(lease)
        return True

    def close_all(self, engine: Engine) -> None:
        """On `engine.dispose()` (inside its greenlet: the driver's close awaits): close every parked connection
        (invalidated: the old pool is gone), and park the new pool's from now on."""
        leases, self.leases = self.leases, []
        for lease in leases:
            lease.driver.inline = False
            try:
                lease.connection.sync_connection.invalidate()  # type: ignore[union-attr]
            except Exception:  # closing a connection to a file: nothing to recover, and the rest must close
                log.warning("a parked read connection did not close", exc_info=True)
        _PARKED[engine.pool] = self


_PARKED: "weakref.WeakKeyDictionary[Pool, _Parked]" = weakref.WeakKeyDictionary()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, sync_session_class=EventLoggingSession)


def make_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for loaders and root queries, which never write: on SQLite no BEGIN round trip."""
    return make_sessionmaker(engine.execution_options(sqlite_begin=None))


def make_write_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for mutations: on SQLite their transactions begin IMMEDIATE."""
    return make_sessionmaker(engine.execution_options(**WRITE_OPTIONS))


async def check_sqlite_pragmas(engine: AsyncEngine) -> dict[str, str]:
    """Read back the durability pragmas; raise if SQLite did not take one of them."""
    if not is_sqlite(engine):
        return {}
    async with engine.connect() as conn:
        found = {n: str((await conn.exec_driver_sql(f"PRAGMA {n}")).scalar()) for n in SQLITE_PRAGMAS}
    expected = {n: v for n, v in SQLITE_PRAGMAS.items()}
    if url_is_memory(engine):
        expected.pop("journal_mode")
        found.pop("journal_mode")
    if found != expected:
        raise RuntimeError(f"SQLite pragmas not in effect: expected {expected}, found {found}")
    return found


def url_is_memory(engine: AsyncEngine) -> bool:
    return engine.url.database in (None, "", ":memory:")
