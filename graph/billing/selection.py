"""Look-ahead: which fields a connection's query asks for on each node, to prefetch children with the page."""

from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField


def node_field_names(info: strawberry.Info) -> set[str]:
    """GraphQL names selected on `edges { node { ... } }` of the field being resolved (through fragments).

    A field under `@skip`/`@include` counts as selected: prefetching it then costs a statement, never a result.
    """
    fields: list[SelectedField] = list(info.selected_fields)  # the connection field itself (or its aliases)
    for name in ("edges", "node"):
        fields = [f for f in _fields(s for parent in fields for s in parent.selections) if f.name == name]
    return {f.name for f in _fields(s for parent in fields for s in parent.selections)}


def _fields(selections: Iterable[Any]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, (InlineFragment, FragmentSpread)):
            yield from _fields(selection.selections)
        elif isinstance(selection, SelectedField):
            yield selection
