"""Pins for the library internals csrgraph leans on (docs/private-internals.md): each test fails when the library
changes what the code assumes, instead of a speedup silently switching off or a lookup breaking at run time.

Pinned elsewhere: aiosqlite's Connection._execute and _conn (db/sqlite_driver.py) in tests/resolvers/test_writes.py;
Strawberry's graphql-core schema `_schema` (graph/persisted/known.py) in tests/api/persisted/test_fast_path.py."""

import asyncio
import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Enum,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    event,
    func,
    insert,
    select,
    union_all,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.errors import ServerErrorMiddleware
from strawberry.dataloader import DataLoader
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType

from db.base import UtcDateTime
from db.engine import connection_on_loop_thread, make_engine
from db.sqlite_driver import _PREPARED, prepared_rows
from graph.app import App
from graph.compiled.objects import BACKREF
from graph.core.plain_fields import BASIC_RESOLVER, read_plain_fields_directly
from graph.front_door import FrontDoor
from graph.persisted.known import graphql_schema_of
from graph.schema import make_schema


def _plain_resolvers(schema) -> list:
    return [
        field.resolve
        for type_ in graphql_schema_of(schema).type_map.values()
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType) and not type_.name.startswith("__")
        for field in type_.fields.values()
        if field.resolve is not None and is_default_resolver(field.resolve)
    ]


def test_strawberry_names_its_plain_field_resolver_as_plain_fields_expects():
    """graph/core/plain_fields.py finds Strawberry's resolver of plain attribute fields by its function name."""
    schema = make_schema()
    names = {resolve.__name__ for resolve in _plain_resolvers(schema)}
    assert BASIC_RESOLVER in names, names


def test_every_plain_field_is_read_directly_and_still_marked_default():
    schema = make_schema()
    before = len([r for r in _plain_resolvers(schema) if r.__name__ == BASIC_RESOLVER])
    changed = read_plain_fields_directly(schema)
    assert changed == before > 100  # the hot types' column fields are plain attributes
    assert not [r for r in _plain_resolvers(schema) if r.__name__ == BASIC_RESOLVER]
    assert len(_plain_resolvers(schema)) >= changed  # Strawberry's tracing still sees them as default resolvers


def test_strawberry_links_graphql_types_and_fields_to_their_definitions_under_the_key_plans_read():
    """graph/compiled reads a graphql-core type's or field's Strawberry definition from its `extensions`."""
    assert GraphQLCoreConverter.DEFINITION_BACKREF == BACKREF
    customer = graphql_schema_of(make_schema()).type_map["Customer"]
    assert customer.extensions[BACKREF].name == "Customer"
    assert customer.fields["number"].extensions[BACKREF].python_name == "number"


def test_dataloader_cache_map_holds_the_loaded_future():
    """graph/context.py reads what a request's loader already holds from `cache_map` (DataLoader's cache_map
    argument is public; that the loader keeps its futures there by key is what the code assumes)."""

    async def load(keys: list[int]) -> list[int]:
        return [key * 2 for key in keys]

    async def main() -> None:
        loader = DataLoader(load_fn=load)
        assert await loader.load(21) == 42
        loaded = loader.cache_map.get(21)
        assert loaded is not None
        assert loaded.result() == 42
        assert loader.cache_map.get(7) is None

    asyncio.run(main())


def test_strawberrys_execution_context_keeps_the_operation_name_the_client_sent():
    """graph/operations.py reads `_provided_operation_name`: `operation_name` falls back to the first operation's."""
    schema, operations = make_schema(), [OperationType.QUERY]
    unnamed = ExecutionContext("query A { a } query B { b }", schema, operations, provided_operation_name=None)
    assert unnamed._provided_operation_name is None
    named = ExecutionContext("query A { a } query B { b }", schema, operations, provided_operation_name="B")
    assert named._provided_operation_name == "B"


class _Kind(enum.Enum):
    RESIDENTIAL = "RESIDENTIAL"
    COMMERCIAL = "COMMERCIAL"


_METADATA = MetaData()
_READS = Table("prepared_reads", _METADATA, Column("id", Integer, primary_key=True), Column("day", Date),
               Column("at", UtcDateTime), Column("kind", Enum(_Kind, native_enum=False)), Column("flag", Boolean),
               Column("amount", Numeric(12, 2)), Column("name", String), Column("client_id", Integer))
_ROWS = [{"id": n, "day": date(2026, 1, n), "at": datetime(2026, 1, n, 9, 30, tzinfo=UTC),
          "kind": _Kind.COMMERCIAL if n % 2 else _Kind.RESIDENTIAL, "flag": n % 3 == 0,
          "amount": Decimal(f"{n}.05"), "name": f"n{n}", "client_id": 7 if n < 5 else 8} for n in range(1, 7)]
_ROWS[2].update(day=None, at=None, kind=None, flag=None, amount=None)


