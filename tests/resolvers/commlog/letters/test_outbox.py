"""The email outbox: real SMTP (aiosmtpd on 127.0.0.1), .eml files, backoff, claims, the background loop."""

import asyncio
import email
import email.policy
import logging
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import insert, select

from db.demo_letters import letter_template_rows
from db.enums import NotificationChannel, NotificationStatus
from db.models import Document, LetterTemplate, Notification
from db.writes import Writes
from graph.app import create_app
from graph.settings import Settings
from resolvers.commlog.letters import commands as letters
from resolvers.commlog.letters import outbox
from resolvers.commlog.letters.outbox import (
    FileTransport,
    SmtpTransport,
    Transport,
    claim_due,
    deliver_due,
    run_outbox,
)
from resolvers.context import RequestScope, Viewer
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.lifespan import lifespan

FAR_FUTURE = datetime(2999, 1, 1, tzinfo=UTC)


# ---- helpers shared with the API tests -------------------------------------------------------

@dataclass
class SmtpSink:
    """What a local aiosmtpd server received; `reject_recipients` makes it refuse every RCPT."""

    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    reject_recipients: bool = False

    def message(self, index: int = -1) -> email.message.EmailMessage:
        return email.message_from_bytes(self.received[index][2], policy=email.policy.default)


class SinkHandler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink.reject_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sink.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.sink.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret@pw")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port, for the duration of one test."""
    sink = SmtpSink(port=free_port())
    handler = SinkHandler(sink)
    controller = Controller(handler, hostname="127.0.0.1", port=sink.port, authenticator=handler.authenticate,
                            auth_require_tls=False)
    controller.start()
    yield sink
    controller.stop()


class NullTransport:
    name = Transport.FILE

    async def send(self, message) -> None:
        pass


class RecordingTransport:
    """Counts every send; a little slow, so concurrent workers would overlap if claims let them."""

    name = Transport.SMTP

    def __init__(self):
        self.sent: list[int] = []

    async def send(self, message) -> None:
        await asyncio.sleep(0.01)
        self.sent.append(message.notification_id)


async def drain(writes: Writes) -> None:
    """The outbox is one queue for every client: empty it so a test sees only its own messages."""
    while await deliver_due(writes, NullTransport(), now=FAR_FUTURE, batch=500):
        pass


def scope_of(user) -> RequestScope:
    return RequestScope(Viewer(user.id, user.client_id, user.role, user.email), request_id="test")


async def add_templates(session, client_id: int) -> None:
    await session.execute(insert(LetterTemplate), letter_template_rows(client_id))
    await session.flush()


async def queue_letter(writes: Writes, user, customer_id: int, *, code: str = "WELCOME_KIT",
                       channel: NotificationChannel = NotificationChannel.EMAIL) -> letters.Delivery:
    async with writes.sessionmaker() as session:
        request = letters.LetterRequest(customer_id, channel, template_code=code)
        letter = await letters.prepare_letter(scope_of(user).with_session(session), request)
    async with writes.transaction() as session:
        return await letters.send_letter(scope_of(user).with_session(session), letter)


async def notification(database, pk: int) -> Notification:
    async with database.sessionmaker() as session:
        return await session.get(Notification, pk)


async def document_sent_at(database, pk: int) -> datetime | None:
    async with database.sessionmaker() as session:
        return (await session.execute(select(Document.sent_at).where(Document.id == pk))).scalar_one()


# ---- fixtures ----------------------------------------------------------------------------------

@pytest.fixture
async def writer(database):
    writes = Writes(database.engine)
    await drain(writes)
    return writes


@pytest.fixture
async def customer(session, tenant):
    await add_templates(session, tenant.client.id)
    row = await make_customer(session, tenant, "Robin Outbox", email="robin@mail.example")
    await make_account(session, row)
    await session.commit()
    return row


# ---- tests -------------------------------------------------------------------------------------

