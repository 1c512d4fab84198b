"""parse_amount, format_cents, round_half_up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.money import (
    AMOUNT_FORM,
    MoneyFormatError,
    format_cents,
    is_amount_text,
    parse_amount,
    round_half_up,
)

# Every way Python's Decimal or int() reads a number that the API's one spelling does not allow.
LENIENT = ["1_000", "\u0663", "\uff15", "\u0665.\u0660\u0660", " 5", "5 ", "5\n", "\t5", "+5", "5.", ".5", "1e-2",
           "1E2", "0x10", "5.001", "1,000.00", "--5", "-", "", "NaN", "Infinity", "5.5.5"]


@pytest.mark.parametrize(
    "text, cents", [("12.30", 1230), ("12.3", 1230), ("12", 1200), ("0.01", 1), (Decimal("5.05"), 505)]
)
def test_parse_amount(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    "text", ["12.345", "-1.00", "0", "1e3", "abc", "", " 1.2.3", Decimal("1E+3"), Decimal("NaN"), "1,000.00"]
)
def test_parse_amount_refuses(text):
    with pytest.raises(MoneyFormatError):
        parse_amount(text)


@pytest.mark.parametrize("text", LENIENT, ids=repr)
def test_parse_amount_takes_only_ascii_canonical_text(text):
    assert not is_amount_text(text)
    with pytest.raises(MoneyFormatError):
        parse_amount(text, allow_negative=True, allow_zero=True)


@pytest.mark.parametrize("text", ["0", "5", "-5", "5.5", "5.50", "007.10", "12345678901234567890.99"])
def test_canonical_text_is_any_size_and_sign(text):
    assert is_amount_text(text)


def _spelled_canonically(text: str) -> bool:
    """The form, checked without a regex: an optional minus, ASCII digits, optionally a point and 1-2 digits."""
    units, point, fraction = text.removeprefix("-").partition(".")
    digits = set("0123456789")
    return bool(units) and set(units) <= digits and (not point or 1 <= len(fraction) <= 2 and set(fraction) <= digits)


@given(st.text(alphabet="0123456789.-+_eE \u0663\uff15", max_size=8))
def test_parse_amount_takes_exactly_the_canonical_spelling_at_its_decimal_value(text):
    assert is_amount_text(text) == _spelled_canonically(text)
    if _spelled_canonically(text):
        assert parse_amount(text, allow_negative=True, allow_zero=True) == int(Decimal(text) * 100)
    else:
        with pytest.raises(MoneyFormatError):
            parse_amount(text, allow_negative=True, allow_zero=True)


def test_the_form_named_in_messages_is_the_one_applied():
    assert AMOUNT_FORM == r"-?[0-9]+(\.[0-9]{1,2})?"  # the spelling, shown in the Decimal description


def test_more_than_thirteen_digits_before_the_point_is_refused():
    assert parse_amount("9999999999999.99") == 999_999_999_999_999
    with pytest.raises(MoneyFormatError):
        parse_amount("10000000000000")


def test_negative_and_zero_only_when_allowed():
    assert parse_amount("-1.05", allow_negative=True) == -105
    assert parse_amount("0.00", allow_zero=True) == 0


@pytest.mark.parametrize(
    "cents, text", [(1230, "12.30"), (5, "0.05"), (-5, "-0.05"), (0, "0.00"), (123456789, "1234567.89")]
)
def test_format_cents(cents, text):
    assert format_cents(cents) == text


@pytest.mark.parametrize(
    "num, den, expected", [(5, 10, 1), (4, 10, 0), (15, 10, 2), (-5, 10, -1), (-4, 10, 0), (25, 10, 3)]
)
def test_round_half_up_halves_away_from_zero(num, den, expected):
    assert round_half_up(num, den) == expected


@given(st.integers(-10**12, 10**12))
def test_round_trip(cents):
    assert parse_amount(format_cents(cents), allow_negative=True, allow_zero=True) == cents


@given(st.integers(-10**9, 10**9), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(num, den):
    from decimal import ROUND_HALF_UP

    assert round_half_up(num, den) == int((Decimal(num) / Decimal(den)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
