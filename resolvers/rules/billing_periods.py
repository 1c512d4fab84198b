"""Which periods a billing run may bill: each day of an account's usage at most once.

- A period runs start..end (both days included), at most MAX_PERIOD_DAYS long, inside the money window,
  and has ended before the invoice is issued (reads are billed by their read day; billing a period
  that is still running would leave its later reads unbillable).
- It must share a day with the account's service: from its first enrollment's start to, once service
  has ended (DROP_ACCEPTED, DROPPED, INACTIVE), its end date.
- It must share no day with a period an earlier invoice of the account bills. Overlaps are refused,
  not trimmed to the unbilled days: an invoice has one contiguous period, and a run that silently
  billed 11-01..11-14 when asked for 10-15..11-14 would surprise whoever asked. A REVERSED invoice
  (every charge reversed or credited) bills nothing any more, so its period may be billed again.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from resolvers.rules.consumption import overlaps
from resolvers.rules.money_dates import MoneyDateError, MoneyDateErrorCode, check_money_day

MAX_PERIOD_DAYS = 92  # three billing cycles: the longest three months in a row (July to September) have 92 days


class PeriodErrorCode(enum.StrEnum):
    INVALID_BILLING_PERIOD = "INVALID_BILLING_PERIOD"
    BILLING_PERIOD_TOO_LONG = "BILLING_PERIOD_TOO_LONG"
    BILLING_PERIOD_OUTSIDE_SERVICE = "BILLING_PERIOD_OUTSIDE_SERVICE"
    BILLING_PERIOD_OVERLAPS = "BILLING_PERIOD_OVERLAPS"


class PeriodError(ValueError):
    """Why a period may not be billed; `field` names the input field at fault."""

    def __init__(self, code: PeriodErrorCode | MoneyDateErrorCode, message: str, field: str):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def shares_a_day_with(self, other: "Period") -> bool:
        return overlaps(self.start, self.end, other.start, other.end)


@dataclass(frozen=True, slots=True)
class Service:
    """An account's service: from `first_day`, through `last_day` once it has ended (None: still served)."""

    first_day: date | None
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class Billed:
    """A period an earlier invoice bills; a REVERSED invoice no longer does."""

    number: str
    period: Period
    reversed: bool = False


def check_period(period: Period, today: date, issued_on: date | None = None) -> None:
    """Refuse a period that is backwards, too long, outside the money window, or not over by `issued_on`."""
    if period.end < period.start:
        raise PeriodError(PeriodErrorCode.INVALID_BILLING_PERIOD, "The period ends before it starts.", "period_end")
    _in_window(period.start, today, "The period's start", "period_start")
    _in_window(period.end, today, "The period's end", "period_end")
    days = (period.end - period.start).days + 1
    if days > MAX_PERIOD_DAYS:
        raise PeriodError(PeriodErrorCode.BILLING_PERIOD_TOO_LONG,
                          f"The period {period} has {days} days; a billing period has at most {MAX_PERIOD_DAYS} "
                          "(three billing cycles).", "period_end")
    if issued_on is None:
        return
    _in_window(issued_on, today, "The issue day", "issued_on")
    if period.end >= issued_on:
        raise PeriodError(PeriodErrorCode.INVALID_BILLING_PERIOD,
                          f"The period {period} has not ended by the issue day {issued_on.isoformat()}: bill a period "
                          "after its last day.", "period_end")


def check_service(period: Period, service: Service) -> None:
    """Refuse a period that shares no day with the account's service."""
    if service.first_day is None:
        raise PeriodError(PeriodErrorCode.BILLING_PERIOD_OUTSIDE_SERVICE, "The account has no service start date.",
                          "period_start")
    served = Period(service.first_day, service.last_day or date.max)
    if not period.shares_a_day_with(served):
        ends = f"to {service.last_day.isoformat()}" if service.last_day else "with no end yet"
        raise PeriodError(PeriodErrorCode.BILLING_PERIOD_OUTSIDE_SERVICE,
                          f"The period {period} is outside the account's service, from {service.first_day.isoformat()} "
                          f"{ends}.", "period_start")


def check_not_billed(period: Period, billed: Iterable[Billed]) -> None:
    """Refuse a period that shares a day with one an earlier, not reversed, invoice bills; name the earliest."""
    overlaps = sorted((b for b in billed if not b.reversed and b.period.shares_a_day_with(period)),
                      key=lambda b: (b.period.start, b.number))
    if overlaps:
        first = overlaps[0]
        more = f" (and {len(overlaps) - 1} more)" if len(overlaps) > 1 else ""
        raise PeriodError(PeriodErrorCode.BILLING_PERIOD_OVERLAPS,
                          f"Invoice {first.number} already bills {first.period}{more}, which overlaps {period}: "
                          "usage is billed once. Bill the days after it, or reverse it first.", "period_start")


def _in_window(day: date, today: date, what: str, field: str) -> None:
    try:
        check_money_day(day, today, what)
    except MoneyDateError as error:
        raise PeriodError(error.code, str(error), field) from None
