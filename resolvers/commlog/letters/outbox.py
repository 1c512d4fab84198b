"""The email outbox: claim due EMAIL notifications, send each with its PDF, record SENT or retry with backoff.

Claiming is a short write transaction that moves a message's `next_attempt_at` a lease into
the future, so other workers skip it; the attachments are read after it and sending happens outside
any transaction (an SMTP conversation must not hold SQLite's write lock). Every write here goes
through db/writes.py like the mutations': on SQLite it queues with the worker's other writers and
holds the lock only for its own statements. Delivery is at least once: a worker that dies
between sending and recording leaves the claim to expire, and the message is sent again.
The outbox serves every client, so it is the one reader of notifications without a tenant.
"""

import asyncio
import enum
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import NotificationChannel, NotificationStatus
from db.models import Document, Notification
from db.writes import Writes
from resolvers.commlog.letters.rendering import attachment_name

log = logging.getLogger("csrgraph.outbox")

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)
LEASE = timedelta(minutes=10)  # far longer than one SMTP conversation (timeout below)
SMTP_TIMEOUT_SECONDS = 60.0
DEFAULT_SENDER = "CSR Portal <no-reply@csrgraph.example>"


class Transport(enum.StrEnum):
    """How a notification left: through SMTP, as an .eml file, or by post (printing is out of scope)."""

    SMTP = "SMTP"
    FILE = "FILE"
    MAIL = "MAIL"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One claimed message, detached from any session."""

    notification_id: int
    document_id: int | None
    recipient: str
    subject: str
    body: str
    attempts: int
    attachment: Attachment | None


class MailTransport(Protocol):
    name: Transport

    async def send(self, message: Outgoing) -> None: ...


def to_email(message: Outgoing, sender: str, now: datetime | None = None) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now or datetime.now(UTC))
    email["Message-ID"] = make_msgid(idstring=f"n{message.notification_id}", domain=_domain_of(sender))
    email.set_content(message.body)
    if message.attachment is not None:
        maintype, _, subtype = message.attachment.content_type.partition("/")
        email.add_attachment(message.attachment.content, maintype=maintype, subtype=subtype,
                             filename=message.attachment.filename)
    return email


def _domain_of(sender: str) -> str:
    return sender.rsplit("@", 1)[-1].strip(" >") or "csrgraph.example"


class SmtpTransport:
    """SMTP through aiosmtplib: smtp:// (STARTTLS when the server offers it) or smtps://, with optional login."""

    name = Transport.SMTP

    def __init__(self, url: str, *, sender: str = DEFAULT_SENDER, timeout: float = SMTP_TIMEOUT_SECONDS):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("the SMTP URL must start with smtp:// or smtps://")
        self.use_tls = parts.scheme == "smtps"
        self.hostname = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout

    async def send(self, message: Outgoing) -> None:
        await aiosmtplib.send(
            to_email(message, self.sender), hostname=self.hostname, port=self.port, username=self.username,
            password=self.password, use_tls=self.use_tls, start_tls=False if self.use_tls else None,
            timeout=self.timeout,
        )


class FileTransport:
    """Each message as an .eml file in a folder: local development and demos without a mail server."""

    name = Transport.FILE

    def __init__(self, directory: Path | str, *, sender: str = DEFAULT_SENDER):
        self.directory, self.sender = Path(directory), sender

    async def send(self, message: Outgoing) -> None:
        await asyncio.to_thread(self._write, message.notification_id, to_email(message, self.sender).as_bytes())

    def _write(self, notification_id: int, data: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"notification-{notification_id:08d}-{uuid.uuid4().hex[:8]}.eml"
        partial = path.with_suffix(".part")  # readers never see half a message
        partial.write_bytes(data)
        return partial.replace(path)


def make_transport(settings: Any) -> SmtpTransport | FileTransport:
    """SMTP when `settings.smtp_url` is set; otherwise .eml files in `settings.outbox_dir`."""
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url, sender=settings.mail_from)
    return FileTransport(settings.outbox_dir, sender=settings.mail_from)


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling each time, at most two hours."""
    return min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)


# ---- one pass ---------------------------------------------------------------------------------

async def deliver_due(writes: Writes, transport: MailTransport, *, now: datetime, batch: int = 50) -> int:
    """Send the EMAIL notifications due at `now` (at most `batch`); returns how many were sent."""
    sent = 0
    for message in await claim_due(writes, now=now, batch=batch):
        sent += await deliver(writes, transport, message, now=now)
    return sent


async def claim_due(writes: Writes, *, now: datetime, batch: int) -> list[Outgoing]:
    """Lease due messages to this worker: row locks skip what another worker is claiming (PostgreSQL),
    and the claim runs under SQLite's write lock, which serializes claims there. It first looks without
    the lock: every worker looks every few seconds, and most looks find nothing to send. The PDFs are
    read after the claim has committed (a document never changes once written)."""
    if not await _any_due(writes, now):
        return []
    async with writes.transaction() as session:
        rows = list((await session.execute(_due(now, batch))).scalars())
        for row in rows:
            row.next_attempt_at = now + LEASE
    async with _reading(writes) as session:
        files = await _attachments(session, [r.document_id for r in rows if r.document_id is not None])
    return [_outgoing(r, None if r.document_id is None else files.get(r.document_id)) for r in rows]


@asynccontextmanager
async def _reading(writes: Writes) -> AsyncIterator[AsyncSession]:
    async with writes.sessionmaker() as session:
        await session.connection(execution_options={"sqlite_begin": None})  # a plain read: no BEGIN, no lock
        yield session


async def _any_due(writes: Writes, now: datetime) -> bool:
    async with _reading(writes) as session:
        return (await session.execute(select(Notification.id).where(*_is_due(now)).limit(1))).first() is not None


def _is_due(now: datetime) -> tuple:
    due = or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)
    return Notification.status == NotificationStatus.QUEUED, Notification.channel == NotificationChannel.EMAIL, due


def _due(now: datetime, batch: int) -> Select[tuple[Notification]]:
    stmt = select(Notification).where(*_is_due(now))
    return stmt.order_by(Notification.id).limit(batch).with_for_update(skip_locked=True)


async def _attachments(session: AsyncSession, document_ids: Sequence[int]) -> dict[int, Attachment]:
    if not document_ids:
        return {}
    stmt = select(Document.id, Document.title, Document.content_type, Document.content).where(
        Document.id.in_(document_ids)
    )
    return {i: Attachment(attachment_name(t), c, data) for i, t, c, data in (await session.execute(stmt)).all()}


def _outgoing(row: Notification, attachment: Attachment | None) -> Outgoing:
    return Outgoing(notification_id=row.id, document_id=row.document_id, recipient=row.recipient,
                    subject=row.subject, body=row.body_text, attempts=row.attempts, attachment=attachment)


async def deliver(writes: Writes, transport: MailTransport, message: Outgoing, *, now: datetime) -> int:
    """Send one claimed message and record the outcome; 1 if it was sent."""
    try:
        await transport.send(message)
    except Exception as error:  # noqa: BLE001 - any transport failure is a failed attempt, retried later
        await _record_failure(writes, message, error, now)
        return 0
    await _record_sent(writes, message, transport.name, now)
    return 1


async def _record_sent(writes: Writes, message: Outgoing, transport: Transport, now: datetime) -> None:
    async with writes.transaction() as session:
        await session.execute(update(Notification).where(Notification.id == message.notification_id).values(
            status=NotificationStatus.SENT, transport=transport.value, sent_at=now, next_attempt_at=None,
            attempts=message.attempts + 1, last_error=None,
        ))
        if message.document_id is not None:
            await session.execute(update(Document).where(Document.id == message.document_id,
                                                         Document.sent_at.is_(None)).values(sent_at=now))
    log.info("outbox: notification %d sent via %s", message.notification_id, transport.value)


async def _record_failure(writes: Writes, message: Outgoing, error: Exception, now: datetime) -> None:
    attempts = message.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    async with writes.transaction() as session:
        await session.execute(update(Notification).where(Notification.id == message.notification_id).values(
            attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:1000],
            status=NotificationStatus.FAILED if final else NotificationStatus.QUEUED,
            next_attempt_at=None if final else now + backoff(attempts),
        ))
    # The error text may quote the address: the log gets the notification id and error type only.
    log.warning("outbox: notification %d attempt %d/%d failed (%s)%s", message.notification_id, attempts,
                MAX_ATTEMPTS, type(error).__name__, "; giving up" if final else "")


# ---- the background loop ----------------------------------------------------------------------

async def run_outbox(writes: Writes, transport: MailTransport, interval: float, stop: asyncio.Event) -> None:
    """Deliver due mail every `interval` seconds until `stop` is set; a failed pass is logged, never fatal."""
    while not stop.is_set():
        busy = False
        try:
            busy = await deliver_due(writes, transport, now=datetime.now(UTC)) > 0
        except Exception:
            log.exception("outbox: delivery pass failed; retrying in %.1f s", interval)
        if not busy:
            await _sleep(stop, interval)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
