"""Rates as typed in: cents per kWh and percentages, exact, in range; the days a rate may take effect from."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.rate_values import (
    RateValueError,
    cents_per_kwh,
    check_effective_from,
    is_rate_text,
    parse_cents_per_kwh,
    parse_percent,
    percent,
)


@pytest.mark.parametrize("text, millicents", [("11.5", 11_500), ("12.345", 12_345), ("0", 0), ("0.001", 1),
                                              (Decimal("999.999"), 999_999), (" 8 ", 8_000)])
def test_cents_per_kwh(text, millicents):
    assert parse_cents_per_kwh(text) == millicents


@pytest.mark.parametrize(
    "text, words",
    [
        ("12.3456", "3 decimal"),
        ("-1", "negative"),
        ("1000", "decimal point missing"),
        ("abc", "not a number"),
        ("NaN", "decimal places"),
        ("1e400", "decimal point"),
        ("", "not a number"),
    ],
)
def test_cents_per_kwh_refused(text, words):
    with pytest.raises(RateValueError, match=words):
        parse_cents_per_kwh(text)


@pytest.mark.parametrize(
    "text, ppm", [("6.25", 62_500), ("0", 0), ("100", 1_000_000), ("8.8750", 88_750), ("0.0001", 1)]
)
def test_percent(text, ppm):
    assert parse_percent(text) == ppm


@pytest.mark.parametrize("text, words", [("6.25001", "4 decimal"), ("100.01", "over 100%"), ("-0.5", "negative")])
def test_percent_refused(text, words):
    with pytest.raises(RateValueError, match=words):
        parse_percent(text)


@pytest.mark.parametrize("day, ok", [(date(2000, 1, 1), True), (date(2099, 12, 31), True), (date(1999, 12, 31), False),
                                     (date(2100, 1, 1), False), (date(2025, 1, 15), True)])
def test_effective_from_range(day, ok):
    if ok:
        assert check_effective_from(day) == day
    else:
        with pytest.raises(RateValueError, match="between 2000-01-01 and 2099-12-31"):
            check_effective_from(day)


@given(st.integers(0, 999_999))
def test_cents_per_kwh_round_trip(millicents):
    assert parse_cents_per_kwh(cents_per_kwh(millicents)) == millicents
    assert str(cents_per_kwh(millicents)).count(".") == 1
    assert len(str(cents_per_kwh(millicents)).split(".")[1]) == 3


@given(st.integers(0, 1_000_000))
def test_percent_round_trip(ppm):
    assert parse_percent(percent(ppm)) == ppm
    assert "E" not in str(percent(ppm))


@pytest.mark.parametrize("text, ok", [("11.5", True), ("0", True), ("-6", True), ("6.2500", True), ("007.5", True),
                                      ("6.25001", False), ("1e3", False), ("+1", False), (" 1", False), ("1_0", False),
                                      (".5", False), ("5.", False), ("\u0663", False), ("", False)])
def test_the_one_spelling_of_a_rate(text, ok):
    assert is_rate_text(text) is ok
