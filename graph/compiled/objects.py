"""The object levels of a plan, from the declarations the types' from_row is generated from (graph/core/columns.py):
the columns a level's selected fields read (only those), the references it hangs other levels on, and the function
that turns one row into the response's ordered dict.

A value is what graphql-core would complete: the declared column, converted unless null, then the GraphQL type's
`serialize`; a Node's `id` is its global ID, `__typename` the type's name. A null where the schema says non-null is
an error the executor words: the plan gives way (GiveWay) and the executor answers the request.
"""

from binascii import b2a_base64
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from keyword import iskeyword
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol, cast

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    SelectionSetNode,
    get_nullable_type,
    is_enum_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.values import VariableValues
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import QueryableAttribute

from db.base import Base
from graph.caches import TtlCache, is_reference
from graph.compiled.fallback import Fallback, Fallbacks, details, generated_from_row, whole_row
from graph.compiled.selections import GiveWay, Selected, Selections, Unplannable
from graph.core.columns import Children, Column, Derived, Embedded, Listed, Reference, declared
from graph.core.relay import Node
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped
from resolvers.statements import reused
from resolvers.together import Split, SplitBatch

BACKREF = "strawberry-definition"  # Strawberry's link from a graphql-core type or field to its definition
Found = list[dict[Any, Any]]  # per reference level (by index): key -> the object built for it
Get = Callable[[Any, Found], Any]  # (row, found) -> the field's response value
# values of these types that serialize returns as they are
_PLAIN: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
# Completed values kept per column of a plan's level (_ColumnGet.kept), then all dropped: a view repeats fewer (the AR
# view: 20-100 a column). Every plan's every column keeps its own: 256 Money dicts are ~80 KB, a hundred such columns
# across the documents ~8 MB at most.
KEPT = 256


Query = tuple[Select[Any], dict[str, Any]]  # a statement and its parameters


@dataclass(eq=False)
class Step:
    """The statements a level below needs at one depth, run with the depth's others in one call (Reader.run_many),
    and what it does with their rows (one list per statement): the steps that follow it (a count of the parents it
    paged, the levels below its rows)."""

    queries: Sequence[Query]
    take: Callable[[list[list[Any]]], list["Step"]]


class Below(Protocol):
    """A level read for the rows of the level above it (a reference, a connection, a list, a derived batch): its
    statement depends only on those rows, so the levels below one depth are read together."""

    def ask(self, rows: Sequence[Any], filling: "Filling") -> list[Step]: ...


@dataclass(eq=False)
class ObjectLevel:
    """One object per row: the columns the selected fields read (by row key) and the function building it."""

    columns: dict[str, Any]
    build: Callable[[Any, Found], dict[str, Any]]
    references: list[Below]  # the levels below it, read before its objects are built
    fallback: Fallback | None = None  # the fields the executor resolves on the objects of the rows (fallback.py)
    getters: tuple[tuple[str, Get], ...] = ()  # (response key, getter): what `build` was generated from


@dataclass(eq=False)
class ReferenceLevel:
    """Objects of another table by the key a parent row holds (an account's utility): one statement per level."""

    index: int  # in Found
    key: str  # the parent row's attribute holding the key
    model: Any  # the mapped class of the referenced table
    level: ObjectLevel
    shape: tuple[Any, ...]  # names the statement in the app's StatementCache (with the client)
    shared: bool  # reference data (graph/caches.py): rows kept in the app's reference cache, as the loaders keep theirs

    # Shared rows (the same objects from the app's cache, request after request) of a level whose objects depend on
    # their row alone (no level below, no fallback): the object built for each, by id, while its row is the cached one
    kept: dict[Any, tuple[Any, dict[str, Any]]] = field(default_factory=dict, init=False, repr=False)

    def ask(self, rows: Sequence[Any], filling: "Filling") -> list[Step]:
        """The rows of the parents' keys: shared ones from the app's cache where it holds them, the others in one
        statement (none to read: the level is built from the cached rows at once)."""
        keys = sorted({key for row in rows if (key := getattr(row, self.key)) is not None})
        reader = filling.reader
        shared = reader.shared if self.shared else None
        if shared is None:
            if not keys:
                return self._took([], filling)
            return [Step([(self.statement(reader.scope), {"keys": keys})],
                         lambda results: self._took(results[0], filling))]
        cached = {key: shared.get((self.shape, key)) for key in keys}
        missing = [key for key, row in cached.items() if row is None]
        if not missing:
            return self._took(list(cached.values()), filling, kept=True)

        def take(results: list[list[Any]]) -> list[Step]:
            for row in results[0]:  # the level's columns: its own entries
                shared.put((self.shape, row.id), row)
                cached[row.id] = row
            return self._took([row for row in cached.values() if row is not None], filling)
        return [Step([(self.statement(reader.scope), {"keys": missing})], take)]

    def _took(self, children: list[Any], filling: "Filling", kept: bool = False) -> list[Step]:
        """Build the level's objects once the levels below them are read (`kept`: the rows are the app's cached)."""
        found, index, level = filling.found, self.index, self.level
        if kept and not level.references and level.fallback is None:
            filling.later(lambda: found.__setitem__(index, self._kept_objects(children, found)))
            return []
        filling.later(lambda: found.__setitem__(index, {child.id: level.build(child, found) for child in children}))
        return filling.level(level, children)

    def _kept_objects(self, children: list[Any], found: Found) -> dict[Any, dict[str, Any]]:
        objects, kept, build = {}, self.kept, self.level.build
        for child in children:
            was = kept.get(child.id)
            if was is None or was[0] is not child:  # first seen, or the cache's row was read again
                if len(kept) >= KEPT:
                    kept.clear()
                was = kept[child.id] = (child, build(child, found))
            objects[child.id] = was[1]
        return objects

    def statement(self, scope: RequestScope) -> Select[Any]:
        def build(scope: RequestScope) -> Select[Any]:
            columns = {**self.level.columns, "id": self.model.id}
            stmt = select(*columns.values()).where(self.model.id.in_(bindparam("keys", expanding=True)))
            return tenant_scoped(stmt, self.model, scope) if hasattr(self.model, "client_id") else stmt
        return reused(scope, self.shape, build)


@dataclass(eq=False)
class DerivedLevel:
    """Values computed for the level's rows by one batch (columns.Derived: a customer's standing, which its balance
    and pastDue share): the batch's statement, run with its depth's others, keyed by row id."""

    index: int  # in Found: row id -> the batch's value
    batch: Callable[..., Coroutine[Any, Any, Sequence[Any]]]
    of_rows: bool = False  # the batch reads the rows (columns.Derived.reads), not only their ids
    # a SplitBatch's queries and values (resolvers/together.py): asked directly, no coroutine to drive
    split: Split | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.split = self.batch.split if isinstance(self.batch, SplitBatch) else None

    def ask(self, rows: Sequence[Any], filling: "Filling") -> list[Step]:
        found, index = filling.found, self.index
        if len(rows) == 1:  # a view's one object (node(id:))
            ids, given = [rows[0].id], list(rows)
        else:
            by_id = {row.id: row for row in rows}
            ids = sorted(by_id)
            if not ids:
                found[index] = {}
                return []
            given = [by_id[key] for key in ids]

        def done(values: Sequence[Any]) -> None:
            found[index] = dict(zip(ids, values, strict=True))
        if not self.of_rows:
            given = ids
        split = self.split
        if split is None:
            return _steps_of(self.batch(filling.reader.scope, _Asked, given), done)
        queries, values_of = split(filling.reader.scope, given)
        if not queries:  # the rows hold what it needs (settings), or nothing does (the viewer's actions)
            done(values_of([]))
            return []

        def take(results: list[list[Any]]) -> list[Step]:
            done(values_of(results))  # type: ignore[arg-type]
            return []
        return [Step(queries, take)]


class _Asked:
    """A statement a batch awaits (its `run`), or several (`run.many`: resolvers/together.read_all), answered by the
    step it becomes (_steps_of)."""

    def __init__(self, statement: Select[Any], parameters: dict[str, Any]) -> None:
        self.queries: list[Query] = [(statement, parameters)]
        self.one = True

    @classmethod
    def many(cls, queries: Sequence[Query]) -> "_Asked":
        asked = cls.__new__(cls)
        asked.queries, asked.one = list(queries), False
        return asked

    def __await__(self) -> Generator["_Asked", list[Any], Any]:
        rows = yield self
        return rows


