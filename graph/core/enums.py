"""GraphQL enums are declared classes (so type checkers see them); `mirrors` ties each to its domain enum."""

import enum
from collections.abc import Callable
from typing import TypeVar

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

