"""A field's column (or expression) and conversion, declared once as data on its Strawberry field.

`column(...)`, `embedded(...)` and `reference(...)` are `strawberry.field(metadata=...)` (public API): the SDL
is the plain field's. A type's `from_row = FromRow()` is generated from them, once per class, as a function of
one expression (the way dataclasses writes `__init__`): one attribute read and the conversion per field, no
reflection per row. The compiled plans (docs/compiled-plans.md) read the same declarations for their SQL.
"""

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.types.base import StrawberryOptional, get_object_definition

from graph.core.eager import at_once
from graph.core.relay import Node, to_global_id

DECLARED = "csrgraph.declared"  # the key of a declaration in a field's metadata
Made = TypeVar("Made")


@dataclasses.dataclass(frozen=True)
class Column:
    """A value read from the row: an ORM attribute or a labelled expression (its `key` names it in the row)."""

    expr: Any
    convert: Callable[[Any], Any] | None = None  # applied to values that are not null

    @property
    def key(self) -> str:
        return str(self.expr.key)


@dataclasses.dataclass(frozen=True)
class Embedded:
    """An object built from columns of the same row (a customer's billing address, an account's premise)."""

    type: type
    columns: Mapping[str, Column] | None = None  # the embedded type's columns, where they depend on the row's


@dataclasses.dataclass(frozen=True)
class Reference:
    """Another row by key through a request loader's batch, built at once when the loader holds it."""

    batch: Callable[..., Any]
    key: Any  # the ORM attribute holding the key
    convert: Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class Listed(Reference):
    """Every child row of the row (an account's enrollments, in the rows' order), through a RowsByParent batch
    (resolvers/batching.py) keyed by the row's `key`: a list of objects built from the element type's declarations,
    or, with `value`, one value of them all (a rate plan's price in force today)."""

    value: Callable[[list[Any]], Any] | None = None


@dataclasses.dataclass(frozen=True)
class Children:
    """A connection of child rows under the row's id: the pages and counts of `pages` (resolvers/pagination.py's
    ChildPages, whose loaders the Strawberry resolver reads), with cursors of `cursor`."""

    pages: Any  # ChildPages
    cursor: Any  # graph.core.relay.CursorShape


@dataclasses.dataclass(frozen=True)
class Derived:
    """A value computed for each row's id from one batch: `batch(scope, run, ids)` reads the values of many ids
    with one statement through `run` (the loader's and the plan's own connection), aligned with the ids; `value`
    turns one of them into the field's value. Fields with the same `batch` on one level share its statement (a
    customer's balance and pastDue). Given any argument, the field is its resolver's. With `reads` (the row's
    columns the batch needs besides its id: a customer's hold), the batch is given the rows instead of their ids."""

    batch: Callable[..., Any]
    value: Callable[[Any], Any]
    reads: tuple[Any, ...] = ()  # ORM attributes


def column(expr: Any, *, description: str, convert: Callable[[Any], Any] | None = None) -> Any:
    """A field whose value is the row's `expr`, converted by `convert` unless null."""
    return strawberry.field(description=description, metadata={DECLARED: Column(expr, convert)})


def embedded(type_: type, *, description: str, columns: Mapping[str, Column] | None = None) -> Any:
    """A field whose object is built from the same row by `type_`'s declarations (or by `columns`)."""
    return strawberry.field(description=description, metadata={DECLARED: Embedded(type_, columns)})


def reference(
    batch: Callable[..., Any], key: Any, convert: Callable[[Any], Any], *, description: str, graphql_type: Any = None
) -> Any:
    """A field whose object is `convert` of the row `batch` loads for the row's `key` (see eager.at_once).
    `graphql_type`: what the schema shows, where the Python annotation also admits the Later graphql-core awaits."""
    return strawberry.field(
        description=description, graphql_type=graphql_type, metadata={DECLARED: Reference(batch, key, convert)}
    )


def listed(rows: Any, key: Any, convert: Callable[[Any], Any], *, description: str, graphql_type: Any = None) -> Any:
    """A field whose value is `convert` of the rows `rows` (a RowsByParent) holds for the row's `key`."""
    return strawberry.field(description=description, graphql_type=graphql_type,
                            metadata={DECLARED: Listed(rows, key, convert)})


