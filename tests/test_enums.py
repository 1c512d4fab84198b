"""GraphQL enums are declared by hand; `mirrors` keeps each equal to its domain enum."""

import enum

import pytest

from graph.core.enums import mirrors


class Light(enum.StrEnum):
    RED = "red"
    GREEN = "green"


def test_a_declared_enum_equal_to_its_domain_enum_passes_unchanged():
    class Declared(enum.Enum):
        RED = "red"
        GREEN = "green"

    assert mirrors(Light)(Declared) is Declared


@pytest.mark.parametrize("members", [
    {"RED": "red"},  # a member missing
    {"RED": "red", "GREEN": "green", "BLUE": "blue"},  # one too many
    {"RED": "red", "GREEN": "GREEN"},  # a value that differs
    {"GREEN": "green", "RED": "red"},  # another order (the SDL lists values in declared order)
])
def test_a_declared_enum_that_differs_is_refused_at_import(members):
    with pytest.raises(ValueError, match="Declared"):
        mirrors(Light)(enum.Enum("Declared", members))
