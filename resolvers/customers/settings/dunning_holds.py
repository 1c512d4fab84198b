"""Bulk dunning holds (seed 000): one hold placed on many accounts listed in a CSV file or typed.

The list is read as bulk notes read theirs (resolvers.rules.account_lists, bulk_notes.staged) and
looked up in one SELECT (resolvers.customers.account_numbers). Writing is set-based too: one
UPDATE for every held customer, then one Core executemany each for the audit events and the SYSTEM
log entries; no row passes through the ORM. The caller's transaction makes it all or nothing; a dry
run only reads. Each log entry is an event of its customer's log, as bulk notes' are.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, cast, select, update

from db.base import utcnow
from db.enums import AccountNumberType, CommLogKind, EnrollmentStatus
from db.inserts import insert_rows
from db.models import AuditEvent, CommLogEntry, Customer
from resolvers import audit, events
from resolvers.commlog.bulk_notes.commands import AccountFile, staged
from resolvers.commlog.bulk_notes.errors import BulkNoteErrorCode
from resolvers.context import RequestScope
from resolvers.customers import account_numbers
from resolvers.customers.settings.commands import LOG_CATEGORY, checked_hold, hold_values, today
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.account_lists import Entry
from resolvers.rules.dunning import (
    DunningHoldOutcome,
    Hold,
    current_hold,
    placed_detail,
    placed_note,
    status_wanted,
)
from resolvers.scope import tenant_scoped

# The results come back in the payload itself (there is no job to page through), so lists are shorter
# than bulk notes allow. 10,000 accounts take about a second through the API on either engine.
MAX_ACCOUNTS = 10_000
AUDIT_ACTION = "customer.bulk_place_dunning_hold"


@dataclass(frozen=True, slots=True)
class BulkHoldRequest:
    until: date
    reason: str
    file: AccountFile | None = None
    accounts: str | None = None
    number_type: AccountNumberType = AccountNumberType.CUSTOMER_NUMBER
    only_statuses: tuple[EnrollmentStatus, ...] = ()  # empty: every found account
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class HoldResult:
    """What the bulk hold did (in a dry run: would do) for one listed entry."""

    line: int
    account_number: str
    outcome: DunningHoldOutcome
    customer_id: int | None = None
    status: EnrollmentStatus | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class BulkHoldDone:
    hold: Hold
    dry_run: bool
    results: list[HoldResult]

    def counts(self) -> Counter[DunningHoldOutcome]:
        return Counter(r.outcome for r in self.results)


@dataclass(frozen=True, slots=True)
class Found:
    """One looked-up entry: the customer it names (None: not found) and that customer's hold now."""

    number: str
    customer_id: int | None
    status: EnrollmentStatus | None
    held: Hold | None


@dataclass(frozen=True, slots=True)
class Change:
    customer_id: int
    held: Hold | None


async def bulk_place_dunning_hold(scope: RequestScope, request: BulkHoldRequest) -> BulkHoldDone:
    ensure_allowed(scope, Action.BULK_DUNNING_HOLD)
    day = today()
    hold = checked_hold(request.until, request.reason, day)
    pending, known = staged(_parse(request))
    found = await _looked_up(scope, pending, request.number_type, day)
    results, changes = _decided(found, known, hold, request)
    if changes and not request.dry_run:
        await _write(scope, hold, changes)
    return BulkHoldDone(hold, request.dry_run, results)


def _parse(request: BulkHoldRequest) -> tuple[Entry, ...]:
    """The listed entries; an unreadable list is a userError naming the line, and nothing is written."""
    if request.file is not None and request.accounts is not None:
        raise UserInputError(BulkNoteErrorCode.BOTH_FILE_AND_LIST,
                             "Give the accounts as a CSV file or as a typed list, not both.", "accounts")
    data = request.file.data if request.file is not None else None
    return account_numbers.read_entries(data, request.accounts, MAX_ACCOUNTS, "bulk hold")


async def _looked_up(scope: RequestScope, pending: dict[int, str], number_type: AccountNumberType,
                     day: date) -> dict[int, Found]:
    """Each pending entry by line with its customer and that customer's current hold: one SELECT."""
    if not pending:
        return {}
    entries = account_numbers.lookup(scope, pending, number_type,
                                     (Customer.dunning_hold_until, Customer.dunning_hold_reason))
    stmt = entries.select.add_columns(entries.line, entries.number, entries.customer_id, entries.status,
                                      *entries.customer_columns)
    rows = (await scope.db.execute(stmt)).all()
    return {line: Found(number, customer_id, status, current_hold(until, reason, day))
            for line, number, customer_id, status, until, reason in rows}


