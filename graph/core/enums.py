"""GraphQL enums are declared classes (so type checkers see them); `mirrors` ties each to its domain enum."""

import enum
from collections.abc import Callable
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=enum.Enum)


def mirrors(source: type[enum.Enum]) -> Callable[[type[E]], type[E]]:
    """Class decorator: refuse, at import, a GraphQL enum whose members or values differ from `source`'s."""

    def check(declared: type[E]) -> type[E]:
        ours = [(m.name, m.value) for m in declared]
        theirs = [(m.name, m.value) for m in source]
        if ours != theirs:
            raise ValueError(f"{declared.__name__} must declare exactly {source.__name__}'s members, in order: "
                             f"{sorted(set(ours) ^ set(theirs))}")
        return declared

    return check


def described_enum(source: type[enum.Enum], description: str, values: dict[str, str]) -> type[enum.Enum]:
    """A GraphQL enum with `source`'s members; `values` must describe every member."""
    missing = {m.name for m in source} ^ set(values)
    if missing:
        raise ValueError(f"{source.__name__}: describe exactly its members; mismatch {sorted(missing)}")
    members = {m.name: strawberry.enum_value(m.value, description=values[m.name]) for m in source}
    return strawberry.enum(enum.Enum(source.__name__, members), description=description)
