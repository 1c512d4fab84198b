"""Dates and instants as the API takes them: one ISO form each, ASCII digits, nothing guessed.

A day is `YYYY-MM-DD` (RFC 3339 full-date). An instant is `YYYY-MM-DDThh:mm:ss[.ffffff]` with `Z` or
an offset `+hh:mm`/`-hh:mm` (RFC 3339 date-time); it is read as that offset says and kept in UTC. An
instant without an offset is refused, not read as UTC: a browser's local time sent without its offset
would otherwise move a filter by hours without anyone noticing.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone

from resolvers.rules.quoting import quoted

DATE_FORM = "YYYY-MM-DD"
INSTANT_FORM = "YYYY-MM-DDThh:mm:ss[.ffffff] followed by Z or an offset ±hh:mm"

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_INSTANT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?"
                      r"(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))?")


class DateFormatError(ValueError):
    """Text that is not a day or an instant in the one form the API takes."""


def parse_date(text: str) -> date:
    """"2026-10-01" -> date(2026, 10, 1); any other spelling (20261001, 2026-W40-4, " 2026-10-01") is refused."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise DateFormatError(f"{quoted(text)} is not a date in the form {DATE_FORM}.")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise DateFormatError(f"{quoted(text)} is not a date: {error}.") from None


def parse_instant(text: str) -> datetime:
    """"2026-10-01T08:30:00-05:00" -> 13:30 UTC; an instant without Z or an offset is refused."""
    match = _INSTANT.fullmatch(text)
    if match is None:
        raise DateFormatError(f"{quoted(text)} is not a date-time in the form {INSTANT_FORM}.")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = match.groups()
    if not zulu and not sign:
        raise DateFormatError(f"{quoted(text)} has no time zone: end it with Z (UTC) or an offset such as -05:00.")
    try:
        offset = UTC if zulu else _offset(sign, int(off_hours), int(off_minutes))
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                         int((fraction or "0").ljust(6, "0")), tzinfo=offset)
    except ValueError as error:
        raise DateFormatError(f"{quoted(text)} is not a date-time: {error}.") from None
    try:
        return local.astimezone(UTC)
    except OverflowError:
        raise DateFormatError(f"{quoted(text)} is outside the years 0001 to 9999 in UTC.") from None


def _offset(sign: str, hours: int, minutes: int) -> timezone:
    if hours > 23 or minutes > 59:
        raise ValueError("the offset must be within ±23:59")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if sign == "-" else delta)
