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
import weakref
from collections import deque, namedtuple
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import partial
from keyword import iskeyword
from typing import Any, cast

from sqlalchemy import Connection, Row
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


# A read statement a compiled plan runs by key on the loop's thread, prepared once: its SQL, parameter order, the
# values bound in it (the client) and its columns' result processors, as SQLAlchemy's execution takes them from the
# engine's compiled form (graph/compiled/plan.py). Kept by the statement's identity while the statement lives (built
# once per client: resolvers/statements.py), by id with a weak reference checked, since a Select's `==` builds SQL.
_PREPARED: dict[int, tuple["weakref.ref[Any]", "PreparedRead | None"]] = {}


@dataclass(eq=False, slots=True)
class PreparedRead:
    """One read statement as SQLAlchemy compiled it for this engine, run on the raw sqlite3 connection: per call
    `execute(sql, values)` and `fetchall()`, each column through the result processor SQLAlchemy's own execution
    applies (dates, enums, booleans, Decimal, the app's TypeDecorators), each row a named tuple of the same keys."""

    compiled: Any  # SQLCompiler: the engine's, from the first execution
    dialect: Any
    names: tuple[str, ...]  # the bound parameters in positional order
    expanding: frozenset[str]  # lists rendered as `?, ?, ...` (IN)
    fixed: dict[str, Any]  # values bound in the statement (the client's id), by name
    processors: dict[str, Callable[[Any], Any]]  # bind processors, by name
    rows_of: Callable[[list[tuple[Any, ...]]], list[Any]]  # raw rows -> the rows SQLAlchemy would give
    sql: dict[tuple[int, ...], str]  # the SQL by the lengths of the expanding lists (() when there are none)
    # `values` written for this statement's parameters (`_values_function`): the one a call takes
    values: Callable[[dict[str, Any]], tuple[str, list[Any]]] = field(init=False)

    def __post_init__(self) -> None:
        self.values = self.any_values

    def any_values(self, parameters: dict[str, Any]) -> tuple[str, list[Any]]:
        """The SQL (expanded for these lists) and its positional values, as SQLAlchemy's execution context makes
        them (`DefaultExecutionContext._init_compiled`: each value through its bind processor), for any
        parameters: those given, else those bound in the statement."""
        values: list[Any] = []
        lengths: list[int] = []
        fixed, processors, expanding = self.fixed, self.processors, self.expanding
        for name in self.names:
            value = parameters[name] if name in parameters else fixed[name]
            process = processors.get(name)
            if name in expanding:
                lengths.append(len(value))
                values += [process(item) for item in value] if process is not None else value
            else:
                values.append(process(value) if process is not None else value)
        key = tuple(lengths)
        sql = self.sql.get(key)
        if sql is None:
            sql = self.sql[key] = self._expanded(parameters, len(values))
        return sql, values

    def _expanded(self, parameters: dict[str, Any], count: int) -> str:
        given = {**self.fixed, **parameters}
        expanded = self.compiled._process_parameters_for_postcompile(self.compiled.construct_params(given))
        if len(expanded.positiontup) != count:  # a tuple IN, say: not the flat list `values` built
            raise _NotPrepared("expanded parameters differ")
        return str(expanded.statement)


def _values_function(prepared: PreparedRead,
                     given: Collection[str]) -> Callable[[dict[str, Any]], tuple[str, list[Any]]]:
    """`prepared.any_values` written out for parameters of exactly the names `given` (those the statement was
    prepared with; the others are bound in the statement): each value read by its name, through its bind processor
    where it has one, in positional order, no lookups of names, processors or lists per call. Parameters of other
    names (a count that differs, a name missing) go to `any_values`, which SQLAlchemy's rules hold for."""
    scope: dict[str, Any] = {"any_values": prepared.any_values, "sqls": prepared.sql, "expanded": prepared._expanded}
    reads: list[str] = []  # locals read once: the expanding lists
    items: list[str] = []
    lengths: list[str] = []
    local: dict[str, str] = {}
    for n, name in enumerate(prepared.names):
        process = prepared.processors.get(name)
        if process is not None:
            scope[f"b{n}"] = process
        if name in given:
            value = f"p[{name!r}]"
        else:
            scope[f"f{n}"] = prepared.fixed[name]
            value = f"f{n}"
        if name in prepared.expanding:
            if name not in local:
                local[name] = f"x{n}"
                reads.append(f"x{n} = {value}")
            value = local[name]
            lengths.append(f"len({value})")
            items.append(f"*map(b{n}, {value})" if process is not None else f"*{value}")
        else:
            items.append(f"b{n}({value})" if process is not None else value)
    body = [f"if len(p) != {len(given)}:", "    return any_values(p)", "try:",
            *(f"    {read}" for read in reads), f"    values = [{', '.join(items)}]", "except KeyError:",
            "    return any_values(p)"]
    if lengths:
        body += [f"key = ({', '.join(lengths)},)", "sql = sqls.get(key)", "if sql is None:",
                 "    sql = sqls[key] = expanded(p, len(values))", "return sql, values"]
    else:
        scope["sql"] = prepared.sql[()]
        body.append("return sql, values")
    source = "def values(p):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, "<a prepared read's values>", "exec"), scope)  # noqa: S102  # source built above
    built: Callable[[dict[str, Any]], tuple[str, list[Any]]] = scope["values"]
    return built


