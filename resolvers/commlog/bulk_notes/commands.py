"""Bulk note insert (seed 000): one note added to many accounts listed in a CSV file or typed.

The whole job is one transaction (the caller's): a failure part-way leaves no note behind.
Each note is an event of its customer's log, as any note is (one INSERT ... SELECT of them at commit): a
subscriber following one of the customers hears of its note, once.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from db.base import utcnow
from db.enums import AccountNumberType, CommLogKind, EnrollmentStatus
from db.models import BulkNoteJob, CommLogEntry
from resolvers import audit, events
from resolvers.admin.queries import client_settings
from resolvers.commlog.bulk_notes import resolve as bulk_resolve
from resolvers.commlog.bulk_notes.errors import BulkNoteErrorCode
from resolvers.commlog.entries import MAX_NOTE_TEXT, check_disposition
from resolvers.commlog.errors import CommlogErrorCode
from resolvers.context import RequestScope
from resolvers.customers import account_numbers
from resolvers.errors import Invalid, UserInputError, ensure_text
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules import account_lists
from resolvers.rules.account_lists import Entry
from resolvers.rules.card_numbers import mask_card_numbers
from resolvers.rules.text import displayable

MAX_ACCOUNTS = account_lists.DEFAULT_MAX_ENTRIES
DEFAULT_KIND = CommLogKind.NOTE
DEFAULT_CATEGORY = "Account"
# The note's text as the API states it (the same limits whatever path the note comes by: API, CLI, defaults).
NOTE_LIMITS = {"subject": CommLogEntry.subject.type.length, "category": CommLogEntry.category.type.length,
               "disposition": CommLogEntry.disposition.type.length, "body": MAX_NOTE_TEXT}
MAX_KEY_LENGTH = 100
MAX_NUMBER_LENGTH = account_lists.MAX_NUMBER_LENGTH
MAX_NUMBER_STORED = 100
MAX_SOURCE_LENGTH = 200

# progress(phase, done, total): phases "parse", "resolve", "insert" (the CLI draws them).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BulkNote:
    """The note as asked for; None takes the client's default."""

    kind: CommLogKind | None = None
    category: str | None = None
    disposition: str | None = None
    critical: bool | None = None
    subject: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class AccountFile:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class BulkNoteRequest:
    note: BulkNote
    file: AccountFile | None = None
    accounts: str | None = None
    number_type: AccountNumberType = AccountNumberType.CUSTOMER_NUMBER
    only_statuses: tuple[EnrollmentStatus, ...] = ()  # empty: every found account
    dry_run: bool = False
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class BulkNoteDone:
    job: BulkNoteJob
    replayed: bool  # an earlier request with the same idempotency key made this job


async def bulk_add_note(
    scope: RequestScope, request: BulkNoteRequest, progress: Progress | None = None
) -> BulkNoteDone:
    ensure_allowed(scope, Action.BULK_ADD_NOTE)
    _check_request(request)
    tick = progress or _silent
    entries = _parse(request, tick)
    note = await _complete_note(scope, request.note)
    now = utcnow()
    job_id = await bulk_resolve.claim_job(scope, _job_values(scope, request, note, now))
    if job_id is None:
        return BulkNoteDone(await _replayed_job(scope, request), replayed=True)
    tick("resolve", 0, len(entries))
    await bulk_resolve.resolve_entries(scope, job_id, *staged(entries), request.number_type, _filter(request))
    counts = await bulk_resolve.outcome_counts(scope, job_id)
    tick("resolve", len(entries), len(entries))
    if not request.dry_run:
        tick("insert", 0, counts["added"])
        await bulk_resolve.write_notes(scope, job_id, note, request.number_type, now)
        events.emit_entries(scope, CommLogEntry.bulk_job_id == job_id)
        await audit.record(
            scope, "commlog.bulk_add_note", "BulkNoteJob", job_id, {"added": {"from": None, "to": counts["added"]}}
        )
        tick("insert", counts["added"], counts["added"])
    return BulkNoteDone(await bulk_resolve.finish_job(scope, job_id, counts), replayed=False)


def _silent(phase: str, done: int, total: int) -> None:
    return None


def _check_request(request: BulkNoteRequest) -> None:
    if request.file is not None and request.accounts is not None:
        raise UserInputError(BulkNoteErrorCode.BOTH_FILE_AND_LIST,
                             "Give the accounts as a CSV file or as a typed list, not both.", "accounts")
    if request.file is None and not (request.accounts or "").strip():
        raise UserInputError(BulkNoteErrorCode.NO_ACCOUNTS, "Upload a CSV file or type the account numbers.",
                             "accounts")
    key = request.idempotency_key
    if key is not None and not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise Invalid(f"The idempotency key must be 1-{MAX_KEY_LENGTH} characters.", "idempotency_key")


