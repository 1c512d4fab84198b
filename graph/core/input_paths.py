"""A resolver's field at fault (domain names, list indices) as the GraphQL path into the mutation's input.

Resolvers never speak GraphQL: they name the input field as the Python input type does (`"card_last4"`,
`("allocations", 3, "amount")`, `()` for the whole input). The mutation wrapper maps that path through the
input type's declared fields with the schema's name converter, so `auto_camel_case` and a field's custom
`name=` both come out as the API spells them: `["input", "cardLast4"]`, `["input", "allocations", "3", "amount"]`.
"""

from typing import Any

from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import StrawberryContainer, get_object_definition
from strawberry.types.lazy_type import LazyType

from resolvers.errors import FieldPath

ROOT = "input"  # the one argument every mutation takes (API.md)


class UnknownInputField(LookupError):
    """A resolver named a field its mutation's input does not have: a programming error, never a userError."""


def api_path(field: FieldPath, input_type: Any, names: NameConverter) -> list[str]:
    """The GraphQL path of `field` (domain names and list indices) inside `input_type`, from "input" down."""
    path, current = [ROOT], input_type
    for part in field:
        if isinstance(part, int):  # a list item: `current` is already the list's item type
            path.append(str(part))
            continue
        definition = get_object_definition(current)
        declared = next((f for f in definition.fields if f.python_name == part), None) if definition else None
        if declared is None:
            raise UnknownInputField(
                f"{getattr(definition, 'name', current)!s} has no input field {part!r} (path {field!r})"
            )
        path.append(names.get_graphql_name(declared))
        current = item_type(declared.type)
    return path


def item_type(annotation: Any) -> Any:
    """The named type under Optional, list and lazy wrappers (what a further path part is looked up in)."""
    while True:
        if isinstance(annotation, StrawberryContainer):
            annotation = annotation.of_type
        elif isinstance(annotation, LazyType):
            annotation = annotation.resolve_type()
        else:
            return annotation
