"""Resolve from already-loaded data without an await: graphql-core's cost per field is far higher for an
awaitable (a coroutine, a task, a gather over the object's fields) than for a plain value.

The pattern: a connection resolver that has its page asks the request's loaders, in one go, for what the
page's items will need (`load_for`, only when the query `selects` it, so no statement is added to queries
that don't); the items' resolvers then take the loaded value at once with `now_or_later`, and fall back to
awaiting the loader when nothing was prefetched (another path to the same type, a fragment not seen here).
Cheaper still, a field can be a plain attribute filled when its object is built (`at_once`): the loaded
value if the request's loader holds it, else a `Later` that loads only if the query selects the field.
Nothing else changes: the same loaders, batches and per-batch sessions, only fewer awaits and resolvers.
What the query selects is read here, from Strawberry's public `info.selected_fields`, for every look-ahead.
"""

import contextlib
from asyncio import Future, gather
from collections.abc import Awaitable, Callable, Generator, Iterable, Iterator
from typing import Any, Generic, TypeAlias, TypeVar, overload

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from graph.core.relay import CursorShape, page_request
from resolvers.pagination import PageRequest

Value = TypeVar("Value")
Result = TypeVar("Result")
# What a sync resolver that may have to wait returns: the value, or an awaitable graphql-core awaits. Such a
# resolver says its schema type with `graphql_type`: `@strawberry.field(graphql_type=X) def f(...) -> NowOrLater[X]`.
NowOrLater: TypeAlias = Result | Awaitable[Result]


def now_or_later(future: Awaitable[Value], convert: Callable[[Value], Result]) -> NowOrLater[Result]:
    """`convert` of a loader's value now if it is loaded already, else an awaitable of it."""
    if isinstance(future, Future) and future.done():
        return convert(future.result())  # re-raises a failed batch's error, as `await` would
    return _later(future, convert)


async def _later(future: Awaitable[Value], convert: Callable[[Value], Result]) -> Result:
    return convert(await future)


@overload
def loaded(loader: DataLoader[Any, Any], key: int, convert: Callable[[Any], Result]) -> NowOrLater[Result]: ...
@overload
def loaded(
    loader: DataLoader[Any, Any], key: int | None, convert: Callable[[Any], Result]
) -> NowOrLater[Result] | None: ...
def loaded(
    loader: DataLoader[Any, Any], key: int | None, convert: Callable[[Any], Result]
) -> NowOrLater[Result] | None:
    """`convert` of the row `loader` has (or will have) for `key`; None (no await) for no key."""
    return None if key is None else now_or_later(loader.load(key), convert)


Wanted = tuple[DataLoader[Any, Any], Iterable[Any]]  # a loader, and the keys to load through it


async def load_for(*wanted: Wanted) -> None:
    """Load each loader's keys (None skipped), all in the current batches of those loaders. A failed batch
    is left for the fields that read it to report, as they would have without this."""
    loads = [loader.load_many({k for k in keys if k is not None}) for loader, keys in wanted]
    await gather(*loads, return_exceptions=True)


class Later(Generic[Result]):
    """An awaitable of a loader's value that asks the loader only when awaited: a plain attribute field
    holding one costs nothing when the query does not select the field.

    Such a field is declared `X | Later[X] = strawberry.field(graphql_type=X, ...)`: what it holds, and
    what the schema shows once graphql-core has awaited it.
    """

    __slots__ = ("batch", "key", "convert")

    def __init__(self, batch: Any, key: int, convert: Callable[[Any], Result]):
        self.batch, self.key, self.convert = batch, key, convert

    def __await__(self) -> Generator[Any, None, Result]:
        from graph.context import request_loaders

        return _later(request_loaders().of(self.batch).load(self.key), self.convert).__await__()


@overload
def at_once(batch: Any, key: int, convert: Callable[[Any], Result]) -> Result | Later[Result]: ...
@overload
def at_once(batch: Any, key: int | None, convert: Callable[[Any], Result]) -> Result | Later[Result] | None: ...
def at_once(batch: Any, key: int | None, convert: Callable[[Any], Result]) -> Result | Later[Result] | None:
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


def selected_at(info: strawberry.Info, *path: str) -> list[SelectedField]:
    """The selections of `path` (GraphQL names, e.g. edges, node) under the field being resolved, through
    fragments, as Strawberry's public `info.selected_fields` gives them.

    @skip/@include are not evaluated: a skipped field at worst gets its rows loaded for nothing.
    """
    fields = list(_fields(info.selected_fields))  # the field itself, once per node (aliases)
    for name in path:
        fields = [f for f in _fields(s for parent in fields for s in parent.selections) if f.name == name]
    return fields


def selects(info: strawberry.Info, *path: str) -> bool:
    """Whether the current field's selection reaches `path`."""
    return bool(selected_at(info, *path))


def selected_names(info: strawberry.Info, *path: str) -> set[str]:
    """The GraphQL names selected on `path` of the current field."""
    return {f.name for f in _fields(s for parent in selected_at(info, *path) for s in parent.selections)}


def page_requests_at(info: strawberry.Info, shape: CursorShape, *path: str) -> list[PageRequest]:
    """The page request of each selection of the connection field at `path` (variables applied); none for
    invalid arguments, which the field's own resolver reports."""
    requests = []
    for field in selected_at(info, *path):
        given = field.arguments
        with contextlib.suppress(GraphQLError):
            requests.append(page_request(_integer(given.get("first")), given.get("after"),
                                         _integer(given.get("last")), given.get("before"), shape))
    return requests


def _integer(value: Any) -> Any:
    # A literal argument comes as its source text ("10"); validation has made it an Int. Variables come coerced.
    return int(value) if isinstance(value, str) else value


def _fields(selections: Iterable[Any]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, (InlineFragment, FragmentSpread)):
            yield from _fields(selection.selections)
        elif isinstance(selection, SelectedField):
            yield selection
