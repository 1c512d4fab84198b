"""Rates as an admin types them: cents per kWh to thousandths of a cent, a percentage to parts per million,
and the days a rate may take effect from. Exact decimals only: never floats, never rounded."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

RATE_FORM = r"-?[0-9]+(\.[0-9]{1,4})?"  # how a rate is spelled; each kind says how many of the decimals it takes
MAX_CENTS_PER_KWH = Decimal("1000")  # $10 a kWh: beyond any tariff, so a slipped decimal point is caught
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class RateValueError(ValueError):
    """A rate or day that cannot be taken as given; the message says why."""


def is_rate_text(text: str) -> bool:
    """Whether `text` is spelled as RATE_FORM (whatever its size, sign or places)."""
    return re.fullmatch(RATE_FORM, text) is not None


def _exact(value: Decimal | str, places: int, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RateValueError(f"{what} {value!r} is not a number.") from None
    if not number.is_finite() or number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise RateValueError(f"{what} {value} has more than {places} decimal places.")
    if number < 0:
        raise RateValueError(f"{what} {value} is negative.")
    return number


def parse_cents_per_kwh(value: Decimal | str) -> int:
    """"11.5" (cents per kWh) -> 11500 thousandths of a cent; at most 3 decimals, 0 up to (not incl.) 1000."""
    cents = _exact(value, 3, "The rate")
    if cents >= MAX_CENTS_PER_KWH:
        raise RateValueError(
            f"The rate {value} cents per kWh is {MAX_CENTS_PER_KWH} or more; is a decimal point missing?"
        )
    return int(cents.scaleb(3))


def parse_percent(value: Decimal | str) -> int:
    """"6.25" (percent) -> 62500 parts per million; at most 4 decimals, 0 to 100."""
    percent = _exact(value, 4, "The tax rate")
    if percent > 100:
        raise RateValueError(f"The tax rate {value}% is over 100%.")
    return int(percent.scaleb(4))


def check_effective_from(day: date) -> date:
    """A rate takes effect from a day between EARLIEST and LATEST (earlier or later is a typo)."""
    if not EARLIEST <= day <= LATEST:
        raise RateValueError(f"A rate takes effect from a day between {EARLIEST} and {LATEST}, not {day}.")
    return day


def cents_per_kwh(millicents: int) -> Decimal:
    """11500 -> Decimal("11.500"): always three places, as rate plans have shown their rate."""
    return Decimal(millicents).scaleb(-3)


def percent(ppm: int) -> Decimal:
    """62500 -> Decimal("6.25"), 100000 -> Decimal("10"): no trailing zeros, no exponent."""
    return Decimal(format(Decimal(ppm).scaleb(-4).normalize(), "f"))
