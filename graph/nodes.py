"""`node(id)` and `nodes(ids)`: any object by its global ID, tenant-scoped by each type's loader."""

from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types.base import StrawberryObjectDefinition

from graph.core.relay import Node, from_global_id

MAX_NODES = 100


def node_type(schema: strawberry.Schema, type_name: str) -> type[Node] | None:
    """The class of the schema's object type `type_name` if it implements Node, else None.

    Read from the schema, not from a list kept by hand, so no Node type can be left out: each one
    loads through its own `load_nodes(info, ids)` (its tenant-scoped loader).
    """
    definition = schema.get_type_by_name(type_name)
    if not isinstance(definition, StrawberryObjectDefinition) or definition.is_interface:
        return None
    origin = definition.origin
    return origin if isinstance(origin, type) and issubclass(origin, Node) else None


async def load_nodes(info: strawberry.Info, global_ids: list[str]) -> list[Node | None]:
    """Resolve IDs in order; unknown types, garbage and other clients' IDs are all None."""
    wanted: dict[str, list[int]] = {}
    decoded = [from_global_id(g) for g in global_ids]
    named = {item[0] for item in decoded if item}
    types = {name: cls for name in named if (cls := node_type(info.schema, name)) is not None}
    for item in decoded:
        if item and item[0] in types:
            wanted.setdefault(item[0], []).append(item[1])
    found: dict[tuple[str, int], Node | None] = {}
    for type_name, pks in wanted.items():
        for pk, node in zip(pks, await types[type_name].load_nodes(info, pks), strict=False):
            found[(type_name, pk)] = node
    return [found.get(item) if item else None for item in decoded]


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global ID; null if it does not exist for this client.")
    async def node(
        self, info: strawberry.Info, id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")]
    ) -> Node | None:
        return (await load_nodes(info, [id]))[0]

    @strawberry.field(description="Objects by global IDs, in the same order; null where not found (at most 100).")
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs (at most 100).")],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise GraphQLError(f"At most {MAX_NODES} IDs at a time.", extensions={"code": "BAD_USER_INPUT"})
        return await load_nodes(info, list(ids))
