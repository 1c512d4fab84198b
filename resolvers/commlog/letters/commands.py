"""Send and resend letters: a client's template rendered to a PDF document, delivered, and logged."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select

from db.base import utcnow
from db.enums import CommLogKind, LetterKind, NotificationChannel, NotificationStatus
from db.models import (
    Client,
    CommLogEntry,
    Customer,
    Document,
    LetterTemplate,
    Market,
    Notification,
    RatePlan,
    RatePlanPrice,
    Utility,
    UtilityAccount,
)
from resolvers import audit
from resolvers.accounts.batches import primary_accounts
from resolvers.billing import rates
from resolvers.commlog.entries import append_entry
from resolvers.commlog.errors import CommlogErrorCode
from resolvers.commlog.letters.batches import WITHOUT_CONTENT
from resolvers.commlog.letters.errors import LetterErrorCode
from resolvers.commlog.letters.outbox import Transport
from resolvers.commlog.letters.rendering import (
    account_data,
    billing_lines,
    letter_data,
    render_letter,
)
from resolvers.context import RequestScope
from resolvers.customers.queries import get_customer
from resolvers.errors import Field, NotFound, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.scope import tenant_scoped

log = logging.getLogger("csrgraph.letters")
MAX_REASON_CHARS = 500
SUBJECT_CHARS = 200  # comm_log_entries.subject is VARCHAR(200)
# An entry is written when an email is queued and never edited: the notification tells how delivery went.
SEE_NOTIFICATION = "Whether it arrives is its notification's status (SENT, or FAILED with the error)."
AccountRow = tuple[UtilityAccount, Utility, Market, RatePlan | None, RatePlanPrice | None]


@dataclass(frozen=True, slots=True)
class LetterRequest:
    customer_id: int
    channel: NotificationChannel
    template_id: int | None = None
    template_code: str | None = None
    utility_account_id: int | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one send or resend wrote: the document, its new notification, the log entry."""

    document: Document
    notification: Notification
    entry: CommLogEntry


@dataclass(frozen=True, slots=True)
class DocumentFile:
    title: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Layout:
    """What a letter is laid out from besides its data: the template."""

    template_id: int
    template_code: str
    kind: LetterKind
    subject: str
    body_html: str

    @classmethod
    def of(cls, template: LetterTemplate) -> "Layout":
        return cls(template.id, template.code, template.kind, template.subject, template.body_html)


@dataclass(frozen=True, slots=True)
class PreparedLetter:
    """A letter laid out before its transaction (a few hundred ms of CPU that need no lock), with the data it was
    laid out from: the transaction reads that data again and lays the letter out anew only if it changed."""

    request: LetterRequest
    layout: Layout
    data: dict[str, Any]
    title: str
    pdf: bytes


async def prepare_letter(scope: RequestScope, request: LetterRequest) -> PreparedLetter:
    """Check the request and lay the letter out from the customer's data, saving nothing."""
    ensure_allowed(scope, Action.SEND_LETTER)
    customer = get_or_not_found(await get_customer(scope, request.customer_id), "Customer", "customer_id")
    layout = Layout.of(await template_for(scope, request))
    recipient_of(customer, request.channel)  # refuse before laying out a letter that cannot go
    account = await _account(scope, customer.id, request.utility_account_id)
    return await lay_out(
        request, layout, await letter_data_of(scope, customer, account_data(*account) if account else None)
    )


async def lay_out(request: LetterRequest, layout: Layout, data: dict[str, Any]) -> PreparedLetter:
    """The template filled in with `data` (letter_data's shape) as a PDF, off the event loop."""
    letter = await asyncio.to_thread(render_letter, layout.subject, layout.body_html, data)
    return PreparedLetter(request, layout, data, letter.title, letter.pdf)


async def letter_data_of(scope: RequestScope, customer: Customer, account: dict[str, Any] | None) -> dict[str, Any]:
    """What a letter to `customer` about `account` (account_data's shape) says, as of today."""
    return letter_data(customer, account, await _client_name(scope), utcnow().date())