def _steps_of(batch: Coroutine[Any, Any, Any], done: Callable[[Any], None]) -> list[Step]:
    """The steps of a batch that reads only through the `run` it is given (resolvers/billing/batches.standings):
    each statement it awaits runs with its depth's others; `done` gets the batch's value."""
    def resume(sent: list[Any] | None) -> list[Step]:
        try:
            asked = batch.send(sent)
        except StopIteration as stop:
            done(stop.value)
            return []
        if not isinstance(asked, _Asked):
            batch.close()
            raise GiveWay("a batch awaiting something besides its statements")
        return [Step(asked.queries, lambda results: resume(results[0] if asked.one else results))]
    return resume(None)


if TYPE_CHECKING:  # connections.py reads this module's levels
    from graph.compiled.connections import ConnectionLevel, ListLevel

Run = Callable[[Select[Any], dict[str, Any]], Awaitable[list[Any]]]  # the rows of a statement with its parameters
RunMany = Callable[[Sequence[Query]], Awaitable[list[list[Any]]]]  # the rows of each, in one call where it can


@dataclass(frozen=True)
class Reader:
    """How one request's plan reads: as its scope (the client), through its connection, with the app's cache."""

    scope: RequestScope
    run: Run
    shared: TtlCache | None  # the app's reference cache (graph/caches.py)
    # the request's variables, coerced (a connection's arguments)
    variables: VariableValues = field(default_factory=lambda: cast(VariableValues, {}))
    fallbacks: Fallbacks | None = None  # the request's executor for fields a plan falls back on
    release: Callable[[], Awaitable[None]] | None = None  # gives the plan's connection back before a fallback runs
    run_many: RunMany | None = None  # one depth's statements in one call (SQLite: one hop); else `run` for each

    async def rows_of(self, queries: Sequence[Query]) -> list[list[Any]]:
        if self.run_many is not None:
            return await self.run_many(queries)
        return [await self.run(statement, parameters) for statement, parameters in queries]


@dataclass(eq=False)
class Filling:
    """One fill of an object level's rows and the levels below them, breadth first: the statements of one depth
    (the levels below every level of the depth above) are run in one call; then, deepest first, the objects are
    built (each level's `later`) and the fields each level falls back on are resolved."""

    found: Found
    reader: Reader
    finishes: list[Callable[[], None] | tuple[Fallback, Sequence[Any]]] = field(default_factory=list)

    def level(self, level: ObjectLevel, rows: Sequence[Any]) -> list[Step]:
        """The steps of the levels below `level` for these rows (read first), then its fallback fields."""
        if level.fallback is not None and rows:
            self.finishes.append((level.fallback, rows))
        references = level.references
        if len(references) < 2:  # most levels: none or one below (a plan's name, a price's rows)
            return references[0].ask(rows, self) if references else []
        return [step for below in references for step in below.ask(rows, self)]

    def later(self, finish: Callable[[], None]) -> None:
        """Run `finish` once every level below the one it builds is read and built (they register after it)."""
        self.finishes.append(finish)


async def fill(level: ObjectLevel, rows: Sequence[Any], found: Found, reader: Reader) -> None:
    """Read the levels under `level` for these rows, one call per depth, then the fields it falls back on."""
    filling = Filling(found, reader)
    steps = filling.level(level, rows)
    while steps:
        queries = [query for step in steps for query in step.queries]
        many = reader.run_many  # called directly: rows_of's own coroutine costs a frame per depth
        results = (await many(queries) if many is not None else await reader.rows_of(queries)) if queries else []
        following: list[Step] = []
        at = 0
        for step in steps:
            following += step.take(results[at:at + len(step.queries)])
            at += len(step.queries)
        steps = following
    for finish in reversed(filling.finishes):
        if not isinstance(finish, tuple):
            finish()
            continue
        if reader.fallbacks is None:
            raise GiveWay("a fallback without the request's executor")
        if reader.release is not None:
            await reader.release()  # its loaders check out connections of the same pool (plan.Leased)
        fallback, fallen_rows = finish
        found[fallback.index] = await reader.fallbacks.run(fallback, fallen_rows)


