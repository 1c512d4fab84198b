"""The root field `customers` (the search grid) in a plan: the search resolver's own statements
(resolvers/customers/search), selecting only the columns the node's fields read, then one statement per level below.

The search's statement depends on which filters are given (and, on SQLite, on how many candidates a first count
finds), so it is the resolver's, built as it builds it; the levels below it are built once per client.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

from graphql import GraphQLField, GraphQLInputObjectType, GraphQLObjectType, get_named_type, get_nullable_type
from graphql.execution.values import VariableValues, get_argument_values

from db import models
from graph.compiled.objects import BACKREF, Found, GiveWay, Levels, ObjectLevel, Reader, fill
from graph.compiled.selections import Selected, Unplannable
from graph.core.relay import encode_cursor, page_request
from graph.customers.queries import search_criteria
from graph.customers.types import NAME_CURSOR, NUMBER_CURSOR
from resolvers.customers.search import queries as search
from resolvers.errors import UserInputError
from resolvers.pagination import Page

# The node's rows always carry both orders' keys: the cursors are made of them.
ORDER_COLUMNS = {"id": models.Customer.id, "name_key": models.Customer.name_key, "number": models.Customer.number}
PAGE_INFO = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}

Answer = Callable[[Reader, VariableValues, Found], Awaitable[Any]]


@dataclass(frozen=True)
class _Edge:
    node: ObjectLevel | None
    matched: ObjectLevel | None
    fields: tuple[tuple[str, str], ...]  # (response key, field name)


def compile_customers(levels: Levels, field: GraphQLField, selected: Selected, where: str) -> Answer:
    """The function answering `customers(...)` for one request; raises Unplannable for what it cannot answer."""
    connection_type = cast(GraphQLObjectType, get_nullable_type(field.type))
    parts: list[tuple[str, str, Any]] = []  # (response key, field name, its compiled part)
    edge: _Edge | None = None
    for part in levels.selections.of(connection_type, selected.selection_sets, where):
        path = f"{where}.{part.key}"
        if part.name == "edges":
            if edge is not None:
                raise Unplannable(f"{path}: edges under two keys")
            edge = _edges(levels, connection_type.fields["edges"], part, path)
            parts.append((part.key, "edges", edge))
        elif part.name == "pageInfo":
            info_type: GraphQLObjectType = get_nullable_type(connection_type.fields["pageInfo"].type)
            info = levels.selections.of(info_type, part.selection_sets, path)
            if not {s.name for s in info} <= PAGE_INFO:
                raise Unplannable(f"{path}: a field of PageInfo")
            parts.append((part.key, "pageInfo", tuple((s.key, s.name) for s in info)))
            levels.compiled += [f"{path}.{s.key}" for s in info]
        elif part.name in ("totalCount", "__typename"):
            parts.append((part.key, part.name, connection_type.name))
        else:
            raise Unplannable(f"{path}: a resolver")
        levels.compiled.append(path)
    node_columns = {**(edge.node.columns if edge and edge.node else {}), **ORDER_COLUMNS}
    node = selected.nodes[0]
    search_input = cast(GraphQLInputObjectType, get_nullable_type(field.args["search"].type))
    input_names = {name: f.extensions[BACKREF].python_name for name, f in search_input.fields.items()}
    input_class = search_input.extensions[BACKREF].origin
    counted = any(name == "totalCount" for _, name, _ in parts)

    async def answer(reader: Reader, variables: VariableValues, found: Found) -> Any:
        scope = reader.scope
        arguments = get_argument_values(field, node, variables)
        given = arguments.get("search")
        criteria = search_criteria(None if given is None else input_class(
            **{input_names[name]: value for name, value in given.items()}))
        order = search.CustomerOrder(_value(arguments["orderBy"]))
        shape = NAME_CURSOR if order is search.CustomerOrder.NAME else NUMBER_CURSOR
        request = page_request(arguments.get("first"), arguments.get("after"), arguments.get("last"),
                               arguments.get("before"), shape)
        try:
            page = await search.search_customers(scope, criteria, order, request, list(node_columns.values()),
                                                 counted=counted)
            ids = [row.id for row in page.rows]
            matched: list[Any] = [None] * len(ids)
            if ids and edge and edge.matched:
                matched = await search.matched_accounts(scope, criteria, ids)
            count = 0
            if counted:
                # a first page without more holds every match: its rows are the count, without a statement;
                # so does a search that counted its candidates (page.total)
                whole = request.after is None and request.before is None and not request.backwards and not page.has_next
                known = len(page.rows) if whole else page.total
                count = await search.count_customers(scope, criteria) if known is None else known
        except UserInputError as error:
            raise GiveWay(str(error)) from None
        if edge and edge.node:
            await fill(edge.node, page.rows, found, reader)
        if edge and edge.matched:
            await fill(edge.matched, [m for m in matched if m is not None], found, reader)
        key_of = search.key_of(order)
        cursors = [encode_cursor(key_of(row), shape) for row in page.rows]
        result: dict[str, Any] = {}
        for key, name, compiled in parts:
            if name == "edges":
                result[key] = _edge_list(compiled, page.rows, matched, cursors, found)
            elif name == "pageInfo":
                result[key] = _page_info(compiled, page, cursors)
            elif name == "totalCount":
                result[key] = count
            else:
                result[key] = compiled
        return result

    return answer


def _edges(levels: Levels, field: GraphQLField, selected: Selected, where: str) -> _Edge:
    edge_type = cast(GraphQLObjectType, get_named_type(field.type))  # edges: [CustomerSearchEdge!]!
    node = matched = None
    fields = []
    for part in levels.selections.of(edge_type, selected.selection_sets, where):
        path = f"{where}.{part.key}"
        if part.name == "node":
            node = levels.object(_type_of(edge_type, "node"), part.selection_sets, path, models.Customer)
        elif part.name == "matchedAccount":
            matched = levels.object(_type_of(edge_type, "matchedAccount"), part.selection_sets, path,
                                    models.UtilityAccount)
        elif part.name not in ("cursor", "__typename"):
            raise Unplannable(f"{path}: a resolver")
        fields.append((part.key, part.name))
        levels.compiled.append(path)
    if sum(1 for _, name in fields if name == "node") > 1 or sum(1 for _, n in fields if n == "matchedAccount") > 1:
        raise Unplannable(f"{where}: the same object under two keys")
    return _Edge(node, matched, tuple(fields))


def _type_of(parent: GraphQLObjectType, name: str) -> GraphQLObjectType:
    return get_nullable_type(parent.fields[name].type)


def _value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _edge_list(edge: _Edge, rows: list[Any], matched: list[Any], cursors: list[str], found: Found) -> list[Any]:
    out = []
    for row, account, cursor in zip(rows, matched, cursors, strict=True):
        item: dict[str, Any] = {}
        for key, name in edge.fields:
            if name == "node":
                assert edge.node is not None  # _edges sets it when the selection names it
                item[key] = edge.node.build(row, found)
            elif name == "matchedAccount":
                assert edge.matched is not None  # as node
                item[key] = None if account is None else edge.matched.build(account, found)
            elif name == "cursor":
                item[key] = cursor
            else:
                item[key] = "CustomerSearchEdge"
        out.append(item)
    return out


def _page_info(fields: tuple[tuple[str, str], ...], page: Page[Any], cursors: list[str]) -> dict[str, Any]:
    values = {"hasNextPage": page.has_next, "hasPreviousPage": page.has_previous,
              "startCursor": cursors[0] if cursors else None, "endCursor": cursors[-1] if cursors else None,
              "__typename": "PageInfo"}
    return {key: values[name] for key, name in fields}
