"""Inputs made from the schema itself, so a test covers every mutation and input field, new ones included."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    build_schema,
    get_named_type,
    is_non_null_type,
)

from graph.core.relay import to_global_id
from graph.core.text import max_length_of
from graph.schema import make_schema

SCHEMA = make_schema()
GRAPHQL = build_schema(SCHEMA.as_str())
PLACEHOLDERS = {"ID": to_global_id("Customer", 987_654_321), "String": "x", "Boolean": False, "Int": 1,
                "Float": 1.0, "Decimal": "1.00", "Date": "2026-01-15", "DateTime": "2026-01-15T00:00:00+00:00",
                "Upload": "x", "Rate": "1.5"}


@dataclass(frozen=True)
class InputPath:
    """One field of a mutation's input: its path from `input`, its GraphQL field, and its stated limit."""

    mutation: str
    path: tuple[str, ...]
    field: GraphQLInputField
    max_length: int | None

    @property
    def scalar(self) -> str:
        return getattr(get_named_type(self.field.type), "name", "")

    @property
    def error_path(self) -> list[str]:
        """Where a userError about a value sent here points (a single value for a list is its item 0)."""
        return ["input", *self.path, *(["0"] if _is_list(self.field.type) else [])]

    def __str__(self) -> str:
        return f"{self.mutation}.{'.'.join(self.path)}"


def mutations() -> dict[str, GraphQLInputObjectType]:
    """Every mutation and its input type."""
    return {name: get_named_type(field.args["input"].type) for name, field in GRAPHQL.mutation_type.fields.items()}


def document(mutation: str) -> str:
    input_type = mutations()[mutation].name
    return f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ field code message }} }} }}"


def input_paths(mutation: str) -> Iterator[InputPath]:
    """Every field reachable in the mutation's input (a list of inputs: through its first item)."""
    yield from _paths(mutation, mutations()[mutation], ())


def _paths(mutation: str, input_type: GraphQLInputObjectType, prefix: tuple[str, ...]) -> Iterator[InputPath]:
    fields = {f.python_name: f for f in SCHEMA.get_type_by_name(input_type.name).fields}
    names = {SCHEMA.config.name_converter.get_graphql_name(f): f for f in fields.values()}
    for name, field in input_type.fields.items():
        path = (*prefix, name)
        yield InputPath(mutation, path, field, max_length_of(names[name]))
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLInputObjectType):
            yield from _paths(mutation, inner, (*path, "0") if _is_list(field.type) else path)


def _is_list(type_: Any) -> bool:
    return isinstance(type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList)


def minimal(input_type: GraphQLInputObjectType) -> dict[str, Any]:
    """Placeholders for the required fields (no default) of an input, nested required inputs included."""
    return {name: placeholder(field.type) for name, field in input_type.fields.items()
            if is_non_null_type(field.type) and field.default_value is Undefined}


def placeholder(type_: Any) -> Any:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return minimal(type_)
    assert isinstance(type_, GraphQLScalarType)
    return PLACEHOLDERS[type_.name]


def with_value(mutation: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """The mutation's minimal input with `value` at `path`, the inputs on the way made minimal too."""
    root = minimal(mutations()[mutation])
    node, input_type = root, mutations()[mutation]
    for name in path[:-1]:
        if name == "0":
            continue
        field_type = get_named_type(input_type.fields[name].type)
        inner = minimal(field_type)
        if _is_list(input_type.fields[name].type):
            node[name] = [inner]
        else:
            node[name] = inner
        node, input_type = inner, field_type
    node[path[-1]] = value
    return root