class _NotPrepared(Exception):
    """A statement's execution this module does not reproduce: SQLAlchemy runs it."""


def prepared_rows(sync: Connection, conn: sqlite3.Connection, statement: Any,
                  parameters: dict[str, Any]) -> list[Any]:
    """The rows of a read `statement` on `sync` (a SQLite connection whose statements run on this thread, inline):
    the first time through SQLAlchemy's `execute` (prepared from its compiled form), then on `conn`, the raw sqlite3
    connection under it, as prepared. The engine's before/after_cursor_execute listeners hear each (statement
    counters). A statement this does not reproduce (not a plain positional SELECT) runs through SQLAlchemy always."""
    rows = read_prepared(sync, conn, statement, parameters)
    if rows is not None:
        return rows
    entry = _PREPARED.get(id(statement))
    prepared = entry[1] if entry is not None and entry[0]() is statement else _NOT_YET
    result = sync.execute(statement, parameters)
    rows = list(result.all())
    if prepared is _NOT_YET or (prepared is not None and prepared.dialect is not sync.dialect):
        prepared = _prepare(result, parameters)
        _PREPARED[id(statement)] = (weakref.ref(statement, _forget), prepared)
    return rows


_NOT_YET: Any = object()


def listening(sync: Connection) -> bool:
    """Whether a before/after_cursor_execute listener would hear a statement of `sync` now (the connection's own,
    its engine's, the Engine class's: the check SQLAlchemy's execution makes per statement, two joined listeners each
    asking its parent). A plan asks it once per request (graph/compiled/plan.py), not per statement: a listener
    registered while a request runs hears the statements of the requests that start after it."""
    dispatch = sync.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


def read_prepared(sync: Connection, conn: sqlite3.Connection | sqlite3.Cursor, statement: Any,
                  parameters: dict[str, Any], heard: bool | None = None) -> list[Any] | None:
    """The rows of `statement` if it is prepared (`prepared_rows` ran it once): no SQLAlchemy call, so no greenlet
    either (`AsyncConnection.run_sync` starts one per call); None if it is not. `heard`: whether the cursor-execute
    listeners are to hear it (`listening(sync)`, which the caller may have asked once for many statements; None: ask
    now). `conn`: the raw sqlite3 connection under `sync`, or a cursor of it (a plan reads a request's statements on
    one)."""
    entry = _PREPARED.get(id(statement))
    prepared = entry[1] if entry is not None and entry[0]() is statement else None
    if prepared is None or prepared.dialect is not sync.dialect:
        return None
    try:
        sql, values = prepared.values(parameters)
    except _NotPrepared:
        return None
    if heard is None:
        heard = listening(sync)
    if not heard:
        return prepared.rows_of(conn.execute(sql, values).fetchall())
    dispatch = sync.dispatch
    context = PreparedContext(statement, prepared.compiled, sql, values, sync)
    dispatch.before_cursor_execute(sync, None, sql, values, context, False)
    raw = conn.execute(sql, values).fetchall()
    dispatch.after_cursor_execute(sync, None, sql, values, context, False)
    return prepared.rows_of(raw)


async def rows_on_loop_thread(connection: AsyncConnection, conn: sqlite3.Connection, statement: Any,
                              parameters: dict[str, Any], heard: bool | None = None) -> list[Any]:
    """The rows of a read `statement` on a connection whose statements run on the loop's thread
    (db/engine.connection_on_loop_thread yields `conn`, its raw sqlite3 connection): prepared, then read directly;
    the first time through SQLAlchemy (`prepared_rows`, inside run_sync: its execute insists on an await).
    `heard` as `read_prepared`'s."""
    sync = connection.sync_connection
    rows = read_prepared(sync, conn, statement, parameters, heard) if sync is not None else None
    if rows is None:
        rows = await connection.run_sync(prepared_rows, conn, statement, parameters)
    return rows


@dataclass(eq=False, slots=True)
class PreparedContext:
    """What a cursor-execute listener is given of a prepared read, as of SQLAlchemy's ExecutionContext: the statement
    object (`invoked_statement`: the statement counters of tests/ read it), its compiled form, the SQL and values."""

    invoked_statement: Any
    compiled: Any
    statement: str
    parameters: list[Any]
    connection: Connection
    executemany: bool = False
    isinsert: bool = False
    isupdate: bool = False
    isdelete: bool = False


def _forget(gone: "weakref.ref[Any]", prepared: dict[int, tuple["weakref.ref[Any]", Any]] = _PREPARED) -> None:
    """A statement's prepared form dropped with it (its entry only: the id may be another's by now)."""
    for key, (ref, _) in list(prepared.items()):
        if ref is gone:
            del prepared[key]


def _prepare(result: Any, parameters: dict[str, Any]) -> PreparedRead | None:
    """The statement of `result` (just executed by SQLAlchemy) prepared, or None if this module cannot run it as
    SQLAlchemy does."""
    context = result.context
    compiled = context.compiled
    dialect = context.dialect
    keys = tuple(result.keys())
    binds = compiled.binds
    names = tuple(compiled.positiontup or ())
    columns = compiled._result_columns
    if (dialect.paramstyle != "qmark" or not compiled.positional or compiled.literal_execute_params
            or compiled.escaped_bind_names or compiled.schema_translate_map or not compiled.statement.is_select
            or len(columns) != len(keys) or len(set(keys)) != len(keys)
            or any(not key.isidentifier() or iskeyword(key) or key.startswith("_") for key in keys)
            or any(binds[name].callable is not None for name in names if name not in parameters)):
        return None
    expanding = frozenset(compiled.bind_names[bind] for bind in compiled.post_compile_params)
    if any(not binds[name].expanding for name in expanding):
        return None
    # The values bound in the statement, as this execution took them from this statement (its client): the compiled
    # form is the engine's cached one, shared by every statement of the same shape, and its binds hold the values of
    # the statement it was first compiled for (SQLAlchemy extracts the statement's own from its cache key).
    bound = compiled.construct_params(parameters, extracted_parameters=context.extracted_parameters)
    fixed = {name: value for name, value in bound.items() if name not in parameters}
    processors = dict(compiled._bind_processors)
    # the processor SQLAlchemy's result gives each column (CursorResultMetaData: TypeEngine._cached_result_processor
    # with the cursor's type code, None on SQLite)
    converters = [column.type._cached_result_processor(dialect, None) for column in columns]
    row = namedtuple("Row", keys)  # type: ignore[misc]  # the keys checked above
    prepared = PreparedRead(compiled, dialect, names, expanding, fixed, processors, _rows_builder(row, converters),
                            {} if expanding else {(): compiled.string})
    prepared.values = _values_function(prepared, frozenset(parameters))
    return prepared


def _rows_builder(row: Any, converters: list[Callable[[Any], Any] | None]) -> Callable[[list[Any]], list[Any]]:
    """raw rows -> rows of `row`, each column through its converter: a function written for these columns. Each row
    made by `tuple.__new__(row, ...)`, what the named tuple's `_make` does less its Python call and length check (a
    raw row has the compiled columns' number: `_prepare`)."""
    if not any(converters):
        return cast(Callable[[list[Any]], list[Any]], partial(_rows_made, partial(tuple.__new__, row)))
    names: dict[str, Any] = {"new": tuple.__new__, "Row": row}
    columns, values = [], []
    for n, convert in enumerate(converters):
        columns.append(f"r{n}")
        if convert is None:
            values.append(f"r{n}")
        else:
            names[f"c{n}"] = convert
            values.append(f"c{n}(r{n})")
    source = (f"def rows_of(raw):\n    return [new(Row, ({', '.join(values)},)) "
              f"for {', '.join(columns)}, in raw]\n")
    exec(compile(source, "<a prepared read's rows>", "exec"), names)  # noqa: S102  # source built above
    built: Callable[[list[Any]], list[Any]] = names["rows_of"]
    return built


def _rows_made(make: Callable[[Any], Any], raw: list[Any]) -> list[Any]:
    return list(map(make, raw))
