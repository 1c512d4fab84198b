"""Consumption: kWh quantities as integer thousandths, and monthly totals prorated from read periods.

Proration: a read period (both dates inclusive) that spans months is split by days. Each month
gets floor(Wh x days in that month / days in the period); the Wh the floors leave over go one
each to the months with the largest remainders, the earlier month first on a tie. So monthly
totals are whole Wh and always add up exactly to the periods' totals. Demand is a peak, not a
quantity: a month shows the highest demand of the periods that touch it. A month is ESTIMATED
when any period contributing to it was estimated.
"""

import enum
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from db.enums import ReadType

PLACES = 3  # kWh and kW to the thousandth: stored as integer Wh and W


class Granularity(enum.StrEnum):
    PERIOD = "PERIOD"
    MONTH = "MONTH"


class BadQuantity(ValueError):
    """Not a non-negative decimal with at most three decimals."""


def parse_thousandths(text: str) -> int:
    """'1234.5' -> 1234500: a non-negative decimal with at most 3 places, as thousandths."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadQuantity(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise BadQuantity(f"{text!r} is not a number")
    if value < 0:
        raise BadQuantity(f"{text!r} is negative")
    if value.as_tuple().exponent < -PLACES:  # type: ignore[operator]
        raise BadQuantity(f"{text!r} has more than {PLACES} decimals")
    return int(value.scaleb(PLACES))


def format_thousandths(value: int) -> Decimal:
    """1234500 -> Decimal('1234.500'): always three places, as the API shows quantities."""
    return Decimal(value).scaleb(-PLACES)


@dataclass(frozen=True, slots=True)
class Reading:
    """One read period's usage (both dates inclusive)."""

    start: date
    end: date
    wh: int
    demand_w: int | None = None
    read_type: ReadType = ReadType.ACTUAL


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: date  # the first day
    wh: int
    demand_w: int | None
    read_type: ReadType
    days: int  # days of the month covered by readings


def days_of(start: date, end: date) -> int:
    return (end - start).days + 1


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Whether two inclusive date ranges share a day."""
    return a_start <= b_end and b_start <= a_end


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def shift_months(first_of_month: date, months: int) -> date:
    """The first day of the month `months` after (or before) the given month's."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """First days of every month from `first`'s to `last`'s, in order."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = month_end(current) + timedelta(days=1)
    return months


def split_by_month(reading: Reading) -> list[tuple[date, int, int]]:
    """(month, days, Wh) shares of one reading, largest remainders rounding (see the module)."""
    total_days = days_of(reading.start, reading.end)
    parts = []
    for month in months_between(reading.start, reading.end):
        first, last = max(reading.start, month), min(reading.end, month_end(month))
        parts.append((month, days_of(first, last)))
    shares = [reading.wh * days // total_days for _, days in parts]
    left = reading.wh - sum(shares)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(reading.wh * parts[i][1] % total_days), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return [(month, days, wh) for (month, days), wh in zip(parts, shares, strict=False)]


def monthly_totals(readings: list[Reading], first: date, last: date) -> list[MonthTotal]:
    """One total per month from `first`'s month to `last`'s, months without readings included."""
    months = {m: MonthTotal(m, 0, None, ReadType.ACTUAL, 0) for m in months_between(first, last)}
    for reading in readings:
        for month, days, wh in split_by_month(reading):
            if month not in months:
                continue
            total = months[month]
            demand = total.demand_w if reading.demand_w is None else max(total.demand_w or 0, reading.demand_w)
            estimated = reading.read_type is ReadType.ESTIMATED
            months[month] = replace(total, wh=total.wh + wh, days=total.days + days, demand_w=demand,
                                    read_type=ReadType.ESTIMATED if estimated else total.read_type)
    return list(months.values())