@dataclass
class Levels:
    """Compiles the object levels of one plan, numbering its reference levels and naming what it compiled."""

    selections: Selections
    shape: tuple[Any, ...]  # the plan's name in statement keys
    references: int = 0
    compiled: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)  # the paths of fields the executor resolves (fallback.py)

    def object(self, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode], where: str, model: Any,
               columns: dict[str, Column] | None = None, embedded: bool = False) -> ObjectLevel:
        """The level of `type_` objects built from rows of `model` (`columns`: an embedding's, first; `embedded`:
        built from its parent's row)."""
        definition = type_.extensions.get(BACKREF)
        origin = getattr(definition, "origin", None)
        if origin is None:
            raise Unplannable(f"{where}: {type_.name} is not a Strawberry type")
        needed: dict[str, Any] = {}
        references: list[Below] = []
        getters: list[tuple[str, Get]] = []
        fallen: dict[str, Any] = {}  # response key -> its field details, for the executor
        fallen_index = -1  # this level's slot in Found, taken at its first fallback field
        derived: dict[Any, DerivedLevel] = {}  # by batch: fields of one batch share its statement
        for selected in self.selections.of(type_, selection_sets, where):
            path = f"{where}.{selected.key}"
            if selected.name == "__typename":
                getters.append((selected.key, _Constant(type_.name)))
                continue
            graphql_field = type_.fields[selected.name]
            strawberry_field = graphql_field.extensions.get(BACKREF)
            name = getattr(strawberry_field, "python_name", None)
            declaration = (columns or {}).get(name or "") or (declared(strawberry_field) if strawberry_field else None)
            if isinstance(declaration, Derived) and any(node.arguments for node in selected.nodes):
                declaration = None  # its resolver's, which coerces the arguments (the fallback)
            if declaration is not None and not isinstance(declaration, Children) and \
                    any(node.arguments for node in selected.nodes):  # a resolver's: the executor's (fallback)
                raise Unplannable(f"{path}: arguments")
            if isinstance(declaration, Children | Listed):
                below = self._children(declaration, graphql_field, selected, path)
                needed[below.key] = declaration.key if isinstance(declaration, Listed) else model.id
                references.append(below)
                getters.append((selected.key, below.get()))
            elif isinstance(declaration, Column) and is_object_type(get_nullable_type(graphql_field.type)):
                needed[declaration.key] = declaration.expr
                getters.append((selected.key, self._value_object(declaration, graphql_field.type, selected, path)))
            elif isinstance(declaration, Column):
                needed[declaration.key] = declaration.expr
                getters.append((selected.key, _column(declaration, graphql_field.type, path)))
            elif isinstance(declaration, Embedded):
                inner = self.object(_object_type(graphql_field.type, path), selected.selection_sets, path, model,
                                    dict(declaration.columns) if declaration.columns else None, embedded=True)
                needed.update(inner.columns)
                references += inner.references
                getters.append((selected.key, _Embedded(inner.getters, inner.build)))
            elif isinstance(declaration, Reference):
                reference = self._reference(declaration, graphql_field.type, selected.selection_sets, path)
                needed[reference.key] = declaration.key
                references.append(reference)
                getters.append((selected.key, _Found(reference.index, reference.key, True,
                                                     is_non_null_type(graphql_field.type), str(reference.shape))))
            elif isinstance(declaration, Derived) and (get := self._derived(declaration, derived, references,
                                                                              graphql_field.type, selected, path)):
                needed["id"] = model.id
                needed.update({column.key: column for column in declaration.reads})
                getters.append((selected.key, get))
            elif name == "id" and issubclass(origin, Node):
                needed["id"] = model.id
                getters.append((selected.key, _GlobalId(type_.name)))
            else:  # a resolver: the executor resolves it on the object from_row builds (fallback.py)
                if not fallen:
                    fallen_index, self.references = self.references, self.references + 1
                fallen[selected.key] = details(selected.nodes)
                getters.append((selected.key, _Fallen(fallen_index, selected.key)))
                self.fallbacks.append(path)
                continue
            self.compiled.append(path)
        fallback = None
        if fallen:
            if embedded:
                raise Unplannable(f"{where}: a resolver on an embedded {type_.name}")
            make = generated_from_row(origin, where)
            # from_row reads every declared column, and the resolvers read `self.row`: the whole row
            needed.update(whole_row(model))
            fallback = Fallback(fallen_index, type_, make, fallen, tuple(where.split(".")))
        return ObjectLevel(needed, _builder(getters, where), references, fallback, tuple(getters))

    def _derived(self, declaration: Derived, derived: dict[Any, DerivedLevel], references: list[Below],
                 type_: GraphQLOutputType, selected: Any, path: str) -> Get | None:
        """A derived value (Money, a list of alerts) of the row's value in its batch: its selected fields,
        serialized; None where the selection reaches what is not a plain attribute (a union, a resolver): then the
        field is its resolver's (the fallback)."""
        compiled = len(self.compiled)
        try:
            build = self.plain(type_, selected.selection_sets, path)
        except Unplannable:
            del self.compiled[compiled:]
            return None
        level = derived.get(declaration.batch)
        if level is None:
            level = derived[declaration.batch] = DerivedLevel(self.number(), declaration.batch,
                                                              bool(declaration.reads))
            references.append(level)
        return _DerivedGet(level.index, declaration.value, build)

    def plain(self, type_: GraphQLOutputType, selection_sets: Sequence[SelectionSetNode], path: str) -> Get:
        """The builder of a value held in memory (a derived value, a mutation's payload: graph/compiled/payloads.py)
        as graphql-core's complete_value completes it: null checked, a list item by item, an object's selected plain
        attributes (nested objects too), a leaf serialized. Unplannable where only a resolver completes it (an
        abstract type, a resolver, an argument)."""
        non_null, named = is_non_null_type(type_), get_nullable_type(type_)
        inner: Get
        if is_list_type(named):
            item = self.plain(named.of_type, selection_sets, path)
            inner = lambda value, found: [item(one, found) for one in items(value, path)]  # noqa: E731
        elif is_object_type(named):
            inner = self._plain_object(named, selection_sets, path)
        elif is_leaf_type(named):
            leaf = _column(Column(_Attribute("value")), type_, path)
            inner = lambda value, found: leaf(_Value(value), found)  # noqa: E731
        else:
            raise Unplannable(f"{path}: an abstract type")

        def get(value: Any, found: Found) -> Any:
            if value is None:
                if non_null:
                    raise GiveWay(f"a null in non-null {path}")
                return None
            return inner(value, found)
        return get

    def _value_object(self, declaration: Column, type_: GraphQLOutputType, selected: Any, path: str) -> Get:
        """A column converted to an object of plain attributes (Money): its selected fields, serialized."""
        return _ColumnGet(declaration.key, attrgetter(declaration.key), declaration.convert, None, None,
                          is_non_null_type(type_), path, self._plain_object(type_, selected.selection_sets, path),
                          kept_type=int)

    def _plain_object(self, type_: GraphQLOutputType, selection_sets: Sequence[SelectionSetNode],
                      path: str) -> Callable[[Any, Found], Any]:
        """The builder of an object of plain attributes (Money, a dunning hold, a payload's userErrors): its selected
        fields, serialized; its class checked where Strawberry checks it (a type with interfaces: is_type_of)."""
        object_type = _object_type(type_, path)
        origin = getattr(object_type.extensions.get(BACKREF), "origin", None)
        if not isinstance(origin, type):
            raise Unplannable(f"{path}: {object_type.name} is not a Strawberry type")
        getters: list[tuple[str, Get]] = []
        for part in self.selections.of(object_type, selection_sets, path):
            part_path = f"{path}.{part.key}"
            if part.name == "__typename":
                getters.append((part.key, _Constant(object_type.name)))
            else:
                graphql_field = object_type.fields[part.name]
                attribute = plain_attribute(graphql_field, part)
                if attribute is None:
                    raise Unplannable(f"{part_path}: a resolver")
                if is_leaf_type(get_nullable_type(graphql_field.type)):
                    getters.append((part.key, _column(Column(_Attribute(attribute)), graphql_field.type, part_path)))
                else:
                    getters.append((part.key, of_attribute(attribute, self.plain(graphql_field.type,
                                                                                 part.selection_sets, part_path))))
            self.compiled.append(part_path)
        build = _builder(getters, path)
        if object_type.is_type_of is None:
            return build
        name = object_type.name

        def checked(value: Any, found: Found) -> dict[str, Any]:
            if not isinstance(value, origin):
                raise GiveWay(f"{path}: not a {name}")  # the executor's error
            return build(value, found)
        return checked

    def number(self) -> int:
        """The index in Found of a new level below an object level."""
        index, self.references = self.references, self.references + 1
        return index

    def _children(self, declaration: Children | Listed, graphql_field: Any, selected: Any,
                  path: str) -> "ConnectionLevel | ListLevel":
        from graph.compiled.connections import compile_connection, compile_list

        if isinstance(declaration, Children):
            return compile_connection(self, declaration, graphql_field, selected, path)
        return compile_list(self, declaration, graphql_field, selected, path)

    def _reference(self, declaration: Reference, type_: GraphQLOutputType, selection_sets: Sequence[SelectionSetNode],
                   path: str) -> ReferenceLevel:
        key: QueryableAttribute[Any] = declaration.key
        foreign = [fk.column.table for column in key.property.columns for fk in column.foreign_keys]
        if len(foreign) != 1:
            raise Unplannable(f"{path}: a reference without one foreign key")
        model = next(m.class_ for m in Base.registry.mappers if m.local_table is foreign[0])
        level = self.object(_object_type(type_, path), selection_sets, path, model)
        index, self.references = self.references, self.references + 1
        return ReferenceLevel(index, key.key, model, level, (*self.shape, index), is_reference(declaration.batch))