def _statements() -> list[tuple[str, Any, dict[str, Any]]]:
    """Reads as a plan's are built: bound values in the statement (the client), an expanding list, a bound date."""
    by_keys = select(_READS).where(_READS.c.id.in_(bindparam("keys", expanding=True)), _READS.c.client_id == 7)
    # the same shape, another client: the engine's compiled form is the first's (its cache key leaves values out)
    by_keys_of_8 = select(_READS).where(_READS.c.id.in_(bindparam("keys", expanding=True)), _READS.c.client_id == 8)
    by_day = select(_READS.c.id, _READS.c.kind.label("sort"), func.count().label("n")).where(
        _READS.c.day >= bindparam("since"), _READS.c.kind.in_([_Kind.COMMERCIAL, _Kind.RESIDENTIAL])
    ).group_by(_READS.c.id, _READS.c.kind)
    both = union_all(select(_READS.c.id, _READS.c.day).where(_READS.c.id.in_(bindparam("a", expanding=True))),
                     select(_READS.c.id, _READS.c.day).where(_READS.c.id.in_(bindparam("b", expanding=True))))
    return [("by keys", by_keys, {"keys": [1, 2, 3]}), ("by keys", by_keys, {"keys": [4]}),
            ("by keys", by_keys, {"keys": []}), ("another client's", by_keys_of_8, {"keys": [1, 2, 5, 6]}),
            ("by day", by_day, {"since": date(2026, 1, 2)}),
            ("union", both, {"a": [1, 2], "b": [6, 5, 4]}), ("union", both, {"a": [], "b": [3]})]


