"""Resolve from already-loaded data without an await: graphql-core's cost per field is far higher for an
awaitable (a coroutine, a task, a gather over the object's fields) than for a plain value.

The pattern: a connection resolver that has its page asks the request's loaders, in one go, for what the
page's items will need (`load_for`, only when the query `selects` it, so no statement is added to queries
that don't); the items' resolvers then take the loaded value at once with `now_or_later`, and fall back to
awaiting the loader when nothing was prefetched (another path to the same type, a fragment not seen here).
Cheaper still, a field can be a plain attribute filled when its object is built (`at_once`): the loaded
value if the request's loader holds it, else a `Later` that loads only if the query selects the field.
Nothing else changes: the same loaders, batches and per-batch sessions, only fewer awaits and resolvers.
"""

from asyncio import Future, gather
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values
from strawberry.dataloader import DataLoader

Value = TypeVar("Value")
Result = TypeVar("Result")


def now_or_later(future: Awaitable[Value], convert: Callable[[Value], Result]) -> Result | Awaitable[Result]:
    """`convert` of a loader's value now if it is loaded already, else an awaitable of it."""
    if isinstance(future, Future) and future.done():
        return convert(future.result())  # re-raises a failed batch's error, as `await` would
    return _later(future, convert)


async def _later(future: Awaitable[Value], convert: Callable[[Value], Result]) -> Result:
    return convert(await future)


def loaded(loader: DataLoader[Any, Any], key: Any, convert: Callable[[Any], Result]) -> Result | Awaitable[Result]:
    """`convert` of the row `loader` has (or will have) for `key`; None (no await) for no key."""
    return None if key is None else now_or_later(loader.load(key), convert)  # type: ignore[return-value]


async def load_for(*wanted: tuple[DataLoader[Any, Any], Iterable[Any]]) -> None:
    """Load each loader's keys (None skipped), all in the current batches of those loaders. A failed batch
    is left for the fields that read it to report, as they would have without this."""
    loads = [loader.load_many({k for k in keys if k is not None}) for loader, keys in wanted]
    await gather(*loads, return_exceptions=True)


class Later:
    """An awaitable of a loader's value that asks the loader only when awaited: a plain attribute field
    holding one costs nothing when the query does not select the field."""

    __slots__ = ("batch", "key", "convert")

    def __init__(self, batch: Any, key: Any, convert: Callable[[Any], Any]):
        self.batch, self.key, self.convert = batch, key, convert

    def __await__(self) -> Any:
        from graph.context import request_loaders

        return _later(request_loaders().of(self.batch).load(self.key), self.convert).__await__()


def at_once(batch: Any, key: Any, convert: Callable[[Any], Result]) -> Result | Later | None:
    """A value for a plain attribute field: `convert` of the row the request's loader of `batch` already
    holds for `key` (graphql-core's cheapest path: no resolver, no await), else a Later; None for no key.
    Plain fields skip strawberry's per-resolver work (Info, arguments), a third of a large response."""
    if key is None:
        return None
    from graph.context import REQUEST_LOADERS

    loaders = REQUEST_LOADERS.get()
    if loaders is None:
        return Later(batch, key, convert)
    made = loaders.converted.get((batch, key, convert))
    if made is not None:
        return made
    future = loaders.peek(batch, key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        made = loaders.converted[(batch, key, convert)] = convert(future.result())
        return made
    return Later(batch, key, convert)


def selects(info: strawberry.Info, *path: str) -> bool:
    """Whether the current field's selection reaches `path` (GraphQL names), through fragments too.

    @skip/@include are not evaluated: a skipped field at worst gets its rows loaded for nothing.
    """
    return bool(_nodes_at(info, path))


def arguments_at(info: strawberry.Info, type_name: str, *path: str) -> list[dict[str, Any]]:
    """The arguments (GraphQL names, variables applied) of each selection of `path`, a field of `type_name`.
    Empty when an argument is invalid: the field's own resolver then reports it."""
    raw = info._raw_info
    definition = raw.schema.get_type(type_name).fields[path[-1]]  # type: ignore[union-attr]
    try:
        return [get_argument_values(definition, node, raw.variable_values) for node in _nodes_at(info, path)]
    except GraphQLError:
        return []


def _nodes_at(info: strawberry.Info, path: tuple[str, ...]) -> list[FieldNode]:
    raw = info._raw_info  # graphql-core's info: the field's AST nodes and the document's fragments
    nodes = list(raw.field_nodes)
    for name in path:
        nodes = [f for node in nodes for f in _fields(node.selection_set, raw.fragments) if f.name.value == name]
        if not nodes:
            break
    return nodes


def _fields(selection_set: SelectionSetNode | None, fragments: dict[str, Any]) -> Iterable[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _fields(fragments[selection.name.value].selection_set, fragments)
