"""How many lines or rows an import's next unit takes: on SQLite as many as fit in UNIT_SECONDS at the last unit's
rate, changing by at most 2x (or 1/4) a unit; in one transaction (PostgreSQL) always the most."""

import pytest

from resolvers.customers.imports.commands import FIRST_UNIT, UNIT_SECONDS, Pace


@pytest.mark.parametrize(("size", "done", "seconds", "most", "expected"), [
    (1_000, 1_000, UNIT_SECONDS, 20_000, 1_000),  # on target: the same again
    (1_000, 1_000, UNIT_SECONDS / 1.5, 20_000, 1_500),  # a little quick: a little more
    (1_000, 1_000, UNIT_SECONDS / 10, 20_000, 2_000),  # much quicker: at most double
    (15_000, 15_000, UNIT_SECONDS / 10, 20_000, 20_000),  # never past the most
    (1_000, 1_000, UNIT_SECONDS * 2, 20_000, 500),  # slow: fewer
    (1_000, 1_000, UNIT_SECONDS * 100, 20_000, 250),  # very slow (a stall): at most a quarter fewer a step
    (3, 3, UNIT_SECONDS * 100, 20_000, 1),  # always at least one
    (1_000, 1_000, 0.0, 20_000, 2_000),  # a clock that did not move
])
def test_the_next_unit_fits_the_target_at_the_last_rate(size, done, seconds, most, expected):
    pace = Pace(most, adapt=True)
    pace.size = size
    pace.took(done, seconds)
    assert pace.size == expected


@pytest.mark.parametrize("most", [40, FIRST_UNIT, 20_000])
def test_the_first_unit_is_small_unless_adapting_is_off(most):
    assert Pace(most, adapt=True).size == min(FIRST_UNIT, most)
    steady = Pace(most, adapt=False)
    steady.took(most, UNIT_SECONDS * 100)
    assert steady.size == most


def test_a_unit_that_did_nothing_changes_nothing():
    pace = Pace(20_000, adapt=True)
    pace.took(0, 5.0)
    assert pace.size == FIRST_UNIT
