"""parse_amount, format_cents, round_half_up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.money import (
    MoneyFormatError,
    format_cents,
    parse_amount,
    round_half_up,
)


@pytest.mark.parametrize("text, cents", [("12.30", 1230), ("12.3", 1230), ("12", 1200), ("0.01", 1), (Decimal("5.05"), 505)])
def test_parse_amount(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["12.345", "-1.00", "0", "1e3", "abc", "", " 1.2.3", Decimal("1E+3"), Decimal("NaN"), "1,000.00"])
def test_parse_amount_refuses(text):
    with pytest.raises(MoneyFormatError):
        parse_amount(text)


def test_negative_and_zero_only_when_allowed():
    assert parse_amount("-1.05", allow_negative=True) == -105
    assert parse_amount("0.00", allow_zero=True) == 0


@pytest.mark.parametrize("cents, text", [(1230, "12.30"), (5, "0.05"), (-5, "-0.05"), (0, "0.00"), (123456789, "1234567.89")])
def test_format_cents(cents, text):
    assert format_cents(cents) == text


@pytest.mark.parametrize("num, den, expected", [(5, 10, 1), (4, 10, 0), (15, 10, 2), (-5, 10, -1), (-4, 10, 0), (25, 10, 3)])
def test_round_half_up_halves_away_from_zero(num, den, expected):
    assert round_half_up(num, den) == expected


@given(st.integers(-10**12, 10**12))
def test_round_trip(cents):
    assert parse_amount(format_cents(cents), allow_negative=True, allow_zero=True) == cents


@given(st.integers(-10**9, 10**9), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(num, den):
    from decimal import ROUND_HALF_UP

    assert round_half_up(num, den) == int((Decimal(num) / Decimal(den)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
