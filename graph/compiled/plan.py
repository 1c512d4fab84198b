"""A plan per (document, operation): built once when a known document is prepared, run for each request instead of
graphql-core's executor, answering the executor's bytes (tests/api/differential holds it to them).

What compiles (step 2 of docs/compiled-plans.md): a query whose root fields are `customers` (the search grid) or
`__typename`, selecting fields the types declare (graph/core/columns.py) below it. Anything else is not planned
(`Planned.fallbacks` says why) and runs on the executor, per operation. A planned request that meets what only the
executor words (a refused argument, a null in a non-null field, invalid variables) gives way: the plan answers
None and the executor answers the request (graph/persisted/fast_path.py).

A plan's statements run back to back on one connection of the read engine (no session, no loaders); the levels
below the search are Core statements built once per client (resolvers/statements.py) with bound parameters, each
depth's in one call (Reader.run_many: on SQLite one hop to the driver's thread, db/sqlite_driver.rows_in_one_hop).
"""

import logging
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)
from graphql.execution.values import VariableValues, get_variable_values
from sqlalchemy import Dialect, Result, Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from db.engine import read_by_key
from db.sqlite_driver import listening, prepared_rows, read_prepared, rows_in_one_hop
from graph.compiled.fallback import Fallbacks
from graph.compiled.objects import Found, GiveWay, Levels, Query, Reader
from graph.compiled.roots import compile_node
from graph.compiled.search import Answer, compile_customers
from graph.compiled.selections import Selections, Unplannable
from graph.logs import fields

if TYPE_CHECKING:
    from graph.compiled.payloads import MutationPlan

log = logging.getLogger("csrgraph.plans")
# root fields a plan can answer
ROOTS: dict[str, Callable[..., Answer]] = {"customers": compile_customers, "node": compile_node}
# Roots whose plans read by key only: one object and bounded pages and lists under it, each statement a few rows by
# an index. On SQLite such a plan reads on the event loop's thread (db/engine.connection_on_loop_thread): a hop to the
# driver's thread and back per statement costs far more than these reads. A search's statements may take
# milliseconds: they hop.
BY_KEY = frozenset({"node"})


