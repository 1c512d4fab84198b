"""Levels of child rows below an object level: a connection (`children(...)`: a page per parent, its cursors,
`pageInfo`, `totalCount`) and a list (`listed(...)`: every child row per parent, or one value of them all).

Each is one statement per level whatever the rows, and the very statement its loaders run: a connection's is
`ChildPages.page_query` (resolvers/pagination.py, `keyset_pages_by_parent`'s windowed statement, built once per
client with the parents, cursors and size bound), its count `ChildPages.count_query` (the count loader's GROUP BY,
run only for the parents whose page is not the whole list); a list's is its `RowsByParent.statement`
(resolvers/batching.py). The tenant predicate is in those statements, never here.

A connection's arguments are coerced per request from the document's literals and the request's variables, as the
executor coerces them; an argument the executor refuses (a page size out of range, a cursor of another list) makes
the plan give way, so its error stays the reference's.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, cast

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.values import get_argument_values

# objects.py imports this module only when it meets a declaration of child rows (Levels._children): loaded by then
from graph.compiled.objects import Step, by_key
from graph.compiled.selections import GiveWay, Selected, Unplannable
from graph.core.columns import Children, Listed
from graph.core.relay import encode_cursor, page_request
from resolvers.batching import RowsByParent
from resolvers.errors import UserInputError
from resolvers.pagination import Page, PageRequest

if TYPE_CHECKING:
    from graph.compiled.objects import Filling, Found, Get, Levels, ObjectLevel, Reader

class PagesOfParents(Protocol):
    """A connection's pages of many parents (ChildPages, the AR history's): its statements, its rows as pages."""

    model: Any
    arguments: tuple[str, ...]  # the connection's arguments besides a page's, given to its statements

    def page_query(self, scope: Any, parent_ids: Sequence[int], request: PageRequest,
                   arguments: dict[str, Any] | None = None,
                   columns: tuple[str, ...] | None = None) -> tuple[Any, dict[str, Any]]: ...

    def group(self, rows: Sequence[Any], parent_ids: Sequence[int], request: PageRequest) -> list[Page[Any]]: ...

    def count_query(self, scope: Any, arguments: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]: ...


PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename")
PAGE_ARGUMENTS = ("first", "after", "last", "before")


@dataclass(eq=False)
class ConnectionLevel:
    """A page of child rows under each parent row (a master's children), built as graphql-core completes
    `to_connection`'s Connection: edges (cursor, node, __typename), pageInfo, totalCount, __typename."""

    index: int  # in Found: parent id -> the connection's dict
    key: str  # the parent row's attribute the children hang on (its id)
    children: Children
    field: GraphQLField
    node: FieldNode  # the arguments (every merged node has the same: the document is valid)
    parts: tuple[tuple[str, str, Any], ...]  # (response key, field name, compiled part)
    edge: tuple[tuple[str, str], ...]  # the edges' (response key, field name)
    level: "ObjectLevel | None"  # the node's
    names: dict[str, str]  # __typename of the connection and of its edge
    reads: tuple[str, ...]  # the row keys the node's level reads: its statement selects those (reads_of)
    # No variable in the arguments: they coerce alike in every request, so the first coerces them for the plan's
    # life (_fixed: the arguments, their PageRequest, the statements' extra arguments; or the executor's refusal)
    literal: bool = False
    _fixed: "tuple[dict[str, Any], PageRequest, dict[str, Any]] | str | None" = None

    def ask(self, rows: Sequence[Any], filling: "Filling") -> list["Step"]:
        pages: PagesOfParents = self.children.pages
        reader, found, index = filling.reader, filling.found, self.index
        parents = sorted({key for row in rows if (key := getattr(row, self.key)) is not None})
        if not parents:  # the executor resolves the field for no parent: it refuses no argument either
            found[index] = {}
            return []
        fixed = self._fixed if self.literal else None
        if fixed is None:
            fixed = self._coerced(reader.variables)
            if self.literal:
                self._fixed = fixed
        if isinstance(fixed, str):
            raise GiveWay(fixed)
        _, request, given = fixed

        def take(results: list[list[Any]]) -> list[Step]:
            paged = pages.group(results[0], parents, request)
            counts: dict[Any, int] = {}
            steps = self._counts(parents, paged, request, given, counts, reader) if self._counted else []
            filling.later(lambda: found.__setitem__(index, {
                parent: self._connection(page, counts.get(parent), found)
                for parent, page in zip(parents, paged, strict=True)}))
            if self.level is not None:
                steps += filling.level(self.level, [row for page in paged for row in page.rows])
            return steps
        return [Step([pages.page_query(reader.scope, parents, request, given, self.reads)], take)]

    def _coerced(self, variables: Any) -> "tuple[dict[str, Any], PageRequest, dict[str, Any]] | str":
        """The arguments as the executor coerces them, their page request and the statements' other arguments; or
        the message of the executor's refusal (the plan gives way)."""
        try:
            arguments = get_argument_values(self.field, self.node, variables)
            request = page_request(arguments.get("first"), arguments.get("after"), arguments.get("last"),
                                   arguments.get("before"), self.children.cursor)
        except (GraphQLError, UserInputError) as refused:
            return str(refused)
        return arguments, request, {name: arguments.get(name) for name in self.children.pages.arguments}

    @cached_property  # of the plan: its selection
    def _counted(self) -> bool:
        return any(name == "totalCount" for _, name, _ in self.parts)

    def _counts(self, parents: list[Any], paged: list[Page[Any]], request: Any, given: dict[str, Any],
                counts: dict[Any, int], reader: "Reader") -> list["Step"]:
        """Each parent's number of children, into `counts`: the page statement's count where it counts (a first page
        of a counted list), else a first page without more is the whole list (no statement); the count loader's
        statement for the others (the step returned)."""
        from_start = request.after is None and request.before is None
        others = []
        for parent, page in zip(parents, paged, strict=True):
            if from_start and not page.has_next and not page.has_previous:  # the whole list
                counts[parent] = len(page.rows)
            elif page.total is not None:
                counts[parent] = page.total
            else:
                others.append(parent)
        if not others:
            return []
        statement, parameters = self.children.pages.count_query(reader.scope, given)
        counts.update({parent: 0 for parent in others})

        def take(results: list[list[Any]]) -> list[Step]:
            counts.update(dict(results[0]))
            return []
        return [Step([(statement, {**parameters, "parent_ids": others})], take)]

    def _connection(self, page: Page[Any], count: int | None, found: "Found") -> dict[str, Any]:
        # A cursor is encoded only where the selection shows it (an AR tab's pages select none: 80 a view)
        shape = self.children.cursor
        cursors = [encode_cursor(key, shape) for key in page.keys] if self._edge_cursors else None
        result: dict[str, Any] = {}
        for key, name, part in self.parts:
            if name == "edges":
                result[key] = self._edges(page.rows, cursors, found)
            elif name == "pageInfo":
                keys = page.keys
                first = (cursors[0] if cursors else None) if cursors is not None else \
                    (encode_cursor(keys[0], shape) if keys else None)
                last = (cursors[-1] if cursors else None) if cursors is not None else \
                    (encode_cursor(keys[-1], shape) if keys else None)
                values = {"hasNextPage": page.has_next, "hasPreviousPage": page.has_previous,
                          "startCursor": first, "endCursor": last, "__typename": "PageInfo"}
                result[key] = {info_key: values[info_name] for info_key, info_name in part}
            elif name == "totalCount":
                result[key] = count
            else:
                result[key] = self.names["connection"]
        return result

    @cached_property  # of the plan: its selection
    def _edge_cursors(self) -> bool:
        return any(name == "cursor" for _, name in self.edge)

    def _edges(self, rows: Sequence[Any], cursors: list[str] | None, found: "Found") -> list[dict[str, Any]]:
        """The edges of a page; the usual selection, `edges { node { ... } }`, without a loop over its parts."""
        if len(self.edge) == 1 and self.edge[0][1] == "node":
            assert self.level is not None  # compiled when the selection names it
            key, build = self.edge[0][0], self.level.build
            return [{key: build(row, found)} for row in rows]
        if cursors is None:
            return [self._edge(row, None, found) for row in rows]
        return [self._edge(row, cursor, found) for row, cursor in zip(rows, cursors, strict=True)]

    def _edge(self, row: Any, cursor: str | None, found: "Found") -> dict[str, Any]:
        edge: dict[str, Any] = {}
        for key, name in self.edge:
            if name == "node":
                assert self.level is not None  # compiled when the selection names it
                edge[key] = self.level.build(row, found)
            elif name == "cursor":
                edge[key] = cursor
            else:
                edge[key] = self.names["edge"]
        return edge

    def get(self) -> "Get":
        return by_key(self.index, self.key)


@dataclass(eq=False)
class ListLevel:
    """Every child row of each parent row (an account's enrollments): a list of objects, or one value of them."""

    index: int  # in Found: parent key -> the field's value
    key: str  # the parent row's attribute naming its children
    listed: Listed
    level: "ObjectLevel | None"  # the elements' (None: a value of the rows)
    value: Callable[[Any], Any] | None  # the value's serialize (a leaf)
    reads: tuple[str, ...] | None  # the row keys the elements' level reads (None: a value reads whole rows)
    rows: RowsByParent = field(init=False, repr=False)  # the declaration's batch, typed once (cast is a call)

    def __post_init__(self) -> None:
        self.rows = cast(RowsByParent, self.listed.batch)

    def ask(self, rows: Sequence[Any], filling: "Filling") -> list["Step"]:
        found, index = filling.found, self.index
        parents = sorted({key for row in rows if (key := getattr(row, self.key)) is not None})
        batch = self.rows

        def take(results: list[list[Any]]) -> list[Step]:
            grouped = batch.group(results[0], parents) if parents else []
            if self.level is not None:
                level = self.level
                filling.later(lambda: found.__setitem__(index, {
                    parent: [level.build(row, found) for row in group]
                    for parent, group in zip(parents, grouped, strict=True)}))
                return filling.level(level, [row for group in grouped for row in group])
            value, serialize = self.listed.value, self.value
            assert value is not None  # compile_list gives a value level its serialize
            assert serialize is not None
            values = {}
            for parent, group in zip(parents, grouped, strict=True):
                serialized = serialize(value(group))
                if serialized is None:
                    raise GiveWay(f"{self.key}: a value serialized to null")
                values[parent] = serialized
            found[index] = values
            return []
        if not parents:
            return take([])
        return [Step([(batch.statement(filling.reader.scope, self.reads), {"parent_ids": parents})], take)]

    def get(self) -> "Get":
        return by_key(self.index, self.key)


def compile_connection(levels: "Levels", declaration: Children, field: GraphQLField, selected: Selected,
                       where: str) -> ConnectionLevel:
    """The connection level of `selected` (a field declared with `children`)."""
    connection_type = cast(GraphQLObjectType, get_nullable_type(field.type))
    edge_type = cast(GraphQLObjectType, get_named_type(connection_type.fields["edges"].type))
    pages: PagesOfParents = declaration.pages
    parts: list[tuple[str, str, Any]] = []
    edge: list[tuple[str, str]] = []
    node_level: ObjectLevel | None = None
    for part in levels.selections.of(connection_type, selected.selection_sets, where):
        path = f"{where}.{part.key}"
        if part.name == "edges":
            if any(name == "edges" for _, name, _ in parts):
                raise Unplannable(f"{path}: edges under two keys")
            for item in levels.selections.of(edge_type, part.selection_sets, path):
                item_path = f"{path}.{item.key}"
                if item.name == "node":
                    if node_level is not None:
                        raise Unplannable(f"{item_path}: the node under two keys")
                    node_type = cast(GraphQLObjectType, get_nullable_type(edge_type.fields["node"].type))
                    node_level = levels.object(node_type, item.selection_sets, item_path, pages.model)
                elif item.name not in ("cursor", "__typename"):
                    raise Unplannable(f"{item_path}: a resolver")
                edge.append((item.key, item.name))
                levels.compiled.append(item_path)
            parts.append((part.key, "edges", None))
        elif part.name == "pageInfo":
            info_type = cast(GraphQLObjectType, get_nullable_type(connection_type.fields["pageInfo"].type))
            info = levels.selections.of(info_type, part.selection_sets, path)
            if not {s.name for s in info} <= set(PAGE_INFO):
                raise Unplannable(f"{path}: a field of PageInfo")
            parts.append((part.key, "pageInfo", tuple((s.key, s.name) for s in info)))
            levels.compiled += [f"{path}.{s.key}" for s in info]
        elif part.name in ("totalCount", "__typename"):
            parts.append((part.key, part.name, None))
        else:
            raise Unplannable(f"{path}: a resolver")
        levels.compiled.append(path)
    if set(field.args) != {*PAGE_ARGUMENTS, *pages.arguments}:
        raise Unplannable(f"{where}: arguments besides a page's")
    index = levels.number()
    node = selected.nodes[0]
    return ConnectionLevel(index, "id", declaration, field, node, tuple(parts), tuple(edge), node_level,
                           {"connection": connection_type.name, "edge": edge_type.name}, reads_of(node_level),
                           literal=not any(_has_variable(argument.value) for argument in node.arguments or ()))


def compile_list(levels: "Levels", declaration: Listed, field: GraphQLField, selected: Selected,
                 where: str) -> ListLevel:
    """The list level of `selected` (a field declared with `listed`, or a value of such rows)."""
    key: str = declaration.key.key
    named = get_named_type(field.type)
    if declaration.value is not None:
        if not is_leaf_type(named) or not is_non_null_type(field.type) or is_list_type(get_nullable_type(field.type)):
            raise Unplannable(f"{where}: a value of rows that is not one non-null leaf")
        return ListLevel(levels.number(), key, declaration, None, named.serialize, None)
    if not is_list_type(get_nullable_type(field.type)) or not isinstance(named, GraphQLObjectType):
        raise Unplannable(f"{where}: rows listed as something else than objects")
    item = get_nullable_type(field.type).of_type  # type: ignore[union-attr]
    if not is_non_null_type(item) or not is_non_null_type(field.type):
        raise Unplannable(f"{where}: a list that may hold nulls")
    level = levels.object(named, selected.selection_sets, where, _model_of(declaration, where))
    return ListLevel(levels.number(), key, declaration, level, None, reads_of(level))


def _has_variable(value: ValueNode) -> bool:
    """Whether a variable is in this argument value, at any depth (a list's item, an input object's field)."""
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(item.value) for item in value.fields)
    return False


def reads_of(level: "ObjectLevel | None") -> tuple[str, ...]:
    """The row keys a level of child rows reads (its builder, the levels below it, the executor's from_row where it
    falls back: ObjectLevel.columns), in one order: with the parent and order columns, what its statement selects,
    and part of the statement's name in the app's StatementCache (one statement per client and selection)."""
    return tuple(sorted(level.columns)) if level is not None else ()


def _model_of(declaration: Listed, where: str) -> Any:
    model = getattr(declaration.batch, "model", None)  # a RowsByParent's
    if model is None:
        raise Unplannable(f"{where}: rows of no declared table")
    return model
