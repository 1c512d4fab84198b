"""SQLAlchemy's aiosqlite adapter in fewer thread hops, with write transactions that hold the lock briefly.

aiosqlite runs each call in its own thread and SQLAlchemy's adapter makes four calls per statement
(cursor, execute, fetchall, close) and one rollback per session close: each a hop to that thread and
back through the event loop, most of a small read request's time. These classes make a statement
one hop, and skip the rollback when SQLite has no transaction open (read sessions never BEGIN;
sqlite3's rollback would do nothing then either). `rows_in_one_hop` runs many reads in one hop (a compiled plan's
statements of one depth, graph/compiled/objects.fill).

Write transactions (db/writes.py) go further. Each hop back waits its turn on the event loop behind
every request the worker is serving, and a write transaction holds SQLite's one write lock through all of
its turns: under load that is most of the time the lock is held, and every other writer of every worker
waits for it (issue 11: a convoy, then "database is locked"). So BEGIN IMMEDIATE is tried on the event
loop's thread (`try_begin_immediate`: it takes the lock if it is free and never waits), and once it holds
the lock (`inline`), the transaction's statements and its COMMIT run there too, without a hop: the lock is held
for the statements themselves (a write takes about a millisecond), and the loop pauses that long instead
of the other writers waiting many turns. Bulk work (`inline=False`: a bill run, a bulk note) keeps its
hops, so that the worker serves reads while its long statements run. (A first version went back to hops
after 50 ms; on a busy machine a process is often descheduled that long, and the hops that followed held
the lock for a second and more.) The connection is opened with check_same_thread=False for this; only one
thread ever uses it at a time (the session runs one call at a time).

They lean on aiosqlite's Connection._execute/_conn (0.22) and SQLAlchemy's adapter internals (2.0):
a version bump must re-run the SQLite tests (tests/resolvers/test_writes.py pins them).
"""

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.ext.asyncio import AsyncConnection

SQLITE_BUSY = 5


def _run_statement(conn: sqlite3.Connection, operation: Any, parameters: Any) -> tuple[Any, Any, Any, int, bool]:
    """Execute, fetch every row, close; and whether a transaction is open after.
    (lastrowid is None when no row was inserted; SQLAlchemy's cursor declares it int, hence Any)."""
    cursor = conn.cursor()
    try:
        cursor.execute(operation) if parameters is None else cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1, conn.in_transaction
        return None, None, cursor.lastrowid, cursor.rowcount, conn.in_transaction
    finally:
        cursor.close()


def _run_many(conn: sqlite3.Connection, operation: Any, seq_of_parameters: Any) -> tuple[Any, int]:
    cursor = conn.cursor()
    try:
        cursor.executemany(operation, seq_of_parameters)
        return cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _begin_immediate(conn: sqlite3.Connection, timeout_ms: int, restore_ms: int) -> None:
    """BEGIN IMMEDIATE, waiting at most `timeout_ms` for the write lock; the usual busy timeout after."""
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(restore_ms)}")


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY in any of its forms ("database is locked")."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and (
        (code is not None and code & 0xFF == SQLITE_BUSY) or "database is locked" in str(error))


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        adapted = cast(OneHopConnection, self._adapt_connection)
        try:
            driver = self._connection
            if adapted.inline:
                found = _run_statement(driver._conn, operation, parameters)
            else:
                found = self.await_(driver._execute(_run_statement, driver._conn, operation, parameters))
        except Exception as error:
            adapted.in_transaction = True  # unknown after a failure: let the rollback run
            adapted._handle_exception(error)
        self.description, rows, self.lastrowid, self.rowcount, adapted.in_transaction = found
        self._rows = deque(rows) if rows is not None else deque()

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        adapted = cast(OneHopConnection, self._adapt_connection)
        adapted.in_transaction = True  # writes: never skip the rollback after them
        if not adapted.inline:
            return super().executemany(operation, seq_of_parameters)
        try:
            self.lastrowid, self.rowcount = _run_many(self._connection._conn, operation, seq_of_parameters)
        except Exception as error:
            adapted._handle_exception(error)
        self.description, self._rows = None, deque()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("in_transaction", "inline")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # until a statement tells
        self.inline = False  # statements run on the loop's thread (a write transaction holding the lock)

    def try_begin_immediate(self, restore_ms: int) -> bool:
        """BEGIN IMMEDIATE if the write lock is free this instant (on the loop's thread: no hop, no wait)."""
        try:
            _begin_immediate(self._connection._conn, 0, restore_ms)
        except sqlite3.OperationalError as error:
            if is_busy(error):
                return False
            self._handle_exception(error)
        self.in_transaction = True
        return True

    def cursor(self, server_side: bool = False) -> Any:
        return super().cursor(server_side) if server_side else OneHopCursor(self)

    def execute(self, *args: Any, **kw: Any) -> Any:
        self.in_transaction = True
        return super().execute(*args, **kw)

    def rollback(self) -> None:
        if self.in_transaction:
            self._end(self._connection._conn.rollback, super().rollback)

    def commit(self) -> None:
        self._end(self._connection._conn.commit, super().commit)

    def _end(self, inline_call: Any, hopping_call: Any) -> None:
        """COMMIT or ROLLBACK, without a hop while the transaction runs inline; a failure leaves it open."""
        inline, self.inline = self.inline, False
        if not inline:
            hopping_call()
        else:
            try:
                inline_call()
            except Exception as error:
                self._handle_exception(error)
        self.in_transaction = False


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI adapter, handing out OneHopConnections."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **{**kw, "check_same_thread": False})  # see the module docstring
        return OneHopConnection(self, adapted._connection)


async def rows_in_one_hop(connection: AsyncConnection,
                          statements: Sequence[tuple[Any, dict[str, Any]]]) -> list[list[Row[Any]]] | None:
    """Every row of each statement, all of them run back to back in ONE hop to aiosqlite's thread: SQLAlchemy's own
    execution there (the engine's compiled cache, its parameter and result processing, its events), with the
    statements running inline on the thread's sqlite3 connection, as a write transaction's do on the loop's thread.
    None when `connection` is no OneHopConnection of ours (PostgreSQL; or a write transaction running inline): the
    caller runs them one by one. Reads only: a failure is SQLAlchemy's, as `execute` raises it."""
    sync = connection.sync_connection
    dbapi = sync.connection.dbapi_connection if sync is not None and not sync.closed else None
    if not isinstance(dbapi, OneHopConnection) or dbapi.inline:
        return None

    def run_all() -> list[list[Row[Any]]]:
        assert sync is not None  # checked above
        dbapi.inline = True  # on this thread, the one using the connection while the loop awaits it
        try:
            return [list(sync.execute(statement, parameters).all()) for statement, parameters in statements]
        finally:
            dbapi.inline = False

    rows: list[list[Row[Any]]] = await dbapi._connection._execute(run_all)
    return rows
