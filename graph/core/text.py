"""Text inputs: each String input field states its limit once, and the mutation wrapper checks every one.

`text_field` writes "At most N characters." into the field's description and keeps N in the field's
metadata; `check_input` walks a whole mutation input (nested inputs and lists too) and applies the text
rule (resolvers/rules/text.py) to every string in it, IDs included, so a new input cannot skip it.
tests/api/test_text_inputs.py fails on a String input field without a stated limit.
"""

from typing import Any

import strawberry
from sqlalchemy.orm import QueryableAttribute
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import get_object_definition

from resolvers.errors import FieldPath, ensure_text

MAX_LENGTH = "csrgraph.max_length"  # the key of a field's limit in its Strawberry metadata
MAX_CLIENT_MUTATION_ID = 200


def text_field(description: str, limit: int | QueryableAttribute[Any], **options: Any) -> Any:
    """A String input field of at most `limit` characters (a number, or the String column it is stored in)."""
    max_length = limit if isinstance(limit, int) else limit.type.length
    stated = f"{description} At most {max_length:,} characters."
    return strawberry.field(description=stated, metadata={MAX_LENGTH: max_length}, **options)


def client_mutation_id_field() -> Any:
    return text_field("Any string; echoed back in the payload (Relay).", MAX_CLIENT_MUTATION_ID, default=None)


def max_length_of(field: Any) -> int | None:
    """The limit a Strawberry input field states, if any."""
    return (field.metadata or {}).get(MAX_LENGTH)


def check_input(value: Any, names: NameConverter, path: FieldPath = ()) -> None:
    """Refuse (UserInputError naming the field in domain names, as resolvers do) any string in the input that
    breaks the text rule or its limit; the message labels the field with its GraphQL name."""
    for field in get_object_definition(value, strict=True).fields:
        label = names.get_graphql_name(field)
        _check(getattr(value, field.python_name), (*path, field.python_name), max_length_of(field), label, names)


def _check(value: Any, path: FieldPath, max_length: int | None, label: str, names: NameConverter) -> None:
    if isinstance(value, strawberry.Some):
        value = value.value
    if isinstance(value, str):
        ensure_text(value, path, max_length, label)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, (*path, index), max_length, label, names)
    elif get_object_definition(value) is not None:
        check_input(value, names, path)