@dataclass(frozen=True)
class _Attribute:
    """An attribute of a value object, as a Column names what it reads (`key`)."""

    key: str


@dataclass(frozen=True, slots=True)
class _Value:
    """A leaf value as a row holding it (`value`): what a leaf's getter reads."""

    value: Any


def of_attribute(name: str, get: Get) -> Get:
    """An object's attribute, completed by `get`."""
    read = attrgetter(name)
    return lambda value, found: get(read(value), found)


def plain_attribute(graphql_field: Any, selected: Selected) -> str | None:
    """The attribute a field reads of its object when it is a plain attribute (no resolver, no argument, no
    permission or extension); None otherwise."""
    strawberry_field = graphql_field.extensions.get(BACKREF)
    if strawberry_field is None or strawberry_field.base_resolver is not None or graphql_field.args or \
            strawberry_field.extensions or getattr(strawberry_field, "permission_classes", None) or \
            any(node.arguments for node in selected.nodes):
        return None
    name: str = strawberry_field.python_name
    return name


def items(value: Any, path: str) -> Iterable[Any]:
    """A list value's items; the plan gives way on anything else, which the executor words as an error."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise GiveWay(f"{path}: not a list")
    return value


def _object_type(type_: GraphQLOutputType, where: str) -> GraphQLObjectType:
    named = get_nullable_type(type_)
    if not is_object_type(named):
        raise Unplannable(f"{where}: not one object")
    return named


def _builder(getters: list[tuple[str, Get]], where: str = "") -> Callable[[Any, Found], dict[str, Any]]:
    """One function per level, generated once (as graph/core/columns.py generates from_row): a leaf column's read,
    null check, conversion and serialization written inline, and so the plan's other getters of the row (an id, a
    level below's value, an embedded object's fields, a constant); any other getter called. The values computed in
    the selection's order, as the getters were, then one dict display in that order."""
    names: dict[str, Any] = {"GiveWay": GiveWay, "b2a": b2a_base64}
    lines, display = _lines(getters, "", names)
    body = "".join(f"    {line}\n" for line in lines)
    source = f"def build(row, found):\n{body}    return {display}\n"
    # named by its path: a profile tells the levels apart
    exec(compile(source, f"<a compiled plan's level {where}>", "exec"), names)  # noqa: S102  # source built above
    build: Callable[[Any, Found], dict[str, Any]] = names["build"]
    return build


