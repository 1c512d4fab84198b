"""GraphQL types of bulk note inserts: the job, its counts, and the per-account results."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import enums, models
from graph.accounts.enums import EnrollmentStatus
from graph.admin.enums import CommLogKind
from graph.admin.types import User
from graph.commlog.bulk_notes import loaders
from graph.core.enums import mirrors
from graph.core.relay import (
    After,
    Before,
    Connection,
    CursorShape,
    First,
    Last,
    Node,
    load_converted,
    node_or_none,
    page_request,
    to_connection,
    to_global_id,
)
from resolvers.commlog.bulk_notes.batches import ResultPage

if TYPE_CHECKING:
    from graph.accounts.types import UtilityAccount
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
RESULT_CURSOR = CursorShape("bulk-result", (int,))
DOWNLOAD_PATH = "/files/bulk-note-jobs/{id}.csv"


@mirrors(enums.BulkNoteOutcome)
@strawberry.enum(description="What a bulk note did for one listed account (in a dry run: what it would do).")
class BulkNoteOutcome(enum.Enum):
    _value_: str
    ADDED = strawberry.enum_value("ADDED", description="The note was added to the account's communication log.")
    SKIPPED_STATUS = strawberry.enum_value(
        "SKIPPED_STATUS",
        description="Found, but its status is not among `onlyStatuses`; no note.",
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND",
        description="No customer or utility account of this client has that number.",
    )
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE",
        description="The number was already listed on an earlier line; the note is added once.",
    )
    INVALID = strawberry.enum_value("INVALID", description="Not an account number at all; `detail` says why.")


@mirrors(enums.AccountNumberType)
@strawberry.enum(description="Which number a bulk note's list holds.")
class AccountNumberType(enum.Enum):
    _value_: str
    CUSTOMER_NUMBER = strawberry.enum_value(
        "CUSTOMER_NUMBER",
        description="Customer account numbers; the status checked is the customer's primary account's.",
    )
    LDC_ACCOUNT_NUMBER = strawberry.enum_value(
        "LDC_ACCOUNT_NUMBER",
        description="LDC (utility) account numbers or ESI IDs; the note also points at that utility account.",
    )


@strawberry.type(description="How many listed accounts had each outcome.")
class BulkNoteCounts:
    total: int = strawberry.field(description="Entries in the list, duplicates and invalid ones included.")
    added: int = strawberry.field(description="Accounts that got the note (in a dry run: would get it).")
    skipped_status: int = strawberry.field(description="Found, but not in one of `onlyStatuses`.")
    not_found: int = strawberry.field(description="Numbers this client has no account for.")
    duplicate: int = strawberry.field(description="Repeats of a number listed earlier.")
    invalid: int = strawberry.field(description="Entries that are not account numbers.")
    found_inactive: int = strawberry.field(description="Found accounts whose status is INACTIVE, added or not.")
    found_drop_accepted: int = strawberry.field(
        description="Found accounts whose status is DROP_ACCEPTED, added or not."
    )


@strawberry.type(description="The note a bulk note job adds, after the client's defaults and card-number masking.")
class BulkNoteText:
    kind: CommLogKind = strawberry.field(description="Kind of log entry.")
    category: str | None = strawberry.field(description="The client's category.")
    disposition: str | None = strawberry.field(description="Disposition code, if any.")
    critical: bool = strawberry.field(description="A critical note: shown as an alert on every account.")
    subject: str | None = strawberry.field(description="Short subject.")
    body: str = strawberry.field(description="The note. Card numbers are stored masked to their last four digits.")


@strawberry.type(description="What a bulk note did for one listed account.")
class BulkNoteResult:
    line: int = strawberry.field(
        description="Where the entry was: the line of the uploaded file, or its position in a typed list."
    )
    account_number: str = strawberry.field(description="The number as listed (whitespace and quotes removed).")
    outcome: BulkNoteOutcome = strawberry.field(description="What happened.")
    status: EnrollmentStatus | None = strawberry.field(
        description="The status checked: the utility account's, or for a customer number its primary account's."
    )
    detail: str | None = strawberry.field(description="Why, for INVALID, DUPLICATE, NOT_FOUND and some skips.")
    row: strawberry.Private[models.BulkNoteResult]

    @strawberry.field(description="The customer the number belongs to; null when not found.")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from graph.customers.types import Customer

        pk = self.row.customer_id
        return await node_or_none(Customer, info, pk)

    @strawberry.field(
        description="The utility account whose status was checked: the listed one, or the customer's primary account."
    )
    async def utility_account(self, info: strawberry.Info) -> UtilityAccountRef | None:
        from graph.accounts.types import UtilityAccount

        pk = self.row.utility_account_id
        return await node_or_none(UtilityAccount, info, pk)

    @classmethod
    def from_row(cls, row: models.BulkNoteResult) -> Self:
        return cls(
            line=row.line, account_number=row.account_number, outcome=BulkNoteOutcome(row.outcome.value),
            status=EnrollmentStatus(row.status.value) if row.status else None, detail=row.detail, row=row,
        )


COUNTERS = {
    "ADDED": "added", "SKIPPED_STATUS": "skipped_status", "NOT_FOUND": "not_found",
    "DUPLICATE": "duplicate", "INVALID": "invalid",
}


@strawberry.type(
    description="One bulk note insert (seed 000): the note, the list it went to, and what happened. "
    "Team leads and admins see their client's jobs; for agents `node` returns null."
)
class BulkNoteJob(Node):
    created_at: datetime = strawberry.field(description="When it ran (UTC).")
    dry_run: bool = strawberry.field(description="A dry run: results computed, no note written.")
    number_type: AccountNumberType = strawberry.field(description="Which numbers the list held.")
    only_statuses: list[EnrollmentStatus] | None = strawberry.field(
        description="Only accounts in these statuses got the note; null: every found account."
    )
    note: BulkNoteText = strawberry.field(description="The note added.")
    source: str = strawberry.field(description='Where the list came from: "upload: <filename>" or "typed list".')
    counts: BulkNoteCounts = strawberry.field(description="How many entries had each outcome.")
    download_url: str = strawberry.field(
        description="Path of the results as CSV (line, account_number, outcome, status, detail, customer_number); "
        "send the same bearer token."
    )
    row: strawberry.Private[models.BulkNoteJob]

    @strawberry.field(description="Who ran it.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.created_by)

    @strawberry.field(description="The per-account results in list order, optionally of one outcome.")
    async def results(
        self, info: strawberry.Info,
        outcome: Annotated[BulkNoteOutcome | None, strawberry.argument(description="Only this outcome.")] = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[BulkNoteResult]:
        request = page_request(first, after, last, before, RESULT_CURSOR)
        wanted = enums.BulkNoteOutcome(outcome.value) if outcome is not None else None
        page = await info.context.loaders.grouped(loaders.result_pages_by_job_id).load(
            (self.row.id, ResultPage(wanted, request))
        )
        total = getattr(self.row, COUNTERS[wanted.value]) if wanted is not None else self.row.total

        async def count() -> int:
            return total

        return to_connection(page, RESULT_CURSOR, BulkNoteResult.from_row, count)

    @classmethod
    def from_row(cls, row: models.BulkNoteJob) -> Self:
        note = row.note
        counts = BulkNoteCounts(
            total=row.total, added=row.added, skipped_status=row.skipped_status, not_found=row.not_found,
            duplicate=row.duplicate, invalid=row.invalid, found_inactive=row.found_inactive,
            found_drop_accepted=row.found_drop_accepted,
        )
        return cls(
            id=to_global_id("BulkNoteJob", row.id), created_at=row.created_at, dry_run=row.dry_run,
            number_type=AccountNumberType(row.number_type.value),
            only_statuses=[EnrollmentStatus(s) for s in row.only_statuses] if row.only_statuses else None,
            note=BulkNoteText(kind=CommLogKind(note["kind"]), category=note.get("category"),
                              disposition=note.get("disposition"), critical=bool(note.get("critical")),
                              subject=note.get("subject"), body=note.get("body") or ""),
            source=row.source, counts=counts, download_url=DOWNLOAD_PATH.format(id=row.id), row=row,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.bulk_note_jobs_by_id, ids, cls.from_row)