class TestSmtp:
    async def test_delivers_the_pdf_to_the_customer_and_records_it(
        self, database, writer, tenant, customer, smtp_server
    ):
        # given a queued letter
        queued = await queue_letter(writer, tenant.agent, customer.id)
        now = datetime.now(UTC)
        # when the outbox runs against a real SMTP server
        transport = SmtpTransport(f"smtp://127.0.0.1:{smtp_server.port}", sender="Lumen <letters@lumen.example>")
        sent = await deliver_due(writer, transport, now=now)
        # then the message arrived with the PDF attached
        assert sent == 1
        assert len(smtp_server.received) == 1
        mail_from, recipients, _ = smtp_server.received[0]
        assert (mail_from, recipients) == ("letters@lumen.example", ["robin@mail.example"])
        message = smtp_server.message()
        assert message["Subject"] == queued.document.title
        assert message["To"] == "robin@mail.example"
        assert "Robin Outbox" in message.get_body(("plain",)).get_content()
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"{queued.document.title}.pdf"
        assert attachment.get_content().startswith(b"%PDF")
        # and the notification and document record it
        row = await notification(database, queued.notification.id)
        assert (row.status, row.transport, row.attempts, row.sent_at) == (NotificationStatus.SENT, "SMTP", 1, now)
        assert row.next_attempt_at is None
        assert row.last_error is None
        assert await document_sent_at(database, queued.document.id) == now

    async def test_logs_in_with_the_credentials_in_the_url(self, database, writer, tenant, customer, smtp_server):
        queued = await queue_letter(writer, tenant.agent, customer.id)
        transport = SmtpTransport(f"smtp://mailer:s3cret%40pw@127.0.0.1:{smtp_server.port}")
        assert await deliver_due(writer, transport, now=datetime.now(UTC)) == 1
        assert smtp_server.logins == [(b"mailer", b"s3cret@pw")]
        assert (await notification(database, queued.notification.id)).status is NotificationStatus.SENT

    async def test_refused_recipient_backs_off_then_fails_after_the_last_attempt(
        self, database, writer, tenant, customer, smtp_server
    ):
        # given a server that refuses the recipient
        smtp_server.reject_recipients = True
        queued = await queue_letter(writer, tenant.agent, customer.id)
        transport = SmtpTransport(f"smtp://127.0.0.1:{smtp_server.port}")
        now = datetime.now(UTC)
        # when the first attempt fails
        assert await deliver_due(writer, transport, now=now) == 0
        # then it waits 30 s before the next attempt
        row = await notification(database, queued.notification.id)
        assert (row.status, row.attempts, row.next_attempt_at) == (
            NotificationStatus.QUEUED,
            1,
            now + timedelta(seconds=30),
        )
        assert "550" in row.last_error
        assert await deliver_due(writer, transport, now=now + timedelta(seconds=29)) == 0
        assert (await notification(database, queued.notification.id)).attempts == 1  # not due yet: not tried
        # when each later attempt fails too, the wait doubles, and the fifth failure is final
        for attempts, wait in ((2, 60), (3, 120), (4, 240)):
            now = row.next_attempt_at
            await deliver_due(writer, transport, now=now)
            row = await notification(database, queued.notification.id)
            assert (row.attempts, row.next_attempt_at) == (attempts, now + timedelta(seconds=wait))
        await deliver_due(writer, transport, now=row.next_attempt_at)
        row = await notification(database, queued.notification.id)
        assert (row.status, row.attempts, row.next_attempt_at) == (NotificationStatus.FAILED, outbox.MAX_ATTEMPTS, None)
        assert "SMTPRecipientsRefused" in row.last_error
        assert row.sent_at is None
        assert await document_sent_at(database, queued.document.id) is None
        assert await deliver_due(writer, transport, now=FAR_FUTURE) == 0  # FAILED is never retried

    async def test_nothing_listening_is_a_failed_attempt(self, database, writer, tenant, customer):
        queued = await queue_letter(writer, tenant.agent, customer.id)
        transport = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=5)
        assert await deliver_due(writer, transport, now=datetime.now(UTC)) == 0
        row = await notification(database, queued.notification.id)
        assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)
        assert row.last_error

    async def test_logs_never_carry_the_address(self, writer, tenant, customer, smtp_server, caplog):
        await queue_letter(writer, tenant.agent, customer.id)
        await queue_letter(writer, tenant.agent, customer.id)
        caplog.set_level(logging.DEBUG, logger="csrgraph.outbox")
        now = datetime.now(UTC)
        smtp_server.reject_recipients = True
        transport = SmtpTransport(f"smtp://127.0.0.1:{smtp_server.port}")
        await deliver_due(writer, transport, now=now, batch=1)
        smtp_server.reject_recipients = False
        await deliver_due(writer, transport, now=now, batch=1)
        assert caplog.records
        assert not any("robin@mail.example" in r.getMessage() for r in caplog.records)