def _parse(request: BulkNoteRequest, tick: Progress) -> tuple[Entry, ...]:
    """The listed entries; an unreadable list is a userError naming the line, and nothing is written."""
    tick("parse", 0, 0)
    data = request.file.data if request.file is not None else None
    entries = account_numbers.read_entries(data, request.accounts, MAX_ACCOUNTS, "bulk note")
    tick("parse", len(entries), len(entries))
    return entries


def staged(entries: Sequence[Entry]) -> tuple[bulk_resolve.Pending, bulk_resolve.Known]:
    """Entries by line: those to look up, and those already known to be INVALID or a DUPLICATE."""
    first_line: dict[str, int] = {}
    pending: bulk_resolve.Pending = {}
    known: bulk_resolve.Known = {}
    for entry in entries:
        number = entry.number
        # most numbers are plain ASCII letters and digits, valid at a glance: the rule's regex is for the rest
        plain = len(number) <= MAX_NUMBER_LENGTH and number.isascii() and number.isalnum()
        reason = None if plain else account_lists.invalid_reason(number)
        if reason is not None:
            known[entry.line] = (_storable(number), "INVALID", f"The number {reason}.")
        elif (first := first_line.setdefault(number, entry.line)) != entry.line:
            known[entry.line] = (number, "DUPLICATE", f"Already listed at line {first}.")
        else:
            pending[entry.line] = number
    return pending, known


def _storable(number: str) -> str:
    """An invalid entry as stored and shown: cut to the column, refused characters (NUL...) shown as U+FFFD."""
    return displayable(number[:MAX_NUMBER_STORED])


async def _complete_note(scope: RequestScope, given: BulkNote) -> dict[str, Any]:
    """The note to store: given fields, else the client's defaults; trimmed, checked, card numbers masked."""
    defaults = (await client_settings(scope)).get("bulk_note_defaults", {})
    note = {name: _trimmed(value) for name, value in asdict(given).items()}
    for name, value in note.items():
        if value is None:
            note[name] = _trimmed(defaults.get(name))
    note["kind"] = note["kind"] if note["kind"] in CommLogKind.__members__ else DEFAULT_KIND.value
    note["category"] = note["category"] or DEFAULT_CATEGORY
    note["critical"] = note["critical"] is True
    if not note["body"]:
        raise UserInputError(CommlogErrorCode.EMPTY_NOTE, "Write the note's body.", "body")
    for name, limit in NOTE_LIMITS.items():
        ensure_text(note[name], name, limit)
    await check_disposition(scope, note["disposition"])
    for name in ("subject", "body"):
        note[name] = mask_card_numbers(note[name]).text if note[name] else note[name]
    return note


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value.value if isinstance(value, CommLogKind) else value


def _filter(request: BulkNoteRequest) -> list[EnrollmentStatus] | None:
    """The wanted statuses once each, in the enum's order; None for no filter."""
    return [s for s in EnrollmentStatus if s in request.only_statuses] or None


def request_hash(request: BulkNoteRequest) -> str:
    """A digest of the normalized request, the listed accounts included: equal requests, equal hashes."""
    shape = {
        "note": {k: _trimmed(v) for k, v in asdict(request.note).items()},
        "number_type": request.number_type.value,
        "only_statuses": [s.value for s in _filter(request) or []],
        "dry_run": request.dry_run,
        "source": "file" if request.file is not None else "list",
    }
    digest = hashlib.sha256(json.dumps(shape, sort_keys=True).encode())
    digest.update(b"\0")
    digest.update(request.file.data if request.file is not None else (request.accounts or "").encode())
    return digest.hexdigest()


def _source(request: BulkNoteRequest) -> str:
    if request.file is None:
        return "typed list"
    # a label of the job, not the user's data: a long file name is shortened, control characters made visible
    return displayable(f"upload: {request.file.filename or 'file'}"[:MAX_SOURCE_LENGTH])


def _job_values(scope: RequestScope, request: BulkNoteRequest, note: dict[str, Any], now: datetime) -> dict[str, Any]:
    statuses = _filter(request)
    return {
        "client_id": scope.tenant_id, "created_by": scope.viewer.user_id, "idempotency_key": request.idempotency_key,
        "request_hash": request_hash(request), "dry_run": request.dry_run, "number_type": request.number_type,
        "only_statuses": [s.value for s in statuses] if statuses else None, "note": note,
        "source": _source(request), "created_at": now,
    }


async def _replayed_job(scope: RequestScope, request: BulkNoteRequest) -> BulkNoteJob:
    """The job an earlier request with this key made, if that request was the same one."""
    job = await bulk_resolve.job_with_key(scope, request.idempotency_key or "")
    if job is None or job.request_hash != request_hash(request):
        raise UserInputError(BulkNoteErrorCode.IDEMPOTENCY_KEY_REUSED,
                             "This idempotency key was used for a different bulk note.", "idempotency_key")
    return job
