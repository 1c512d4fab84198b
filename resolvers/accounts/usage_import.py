"""Import usage periods from a CSV file: all lines or none, checked against stored periods, set-based."""

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from db.base import utcnow
from db.inserts import insert_rows
from db.models import AuditEvent, UsagePeriod, UtilityAccount
from resolvers.accounts.errors import AccountErrorCode
from resolvers.accounts.usage_csv import UsageFileRejected, UsageLine, line_of, problem, read_usage_csv
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped

CHUNK = 1_000  # IN-list and executemany size: far below both engines' bind-parameter limits


@dataclass(frozen=True, slots=True)
class UsageImported:
    periods: int
    accounts: int


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def import_usage(scope: RequestScope, data: bytes) -> UsageImported:
    ensure_allowed(scope, Action.IMPORT_USAGE)
    lines = read_usage_csv(data)
    accounts = await _account_ids(scope, sorted({u.ldc for u in lines}))
    problems = [problem(AccountErrorCode.USAGE_UNKNOWN_ACCOUNT, u.line, f"no utility account {u.ldc!r}.")
                for u in lines if u.ldc not in accounts]
    problems += await _overlaps_with_stored(scope, [u for u in lines if u.ldc in accounts], accounts)
    if problems:
        raise UsageFileRejected(sorted(problems, key=line_of))
    await _insert(scope, lines, accounts)
    return UsageImported(len(lines), len(accounts))


async def _account_ids(scope: RequestScope, ldcs: list[str]) -> dict[str, int]:
    """LDC number -> account id, for the client's accounts only (another client's are unknown)."""
    found: dict[str, int] = {}
    for part in chunks(ldcs):
        stmt = select(UtilityAccount.ldc_account_number, UtilityAccount.id).where(
            UtilityAccount.ldc_account_number.in_(part)
        )
        found.update((await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).tuples().all())
    return found


async def _overlaps_with_stored(
    scope: RequestScope, lines: list[UsageLine], accounts: dict[str, int]
) -> list[UserInputError]:
    """Lines sharing a day with a period already stored for their account."""
    if not lines:
        return []
    stored = await _stored_periods(scope, sorted({accounts[u.ldc] for u in lines}), min(u.start for u in lines),
                                   max(u.end for u in lines))
    found = []
    for line in lines:
        periods = stored.get(accounts[line.ldc], [])
        # the stored period starting last on or before the line's end is the only one that can overlap
        # (stored periods never overlap each other, so they are ordered by end as well as by start)
        at = bisect_right(periods, (line.end, date.max)) - 1
        if at >= 0 and periods[at][1] >= line.start:
            start, end = periods[at]
            found.append(problem(AccountErrorCode.USAGE_OVERLAP, line.line,
                                 f"{line.ldc} {line.start}..{line.end} overlaps the stored period {start}..{end}."))
    return found


async def _stored_periods(
    scope: RequestScope, account_ids: list[int], first: date, last: date
) -> dict[int, list[tuple]]:
    stored: dict[int, list[tuple]] = defaultdict(list)
    for part in chunks(account_ids):
        stmt = tenant_scoped(select(UsagePeriod.utility_account_id, UsagePeriod.period_start, UsagePeriod.period_end),
                             UsagePeriod, scope).where(
            UsagePeriod.utility_account_id.in_(part), UsagePeriod.period_end >= first, UsagePeriod.period_start <= last,
        ).order_by(UsagePeriod.utility_account_id, UsagePeriod.period_start)
        for account_id, start, end in (await scope.db.execute(stmt)).tuples():
            stored[account_id].append((start, end))
    return stored


async def _insert(scope: RequestScope, lines: list[UsageLine], accounts: dict[str, int]) -> None:
    """Core insert executemany, and one audit event per account touched."""
    rows = [{"client_id": scope.tenant_id, "utility_account_id": accounts[u.ldc], "period_start": u.start,
             "period_end": u.end, "wh": u.wh, "demand_w": u.demand_w, "read_type": u.read_type,
             "meter_number": u.meter_number, "source_transaction_id": None} for u in lines]
    for part in chunks(rows):
        await insert_rows(scope.db, UsagePeriod, part)
    per_account = Counter(accounts[u.ldc] for u in lines)
    now = utcnow()
    events = [{"client_id": scope.tenant_id, "actor_id": scope.viewer.user_id, "action": "usage.import",
               "object_type": "UtilityAccount", "object_id": account_id,
               "changes": {"usagePeriods": {"from": None, "to": count}}, "request_id": scope.request_id,
               "created_at": now} for account_id, count in per_account.items()]
    for part in chunks(events):
        await insert_rows(scope.db, AuditEvent, part)
