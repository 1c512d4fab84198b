"""Strict Decimal, Date and DateTime scalars in place of Strawberry's lenient ones (same SDL names).

Strawberry's own take `Decimal("1_000")`, `"\\u0663"` (an Arabic-Indic three), `" 5"`, `"1e-2"`, JSON numbers,
`"20261101"` as a date, and a DateTime without a time zone (which then fails as an internal error when
compared with stored UTC instants). These take one spelling each (resolvers.rules.money and .dates).

A value they refuse is a request error with `extensions.code` BAD_USER_INPUT, for a literal in the document
and for a variable alike. They raise GraphQLError, not ValueError: graphql-core keeps a ValueError as the
error's `original_error`, and graph.masking would then hide the message as "Unexpected error.".
Output is unchanged: `str` of the Decimal, `isoformat()` of the date or instant.
"""

import argparse
import decimal
from collections.abc import Callable
from datetime import date, datetime
from operator import methodcaller
from typing import Any, NewType

import strawberry
from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

from resolvers.rules.dates import DATE_FORM, INSTANT_FORM, DateFormatError, parse_date, parse_instant
from resolvers.rules.money import AMOUNT_FORM, is_amount_text
from resolvers.rules.quoting import quoted
from resolvers.rules.rate_values import RATE_FORM, is_rate_text

RFC3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
ISOFORMAT = methodcaller("isoformat")  # as Strawberry's own scalars serialize, so output does not change


def _refused(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def _text(value: Any, name: str, example: str) -> str:
    if not isinstance(value, str):
        raise _refused(f"{name} is a string such as \"{example}\", not {type(value).__name__} {value!r}.")
    return value


def parse_decimal(value: Any) -> decimal.Decimal:
    text = _text(value, "Decimal", "12.30")
    if not is_amount_text(text):
        raise _refused(f"{quoted(text)} is not a Decimal: write it as {AMOUNT_FORM} (ASCII digits, at most two "
                       "decimals, no spaces, plus sign, exponent or digit separators), e.g. \"12.30\".")
    return decimal.Decimal(text)


def parse_rate(value: Any) -> decimal.Decimal:
    text = _text(value, "Rate", "11.5")
    if not is_rate_text(text):
        raise _refused(f"{quoted(text)} is not a Rate: write it as {RATE_FORM} (ASCII digits, at most four decimals, "
                       "no spaces, plus sign, exponent or digit separators), e.g. \"11.5\".")
    return decimal.Decimal(text)


def _strict(parse: Callable[[str], Any], name: str, example: str) -> Callable[[Any], Any]:
    def parse_value(value: Any) -> Any:
        try:
            return parse(_text(value, name, example))
        except DateFormatError as error:
            raise _refused(str(error)) from None

    return parse_value


DECIMAL = strawberry.scalar(
    name="Decimal", serialize=str, parse_value=parse_decimal,
    description=f"A decimal number as a string. As input (an amount of money) only {AMOUNT_FORM}: ASCII digits, an "
    "optional minus, at most two decimals; no spaces, plus sign, exponent, digit separators or JSON numbers. As "
    "output, as many decimals as the field says (money two, kWh three).")
DATE = strawberry.scalar(
    name="Date", serialize=ISOFORMAT, parse_value=_strict(parse_date, "Date", "2026-10-01"),
    specified_by_url=RFC3339,
    description=f"A calendar day, {DATE_FORM} (RFC 3339 full-date), e.g. \"2026-10-01\"; no other spelling.")
DATE_TIME = strawberry.scalar(
    name="DateTime", serialize=ISOFORMAT, parse_value=_strict(parse_instant, "DateTime", "2026-10-01T13:30:00Z"),
    specified_by_url=RFC3339,
    description=f"An instant, {INSTANT_FORM} (RFC 3339 date-time), e.g. \"2026-10-01T13:30:00Z\". Input must carry "
    "Z or an offset: one without a time zone is refused, not guessed. Output is in UTC.")

# Rates (cents per kWh, percentages) need more places than money: a type of their own for inputs.
Rate = NewType("Rate", decimal.Decimal)
RATE = strawberry.scalar(
    name="Rate", serialize=str, parse_value=parse_rate,
    description=f"A rate as a decimal string, {RATE_FORM}: ASCII digits, an optional minus, at most four decimals; "
    "no spaces, plus sign, exponent or digit separators. Each field says its unit and how many decimals it takes "
    "(cents per kWh three, percent four).")

SCALARS: dict[object, ScalarDefinition] = {decimal.Decimal: DECIMAL, date: DATE, datetime: DATE_TIME, Rate: RATE}


def iso_day(text: str) -> date:
    """The Date scalar's rule for a command-line argument (argparse `type=`)."""
    try:
        return parse_date(text)
    except DateFormatError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
