"""GraphQL enums are declared classes (so type checkers see them); `mirrors` ties each to its domain enum.

Each declares `_value_: str`: type checkers then read `.value` as the domain value, not the enum_value() wrapper.
"""

import enum
from collections.abc import Callable, Iterable
from typing import TypeVar

E = TypeVar("E", bound=enum.Enum)


def mirrors(source: Iterable[enum.Enum]) -> Callable[[type[E]], type[E]]:
    """Class decorator: refuse, at import, a GraphQL enum whose members or values differ from `source`'s
    (a domain enum, or the members of one that the API shows)."""

    def check(declared: type[E]) -> type[E]:
        ours = [(m.name, m.value) for m in declared]
        theirs = [(m.name, m.value) for m in source]
        if ours != theirs:
            raise ValueError(f"{declared.__name__} must declare exactly the members it mirrors, in order: "
                             f"{sorted(set(ours) ^ set(theirs))}")
        return declared

    return check