@dataclass(eq=False)
class CompiledPlan:
    """Answers one query operation of a known document (graph/persisted/known.py: Plan)."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    roots: list[tuple[str, Answer | str]]  # (response key, its answer or a constant: __typename)
    references: int  # reference and fallback levels, the size of Found
    compiled_fields: tuple[str, ...]  # the paths the plan answers itself
    fallbacks: tuple[str, ...] = ()  # the paths the executor answers on the plan's objects (graph/compiled/fallback.py)
    by_key: bool = False  # every root reads by key (BY_KEY): on SQLite, its statements run on the loop's thread
    gave_way: int = field(default=0, compare=False)  # requests left to the executor (tests read it)

    async def __call__(self, context: Any, variables: dict[str, Any] | None) -> ExecutionResult | None:
        scope = getattr(context, "scope", None)
        coerced = get_variable_values(self.schema, self.operation.variable_definitions or (), variables or {})
        if scope is None or isinstance(coerced, list):  # errors in the variables: the executor words them
            self.gave_way += 1
            return None
        try:
            data = await self._run(context, scope, coerced, variables)
        except (GiveWay, GraphQLError):
            self.gave_way += 1
            return None
        except Exception:  # the executor masks unexpected errors under the request id: let it answer
            log.warning("plan gave way", exc_info=True, extra=fields(operation=self.name))
            self.gave_way += 1
            return None
        return ExecutionResult(data)

    @property
    def name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None

    async def _run(self, context: Any, scope: Any, variables: VariableValues,
                   given: dict[str, Any] | None) -> dict[str, Any]:
        engine: AsyncEngine = context.sessionmaker.kw["bind"]  # the read engine (db/engine.py: no BEGIN on SQLite)
        if self.fallbacks:
            # The fields it falls back on read through the request's loaders, each batch checking out a connection of
            # the same pool: holding one across them would let as many concurrent requests as the pool holds wait
            # on each other. Each statement of such a plan checks out a connection of its own instead.
            leased = Leased(engine)
            try:
                return await self._read(context, scope, variables, given, leased)
            finally:
                await leased.release()
        if self.by_key:  # on SQLite one of the worker's read connections already on the loop's thread
            async with read_by_key(engine) as (connection, raw):
                return await self._read(context, scope, variables, given, connection, raw)
        async with engine.connect() as connection:
            return await self._read(context, scope, variables, given, connection)

    async def _read(self, context: Any, scope: Any, variables: VariableValues, given: dict[str, Any] | None,
                    connection: "AsyncConnection | Leased", raw: sqlite3.Connection | None = None) -> dict[str, Any]:
        # A statement read again with the same parameters answers the rows it read (a customer's standing, which its
        # pastDue and its alerts both read): one request's reads see one state. Kept by the statement's identity (built
        # once per client), with its parameters, compared only when the statement is read again (the standing): no
        # key of every parameter built and hashed for each statement read once.
        read: dict[int, list[tuple[Any, dict[str, Any], list[Any]]]] = {}

        def recalled(statement: Any, parameters: dict[str, Any]) -> list[Any] | None:
            for earlier, bound, rows in read.get(id(statement), ()):
                if earlier is statement and bound == parameters:
                    return rows
            return None

        def kept(statement: Any, parameters: dict[str, Any], rows: list[Any]) -> None:
            read.setdefault(id(statement), []).append((statement, parameters, rows))  # the statement alive with its id

        sync = connection.sync_connection if raw is not None and isinstance(connection, AsyncConnection) else None
        # whether the engine's cursor-execute listeners (the tests' statement counters) hear a prepared read: asked
        # once per request, not per statement (db/sqlite_driver.listening)
        heard = listening(sync) if sync is not None else False
        # the request's reads on one cursor of its connection (sqlite3's `Connection.execute` makes one per statement)
        cursor = raw.cursor() if sync is not None and raw is not None else None

        async def through_sqlalchemy(statement: Any, parameters: dict[str, Any]) -> list[Any]:
            """A statement read on the loop's thread the first time (`read_prepared` found it not prepared), or one that
            cannot be prepared: through SQLAlchemy, which prepares it."""
            assert isinstance(connection, AsyncConnection)
            assert raw is not None  # with `sync` and `cursor` (above)
            return cast(list[Any], await connection.run_sync(prepared_rows, raw, statement, parameters))

        async def run(statement: Select[Any], parameters: dict[str, Any]) -> list[Any]:
            rows = recalled(statement, parameters)
            if rows is None:
                if sync is not None and cursor is not None:  # on the loop's thread: prepared once, then raw
                    rows = read_prepared(sync, cursor, statement, parameters, heard)
                    if rows is None:
                        rows = await through_sqlalchemy(statement, parameters)
                else:
                    rows = list((await connection.execute(statement, parameters)).all())
                kept(statement, parameters, rows)
            return rows

        async def run_many(queries: Sequence[Query]) -> list[list[Any]]:
            """One depth's statements, each read once (as `run`): on the loop's thread when the plan reads by key,
            else on SQLite in one hop to the driver's thread, else one await each."""
            if sync is not None and cursor is not None:  # one by one, as `run` (a statement twice a depth: read once)
                answered = []
                for statement, parameters in queries:
                    earlier = read.get(id(statement))  # `recalled` and `kept` written out: most are read once
                    if earlier is not None:
                        rows = recalled(statement, parameters)
                        if rows is not None:
                            answered.append(rows)
                            continue
                    rows = read_prepared(sync, cursor, statement, parameters, heard)  # no coroutine per statement
                    if rows is None:
                        rows = await through_sqlalchemy(statement, parameters)
                    if earlier is None:
                        read[id(statement)] = [(statement, parameters, rows)]
                    else:
                        earlier.append((statement, parameters, rows))
                    answered.append(rows)
                return answered
            fresh: list[Query] = []
            for statement, parameters in queries:
                if recalled(statement, parameters) is None and not any(
                        statement is other and parameters == bound for other, bound in fresh):
                    fresh.append((statement, parameters))
            if fresh:
                held = await connection.connected() if isinstance(connection, Leased) else connection
                hopped = await rows_in_one_hop(held, fresh)
                rows = hopped if hopped is not None else [
                    list((await held.execute(statement, parameters)).all()) for statement, parameters in fresh]
                for (statement, parameters), found in zip(fresh, rows, strict=True):
                    kept(statement, parameters, found)
            return [cast(list[Any], recalled(statement, parameters)) for statement, parameters in queries]

        # the search resolver reads through `scope.db` with execute() only: the connection serves it
        fallbacks = Fallbacks(self.schema, self.document, self.name, context, given) if self.fallbacks else None
        reader = Reader(scope.with_session(cast(AsyncSession, connection)), run,
                        getattr(context, "reference_cache", None), variables, fallbacks,
                        connection.release if isinstance(connection, Leased) else None, run_many)
        found: Found = [{} for _ in range(self.references)]
        data: dict[str, Any] = {}
        for key, root in self.roots:
            data[key] = root if isinstance(root, str) else await root(reader, variables, found)
        return data