def _decided(found: dict[int, Found], known: dict[int, tuple[str, str, str]], hold: Hold,
             request: BulkHoldRequest) -> tuple[list[HoldResult], list[Change]]:
    """Every entry's outcome in line order, and the customers whose hold changes (each once)."""
    results: list[HoldResult] = []
    changes: list[Change] = []
    placed_at: dict[int, int] = {}  # customer id -> the line that holds it (two LDC numbers, one customer)
    for line in sorted(found.keys() | known.keys()):
        if line in known:
            number, outcome, detail = known[line]
            results.append(HoldResult(line, number, DunningHoldOutcome(outcome), detail=detail))
            continue
        entry = found[line]
        result = _outcome(line, entry, placed_at, hold, request)
        results.append(result)
        if result.outcome is DunningHoldOutcome.PLACED and result.customer_id is not None and entry.held != hold:
            changes.append(Change(result.customer_id, entry.held))
    return results, changes


def _outcome(line: int, entry: Found, placed_at: dict[int, int], hold: Hold, request: BulkHoldRequest) -> HoldResult:
    if entry.customer_id is None:
        return HoldResult(line, entry.number, DunningHoldOutcome.NOT_FOUND,
                          detail=account_numbers.NOT_FOUND_DETAIL[request.number_type])
    found = HoldResult(line, entry.number, DunningHoldOutcome.PLACED, entry.customer_id, entry.status)
    if not status_wanted(entry.status, request.only_statuses):
        detail = account_numbers.NO_ACCOUNT_DETAIL if entry.status is None else None
        return _with(found, DunningHoldOutcome.SKIPPED_STATUS, detail)
    if (first := placed_at.setdefault(entry.customer_id, line)) != line:
        return _with(found, DunningHoldOutcome.DUPLICATE, f"Same customer as line {first}; held once.")
    return _with(found, DunningHoldOutcome.PLACED, placed_detail(entry.held, hold))


def _with(result: HoldResult, outcome: DunningHoldOutcome, detail: str | None) -> HoldResult:
    return HoldResult(result.line, result.account_number, outcome, result.customer_id, result.status, detail)


async def _write(scope: RequestScope, hold: Hold, changes: Sequence[Change]) -> None:
    """One UPDATE for all the customers, one executemany each for their audit events and log entries."""
    ids = account_numbers.json_rows(scope, {i: c.customer_id for i, c in enumerate(changes)}, "ids", text=True)
    targets = update(Customer).where(Customer.id.in_(select(cast(ids.c.value, Integer)))).values(
        dunning_hold_until=hold.until, dunning_hold_reason=hold.reason)
    # tenant_scoped adds the client filter to an UPDATE just as to a SELECT
    await scope.db.execute(tenant_scoped(targets, Customer, scope), execution_options={"synchronize_session": False})
    now = utcnow()
    # Core inserts of the tables: the ORM's bulk insert spends longer per row than the database does
    await insert_rows(scope.db, AuditEvent.__table__, [_audit_row(scope, c, hold, now) for c in changes])
    await insert_rows(scope.db, CommLogEntry.__table__, [_log_row(scope, c, hold, now) for c in changes])
    # each customer's followers hear of its hold: one INSERT ... SELECT of the events at commit, of the entries just
    # written (these customers', this author's, of this category, at this very microsecond)
    events.emit_entries(scope, CommLogEntry.customer_id.in_(select(cast(ids.c.value, Integer))),
                        CommLogEntry.created_at == now, CommLogEntry.author_id == scope.viewer.user_id,
                        CommLogEntry.kind == CommLogKind.SYSTEM, CommLogEntry.category == LOG_CATEGORY)


def _audit_row(scope: RequestScope, change: Change, hold: Hold, now: datetime) -> dict[str, Any]:
    return {"client_id": scope.tenant_id, "actor_id": scope.viewer.user_id, "action": AUDIT_ACTION,
            "object_type": "Customer", "object_id": change.customer_id,
            "changes": audit.diff(hold_values(change.held), hold_values(hold)),
            "request_id": scope.request_id, "created_at": now}


def _log_row(scope: RequestScope, change: Change, hold: Hold, now: datetime) -> dict[str, Any]:
    subject, body = placed_note(change.held, hold)
    return {"client_id": scope.tenant_id, "customer_id": change.customer_id, "kind": CommLogKind.SYSTEM,
            "category": LOG_CATEGORY, "subject": subject, "body": body, "author_id": scope.viewer.user_id,
            "critical": False, "created_at": now}
