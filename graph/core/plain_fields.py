"""Plain attribute fields read by one getattr, for the app's executable schema.

Strawberry resolves a field without a resolver through three Python calls (a wrapper, `get_result`, the
default resolver) where one getattr does; a large response has thousands of them (bench nested: 4,000 per
request, a few percent of its time). Only fields Strawberry itself marked as plain attribute reads are
touched: the SDL, argument handling and every field with a resolver stay as they are.
"""

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types.base import StrawberryObjectDefinition

BASIC_RESOLVER = "_get_basic_result"  # strawberry.schema.schema_converter's resolver of plain fields


def read_plain_fields_directly(schema: strawberry.Schema) -> int:
    """Give each plain attribute field of `schema` a direct getattr resolver; how many were changed."""
    converter = schema.schema_converter
    changed = 0
    for concrete in list(converter.type_map.values()):
        definition, implementation = concrete.definition, concrete.implementation
        if not isinstance(definition, StrawberryObjectDefinition) or not hasattr(implementation, "fields"):
            continue
        for field in definition.fields:
            graphql_field = implementation.fields.get(converter.config.name_converter.get_graphql_name(field))
            resolve = getattr(graphql_field, "resolve", None)
            if resolve is not None and getattr(resolve, "__name__", "") == BASIC_RESOLVER:
                graphql_field.resolve = _getter(field.python_name)
                changed += 1
    return changed


def _getter(name: str) -> Callable[..., Any]:
    def read(source: Any, _info: Any, **_arguments: Any) -> Any:
        return getattr(source, name)

    read._is_default = True  # type: ignore[attr-defined]  # as Strawberry marks its own
    return read
