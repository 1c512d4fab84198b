"""Demo market history of a utility account, consistent with its status: the 814s that got it there,
the status changes they caused, and 24 months of usage (with the 867 that brought it) when ACTIVE.

`db.demo` calls `add_account_history` once per generated account, with the account's row. Rows go
into the same chunked `Batch` as everything else; they are built from cached calendars and integer
arithmetic on the account id (no draws from the demo's random stream, so the other demo data stays
as it was), so a million customers still seed in minutes.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Protocol

from db.enums import EnrollmentStatus as S
from db.enums import MarketDirection, ReadType
from db.enums import MarketTransactionStatus as Status
from db.enums import MarketTransactionType as T
from db.models import EnrollmentStatusChange, MarketTransaction, UsagePeriod

USAGE_MONTHS = 24
# kWh of a month relative to the account's base: summer and winter peaks (index 0 is January)
SEASON = (1.15, 1.05, 0.9, 0.8, 0.85, 1.1, 1.35, 1.4, 1.15, 0.9, 0.85, 1.05)
DROP_REASONS = ("Customer request", "Moving out of the service area", "Price", "Switching to another supplier")


class Rows(Protocol):
    rows: dict[Any, list[dict[str, Any]]]

    def add(self, model: Any, row: dict[str, Any]) -> None: ...


class Keys(Protocol):
    def take(self, table: str) -> int: ...


def add_account_history(batch: Rows, ids: Keys, account: dict[str, Any], today: date) -> None:
    """The transactions and status changes behind the account's status; usage too when ACTIVE."""
    pk, status, end = account["id"], account["status"], account["end_date"]
    history = History(batch, ids, account["client_id"], pk, account["ldc_account_number"])
    enrolled_on = min(account["start_date"] - timedelta(days=10), _before(today, 1))
    if status is S.INACTIVE:  # an enrollment the utility rejected
        history.exchange(T.ENROLLMENT, enrolled_on, S.INACTIVE, S.PENDING, answer=Status.REJECTED, restored=S.INACTIVE)
        return
    answer = None if status is S.PENDING else Status.ACCEPTED
    history.exchange(T.ENROLLMENT, enrolled_on, S.INACTIVE, S.PENDING, answer=answer, accepted=S.ACTIVE)
    reason = DROP_REASONS[pk % len(DROP_REASONS)]
    if status is S.ACTIVE:
        base_kwh = 350 + pk * 2_654_435_761 % 1_250  # a spread of household sizes, fixed per account
        add_usage(batch, account["client_id"], pk, account["meter_number"], history.usage(today), base_kwh, today)
    elif status is S.PENDING_DROP:
        history.exchange(T.DROP, _before(today, 5), S.ACTIVE, S.PENDING_DROP, answer=None, reason=reason)
    elif status in (S.DROP_ACCEPTED, S.DROPPED):
        drop_day = min(_before(end or today, 20), _before(today, 3))
        if pk * 40_503 % 10 < 4:  # four in ten switched to another supplier
            history.received(T.DROP, drop_day, S.ACTIVE, S.DROP_ACCEPTED, end)
        else:
            history.exchange(T.DROP, drop_day, S.ACTIVE, S.PENDING_DROP, answer=Status.ACCEPTED,
                             accepted=S.DROP_ACCEPTED, reason=reason)
        if status is S.DROPPED:
            history.change(S.DROP_ACCEPTED, S.DROPPED, None, end or today, "End date reached")


