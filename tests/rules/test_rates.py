"""Rates in force by day: the latest entry effective on or before it (a later entry for the same day corrects),
and a period cut into runs of days with one entry in force."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.rates import Entry, Run, in_force, merged, runs, superseded

JAN = [Entry(date(2025, 1, 1), 1, "a"), Entry(date(2025, 1, 15), 2, "b"), Entry(date(2025, 1, 15), 5, "b2"),
       Entry(date(2025, 3, 1), 3, "c")]


@pytest.mark.parametrize("day, value", [
    (date(2024, 12, 31), None),  # before the first entry
    (date(2025, 1, 1), "a"), (date(2025, 1, 14), "a"),
    (date(2025, 1, 15), "b2"),  # two entries for one day: the later entered (a correction) is in force
    (date(2025, 2, 28), "b2"), (date(2025, 3, 1), "c"), (date(2030, 1, 1), "c"),
])
def test_in_force_is_the_latest_effective_on_or_before_the_day(day, value):
    found = in_force(JAN, day)
    assert (found.value if found else None) == value


def test_a_corrected_entry_is_superseded_and_kept():
    assert superseded(JAN) == {2}


@pytest.mark.parametrize("start, end, expected", [
    (date(2025, 1, 1), date(2025, 1, 31), [(date(2025, 1, 1), date(2025, 1, 14), "a"),
                                           (date(2025, 1, 15), date(2025, 1, 31), "b2")]),
    (date(2025, 1, 15), date(2025, 1, 31), [(date(2025, 1, 15), date(2025, 1, 31), "b2")]),  # change on the first day
    (date(2025, 2, 1), date(2025, 3, 1), [(date(2025, 2, 1), date(2025, 2, 28), "b2"),
                                          (date(2025, 3, 1), date(2025, 3, 1), "c")]),  # change on the last day
    (date(2024, 12, 30), date(2025, 1, 2), [(date(2024, 12, 30), date(2024, 12, 31), None),
                                            (date(2025, 1, 1), date(2025, 1, 2), "a")]),
])
def test_runs_cut_the_period_where_the_rate_changes(start, end, expected):
    found = [(r.start, r.end, r.value[0].value if r.value[0] else None) for r in runs(start, end, JAN)]
    assert found == expected


def test_merged_joins_neighbours_with_equal_values():
    day = date(2025, 1, 1)
    parts = [
        Run(day, day, 1),
        Run(day + timedelta(1), day + timedelta(3), 1),
        Run(day + timedelta(4), day + timedelta(4), 2),
    ]
    assert merged(parts) == [Run(day, day + timedelta(3), 1), Run(day + timedelta(4), day + timedelta(4), 2)]


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
timelines = st.lists(st.tuples(days, st.integers(0, 3)), max_size=5).map(
    lambda items: [Entry(day, n, value) for n, (day, value) in enumerate(items)])


@given(days, st.integers(0, 90), st.lists(timelines, min_size=1, max_size=3))
def test_every_day_of_the_period_is_in_one_run_with_the_entries_in_force_that_day(start, length, lines):
    end = start + timedelta(days=length)
    found = runs(start, end, *lines)
    assert found[0].start == start
    assert found[-1].end == end
    assert all(a.end + timedelta(1) == b.start and a.value != b.value for a, b in zip(found, found[1:], strict=False))
    assert sum(r.days for r in found) == length + 1
    for run in found:
        for offset in range(run.days):
            day = run.start + timedelta(offset)
            assert run.value == tuple(in_force(line, day) for line in lines)
