"""The communication log (append-only entries and memos), letters, documents, notifications, bulk notes."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntId, CreatedAt, IntPk, TenantScoped, UtcDateTime
from db.enums import (
    AccountNumberType,
    BulkNoteOutcome,
    CommLogKind,
    EnrollmentStatus,
    LetterKind,
    NotificationChannel,
    NotificationStatus,
)


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=20)


class Disposition(TenantScoped, Base):
    """A client's list of call dispositions (what the contact was about)."""

    __tablename__ = "dispositions"
    __table_args__ = (Index(None, "client_id", "code", unique=True),)

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class CommLogEntry(TenantScoped, Base):
    """One entry of a customer's log. Never updated or deleted: memos are appended instead."""

    __tablename__ = "comm_log_entries"
    __table_args__ = (
        Index(None, "customer_id", "id"),
        Index(None, "utility_account_id", "id"),
        Index(None, "customer_id", "critical", "id"),
        Index(None, "bulk_job_id"),
        Index(None, "customer_id", "created_at", "id"),  # the customer timeline
    )

    id: Mapped[IntPk]
    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customers.id"))
    utility_account_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    kind: Mapped[CommLogKind] = mapped_column(_enum(CommLogKind))
    category: Mapped[str | None] = mapped_column(String(60))
    disposition: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    relationship: Mapped[str | None] = mapped_column(String(100))
    is_account_holder: Mapped[bool | None]
    reason: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    additional_info: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    follow_up_due: Mapped[date | None]
    critical: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    document_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("documents.id"))
    bulk_job_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("bulk_note_jobs.id"))
    created_at: Mapped[CreatedAt]


class CommLogMemo(TenantScoped, Base):
    """A memo appended to an existing entry."""

    __tablename__ = "comm_log_memos"
    __table_args__ = (Index(None, "entry_id", "id"),)

    id: Mapped[IntPk]
    entry_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("comm_log_entries.id"))
    author_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]


class LetterTemplate(TenantScoped, Base):
    """A client's letter, rendered with customer and account data into a PDF."""

    __tablename__ = "letter_templates"
    __table_args__ = (Index(None, "client_id", "code", unique=True),)

    id: Mapped[IntPk]
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[LetterKind] = mapped_column(_enum(LetterKind))
    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class Document(TenantScoped, Base):
    """A generated file (a letter's PDF), kept as sent."""

    __tablename__ = "documents"
    __table_args__ = (Index(None, "customer_id", "id"),)

    id: Mapped[IntPk]
    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customers.id"))
    utility_account_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    template_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("letter_templates.id"))
    kind: Mapped[LetterKind] = mapped_column(_enum(LetterKind))
    title: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    # deferred: lists of documents must not drag every PDF along; downloads select it explicitly
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Notification(TenantScoped, Base):
    """One message to a customer (email or mail), delivered by the outbox."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(None, "customer_id", "id"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "comm_log_entry_id", "id"),
    )

    id: Mapped[IntPk]
    customer_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("customers.id"))
    document_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("documents.id"))
    # The log entry that records this message. The entry says "queued" and is never edited; this row's status
    # is what the CSR reads to know whether it arrived.
    comm_log_entry_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("comm_log_entries.id"))
    channel: Mapped[NotificationChannel] = mapped_column(_enum(NotificationChannel))
    recipient: Mapped[str] = mapped_column(String(400))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[NotificationStatus] = mapped_column(_enum(NotificationStatus))
    transport: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was re-sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BulkNoteJob(TenantScoped, Base):
    """One bulk note insert: the note, the filter, and the counts of each outcome."""

    __tablename__ = "bulk_note_jobs"
    __table_args__ = (Index(None, "client_id", "idempotency_key", unique=True), Index(None, "client_id", "id"))

    id: Mapped[IntPk]
    created_by: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    dry_run: Mapped[bool]
    number_type: Mapped[AccountNumberType] = mapped_column(_enum(AccountNumberType))
    only_statuses: Mapped[list[str] | None] = mapped_column(JSON)
    note: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200))
    total: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    skipped_status: Mapped[int] = mapped_column(Integer, default=0)
    not_found: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    found_inactive: Mapped[int] = mapped_column(Integer, default=0)
    found_drop_accepted: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[CreatedAt]


class BulkNoteResult(Base):
    """What happened to one listed account of a bulk note job."""

    __tablename__ = "bulk_note_results"
    __table_args__ = (Index(None, "job_id", "outcome", "id"), Index(None, "job_id", "id"))

    id: Mapped[IntPk]
    job_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("bulk_note_jobs.id"))
    line: Mapped[int] = mapped_column(Integer)
    account_number: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("customers.id"))
    utility_account_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("utility_accounts.id"))
    status: Mapped[EnrollmentStatus | None] = mapped_column(_enum(EnrollmentStatus))
    outcome: Mapped[BulkNoteOutcome] = mapped_column(_enum(BulkNoteOutcome))
    detail: Mapped[str | None] = mapped_column(String(200))
