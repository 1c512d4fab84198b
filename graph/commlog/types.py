"""GraphQL types of the communication log: entries, memos, policy findings."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import models
from db.enums import CommLogKind as DbKind
from db.enums import SortDirection as DbSortDirection
from graph.admin.enums import CommLogKind
from graph.admin.types import User, viewer_preferences
from graph.commlog import loaders
from graph.commlog.enums import FindingCode
from graph.commlog.letters import loaders as letter_loaders
from graph.core.columns import FromRow, by_value, column, embedded
from graph.core.relay import (
    Connection,
    CursorShape,
    Node,
    from_global_id,
    load_converted,
    node_or_none,
    page_request,
    to_connection,
)
from resolvers.commlog.batches import LogFilter, LogPage
from resolvers.rules import note_policy
from resolvers.rules.preferences import CommLogDisplay

if TYPE_CHECKING:
    from graph.accounts.types import UtilityAccount
    from graph.commlog.letters.types import Document, Notification
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
DocumentRef = Annotated["Document", strawberry.lazy("graph.commlog.letters.types")]
NotificationRef = Annotated["Notification", strawberry.lazy("graph.commlog.letters.types")]
ENTRY_CURSOR = CursorShape("entry", (int,))


@strawberry.type(description="A memo appended to a communication-log entry (entries themselves are never edited).")
class CommLogMemo(Node):
    text: str = column(models.CommLogMemo.text, description="The memo.")
    created_at: datetime = column(models.CommLogMemo.created_at, description="When it was added (UTC).")
    row: strawberry.Private[models.CommLogMemo]

    @strawberry.field(description="Who added it.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.author_id)

    from_row = FromRow()

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.memos_by_id, ids, cls.from_row)


@strawberry.type(description="The notes-policy shape of a note (seed 003): contact, reason, resolution, follow-up.")
class StructuredNote:
    contact_name: str | None = column(models.CommLogEntry.contact_name, description="Who the CSR spoke with.")
    relationship: str | None = column(models.CommLogEntry.relationship,
                                      description="Their relationship to the account holder, if not the holder.")
    is_account_holder: bool | None = column(models.CommLogEntry.is_account_holder,
                                            description="The contact is the account holder.")
    reason: str | None = column(models.CommLogEntry.reason, description="Why they called or were contacted.")
    resolution: str | None = column(models.CommLogEntry.resolution,
                                    description="What was done, promised, changed (from-to), amounts, timeframes.")
    additional_info: str | None = column(models.CommLogEntry.additional_info,
                                         description="Anything else relevant to future contacts.")
    follow_up: str | None = column(models.CommLogEntry.follow_up, description="Callbacks, escalations or commitments.")
    follow_up_due: date | None = column(models.CommLogEntry.follow_up_due, description="When the follow-up is due.")


@strawberry.type(description="One entry of a communication log: a note, call, email, letter or system event.")
class CommLogEntry(Node):
    kind: CommLogKind = column(models.CommLogEntry.kind, convert=by_value(CommLogKind),
                               description="What kind of entry.")
    category: str | None = column(models.CommLogEntry.category, description="The client's category.")
    disposition: str | None = column(models.CommLogEntry.disposition,
                                     description="Disposition code from the client's list.")
    subject: str | None = column(models.CommLogEntry.subject, description="Short subject.")
    body: str | None = column(models.CommLogEntry.body,
                              description="Free text. Card numbers are stored masked to their last four digits.")
    note: StructuredNote = embedded(StructuredNote, description="The structured note fields.")
    critical: bool = column(models.CommLogEntry.critical,
                            description="Affects handling for the life of the account; shown as an alert.")
    created_at: datetime = column(models.CommLogEntry.created_at, description="When it was logged (UTC).")
    row: strawberry.Private[models.CommLogEntry]

    @strawberry.field(description="Who logged it; null for system events.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.author_id)

    @strawberry.field(description="The customer whose log this is.")
    async def customer(self, info: strawberry.Info) -> CustomerRef:
        from graph.customers.types import Customer

        return await Customer.load(info, self.row.customer_id)

    @strawberry.field(description="The utility account the entry is about, if any.")
    async def utility_account(self, info: strawberry.Info) -> UtilityAccountRef | None:
        from graph.accounts.types import UtilityAccount

        return await node_or_none(UtilityAccount, info, self.row.utility_account_id)

    @strawberry.field(description="The letter (PDF) this entry is about, if any.")
    async def document(self, info: strawberry.Info) -> DocumentRef | None:
        from graph.commlog.letters.types import Document

        pk = self.row.document_id
        return await node_or_none(Document, info, pk)

    @strawberry.field(description=(
        "The emails (or letters by post) this entry records, oldest first. The entry says what was done when it "
        "was written (an email queued) and is never edited; each notification's `status` is how delivery went: "
        "QUEUED, SENT (with `sentAt`) or FAILED (with `lastError`). Empty for entries that sent nothing."))
    async def notifications(self, info: strawberry.Info) -> list[NotificationRef]:
        from graph.commlog.letters.types import Notification

        rows = await info.context.loaders.of(letter_loaders.notifications_by_entry_id).load(self.row.id)
        return [Notification.from_row(r) for r in rows]

    @strawberry.field(description="Memos added to this entry, oldest first.")
    async def memos(self, info: strawberry.Info) -> list[CommLogMemo]:
        rows = await info.context.loaders.of(loaders.memos_by_entry_id).load(self.row.id)
        return [CommLogMemo.from_row(r) for r in rows]

    from_row = FromRow()

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.entries_by_id, ids, cls.from_row)


@strawberry.type(description="One notes-policy finding (seed 003), with the span of text it points at.")
class NoteFinding:
    code: FindingCode = strawberry.field(description="What is wrong.")
    message: str = strawberry.field(description="How to fix it.")
    field: str | None = strawberry.field(description="The note field at fault (input field name), if any.")
    start: int | None = strawberry.field(description="Start offset of the text at fault within that field.")
    end: int | None = strawberry.field(description="End offset (exclusive) of the text at fault.")

    @classmethod
    def from_rule(cls, finding: note_policy.Finding) -> Self:
        return cls(code=FindingCode(finding.code.value), message=finding.message, field=finding.field,
                   start=finding.start, end=finding.end)


@strawberry.input(description="Which entries of a communication log to show.")
class CommLogFilter:
    kinds: list[CommLogKind] | None = strawberry.field(
        default=None, description="Only these kinds; default: the viewer's preference."
    )
    category: str | None = strawberry.field(default=None, description="Only this category.")
    disposition: str | None = strawberry.field(default=None, description="Only this disposition code.")
    critical: bool | None = strawberry.field(
        default=None, description="Only critical (true) or only other (false) entries."
    )
    author_id: strawberry.ID | None = strawberry.field(default=None, description="Only entries by this user.")
    since: datetime | None = strawberry.field(default=None, description="Logged at or after this instant (with Z or an "
                                              "offset: see DateTime).")
    until: datetime | None = strawberry.field(
        default=None, description="Logged before this instant (with Z or an offset: see DateTime)."
    )
    text: str | None = strawberry.field(
        default=None, description="Text contained in subject, body or note fields (any case)."
    )


def to_log_filter(given: CommLogFilter | None, preferred: CommLogDisplay) -> LogFilter:
    """The filter as given; omitted kinds fall back to the viewer's display preference."""
    given = given or CommLogFilter()
    kinds = tuple(DbKind(k.value) for k in given.kinds) if given.kinds is not None else preferred.kinds
    return LogFilter(
        kinds=kinds if set(kinds) != set(DbKind) else None, category=given.category, disposition=given.disposition,
        critical=given.critical, author_id=_author_pk(given.author_id), since=given.since, until=given.until,
        text=given.text,
    )


def _author_pk(global_id: str | None) -> int | None:
    """The user's key; an ID that is not a user's matches no entry (0 is never a key)."""
    if global_id is None:
        return None
    decoded = from_global_id(global_id)
    return decoded[1] if decoded and decoded[0] == "User" else 0


async def log_connection(
    info: strawberry.Info, parent: str, parent_pk: int, log_filter: CommLogFilter | None, order: DbSortDirection | None,
    first: int | None, after: str | None, last: int | None, before: str | None,
) -> Connection[CommLogEntry]:
    """A customer's or utility account's log; page size and order default to the viewer's preferences."""
    display = (await viewer_preferences(info)).comm_log
    if first is None and last is None:
        first = display.page_size
    newest_first = (order or display.order) is DbSortDirection.NEWEST_FIRST
    criteria = to_log_filter(log_filter, display)
    request = page_request(first, after, last, before, ENTRY_CURSOR)
    page = await info.context.loaders.grouped(loaders.entry_pages_by_parent_id).load(
        (parent_pk, (parent, LogPage(criteria, request, newest_first)))
    )
    count = info.context.loaders.grouped(loaders.entry_counts_by_parent_id)
    return to_connection(page, ENTRY_CURSOR, CommLogEntry.from_row, lambda: count.load((parent_pk, (parent, criteria))))
