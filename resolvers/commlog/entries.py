"""Write the log: notes (checked against the notes policy), memos, and entries other domains log."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from db.enums import CommLogKind, NoteFindingMode
from db.models import CommLogEntry, CommLogMemo, Disposition, UtilityAccount
from resolvers import audit, events
from resolvers.admin.queries import client_settings
from resolvers.commlog.errors import CommlogErrorCode
from resolvers.context import RequestScope
from resolvers.customers.queries import get_customer
from resolvers.errors import NotFound, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.card_numbers import mask_card_numbers
from resolvers.rules.note_policy import Finding, FindingCode, NoteDraft, check_note
from resolvers.scope import tenant_scoped

MAX_NOTE_TEXT = 10_000  # a note's long text fields and a memo (Text columns): the limit the API states
# A card number is masked before anything is stored, so that finding never needs to block.
NON_BLOCKING = {FindingCode.CARD_NUMBER}


@dataclass(frozen=True, slots=True)
class NewNote:
    customer_id: int
    utility_account_id: int | None = None
    kind: CommLogKind = CommLogKind.NOTE
    category: str | None = None
    disposition: str | None = None
    subject: str | None = None
    body: str | None = None
    contact_name: str | None = None
    relationship: str | None = None
    is_account_holder: bool | None = None
    reason: str | None = None
    resolution: str | None = None
    additional_info: str | None = None
    follow_up: str | None = None
    follow_up_due: date | None = None
    critical: bool = False


class NotePolicyViolation(UserInputError):
    """The client blocks notes with findings; the findings travel with the error."""

    def __init__(self, findings: list[Finding]):
        codes = ", ".join(sorted({f.code.value for f in findings}))
        super().__init__(CommlogErrorCode.NOTE_POLICY_VIOLATION, f"The note breaks the notes policy: {codes}.")
        self.findings = findings


def draft_of(note: NewNote) -> NoteDraft:
    return NoteDraft(
        contact_name=note.contact_name, relationship=note.relationship, is_account_holder=note.is_account_holder,
        reason=note.reason, resolution=note.resolution, additional_info=note.additional_info,
        follow_up=note.follow_up, body=note.body,
    )


def masked(note: NewNote) -> NewNote:
    """The note with every card number in its text masked to the last four digits."""
    return _text_mapped(note, lambda text: mask_card_numbers(text).text if text else text)


async def check(scope: RequestScope, note: NewNote) -> list[Finding]:
    """The notes-policy findings for a draft; nothing is saved."""
    return check_note(draft_of(_trimmed(note)))


async def add_note(scope: RequestScope, note: NewNote) -> tuple[CommLogEntry, list[Finding]]:
    ensure_allowed(scope, Action.ADD_NOTE)
    note = _trimmed(note)
    await _check_target(scope, note.customer_id, note.utility_account_id)
    if not (note.body or note.reason or note.resolution):
        raise UserInputError(CommlogErrorCode.EMPTY_NOTE, "Write the note: a body, or a reason and a resolution.",
                             "body")
    await check_disposition(scope, note.disposition)
    findings = check_note(draft_of(note))
    if await _blocks(scope, findings):
        raise NotePolicyViolation(findings)
    entry = await append_entry(scope, **_entry_fields(masked(note)))
    await audit.record(
        scope, "commlog.add_note", "CommLogEntry", entry.id, {"critical": {"from": None, "to": note.critical}}
    )
    return entry, findings


async def append_entry(scope: RequestScope, *, customer_id: int, kind: CommLogKind, **values: Any) -> CommLogEntry:
    """Append one entry to a customer's log, authored by the viewer (other domains log through here)."""
    entry = CommLogEntry(client_id=scope.tenant_id, customer_id=customer_id, kind=kind,
                         author_id=scope.viewer.user_id, **values)
    scope.db.add(entry)
    await scope.db.flush()
    events.emit(scope, events.CommLogChanged(scope.tenant_id, customer_id, entry.id))
    return entry


async def add_memo(scope: RequestScope, entry_id: int, text: str) -> tuple[CommLogEntry, CommLogMemo]:
    ensure_allowed(scope, Action.ADD_NOTE)
    entry = get_or_not_found(await get_entry(scope, entry_id), "Communication log entry", "entry_id")
    if not (text or "").strip():
        raise UserInputError(CommlogErrorCode.EMPTY_MEMO, "Write the memo.", "text")
    memo = CommLogMemo(client_id=scope.tenant_id, entry_id=entry.id, author_id=scope.viewer.user_id,
                       text=mask_card_numbers(text.strip()).text)
    scope.db.add(memo)
    await scope.db.flush()
    events.emit(scope, events.CommLogChanged(scope.tenant_id, entry.customer_id, entry.id, memo.id))
    await audit.record(scope, "commlog.add_memo", "CommLogEntry", entry.id, {"memo": {"from": None, "to": memo.id}})
    return entry, memo


async def get_entry(scope: RequestScope, entry_id: int) -> CommLogEntry | None:
    stmt = tenant_scoped(select(CommLogEntry).where(CommLogEntry.id == entry_id), CommLogEntry, scope)
    return (await scope.db.execute(stmt)).scalar_one_or_none()


def _trimmed(note: NewNote) -> NewNote:
    """Blank text is no text: "  " counts as missing for the policy and is stored as null."""
    return _text_mapped(note, lambda text: (text or "").strip() or None)


def _text_mapped(note: NewNote, fix: Callable[[str | None], str | None]) -> NewNote:
    """The note with `fix` applied to each of its free-text fields."""
    return replace(note, subject=fix(note.subject), body=fix(note.body), contact_name=fix(note.contact_name),
                   relationship=fix(note.relationship), reason=fix(note.reason), resolution=fix(note.resolution),
                   additional_info=fix(note.additional_info), follow_up=fix(note.follow_up))


def _entry_fields(note: NewNote) -> dict:
    return asdict(note)


async def _check_target(scope: RequestScope, customer_id: int, account_id: int | None) -> None:
    get_or_not_found(await get_customer(scope, customer_id), "Customer", "customer_id")
    if account_id is None:
        return
    stmt = tenant_scoped(
        select(UtilityAccount.customer_id).where(UtilityAccount.id == account_id), UtilityAccount, scope
    )
    owner = (await scope.db.execute(stmt)).scalar_one_or_none()
    if owner is None:
        raise NotFound("Utility account", "utility_account_id")
    if owner != customer_id:
        raise UserInputError(CommlogErrorCode.ACCOUNT_NOT_OF_CUSTOMER, "That utility account is another customer's.",
                             "utility_account_id")


async def check_disposition(scope: RequestScope, code: str | None) -> None:
    """A disposition must be an active code from the client's list."""
    if code is None:
        return
    stmt = select(Disposition.id).where(Disposition.code == code, Disposition.active.is_(True))
    if (await scope.db.execute(tenant_scoped(stmt, Disposition, scope))).first() is None:
        raise UserInputError(CommlogErrorCode.UNKNOWN_DISPOSITION, f"Unknown disposition {code!r}.", "disposition")


async def _blocks(scope: RequestScope, findings: list[Finding]) -> bool:
    if not any(f.code not in NON_BLOCKING for f in findings):
        return False
    mode = (await client_settings(scope)).get("note_policy", NoteFindingMode.WARN)
    return mode == NoteFindingMode.BLOCK

