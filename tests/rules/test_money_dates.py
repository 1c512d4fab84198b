"""The money window: a money event's day from seven years back to one day ahead of today (UTC)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.money_dates import MoneyDateError, check_money_day, money_window

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize("day", [TODAY, TODAY + timedelta(days=1), date(2019, 12, 3), date(2025, 3, 1)])
def test_inside_the_window(day):
    check_money_day(day, TODAY)


@pytest.mark.parametrize("day, said", [
    (TODAY + timedelta(days=2), "is in the future; the latest accepted is 2026-12-04"),
    (date.max, "9999-12-31 is in the future"),
    (date(2019, 12, 2), "is more than 7 years ago; the earliest accepted is 2019-12-03"),
    (date.min, "0001-01-01 is more than 7 years ago"),
])
def test_outside_the_window(day, said):
    with pytest.raises(MoneyDateError, match=said):
        check_money_day(day, TODAY, "The receipt day")


def test_the_message_names_the_day():
    with pytest.raises(MoneyDateError, match="^The receipt day 2030-01-01 "):
        check_money_day(date(2030, 1, 1), TODAY, "The receipt day")


def test_february_29_looks_back_to_february_28():
    assert money_window(date(2028, 2, 29)).first == date(2021, 2, 28)


@given(st.dates(min_value=date(8, 1, 1), max_value=date(9998, 12, 30)), st.integers(-4_000, 4_000))
def test_the_window_is_seven_years_back_and_one_day_ahead(today, offset):
    day = today + timedelta(days=offset)
    window = money_window(today)
    assert window.last == today + timedelta(days=1)
    assert window.first.year == today.year - 7
    inside = window.first <= day <= window.last
    try:
        check_money_day(day, today)
        assert inside
    except MoneyDateError:
        assert not inside