def _lines(getters: Sequence[tuple[str, Get]], tag: str, names: dict[str, Any]) -> tuple[list[str], str]:
    """The statements setting each getter's value (v{tag}{n}), and the dict display of them, in the selection's
    order; an embedded object's fields are the builder's own statements too (tagged `{tag}{n}_`)."""
    lines: list[str] = []
    for n, (key, get) in enumerate(getters):
        at = f"{tag}{n}"
        names[f"k{at}"] = key
        if isinstance(get, _ColumnGet):
            lines += _inline(at, get, names)
        elif isinstance(get, _Embedded):
            inner, display = _lines(get.getters, f"{at}_", names)
            lines += [*inner, f"v{at} = {display}"]
        elif isinstance(get, _Inlined):
            lines += get.lines(at, names)
        else:
            names[f"g{at}"] = get
            lines.append(f"v{at} = g{at}(row, found)")
    return lines, "{" + ", ".join(f"k{tag}{n}: v{tag}{n}" for n in range(len(getters))) + "}"


def _read(key: str, at: str, names: dict[str, Any]) -> str:
    """The expression reading the row's `key`: an attribute, or an attrgetter where the key is no identifier."""
    if key.isidentifier() and not iskeyword(key):
        return f"row.{key}"
    names[f"read{at}"] = attrgetter(key)
    return f"read{at}(row)"