class TestFileTransport:
    async def test_writes_an_eml_with_the_pdf(self, database, writer, tenant, customer, tmp_path):
        queued = await queue_letter(writer, tenant.agent, customer.id)
        assert await deliver_due(writer, FileTransport(tmp_path / "outbox"), now=datetime.now(UTC)) == 1
        (path,) = list((tmp_path / "outbox").glob("*.eml"))
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["To"] == "robin@mail.example"
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content().startswith(b"%PDF")
        row = await notification(database, queued.notification.id)
        assert (row.status, row.transport) == (NotificationStatus.SENT, "FILE")

    def test_make_transport_picks_smtp_when_configured(self, tmp_path):
        smtp = outbox.make_transport(SimpleNamespace(smtp_url="smtps://u:p@mail.example", mail_from="A <a@b.example>",
                                                     outbox_dir=tmp_path))
        assert isinstance(smtp, SmtpTransport)
        assert (smtp.hostname, smtp.port, smtp.use_tls) == ("mail.example", 465, True)
        files = outbox.make_transport(SimpleNamespace(smtp_url=None, mail_from="A <a@b.example>", outbox_dir=tmp_path))
        assert isinstance(files, FileTransport)
        assert files.directory == tmp_path
        with pytest.raises(ValueError):
            SmtpTransport("http://mail.example")


class TestClaims:
    async def test_a_claimed_message_is_not_claimed_again(self, writer, tenant, customer):
        await queue_letter(writer, tenant.agent, customer.id)
        now = datetime.now(UTC)
        assert len(await claim_due(writer, now=now, batch=10)) == 1
        assert await claim_due(writer, now=now, batch=10) == []
        # a worker that died holding the claim: it expires, and the message is tried again
        assert len(await claim_due(writer, now=now + outbox.LEASE, batch=10)) == 1

    async def test_concurrent_workers_send_each_message_once(self, writer, tenant, customer):
        queued = [await queue_letter(writer, tenant.agent, customer.id) for _ in range(6)]
        transport = RecordingTransport()
        now = datetime.now(UTC)
        workers = [Writes(writer.engine) for _ in range(4)]  # each worker queues its own writes
        counts = await asyncio.gather(*(deliver_due(worker, transport, now=now, batch=2) for worker in workers))
        assert sum(counts) == 6
        assert sorted(transport.sent) == sorted(q.notification.id for q in queued)

    async def test_mail_letters_never_reach_the_outbox(self, database, writer, tenant, customer):
        mailed = await queue_letter(writer, tenant.agent, customer.id, channel=NotificationChannel.MAIL)
        assert await claim_due(writer, now=FAR_FUTURE, batch=10) == []
        row = await notification(database, mailed.notification.id)
        assert (row.status, row.transport, row.attempts) == (NotificationStatus.SENT, "MAIL", 0)


class FlakySessionmaker:
    """Fails the first session it is asked for, as a database restart would."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self):
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("database restarting")
        return self.real()


class FlakyWrites:
    """A worker's writes whose first session fails, as a database restart would."""

    def __init__(self, real: Writes):
        self.real, self.sessionmaker = real, FlakySessionmaker(real.sessionmaker)

    def transaction(self, **options):
        return self.real.transaction(**options)


class TestRunOutbox:
    async def test_survives_a_failed_pass_delivers_and_stops(
        self, database, writer, tenant, customer, tmp_path, caplog
    ):
        # given a queued letter and a database that fails the first pass
        queued = await queue_letter(writer, tenant.agent, customer.id)
        stop = asyncio.Event()
        # when the loop runs
        task = asyncio.create_task(run_outbox(FlakyWrites(writer), FileTransport(tmp_path), 0.02, stop))
        for _ in range(250):
            if list(tmp_path.glob("*.eml")):
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(task, timeout=5)
        # then the failure was logged, the letter delivered, and the loop ended
        assert any("delivery pass failed" in r.getMessage() for r in caplog.records)
        assert len(list(tmp_path.glob("*.eml"))) == 1
        assert (await notification(database, queued.notification.id)).status is NotificationStatus.SENT

    async def test_the_app_runs_it_in_its_lifespan(self, database, writer, tenant, customer, tmp_path):
        # given an app with the outbox on and no SMTP server configured
        queued = await queue_letter(writer, tenant.agent, customer.id)
        settings = Settings(
            database_url=database.url, secret="s" * 40, outbox_dir=tmp_path, outbox_interval_seconds=0.02
        )
        # when it runs for a moment
        async with lifespan(create_app(settings)):
            for _ in range(250):
                if list(tmp_path.glob("*.eml")):
                    break
                await asyncio.sleep(0.02)
        # then the letter went out as an .eml file, and shutdown stopped the loop
        assert len(list(tmp_path.glob("*.eml"))) == 1
        row = await notification(database, queued.notification.id)
        assert (row.status, row.transport) == (NotificationStatus.SENT, "FILE")