@dataclass(eq=False)
class Leased:
    """A connection checked out at the first statement and held for the statements that follow, back to back; given
    back before the executor resolves the fields the plan falls back on (Reader.release), whose loaders check out
    connections of the same pool: holding one across them would let as many concurrent requests as the pool holds
    wait on each other. The next statement checks one out again."""

    engine: AsyncEngine
    _held: AsyncExitStack | None = None
    _connection: AsyncConnection | None = None

    @property
    def dialect(self) -> Dialect:  # what the search asks of its connection (resolvers/customers/search/queries.py)
        return self.engine.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Result[Any]:
        connection = await self.connected()
        return await connection.execute(statement, parameters)  # buffered: the rows outlive a release

    async def connected(self) -> AsyncConnection:
        """The connection held, checked out if none is."""
        if self._connection is None:
            self._held = AsyncExitStack()
            self._connection = await self._held.enter_async_context(self.engine.connect())
        return self._connection

    async def release(self) -> None:
        held, self._held, self._connection = self._held, None, None
        if held is not None:
            await held.aclose()


@dataclass(frozen=True)
class Planned:
    """What the planner made of one operation: its plan, or why it has none."""

    plan: "CompiledPlan | MutationPlan | None"
    fallbacks: tuple[str, ...]


def plan_operation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                   shape: tuple[Any, ...]) -> Planned:
    """The plan of `operation` (validated, in `document`), or the reason there is none."""
    if operation.operation is OperationType.MUTATION:  # its effects on the executor, its payloads planned
        from graph.compiled.payloads import plan_mutation  # it builds on this module's Leased and Planned

        return plan_mutation(schema, document, operation, shape)
    if operation.operation is not OperationType.QUERY:
        return Planned(None, (f"a {operation.operation.value}",))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    levels = Levels(Selections(schema, fragments), shape)
    query = schema.query_type
    assert query is not None  # a query validated against the schema
    try:
        roots: list[tuple[str, Answer | str]] = []
        for selected in levels.selections.of(query, [operation.selection_set], "query"):
            if selected.name == "__typename":
                roots.append((selected.key, query.name))
            elif selected.name in ROOTS:
                roots.append((selected.key, ROOTS[selected.name](levels, query.fields[selected.name], selected,
                                                                 selected.key)))
            else:
                raise Unplannable(f"{selected.key}: a root field without a plan")
            levels.compiled.append(selected.key)
    except Unplannable as reason:
        return Planned(None, (str(reason),))
    by_key = all(selected.name == "__typename" or selected.name in BY_KEY
                 for selected in levels.selections.of(query, [operation.selection_set], "query"))
    plan = CompiledPlan(schema, document, operation, roots, levels.references, tuple(levels.compiled),
                        tuple(levels.fallbacks), by_key=by_key)
    return Planned(plan, ())


def plan_document(schema: GraphQLSchema, document: DocumentNode, operations: tuple[OperationDefinitionNode, ...],
                  sha256: str) -> dict[str | None, Planned]:
    """What the planner makes of each operation of a document, by operation name."""
    planned = {}
    for operation in operations:
        name = operation.name.value if operation.name else None
        planned[name] = plan_operation(schema, document, operation, ("plan", sha256, name))
    return planned