class _Inlined:
    """A getter the generated builder writes as its own statements (`lines`, setting v{at}): only _builder reads it,
    so it has no Python twin of those lines to call (graph/compiled: no getter of this kind is called)."""

    def lines(self, at: str, names: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def __call__(self, row: Any, found: Found) -> Any:
        raise TypeError(f"{type(self).__name__} is written into its level's builder (_builder), not called")


@dataclass(frozen=True, eq=False)
class _Constant(_Inlined):
    """A value every object of the level shows (`__typename`)."""

    value: Any

    def lines(self, at: str, names: dict[str, Any]) -> list[str]:
        names[f"c{at}"] = self.value
        return [f"v{at} = c{at}"]


@dataclass(frozen=True, eq=False)
class _GlobalId(_Inlined):
    """A Node's `id`: to_global_id of the row's id, byte for byte. Where the type's `Name:` is a multiple of three
    bytes, its base64 is the same at the head of every ID (base64 encodes each three bytes alone): written once."""

    type_name: str

    def lines(self, at: str, names: dict[str, Any]) -> list[str]:
        head = f"{self.type_name}:".encode()
        if len(head) % 3:
            names[f"t{at}"] = f"{self.type_name}:"
            return [f'v{at} = b2a((t{at} + f"{{row.id}}").encode(), newline=False).decode()']
        names[f"t{at}"] = b2a_base64(head, newline=False).decode()
        return [f'v{at} = t{at} + b2a(f"{{row.id}}".encode(), newline=False).decode()']


@dataclass(frozen=True, eq=False)
class _Found(_Inlined):
    """What a level below built for the row's `key` (found[index]): a connection's or a list's (every parent has
    one), or a reference's (None where the key is null or its row not found: an error where non-null)."""

    index: int
    key: str
    reference: bool = False
    non_null: bool = False
    where: str = ""

    def lines(self, at: str, names: dict[str, Any]) -> list[str]:
        read = _read(self.key, at, names)
        if not self.reference:
            return [f"v{at} = found[{self.index}][{read}]"]
        names[f"null{at}"] = f"a null in non-null {self.where}"
        return [f"v{at} = found[{self.index}].get({read})",
                *([f"if v{at} is None:", f"    raise GiveWay(null{at})"] if self.non_null else [])]


def by_key(index: int, key: str) -> Get:
    """A connection's or a list's value for the row: found[index] by the row's `key` (connections.py)."""
    return _Found(index, key)


@dataclass(frozen=True, eq=False)
class _DerivedGet(_Inlined):
    """A derived value: the row's value in its batch (found[index] by row id), `value` of it, completed by `build`."""

    index: int
    value: Callable[[Any], Any]
    build: Get

    def lines(self, at: str, names: dict[str, Any]) -> list[str]:
        names[f"dvalue{at}"], names[f"dbuild{at}"] = self.value, self.build
        return [f"v{at} = dbuild{at}(dvalue{at}(found[{self.index}][row.id]), found)"]


@dataclass(frozen=True, eq=False)
class _Fallen(_Inlined):
    """A field the executor resolved on the row's object (fallback.py): its value by response key."""

    index: int
    key: str

    def lines(self, at: str, names: dict[str, Any]) -> list[str]:
        return [f"v{at} = found[{self.index}][row.id][k{at}]"]


@dataclass(frozen=True, eq=False)
class _Embedded:
    """An object built from the same row (an address, a premise): its getters, written into the builder's own."""

    getters: tuple[tuple[str, Get], ...]
    build: Callable[[Any, Found], dict[str, Any]]

    def __call__(self, row: Any, found: Found) -> Any:
        return self.build(row, found)


def _inline(n: str, get: "_ColumnGet", names: dict[str, Any]) -> list[str]:
    """The statements of `get` (a column) as the generated builder's own, setting v{n}."""
    names[f"read{n}"], names[f"convert{n}"], names[f"plain{n}"] = get.read, get.convert, get.plain
    names[f"serialize{n}"], names[f"build{n}"] = get.serialize, get.build
    names[f"null{n}"], names[f"nulled{n}"] = f"a null in non-null {get.where}", f"{get.where} serialized to null"
    names[f"kept{n}"], names[f"kind{n}"], names["KEPT"] = get.kept, get.kept_type, KEPT
    completed = [f"v{n} = convert{n}(v{n})"] if get.convert is not None else []
    if get.build is not None:  # a value object (Money)
        completed.append(f"v{n} = build{n}(v{n}, found)")
    else:  # a leaf
        completed += [f"if type(v{n}) is not plain{n}:",
                      f"    v{n} = serialize{n}(v{n})",
                      f"    if v{n} is None:",
                      f"        raise GiveWay(nulled{n})"]
    if get.kept_type is not None:  # completed once per value of that type (_ColumnGet.kept)
        completed = [f"if type(v{n}) is kind{n} and (w{n} := kept{n}.get(v{n})) is not None:",
                     f"    v{n} = w{n}",
                     "else:",
                     f"    w{n} = v{n}",
                     *(f"    {line}" for line in completed),
                     f"    if type(w{n}) is kind{n}:",
                     f"        if len(kept{n}) >= KEPT:",
                     f"            kept{n}.clear()",
                     f"        kept{n}[w{n}] = v{n}"]
    return [f"v{n} = row.{get.key}" if get.key.isidentifier() and not iskeyword(get.key) else f"v{n} = read{n}(row)",
            f"if v{n} is None:",
            f"    raise GiveWay(null{n})" if get.non_null else "    pass",
            "else:",
            *(f"    {line}" for line in completed)]


def _memoized(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    known: dict[Any, Any] = {}

    def memoized(value: Any) -> Any:
        found = known.get(value, known)
        if found is known:
            found = known[value] = serialize(value)
        return found
    return memoized


@dataclass(frozen=True, eq=False)
class _ColumnGet:
    """A column's value: the declared column, converted unless null, then serialized unless plain (a leaf), or built
    into the object of its selected fields (`build`: a value object, Money). Callable as any getter; the builders
    write it inline (_inline)."""

    key: str
    read: Callable[[Any], Any]
    convert: Callable[[Any], Any] | None
    serialize: Callable[[Any], Any] | None  # a leaf's
    plain: type | None
    non_null: bool
    where: str
    build: Callable[[Any, Found], Any] | None = None  # a value object's
    # The completed values (converted, serialized or built) by the column's value, for values of exactly `kept_type`:
    # a conversion and a serialize are functions of the value alone, and a response's dicts are never changed once
    # built, so responses share them (an AR view completes some 300 Money, 160 enums, 140 dates). Of one exact type
    # only, where equal values complete alike: 1 == True == Decimal(1) and an aware datetime equals another zone's.
    kept_type: type | None = None  # int (cents), a database enum, date
    kept: dict[Any, Any] = field(default_factory=dict)

    def __call__(self, row: Any, found: Found) -> Any:
        value = self.read(row)
        if value is None:
            if self.non_null:
                raise GiveWay(f"a null in non-null {self.where}")
            return None
        if self.convert is not None:
            value = self.convert(value)
        if self.build is not None:
            return self.build(value, found)
        if type(value) is self.plain:
            return value
        assert self.serialize is not None  # a leaf's
        serialized = self.serialize(value)
        if serialized is None:
            raise GiveWay(f"{self.where} serialized to null")
        return serialized


def _column(declaration: Column, type_: GraphQLOutputType, where: str) -> Get:
    named = get_nullable_type(type_)
    if not is_leaf_type(named):
        raise Unplannable(f"{where}: a column of a non-leaf type")
    serialize: Callable[[Any], Any] = named.serialize
    kept_type = None
    if is_enum_type(named):  # few members, each serialized once (a profile page serializes thousands)
        serialize = _memoized(serialize)
        kept_type = getattr(getattr(declaration.expr, "type", None), "enum_class", None)  # the database's enum
    elif named.name == "Date" and declaration.convert is None:  # a date column: few days, serialized again and again
        kept_type = date
    return _ColumnGet(declaration.key, attrgetter(declaration.key), declaration.convert, serialize, _PLAIN.get(named),
                      is_non_null_type(type_), where, kept_type=kept_type)
