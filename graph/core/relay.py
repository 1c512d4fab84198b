"""Relay conventions: opaque global IDs, the Node interface, keyset connections."""

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

import strawberry
from graphql import GraphQLError

from resolvers.errors import Field, NotFound, UserInputError
from resolvers.pagination import Key, Page, PageRequest

NodeType = TypeVar("NodeType")


# ---- global IDs -------------------------------------------------------------------------

# Primary keys are BIGINT on both engines: a key past it is simply not found, never sent to the database.
MAX_KEY = 2**63 - 1


def is_key(value: int) -> bool:
    """Whether `value` can be a primary key (1 .. 2**63 - 1)."""
    return 0 < value <= MAX_KEY


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    # base64.b64encode is this very call behind a Python frame (a profile encodes a few dozen IDs)
    return strawberry.ID(binascii.b2a_base64(f"{type_name}:{pk}".encode(), newline=False).decode())


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, primary key) of one of our IDs in its canonical form; None for any other string.

    Canonical: the decoded ID encodes back to exactly the string given. So "Customer:0001", "Customer:"
    with an Arabic-Indic digit, or base64 with stray padding bits is not found, never another spelling of
    "Customer:1"; nor is a key outside BIGINT.
    """
    try:
        type_name, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
        key = int(pk) if pk.isdigit() else 0
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not type_name or not is_key(key) or to_global_id(type_name, key) != global_id:
        return None
    return type_name, key


def decode_id(global_id: str, type_name: str, field: Field) -> int:
    """The primary key of a `type_name` ID; any other ID is simply not found."""
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise NotFound(type_name, field)
    return decoded[1]


@strawberry.interface(description="An object with a globally unique, opaque ID (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID; pass it to `node(id:)`.")

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        """The objects of these primary keys in order, through the type's tenant-scoped loader; None: not found."""
        raise NotImplementedError(f"{cls.__name__} implements Node, so it must say how its objects load")


AnyNode = TypeVar("AnyNode", bound=Node)


async def node_or_none(node_type: type[AnyNode], info: strawberry.Info, pk: int | None) -> AnyNode | None:
    """One object of a Node type by primary key through its tenant-scoped loader; None for no key."""
    return (await node_type.load_nodes(info, [pk]))[0] if pk is not None else None


async def load_converted(
    info: strawberry.Info, batch: Callable[..., Awaitable[Any]], ids: list[int], convert: Callable[[Any], NodeType]
) -> list[NodeType | None]:
    """Rows through the request's loader for `batch`, converted; None stays None (not found)."""
    rows = await info.context.loaders.of(batch).load_many(ids)
    return [convert(row) if row is not None else None for row in rows]


# ---- connections --------------------------------------------------------------------------

@strawberry.type(description="Where a page sits in its connection (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="More items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="One item of a connection with its cursor.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(description="Opaque cursor; pass it as `after` or `before`.")
    node: NodeType = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay connection), paged with keyset cursors.")
class Connection(Generic[NodeType]):
    # A Sequence (a list in the schema): a connection may narrow its edges' type (CustomerSearchConnection).
    edges: Sequence[Edge[NodeType]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Number of items in the whole list, across all pages.")
    async def total_count(self) -> int:
        return await self.count()


@dataclass(frozen=True, slots=True)
class CursorShape:
    """What a connection's cursors hold: a tag naming the ordering, and the key's value types.

    The tag makes a cursor from one ordering (or list) a client error in another.
    """

    tag: str
    types: tuple[type, ...]


def encode_cursor(key: Key, shape: CursorShape) -> str:
    return base64.urlsafe_b64encode(json.dumps([shape.tag, *(_plain(v) for v in key)]).encode()).decode()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def decode_cursor(cursor: str, shape: CursorShape) -> Key:
    """Decode a cursor made for `shape`; anything else is a client error."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values = None
    if not isinstance(values, list) or values[:1] != [shape.tag] or len(values) != len(shape.types) + 1:
        raise invalid_cursor(cursor)
    return tuple(_typed(v, t, cursor) for v, t in zip(values[1:], shape.types, strict=False))


def _typed(value: Any, kind: type, cursor: str) -> Any:
    try:
        if kind in (date, datetime):
            return kind.fromisoformat(value)
        if kind is int and isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_KEY:
            return value
        if kind is str and isinstance(value, str):
            return value
    except (TypeError, ValueError):
        pass
    raise invalid_cursor(cursor)


def invalid_cursor(cursor: str) -> GraphQLError:
    return GraphQLError(f"Invalid cursor: {cursor!r}.", extensions={"code": "INVALID_CURSOR"})


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None, shape: CursorShape
) -> PageRequest:
    """Paging arguments as a PageRequest; bad values are client errors, not faults."""
    try:
        return PageRequest(
            first=first,
            after=decode_cursor(after, shape) if after else None,
            last=last,
            before=decode_cursor(before, shape) if before else None,
        )
    except UserInputError as error:
        raise GraphQLError(error.message, extensions={"code": "BAD_USER_INPUT"}) from None


def to_connection(
    page: Page[Any], shape: CursorShape, convert: Callable[[Any], NodeType], count: Callable[[], Awaitable[int]]
) -> Connection[NodeType]:
    edges = [Edge(cursor=encode_cursor(k, shape), node=convert(r)) for r, k in zip(page.rows, page.keys, strict=False)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, count=count)


First = Annotated[int | None, strawberry.argument(description="Page size from the start (0-100; default 20).")]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[int | None, strawberry.argument(description="Page size from the end (0-100).")]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]
