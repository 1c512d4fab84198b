"""The set-based SQL of a bulk note: a few statements whether the list has ten numbers or 200,000.

The listed entries travel as JSON parameters, read back as rows by the database itself
(`json_each` on SQLite, `json_each_text` on PostgreSQL), so resolving them is a single
INSERT ... SELECT joined to the client's customers or utility accounts, and writing the notes
is another INSERT ... SELECT over the results. No row passes through the ORM.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    case,
    cast,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from db.enums import AccountNumberType, BulkNoteOutcome, CommLogKind, EnrollmentStatus
from db.models import BulkNoteJob, BulkNoteResult, CommLogEntry
from resolvers.context import RequestScope
from resolvers.customers.account_numbers import (
    NO_ACCOUNT_DETAIL,
    NOT_FOUND_DETAIL,
    json_rows,
    lookup,
)
from resolvers.scope import tenant_scoped

# Entries by line: the numbers to look up, and those whose outcome is already known
# (INVALID, DUPLICATE) as [number, outcome, detail]. Lines are unique within a list.
Pending = dict[int, str]
Known = dict[int, tuple[str, str, str]]
RESULT_COLUMNS = [
    "job_id",
    "line",
    "account_number",
    "customer_id",
    "utility_account_id",
    "status",
    "outcome",
    "detail",
]
COUNTED = {
    BulkNoteOutcome.ADDED: "added", BulkNoteOutcome.SKIPPED_STATUS: "skipped_status",
    BulkNoteOutcome.NOT_FOUND: "not_found", BulkNoteOutcome.DUPLICATE: "duplicate", BulkNoteOutcome.INVALID: "invalid",
}
FOUND = (BulkNoteOutcome.ADDED, BulkNoteOutcome.SKIPPED_STATUS)
NOTE_COLUMNS = ("category", "disposition", "subject", "body", "critical")


def _dialect(scope: RequestScope) -> str:
    return scope.db.get_bind().dialect.name


async def claim_job(scope: RequestScope, values: dict[str, Any]) -> int | None:
    """Insert the job row and return its id; None when the idempotency key is already taken.

    ON CONFLICT DO NOTHING makes a concurrent retry with the same key wait for the first
    request and then find its job, instead of failing on the unique index.
    """
    if values.get("idempotency_key") is None:
        stmt: Any = insert(BulkNoteJob)
    else:
        dialect_insert = postgresql.insert if _dialect(scope) == "postgresql" else sqlite.insert
        stmt = dialect_insert(BulkNoteJob).on_conflict_do_nothing(index_elements=["client_id", "idempotency_key"])
    return (await scope.db.execute(stmt.values(**values).returning(BulkNoteJob.id))).scalar_one_or_none()


async def job_with_key(scope: RequestScope, key: str) -> BulkNoteJob | None:
    stmt = tenant_scoped(select(BulkNoteJob).where(BulkNoteJob.idempotency_key == key), BulkNoteJob, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


async def resolve_entries(
    scope: RequestScope, job_id: int, pending: Pending, known: Known, number_type: AccountNumberType,
    only_statuses: Sequence[EnrollmentStatus] | None,
) -> None:
    """Write one result row per entry, in line order, resolved against the client's accounts: one statement."""
    entries = lookup(scope, pending, number_type)
    found = (entries.customer_id, entries.utility_account_id, entries.status)
    resolved = entries.select.add_columns(
        literal(job_id, Integer), entries.line.label("line"), entries.number, *found,
        _outcome(found[0], found[2], only_statuses), _detail(found[0], found[2], number_type, only_statuses),
    )
    given = json_rows(scope, known, "k", text=False)
    fields = [given.c.value.op("->>")(literal_column(str(i))) for i in range(3)]
    already = select(
        literal(job_id, Integer), cast(given.c.key, Integer), fields[0], null(), null(), null(), *fields[1:]
    )
    rows = union_all(resolved, already).order_by(literal_column("line"))
    await scope.db.execute(insert(BulkNoteResult).from_select(RESULT_COLUMNS, rows))


def _skipped(status: ColumnElement[Any], only: Sequence[EnrollmentStatus] | None) -> ColumnElement[bool] | None:
    return or_(status.is_(None), status.not_in(list(only))) if only else None


def _outcome(found_id: Any, status: Any, only: Sequence[EnrollmentStatus] | None) -> Any:
    whens: list[tuple[Any, Any]] = [(found_id.is_(None), literal(BulkNoteOutcome.NOT_FOUND.value))]
    skipped = _skipped(status, only)
    if skipped is not None:
        whens.append((skipped, literal(BulkNoteOutcome.SKIPPED_STATUS.value)))
    return case(*whens, else_=literal(BulkNoteOutcome.ADDED.value))


def _detail(found_id: Any, status: Any, number_type: AccountNumberType, only: Sequence[EnrollmentStatus] | None) -> Any:
    whens: list[tuple[Any, Any]] = [(found_id.is_(None), literal(NOT_FOUND_DETAIL[number_type]))]
    if only:
        whens.append((status.is_(None), literal(NO_ACCOUNT_DETAIL)))
    return case(*whens, else_=null())


async def outcome_counts(scope: RequestScope, job_id: int) -> dict[str, int]:
    """The job's counters from one GROUP BY over its results."""
    stmt = (select(BulkNoteResult.outcome, BulkNoteResult.status, func.count())
            .where(BulkNoteResult.job_id == job_id).group_by(BulkNoteResult.outcome, BulkNoteResult.status))
    counts = dict.fromkeys([*COUNTED.values(), "total", "found_inactive", "found_drop_accepted"], 0)
    for outcome, status, n in (await scope.db.execute(stmt)).all():
        counts[COUNTED[outcome]] += n
        counts["total"] += n
        if outcome in FOUND and status is EnrollmentStatus.INACTIVE:
            counts["found_inactive"] += n
        if outcome in FOUND and status is EnrollmentStatus.DROP_ACCEPTED:
            counts["found_drop_accepted"] += n
    return counts


async def write_notes(scope: RequestScope, job_id: int, note: dict[str, Any], number_type: AccountNumberType,
                      created_at: datetime) -> None:
    """One log entry per ADDED result, in one INSERT ... SELECT; LDC entries point at their account."""
    constants = {
        "client_id": literal(scope.tenant_id, Integer),
        **{name: literal(note[name], CommLogEntry.__table__.c[name].type) for name in NOTE_COLUMNS},
        "kind": literal(CommLogKind(note["kind"]), CommLogEntry.__table__.c.kind.type),
        "author_id": literal(scope.viewer.user_id, Integer),
        "bulk_job_id": literal(job_id, Integer),
        "created_at": literal(created_at, CommLogEntry.__table__.c.created_at.type),
    }
    columns: dict[str, Any] = {"customer_id": BulkNoteResult.customer_id, **constants}
    if number_type is AccountNumberType.LDC_ACCOUNT_NUMBER:
        columns["utility_account_id"] = BulkNoteResult.utility_account_id
    rows = (select(*columns.values())
            .where(BulkNoteResult.job_id == job_id, BulkNoteResult.outcome == BulkNoteOutcome.ADDED)
            .order_by(BulkNoteResult.id))
    await scope.db.execute(insert(CommLogEntry).from_select(list(columns), rows))


async def finish_job(scope: RequestScope, job_id: int, counts: dict[str, int]) -> BulkNoteJob:
    """Store the counters and return the job row (UPDATE ... RETURNING: one statement)."""
    stmt = update(BulkNoteJob).where(BulkNoteJob.id == job_id).values(**counts).returning(BulkNoteJob)
    return (await scope.db.execute(stmt)).scalar_one()
