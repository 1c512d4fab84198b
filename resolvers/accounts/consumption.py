"""Read consumption: the usage periods of many accounts in a date window, and monthly totals."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, select

from db.models import UsagePeriod
from resolvers.accounts.errors import AccountErrorCode
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.rules.consumption import MonthTotal, Reading, month_end, month_start, monthly_totals, shift_months
from resolvers.scope import tenant_scoped

DEFAULT_MONTHS = 24
MAX_WINDOW_DAYS = 3_660  # ten years: a window is read in one statement, so it stays bounded


@dataclass(frozen=True, slots=True)
class Window:
    """Inclusive days; hashable, so one loader batch serves every account asking for it."""

    first: date
    last: date


def window_of(first: date | None, last: date | None, today: date) -> Window:
    """The window asked for; by default the 24 whole months up to the end of this month."""
    last = last or month_end(today)
    first = first or shift_months(month_start(last), 1 - DEFAULT_MONTHS)
    if first > last or (last - first).days > MAX_WINDOW_DAYS:
        message = f"`from` must not be after `to`, and the window must be at most {MAX_WINDOW_DAYS} days."
        raise UserInputError(AccountErrorCode.CONSUMPTION_WINDOW_INVALID, message, ["from"])
    return Window(first, last)


def month_window(window: Window) -> Window:
    """Whole months: a monthly view totals every month the window touches."""
    return Window(month_start(window.first), month_end(window.last))


async def usage_in_window(scope: RequestScope, account_ids: Sequence[int], window: Window) -> list[list[Row]]:
    """Each account's periods that share a day with the window, oldest first (one statement; plain rows,
    as for the transaction history panel)."""
    stmt = tenant_scoped(select(*UsagePeriod.__table__.c), UsagePeriod, scope).where(
        UsagePeriod.utility_account_id.in_(account_ids),
        UsagePeriod.period_end >= window.first, UsagePeriod.period_start <= window.last,
    ).order_by(UsagePeriod.utility_account_id, UsagePeriod.period_start)
    grouped: dict[int, list[Row]] = {i: [] for i in account_ids}
    for period in await scope.db.execute(stmt):
        grouped[period.utility_account_id].append(period)
    return [grouped[i] for i in account_ids]


def months_of(periods: Sequence[Row], window: Window) -> list[MonthTotal]:
    readings = [Reading(p.period_start, p.period_end, p.wh, p.demand_w, p.read_type) for p in periods]
    return monthly_totals(readings, window.first, window.last)
