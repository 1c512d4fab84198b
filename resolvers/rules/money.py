"""Money: integer cents inside, decimal strings at the edges. Never floats.

Rounding, wherever a rule divides, is half-up (half away from zero) to the cent: `round_half_up`.
"""

import re
from decimal import Decimal

from resolvers.rules.quoting import quoted

CURRENCY = "USD"
# The one spelling of an amount: ASCII digits, a minus sign at most, at most two decimals. No spaces, plus
# sign, underscores, exponents, other scripts' digits ("\u0663" is a three to Python), or a bare "5." / ".5".
AMOUNT_FORM = r"-?[0-9]+(\.[0-9]{1,2})?"
_AMOUNT = re.compile(r"(-?)([0-9]{1,13})(?:\.([0-9]{1,2}))?")


class MoneyFormatError(ValueError):
    """An amount that is not a plain decimal with at most two places (or negative where not allowed)."""


def is_amount_text(text: str) -> bool:
    """Whether `text` is spelled as AMOUNT_FORM (whatever its size or sign)."""
    return re.fullmatch(AMOUNT_FORM, text) is not None


def parse_amount(text: str | Decimal, *, allow_negative: bool = False, allow_zero: bool = False) -> int:
    """"12.30" -> 1230; anything not spelled as AMOUNT_FORM with at most 13 integer digits is refused."""
    if isinstance(text, Decimal) and (not text.is_finite() or not -2 <= int(text.as_tuple().exponent) <= 0):
        raise MoneyFormatError(f"{text} is not an amount like 12.30 (at most two decimals, no exponent).")
    raw = format(text, "f") if isinstance(text, Decimal) else text
    match = _AMOUNT.fullmatch(raw)
    if match is None:
        raise MoneyFormatError(
            f"{quoted(raw)} is not an amount like 12.30 (at most two decimals and 13 digits before them)."
        )
    sign, units, fraction = match.groups()
    cents = int(units) * 100 + int((fraction or "").ljust(2, "0"))
    if sign:
        cents = -cents
    if cents < 0 and not allow_negative:
        raise MoneyFormatError("The amount must not be negative.")
    if cents == 0 and not allow_zero:
        raise MoneyFormatError("The amount must be more than zero.")
    return cents


def format_cents(cents: int) -> str:
    """1230 -> "12.30"; -5 -> "-0.05"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def to_decimal(cents: int) -> Decimal:
    return Decimal(format_cents(cents))


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero (the state rule)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient
