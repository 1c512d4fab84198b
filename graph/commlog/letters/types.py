"""GraphQL types of letters: templates, documents (the PDFs) and notifications (their deliveries)."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from db import enums, models
from graph.admin.types import User
from graph.commlog.letters import loaders
from graph.commlog.letters.files import download_url
from graph.core.enums import mirrors
from graph.core.relay import (
    Connection,
    CursorShape,
    Node,
    load_converted,
    node_or_none,
    page_request,
    to_connection,
    to_global_id,
)
from resolvers.commlog.letters.outbox import Transport

if TYPE_CHECKING:
    from graph.accounts.types import UtilityAccount
    from graph.commlog.types import CommLogEntry
    from graph.customers.types import Customer

CommLogEntryRef = Annotated["CommLogEntry", strawberry.lazy("graph.commlog.types")]
CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]
UtilityAccountRef = Annotated["UtilityAccount", strawberry.lazy("graph.accounts.types")]
DOCUMENT_CURSOR = CursorShape("document", (int,))
NOTIFICATION_CURSOR = CursorShape("notification", (int,))


@mirrors(enums.LetterKind)
@strawberry.enum(description="What a letter is for.")
class LetterKind(enum.Enum):
    _value_: str
    WELCOME_KIT = strawberry.enum_value(
        "WELCOME_KIT",
        description="Sent when an enrollment starts: the plan, the terms, whom to call.",
    )
    CONTRACT = strawberry.enum_value("CONTRACT", description="The customer's contract: plan, price, term and dates.")
    RENEWAL_LETTER = strawberry.enum_value(
        "RENEWAL_LETTER",
        description="Sent before the contract ends: the renewal offer and the deadline.",
    )
    RATE_CHANGE = strawberry.enum_value("RATE_CHANGE", description="Notice of a new price on a variable plan.")
    GENERAL = strawberry.enum_value("GENERAL", description="Any other letter.")


@mirrors(enums.NotificationChannel)
@strawberry.enum(description="How a notification reaches the customer.")
class NotificationChannel(enum.Enum):
    _value_: str
    EMAIL = strawberry.enum_value(
        "EMAIL",
        description="Email with the document attached as a PDF, delivered by the outbox.",
    )
    MAIL = strawberry.enum_value(
        "MAIL",
        description="Post to the billing address. Printing and posting happen outside this system; the notification "
                    "is recorded SENT when it is created.",
    )


@mirrors(enums.NotificationStatus)
@strawberry.enum(description="Where a notification stands.")
class NotificationStatus(enum.Enum):
    _value_: str
    QUEUED = strawberry.enum_value(
        "QUEUED",
        description="Waiting for the outbox (or for its next retry after a failed attempt).",
    )
    SENT = strawberry.enum_value(
        "SENT",
        description="Handed to the mail server, written as a file, or recorded as mailed.",
    )
    FAILED = strawberry.enum_value(
        "FAILED",
        description="Every delivery attempt failed; see lastError. Resend to try again.",
    )


@mirrors(Transport)
@strawberry.enum(description="What carried a notification.")
class NotificationTransport(enum.Enum):
    _value_: str
    SMTP = strawberry.enum_value("SMTP", description="A mail server (SMTP).")
    FILE = strawberry.enum_value(
        "FILE",
        description="An .eml file in the server's outbox folder (no mail server set up).",
    )
    MAIL = strawberry.enum_value("MAIL", description="The postal service (printed outside this system).")


@strawberry.type(description=(
    "A client's letter template. `subject` and the HTML body are Jinja2 templates (sandboxed, HTML autoescaped, "
    "undefined names are errors) laid out below the client's letterhead, the date and the customer's address. "
    "They can use `customer` (name, number, email, phone, billing_address, billing_lines), `account` (ldc_number, "
    "utility, market, status, service_address, plan_name, plan_code, rate, monthly_fee, term_months, start_date, "
    "end_date; absent when the customer has no utility account), `client.name` and `today`."
))
class LetterTemplate(Node):
    code: str = strawberry.field(description="Code to pass as `templateCode`, unique within the client.")
    kind: LetterKind = strawberry.field(description="What the letter is for.")
    name: str = strawberry.field(description="Display name.")
    subject: str = strawberry.field(description="Subject template: the document's title and the email's subject.")
    active: bool = strawberry.field(description="Retired templates cannot be sent.")

    @classmethod
    def from_row(cls, row: models.LetterTemplate) -> Self:
        return cls(id=to_global_id("LetterTemplate", row.id), code=row.code, kind=LetterKind(row.kind.value),
                   name=row.name, subject=row.subject, active=row.active)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.templates_by_id, ids, cls.from_row)


@strawberry.type(description="A generated letter (PDF), kept exactly as it was sent; resends send the same file.")
class Document(Node):
    kind: LetterKind = strawberry.field(description="What the letter is for.")
    title: str = strawberry.field(description="Title: the rendered subject of its template.")
    content_type: str = strawberry.field(description="MIME type of the file, e.g. application/pdf.")
    size_bytes: int = strawberry.field(description="Size of the file in bytes.")
    generated_at: datetime = strawberry.field(description="When it was generated (UTC).")
    sent_at: datetime | None = strawberry.field(
        description="When it first reached the customer's mail server or was recorded as mailed (UTC); null until then."
    )
    download_url: str = strawberry.field(description="Path of the file: GET it with the same bearer token.")
    row: strawberry.Private[models.Document]

    @strawberry.field(description="The template it was rendered from.")
    async def template(self, info: strawberry.Info) -> LetterTemplate | None:
        pk = self.row.template_id
        return await node_or_none(LetterTemplate, info, pk)

    @strawberry.field(description="Every delivery of this document, oldest first: the first send, then each resend.")
    async def notifications(self, info: strawberry.Info) -> list["Notification"]:
        rows = await info.context.loaders.of(loaders.notifications_by_document_id).load(self.row.id)
        return [Notification.from_row(r) for r in rows]

    @strawberry.field(description="The customer it was written to.")
    async def customer(self, info: strawberry.Info) -> CustomerRef:
        from graph.customers.types import Customer

        return await Customer.load(info, self.row.customer_id)

    @strawberry.field(description="The utility account whose data it shows, if any.")
    async def utility_account(self, info: strawberry.Info) -> UtilityAccountRef | None:
        from graph.accounts.types import UtilityAccount

        pk = self.row.utility_account_id
        return await node_or_none(UtilityAccount, info, pk)

    @classmethod
    def from_row(cls, row: models.Document) -> Self:
        return cls(
            id=to_global_id("Document", row.id), kind=LetterKind(row.kind.value), title=row.title,
            content_type=row.content_type, size_bytes=row.size_bytes, generated_at=row.generated_at,
            sent_at=row.sent_at, download_url=download_url(row.id), row=row,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.documents_by_id, ids, cls.from_row)


@strawberry.type(description="One message to a customer (an email or a letter by post) and how its delivery went.")
class Notification(Node):
    channel: NotificationChannel = strawberry.field(description="Email or mail.")
    recipient: str = strawberry.field(description="The email address, or the postal address on one line.")
    subject: str = strawberry.field(description="Subject line.")
    status: NotificationStatus = strawberry.field(description="Queued, sent or failed.")
    transport: NotificationTransport | None = strawberry.field(
        description="What carried it; null while queued or failed."
    )
    attempts: int = strawberry.field(description="Delivery attempts made by the outbox so far.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed, if it did.")
    reason: str | None = strawberry.field(description="Why it was sent again; null for a first send.")
    created_at: datetime = strawberry.field(description="When it was requested (UTC).")
    sent_at: datetime | None = strawberry.field(description="When it was delivered (UTC); null until then.")
    next_attempt_at: datetime | None = strawberry.field(description="When the outbox tries next, while queued (UTC).")
    row: strawberry.Private[models.Notification]

    @strawberry.field(description="The document it carries, if any.")
    async def document(self, info: strawberry.Info) -> Document | None:
        pk = self.row.document_id
        return await node_or_none(Document, info, pk)

    @strawberry.field(description="Who sent it.")
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await node_or_none(User, info, self.row.created_by)

    @strawberry.field(description="The communication-log entry that records it (written when it was queued).")
    async def log_entry(self, info: strawberry.Info) -> CommLogEntryRef | None:
        from graph.commlog.types import CommLogEntry

        return await node_or_none(CommLogEntry, info, self.row.comm_log_entry_id)

    @strawberry.field(description="The customer it was sent to.")
    async def customer(self, info: strawberry.Info) -> CustomerRef:
        from graph.customers.types import Customer

        return await Customer.load(info, self.row.customer_id)

    @classmethod
    def from_row(cls, row: models.Notification) -> Self:
        return cls(
            id=to_global_id("Notification", row.id), channel=NotificationChannel(row.channel.value),
            recipient=row.recipient, subject=row.subject, status=NotificationStatus(row.status.value),
            transport=_transport(row.transport), attempts=row.attempts, last_error=row.last_error, reason=row.reason,
            created_at=row.created_at, sent_at=row.sent_at, next_attempt_at=row.next_attempt_at, row=row,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.notifications_by_id, ids, cls.from_row)


def _transport(value: str | None) -> NotificationTransport | None:
    known = {t.value for t in Transport}
    return NotificationTransport(value) if value in known else None


async def documents_connection(
    info: strawberry.Info, customer_pk: int, first: int | None, after: str | None, last: int | None, before: str | None,
) -> Connection[Document]:
    """A customer's documents, newest first."""
    request = page_request(first, after, last, before, DOCUMENT_CURSOR)
    page = await info.context.loaders.grouped(loaders.document_pages_by_customer_id).load((customer_pk, request))
    count = info.context.loaders.of(loaders.document_counts_by_customer_id)
    return to_connection(page, DOCUMENT_CURSOR, Document.from_row, lambda: count.load(customer_pk))


async def notifications_connection(
    info: strawberry.Info, customer_pk: int, first: int | None, after: str | None, last: int | None, before: str | None,
) -> Connection[Notification]:
    """A customer's notifications, newest first."""
    request = page_request(first, after, last, before, NOTIFICATION_CURSOR)
    page = await info.context.loaders.grouped(loaders.notification_pages_by_customer_id).load((customer_pk, request))
    count = info.context.loaders.of(loaders.notification_counts_by_customer_id)
    return to_connection(page, NOTIFICATION_CURSOR, Notification.from_row, lambda: count.load(customer_pk))