async def send_letter(scope: RequestScope, letter: PreparedLetter) -> Delivery:
    """Store the letter as the customer's document, deliver it and log it (in the transaction). It is laid out
    again, here, only if what it says changed since it was prepared (rare: an edit in between, or a forecast of
    rows the transaction writes that missed)."""
    ensure_allowed(scope, Action.SEND_LETTER)
    request = letter.request
    customer = get_or_not_found(await get_customer(scope, request.customer_id), "Customer", "customer_id")
    recipient = recipient_of(customer, request.channel)
    account = await _account(scope, customer.id, request.utility_account_id)
    data = await letter_data_of(scope, customer, account_data(*account) if account else None)
    if data != letter.data:
        log.info("letter %s laid out again in its transaction: its data changed since it was prepared",
                 letter.layout.template_code)
        letter = await lay_out(request, letter.layout, data)
    layout = letter.layout
    document = Document(client_id=scope.tenant_id, customer_id=customer.id, template_id=layout.template_id,
                        kind=layout.kind, utility_account_id=account[0].id if account else None, title=letter.title,
                        content=letter.pdf, size_bytes=len(letter.pdf))
    scope.db.add(document)
    await scope.db.flush()
    delivery = await deliver(scope, customer, document, request.channel, recipient, reason=None)
    await audit.record(scope, "commlog.send_letter", "Document", document.id, {
        "template": {"from": None, "to": layout.template_code}, "channel": {"from": None, "to": request.channel.value},
        "notification": {"from": None, "to": delivery.notification.id},
    })
    return delivery


async def resend_letter(scope: RequestScope, document_id: int, reason: str | None,
                        channel: NotificationChannel | None) -> Delivery:
    """The same document again, as a new notification that records why."""
    ensure_allowed(scope, Action.SEND_LETTER)
    reason = checked_reason(reason)
    document = get_or_not_found(await get_document(scope, document_id), "Document", "document_id")
    customer = get_or_not_found(await get_customer(scope, document.customer_id), "Customer", "document_id")
    channel = channel or await _first_channel(scope, document.id)
    delivery = await deliver(scope, customer, document, channel, recipient_of(customer, channel), reason=reason)
    await audit.record(scope, "commlog.resend_letter", "Document", document.id, {
        "channel": {"from": None, "to": channel.value}, "reason": {"from": None, "to": reason},
        "notification": {"from": None, "to": delivery.notification.id},
    })
    return delivery


def checked_reason(reason: str | None) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise UserInputError(LetterErrorCode.BLANK_REASON, "Say why the letter is sent again.", "reason")
    if len(cleaned) > MAX_REASON_CHARS:
        raise UserInputError(LetterErrorCode.REASON_TOO_LONG, f"Keep the reason under {MAX_REASON_CHARS} characters.",
                             "reason")
    return cleaned


def recipient_of(customer: Customer, channel: NotificationChannel, field: Field | None = None) -> str:
    """The email address, or for MAIL the billing address on one line; `field` is blamed when there is none."""
    field = field or "channel"
    if channel is NotificationChannel.EMAIL:
        if not customer.email:
            raise UserInputError(LetterErrorCode.NO_EMAIL_ADDRESS, "The customer has no email address on file.", field)
        return customer.email
    if not (customer.billing_line1 and customer.billing_city and customer.billing_state and customer.billing_zip):
        raise UserInputError(LetterErrorCode.NO_MAILING_ADDRESS, "The customer's billing address is incomplete.", field)
    return ", ".join(billing_lines(customer))


async def deliver(scope: RequestScope, customer: Customer, document: Document, channel: NotificationChannel,
                  recipient: str, *, reason: str | None) -> Delivery:
    """The LETTER entry, then the notification it records (billing's PDFs go this way too). The entry says what
    was done now (queued, or mailed) and is never edited; the notification's status follows the delivery."""
    entry = await append_entry(
        scope, customer_id=customer.id, kind=CommLogKind.LETTER,
        subject=_clip(delivery_subject(document.title, channel, reason)),
        body=delivery_text(channel, recipient) + (f"\nReason: {reason}" if reason else ""),
        document_id=document.id, utility_account_id=document.utility_account_id,
    )
    notification = _notification(scope, customer, document, channel, recipient, reason, utcnow())
    notification.comm_log_entry_id = entry.id
    document.sent_at = document.sent_at or notification.sent_at  # a letter by post counts as sent at once
    scope.db.add(notification)
    await scope.db.flush()
    return Delivery(document, notification, entry)


def _notification(scope: RequestScope, customer: Customer, document: Document, channel: NotificationChannel,
                  recipient: str, reason: str | None, now: datetime) -> Notification:
    notification = Notification(
        client_id=scope.tenant_id, customer_id=customer.id, document_id=document.id, channel=channel,
        recipient=recipient, subject=document.title, body_text=cover_note(customer.name, document.title),
        status=NotificationStatus.QUEUED, attempts=0, reason=reason, created_by=scope.viewer.user_id,
    )
    if channel is NotificationChannel.MAIL:  # printing and posting happen outside this system
        notification.status, notification.transport, notification.sent_at = NotificationStatus.SENT, Transport.MAIL, now
    return notification


def cover_note(name: str, title: str) -> str:
    """The email's text: the letter itself travels as the attached PDF."""
    return (f"Dear {name},\n\nPlease find attached: {title}.\n\n"
            "If you have any questions, reply to this email or call our customer service team.\n")


