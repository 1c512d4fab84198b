"""Engine and session factories; SQLite gets its durability pragmas on every connection."""

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "2",  # FULL: a committed transaction survives power loss
    "foreign_keys": "1",
    "busy_timeout": "10000",
}

# Session options the write path uses: SQLite takes its write lock at BEGIN, so two
# writers queue up instead of one failing with "database is locked" at its first write.
WRITE_OPTIONS = {"sqlite_begin": "BEGIN IMMEDIATE"}


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if make_url(url).get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, echo)
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _make_sqlite_engine(url: str, echo: bool) -> AsyncEngine:
    one_hop = make_url(url).get_driver_name() == "aiosqlite" and hasattr(aiosqlite.Connection, "_execute")
    module = OneHopDBAPI(aiosqlite, sqlite3) if one_hop else None  # else SQLAlchemy's own adapter, as before
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, **({"module": module} if module else {}))
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


# ---- aiosqlite in fewer thread hops ----------------------------------------------------------
# aiosqlite runs each call in its own thread and SQLAlchemy's adapter makes four calls per statement
# (cursor, execute, fetchall, close) and one rollback per session close: each a hop to that thread and
# back through the event loop, most of a small read request's time. These classes make a statement
# one hop, and skip the rollback when SQLite has no transaction open (read sessions never BEGIN;
# sqlite3's rollback would do nothing then either). They lean on aiosqlite's Connection._execute/_conn
# (0.22) and SQLAlchemy's adapter internals (2.0): a version bump must re-run the SQLite tests.

def _run_statement(conn: sqlite3.Connection, operation: Any, parameters: Any) -> tuple[Any, Any, int, int, bool]:
    """In aiosqlite's thread: execute, fetch every row, close; and whether a transaction is open after."""
    cursor = conn.cursor()
    try:
        cursor.execute(operation) if parameters is None else cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1, conn.in_transaction
        return None, None, cursor.lastrowid, cursor.rowcount, conn.in_transaction
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        adapted = self._adapt_connection
        try:
            driver = self._connection
            found = self.await_(driver._execute(_run_statement, driver._conn, operation, parameters))
        except Exception as error:
            adapted.in_transaction = True  # unknown after a failure: let the rollback run
            adapted._handle_exception(error)
        self.description, rows, self.lastrowid, self.rowcount, adapted.in_transaction = found
        self._rows = deque(rows) if rows is not None else deque()

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._adapt_connection.in_transaction = True  # writes: never skip the rollback after them
        return super().executemany(operation, seq_of_parameters)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("in_transaction",)

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # until a statement tells

    def cursor(self, server_side: bool = False) -> Any:
        return super().cursor(server_side) if server_side else OneHopCursor(self)

    def execute(self, *args: Any, **kw: Any) -> Any:
        self.in_transaction = True
        return super().execute(*args, **kw)

    def rollback(self) -> None:
        if self.in_transaction:
            super().rollback()
            self.in_transaction = False

    def commit(self) -> None:
        super().commit()
        self.in_transaction = False


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI adapter, handing out OneHopConnections."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Take BEGIN away from the driver so `_on_sqlite_begin` decides DEFERRED or IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for name, value in SQLITE_PRAGMAS.items():
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


def _on_sqlite_begin(conn) -> None:
    begin = conn.get_execution_options().get("sqlite_begin", "BEGIN")
    if begin:  # read-only sessions skip it: each SELECT then reads the latest committed state
        conn.exec_driver_sql(begin)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


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