class History:
    """One account's transactions and status changes, in time order."""

    def __init__(self, batch: Rows, ids: Keys, client_id: int, account_id: int, ldc: str):
        self.batch, self.ids, self.client_id, self.account_id, self.ldc = batch, ids, client_id, account_id, ldc

    def exchange(self, type_: T, day: date, before: S, requested: S, *, answer: Status | None,
                 accepted: S | None = None, restored: S | None = None, reason: str | None = None) -> None:
        """Our request (sent `day`), its status change, and the utility's answer a few days later if any."""
        sent = _at(day)
        request = self.transaction(type_, MarketDirection.OUTBOUND, answer or Status.SENT, sent, reason=reason,
                                   responded=sent + timedelta(days=3) if answer else None)
        self.change(before, requested, request, sent, f"{type_.value.title()} requested")
        if answer is None:
            return
        response = self.transaction(type_, MarketDirection.INBOUND, answer, sent + timedelta(days=3), related=request,
                                    reason="Invalid ESI ID" if answer is Status.REJECTED else None)
        after = accepted if answer is Status.ACCEPTED else restored
        self.change(
            requested, after, response, sent + timedelta(days=3), f"{type_.value.title()} {answer.value.lower()}"
        )

    def received(self, type_: T, day: date, before: S, after: S, effective: date | None) -> None:
        response = self.transaction(type_, MarketDirection.INBOUND, Status.RECEIVED, _at(day), effective=effective,
                                    reason="Switched to another supplier")
        self.change(before, after, response, _at(day), "Drop received from the utility")

    def usage(self, today: date) -> int:
        """The 867 that brought the usage history; returns its id."""
        return self.transaction(T.USAGE, MarketDirection.INBOUND, Status.RECEIVED, _at(today - timedelta(days=2)))

    def transaction(
        self,
        type_: T,
        direction: MarketDirection,
        status: Status,
        at: datetime,
        *,
        related: int | None = None,
        reason: str | None = None,
        responded: datetime | None = None,
        effective: date | None = None,
    ) -> int:
        pk = self.ids.take("market_transactions")
        code = {T.USAGE: "867"}.get(type_, "814")
        details = {"ldcAccountNumber": self.ldc, **({"respondsTo": f"814-D{related:011d}"} if related else {})}
        self.batch.add(MarketTransaction, {
            "id": pk, "client_id": self.client_id, "utility_account_id": self.account_id, "type": type_,
            "direction": direction, "status": status, "reference": f"{code}-D{pk:011d}", "related_id": related,
            "reason": reason, "details": details, "effective_date": effective, "created_by": None, "created_at": at,
            "sent_at": at if direction is MarketDirection.OUTBOUND else None, "responded_at": responded,
        })
        return pk

    def change(self, before: S, after: S | None, transaction: int | None, at: datetime | date, reason: str) -> None:
        self.batch.add(
            EnrollmentStatusChange,
            {
                "client_id": self.client_id,
                "utility_account_id": self.account_id,
                "from_status": before,
                "to_status": after,
                "changed_at": at if isinstance(at, datetime) else _at(at),
                "market_transaction_id": transaction,
                "reason": reason,
                "actor_id": None,
            },
        )


def add_usage(
    batch: Rows, client_id: int, account_id: int, meter: str, source: int, base_kwh: int, today: date
) -> None:
    """24 monthly read periods up to the last read before `today`, read on the account's own day."""
    demand = base_kwh * 9 if account_id % 4 == 0 else None  # one account in four has a demand meter
    estimated = 12 - account_id % 12  # every twelfth read is estimated
    rows = batch.rows.setdefault(UsagePeriod, [])  # extended in one go: this is most of the demo's rows
    rows.extend({
        "client_id": client_id, "utility_account_id": account_id, "period_start": start, "period_end": end,
        "wh": base_kwh * season + (account_id * 7_919 + k * 104_729) % 60_000, "demand_w": demand,
        "read_type": ReadType.ESTIMATED if k % 12 == estimated % 12 else ReadType.ACTUAL,
        "meter_number": meter, "source_transaction_id": source,
    } for k, (start, end, season) in enumerate(read_periods(1 + account_id % 28, today)))


@lru_cache(maxsize=64)
def read_periods(read_day: int, today: date) -> tuple[tuple[date, date, int], ...]:
    """The USAGE_MONTHS periods from one read day to the day before the next, the last ending before
    today, each with its month's seasonal Wh per kWh of base."""
    first = date(today.year, today.month, read_day)
    reads = [_months_before(first, n) for n in range(USAGE_MONTHS + 1, -1, -1)]
    reads = [d for d in reads if d < today][-(USAGE_MONTHS + 1):]
    return tuple(
        (a, b - timedelta(days=1), int(SEASON[a.month - 1] * 1_000)) for a, b in zip(reads, reads[1:], strict=False)
    )


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _before(day: date, days: int) -> date:
    return day - timedelta(days=days)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)