def delivery_subject(title: str, channel: NotificationChannel, reason: str | None) -> str:
    """An email is only queued when the entry is written; a letter by post is recorded as mailed at once."""
    if channel is NotificationChannel.MAIL:
        verb = "Resent by mail" if reason else "Sent by mail"
    else:
        verb = "Email queued again" if reason else "Email queued"
    return f"{verb}: {title}" + (f" ({reason})" if reason else "")


def delivery_text(channel: NotificationChannel, recipient: str) -> str:
    if channel is NotificationChannel.MAIL:
        return f"By mail to {recipient}."
    return f"Queued for email to {recipient}. {SEE_NOTIFICATION}"


def _clip(text: str) -> str:
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1] + "…"


async def template_for(scope: RequestScope, request: LetterRequest) -> LetterTemplate:
    """The request's template (by id or code), active; userErrors otherwise."""
    match: ColumnElement[bool]
    if request.template_id is not None and request.template_code is None:
        field, match = "template_id", LetterTemplate.id == request.template_id
    elif request.template_code is not None and request.template_id is None:
        field, match = "template_code", LetterTemplate.code == request.template_code.strip()
    else:
        raise UserInputError(LetterErrorCode.TEMPLATE_NOT_CHOSEN, "Give templateId or templateCode, not both.",
                             "template_id")
    stmt = tenant_scoped(select(LetterTemplate).where(match), LetterTemplate, scope)
    template = get_or_not_found((await scope.db.execute(stmt)).scalar_one_or_none(), "Letter template", field)
    if not template.active:
        raise UserInputError(LetterErrorCode.TEMPLATE_INACTIVE, f"The template {template.code} is retired.", field)
    return template


async def _account(scope: RequestScope, customer_id: int, account_id: int | None) -> AccountRow | None:
    """The account named, which must be the customer's; if none is named, the customer's primary account."""
    if account_id is None:
        primary = (await primary_accounts(scope, [customer_id]))[0]
        if primary is None:
            return None
        account_id = primary.id
    stmt = (select(UtilityAccount, Utility, Market, RatePlan).join(Utility, Utility.id == UtilityAccount.utility_id)
            .join(Market, Market.id == UtilityAccount.market_id)
            .outerjoin(RatePlan, RatePlan.id == UtilityAccount.rate_plan_id).where(UtilityAccount.id == account_id))
    row = (await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).first()
    if row is None:
        raise NotFound("Utility account", "utility_account_id")
    if row[0].customer_id != customer_id:
        raise UserInputError(CommlogErrorCode.ACCOUNT_NOT_OF_CUSTOMER, "That utility account is another customer's.",
                             "utility_account_id")
    price = await rates.price_in_force(scope, row[3].id, utcnow().date()) if row[3] else None  # what it quotes
    return row[0], row[1], row[2], row[3], price


async def _client_name(scope: RequestScope) -> str:
    return (await scope.db.get_one(Client, scope.tenant_id)).name  # the scope's own client: it exists


async def _first_channel(scope: RequestScope, document_id: int) -> NotificationChannel:
    """The channel the document first went by; EMAIL for a document never sent."""
    stmt = select(Notification.channel).where(Notification.document_id == document_id).order_by(Notification.id)
    first = (await scope.db.execute(tenant_scoped(stmt, Notification, scope).limit(1))).scalar_one_or_none()
    return first or NotificationChannel.EMAIL


# ---- reads --------------------------------------------------------------------------------------

async def get_document(scope: RequestScope, document_id: int) -> Document | None:
    stmt = select(Document).options(WITHOUT_CONTENT).where(Document.id == document_id)
    return (await scope.db.execute(tenant_scoped(stmt, Document, scope))).scalar_one_or_none()


async def get_document_file(scope: RequestScope, document_id: int) -> DocumentFile | None:
    """The stored file, for a download; None if the client has no such document."""
    stmt = select(Document.title, Document.content_type, Document.content).where(Document.id == document_id)
    row = (await scope.db.execute(tenant_scoped(stmt, Document, scope))).first()
    return DocumentFile(*row) if row else None


async def list_templates(scope: RequestScope, kind: LetterKind | None = None) -> list[LetterTemplate]:
    """The client's active templates, by kind then name."""
    stmt = tenant_scoped(select(LetterTemplate).where(LetterTemplate.active.is_(True)), LetterTemplate, scope)
    if kind is not None:
        stmt = stmt.where(LetterTemplate.kind == kind)
    return list((await scope.db.execute(stmt.order_by(LetterTemplate.kind, LetterTemplate.name))).scalars())
