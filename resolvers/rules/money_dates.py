"""The days a money event may carry: a payment's receipt, an invoice's issue and billing period.

The window runs from seven years before today (how long financial records are kept) to one day after
today (UTC), the one day for clients whose local date is ahead of UTC. Outside it a day is a typo
(2062 for 2026), a placeholder (0001-01-01, 9999-12-31) or money not yet received, and is refused.
"""

import enum
from dataclasses import dataclass
from datetime import date, timedelta

YEARS_BACK = 7
DAYS_AHEAD = 1


@dataclass(frozen=True, slots=True)
class MoneyWindow:
    first: date
    last: date


class MoneyDateErrorCode(enum.StrEnum):
    MONEY_DATE_OUT_OF_RANGE = "MONEY_DATE_OUT_OF_RANGE"


class MoneyDateError(ValueError):
    """A money event's day outside the window."""

    code = MoneyDateErrorCode.MONEY_DATE_OUT_OF_RANGE


def money_window(today: date) -> MoneyWindow:
    """The first and last day a money event may carry when it is recorded on `today` (UTC)."""
    return MoneyWindow(_years_before(today, YEARS_BACK), today + timedelta(days=DAYS_AHEAD))


def check_money_day(day: date, today: date, what: str = "The day") -> None:
    """Refuse a day outside money_window(today); `what` names it in the message ("The receipt day")."""
    window = money_window(today)
    if day > window.last:
        raise MoneyDateError(
            f"{what} {day.isoformat()} is in the future; the latest accepted is {window.last.isoformat()}."
        )
    if day < window.first:
        raise MoneyDateError(f"{what} {day.isoformat()} is more than {YEARS_BACK} years ago; the earliest accepted is "
                             f"{window.first.isoformat()}.")


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier; February 29 falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