def declare(declaration: "Reference | Children | Derived") -> dict[str, Any]:
    """The metadata declaring a resolver's field (`@strawberry.field(metadata=declare(...))`): the resolver reads
    the declaration's loaders, a compiled plan its statements."""
    return {DECLARED: declaration}


def by_value(enum: type[Enum]) -> Callable[[Any], Any]:
    """The conversion of a database enum member to the API enum member of the same value."""
    members = {member.value: member for member in enum}
    return lambda value: members[value._value_]  # `value` is a property of Python code; `_value_` what it returns


def global_id(type_name: str) -> Callable[[int], strawberry.ID]:
    """The conversion of a `type_name` key to its global ID."""
    return lambda pk: to_global_id(type_name, pk)


def declared(field: dataclasses.Field[Any]) -> Column | Embedded | Reference | Children | Derived | None:
    """The declaration a field carries, if any."""
    found = field.metadata.get(DECLARED)
    return found if isinstance(found, Column | Embedded | Reference | Children | Derived) else None


class FromRow:
    """`from_row = FromRow()` in a type's body: `Type.from_row(row)`, generated from its fields' declarations."""

    def __init__(self) -> None:
        self.built: dict[type, Callable[[Any], Any]] = {}

    def __get__(self, instance: object, owner: type[Made]) -> Callable[[Any], Made]:
        built = self.built.get(owner)
        if built is None:
            built = self.built[owner] = build_from_row(owner)
        return built


def build_from_row(cls: type[Made]) -> Callable[[Any], Made]:
    """The function that builds a `cls` from a row, as one expression over the row's attributes."""
    names: dict[str, Any] = {}
    source = f"def from_row(row):\n    return {_construct(cls, None, names)}\n"
    exec(compile(source, f"<from_row of {cls.__name__}>", "exec"), names)  # noqa: S102  # source built above
    made: Callable[[Any], Made] = names["from_row"]
    return made


def _construct(cls: type, columns: Mapping[str, Column] | None, names: dict[str, Any]) -> str:
    arguments = [f"{name}={value}" for name, value in _arguments(cls, columns, names)]
    return f"{_bind(names, cls)}({', '.join(arguments)})"


def _arguments(cls: type, columns: Mapping[str, Column] | None, names: dict[str, Any]) -> Iterator[tuple[str, str]]:
    definition = get_object_definition(cls, strict=True)
    optional = {f.python_name: isinstance(f.type, StrawberryOptional) for f in definition.fields}
    for field in dataclasses.fields(cls):
        if not field.init:
            continue  # a resolver
        declaration = columns[field.name] if columns and field.name in columns else declared(field)
        nullable = optional.get(field.name, False)
        if isinstance(declaration, Children | Derived):
            raise TypeError(f"{cls.__name__}.{field.name}: a connection or derived value is a resolver's field")
        if declaration is not None:
            yield field.name, _value(declaration, nullable, names)
        elif field.name == "row":
            yield field.name, "row"
        elif field.name == "id" and issubclass(cls, Node):
            yield field.name, f"{_bind(names, to_global_id)}({definition.name!r}, row.id)"
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{field.name} declares no column, so from_row cannot build it")


def _value(declaration: Column | Embedded | Reference, nullable: bool, names: dict[str, Any]) -> str:
    if isinstance(declaration, Embedded):
        return _construct(declaration.type, declaration.columns, names)
    if isinstance(declaration, Reference):
        key = f"row.{declaration.key.key}" + (" or None" if nullable else "")  # 0 is never a key
        return f"{_bind(names, at_once)}({_bind(names, declaration.batch)}, {key}, {_bind(names, declaration.convert)})"
    read = f"row.{declaration.key}"
    if declaration.convert is None:
        return read
    convert = _bind(names, declaration.convert)
    if not nullable:
        return f"{convert}({read})"
    value = f"_v{len(names)}"  # a local of the generated function: the attribute is read once
    return f"({convert}({value}) if ({value} := {read}) is not None else None)"


def _bind(names: dict[str, Any], value: Any) -> str:
    """A name for `value` in the generated function's globals."""
    name = f"_{len(names)}"
    names[name] = value
    return name

