"""Pins for the library internals csrgraph leans on (docs/private-internals.md): each test fails when the library
changes what the code assumes, instead of a speedup silently switching off or a lookup breaking at run time.

Pinned elsewhere: aiosqlite's Connection._execute and _conn (db/sqlite_driver.py) in tests/resolvers/test_writes.py;
Strawberry's graphql-core schema `_schema` (graph/persisted/known.py) in tests/api/persisted/test_fast_path.py."""

import asyncio

from graphql import GraphQLInterfaceType, GraphQLObjectType
from strawberry.dataloader import DataLoader
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType

from graph.compiled.objects import BACKREF
from graph.core.plain_fields import BASIC_RESOLVER, read_plain_fields_directly
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