async def test_a_prepared_read_answers_sqlalchemys_rows_on_the_raw_connection(tmp_path):
    """db/sqlite_driver.prepared_rows runs a plan's reads on the raw sqlite3 connection with SQLAlchemy's compiled
    form (`compiled._result_columns`, `_bind_processors`, `_process_parameters_for_postcompile`, `binds`,
    `bind_names`, `post_compile_params`; `TypeEngine._cached_result_processor`; aiosqlite's `_conn`): the same
    values of the same types as SQLAlchemy's rows, the same keys, the statement counters hearing each."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'reads.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_METADATA.create_all)
            await connection.execute(insert(_READS), _ROWS)
        statements = _statements()
        async with engine.connect() as connection:
            expected = [list((await connection.execute(stmt, params)).all()) for _, stmt, params in statements]
        heard: list[str] = []
        listener = lambda conn, cursor, sql, *_: heard.append(sql)  # noqa: E731
        event.listen(engine.sync_engine, "before_cursor_execute", listener)
        async with engine.connect() as connection, connection_on_loop_thread(connection) as raw:
            assert raw is not None
            for _ in range(2):  # the first read of each prepares it (through SQLAlchemy), the second is raw
                for (name, stmt, params), rows in zip(statements, expected, strict=True):
                    got = await connection.run_sync(prepared_rows, raw, stmt, params)
                    assert [tuple(row) for row in got] == [tuple(row) for row in rows], name
                    assert [[type(value) for value in row] for row in got] == \
                        [[type(value) for value in row] for row in rows], name
                    assert [row._asdict() for row in got] == [dict(row._mapping) for row in rows], name
        assert len([sql for sql in heard if sql != "BEGIN"]) == 2 * len(statements)
        assert all(entry[1] is not None for entry in _PREPARED.values() if entry[0]() in
                   {stmt for _, stmt, _ in statements})
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
        await engine.dispose()


def _bound_cases() -> list[Any]:
    """A statement per kind of bound parameter, and the parameters it is read with: the first prepares it."""
    c = _READS.c
    ids = select(c.id).order_by(c.id)
    return [
        pytest.param(ids.where(c.id == bindparam("id")), [{"id": 2}, {"id": 5}, {"id": 99}], id="an integer"),
        pytest.param(ids.where(c.name == bindparam("name")), [{"name": "n2"}, {"name": None}], id="a string, a null"),
        pytest.param(ids.where(c.day >= bindparam("since")), [{"since": date(2026, 1, 2)}, {"since": None}],
                     id="a date"),
        pytest.param(ids.where(c.at < bindparam("before")), [{"before": datetime(2026, 1, 4, 10, tzinfo=UTC)}],
                     id="a UtcDateTime"),
        pytest.param(ids.where(c.kind == bindparam("kind")), [{"kind": _Kind.COMMERCIAL}, {"kind": _Kind.RESIDENTIAL}],
                     id="an enum"),
        pytest.param(ids.where(c.flag == bindparam("flag")), [{"flag": True}, {"flag": False}], id="a boolean"),
        pytest.param(ids.where(c.amount > bindparam("amount")), [{"amount": Decimal("2.05")}, {"amount": 3}],
                     id="a numeric"),
        pytest.param(ids.limit(bindparam("limit", type_=Integer)), [{"limit": 3}, {"limit": 0}], id="a limit"),
        pytest.param(ids.where(c.id.in_(bindparam("ids", expanding=True))),
                     [{"ids": [1, 2, 3]}, {"ids": [4]}, {"ids": []}, {"ids": [3, 2, 1]}], id="an expanding list"),
        pytest.param(ids.where(c.day.in_(bindparam("days", expanding=True))),
                     [{"days": [date(2026, 1, 1), date(2026, 1, 5)]}, {"days": []}], id="a list of dates"),
        pytest.param(ids.where(c.kind.in_(bindparam("kinds", expanding=True))),
                     [{"kinds": [_Kind.COMMERCIAL]}, {"kinds": [_Kind.RESIDENTIAL, _Kind.COMMERCIAL]}],
                     id="a list of enums"),
        pytest.param(ids.where(c.id.in_(bindparam("a", expanding=True)),
                               c.client_id.in_(bindparam("b", expanding=True)), c.day >= bindparam("since")),
                     [{"a": [1, 2], "b": [7], "since": date(2026, 1, 1)},
                      {"a": [], "b": [7, 8], "since": date(2026, 1, 1)}], id="two lists and a date"),
        pytest.param(ids.where(c.client_id == 7, c.kind.in_([_Kind.COMMERCIAL]), c.id > bindparam("id")),
                     [{"id": 0}, {"id": 2}], id="values bound in the statement"),
        pytest.param(ids.where((c.id == bindparam("id")) | (c.client_id == bindparam("id"))), [{"id": 7}, {"id": 2}],
                     id="one name twice"),
        pytest.param(ids.where(c.id == bindparam("id", value=1)), [{}, {"id": 2}, {}], id="a default, overridden"),
        pytest.param(ids.where(c.id == bindparam("id")), [{"id": 1}, {"id": 2, "other": 3}], id="names besides"),
    ]


@pytest.mark.parametrize(("statement", "given"), _bound_cases())
async def test_a_prepared_reads_values_are_sqlalchemys(tmp_path, statement, given) -> None:
    """The SQL and positional values a prepared read writes for its parameters (db/sqlite_driver: the function
    `_values_function` wrote for the statement, or `any_values` for parameters of other names) are those SQLAlchemy's
    execution hands the cursor, of the same types, for every kind of parameter; and so are the rows."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'values.db'}")
    cursor: list[tuple[str, list[Any]]] = []

    def listener(conn, cursor_, sql, parameters, context, executemany) -> None:
        cursor.append((sql, list(parameters)))

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_METADATA.create_all)
            await connection.execute(insert(_READS), _ROWS)
        async with engine.connect() as connection, connection_on_loop_thread(connection) as raw:
            assert raw is not None
            await connection.run_sync(prepared_rows, raw, statement, given[0])  # prepared with the first
            prepared = _PREPARED[id(statement)][1]
            assert prepared is not None
            assert prepared.values != prepared.any_values  # written for its parameters
            event.listen(engine.sync_engine, "before_cursor_execute", listener)
            for parameters in given:
                expected = await connection.run_sync(lambda sync, p=parameters: list(sync.execute(statement, p)))
                [(sql, values)] = cursor
                cursor.clear()
                assert prepared.values(parameters) == (sql, values), parameters
                assert [type(v) for v in prepared.values(parameters)[1]] == [type(v) for v in values]
                assert prepared.any_values(parameters) == (sql, values), parameters
                rows = await connection.run_sync(prepared_rows, raw, statement, parameters)
                assert [tuple(row) for row in rows] == [tuple(row) for row in expected], parameters
                assert cursor == [(sql, values)]  # the listener hears the prepared read as SQLAlchemy's
                cursor.clear()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
        await engine.dispose()


def test_starlettes_stack_is_its_server_error_layer_around_the_user_middleware():
    """graph/app.py's App leaves out Starlette's ServerErrorMiddleware (the front door is the last resort for a
    fault): it finds it as the outermost layer of `build_middleware_stack`, the user middleware as its `app`."""

    class Marker:
        def __init__(self, app: Any):
            self.app = app

    stack = Starlette(middleware=[Middleware(Marker)]).build_middleware_stack()
    assert type(stack) is ServerErrorMiddleware
    assert isinstance(stack.app, Marker)
    door = App(middleware=[Middleware(FrontDoor, graphql=None, authenticator=None, concurrent_requests=1,
                                      max_body_bytes=1, max_upload_bytes=1)])
    assert isinstance(door.build_middleware_stack(), FrontDoor)
    assert type(App(middleware=[Middleware(Marker)]).build_middleware_stack()) is ServerErrorMiddleware
    assert type(App(middleware=door.user_middleware, debug=True).build_middleware_stack()) is ServerErrorMiddleware
