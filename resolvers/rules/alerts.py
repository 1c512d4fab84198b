"""Account alerts (seed 001): what an agent opening a customer sees first, decided from facts about it.

Facts come in as frozen dataclasses (gathered by resolvers/customers/alerts.py); alerts go out ordered
by severity, then newest first. Standing conditions (an account's status, a hold) have no moment of
their own: they describe the account now, so they come before dated events of the same severity.
"""

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from db.enums import EnrollmentStatus, TicketStatus
from resolvers.rules.dunning import current_hold
from resolvers.rules.money import format_cents

RENEWAL_WINDOW_DAYS = 60
RETURNED_PAYMENT_DAYS = 90


class AlertKind(enum.StrEnum):
    CRITICAL_NOTE = "CRITICAL_NOTE"
    PAST_DUE = "PAST_DUE"
    PENDING_DROP = "PENDING_DROP"
    DROP_ACCEPTED = "DROP_ACCEPTED"
    DUNNING_HOLD = "DUNNING_HOLD"
    RETURNED_PAYMENT = "RETURNED_PAYMENT"
    OPEN_TICKET = "OPEN_TICKET"
    RENEWAL_DUE = "RENEWAL_DUE"
    PENDING_TRANSFER = "PENDING_TRANSFER"


class AlertSeverity(enum.StrEnum):
    CRITICAL = "CRITICAL"
    WARNING = "WARNING"
    INFO = "INFO"


KIND_DESCRIPTIONS: dict[AlertKind, str] = {
    AlertKind.CRITICAL_NOTE: "A critical note: it affects handling for the life of the account.",
    AlertKind.PAST_DUE: "Open invoice amounts are past their due date; points at the oldest past-due invoice.",
    AlertKind.PENDING_DROP: "A utility account's drop is pending; points at the account.",
    AlertKind.DROP_ACCEPTED: "The utility accepted a utility account's drop; points at the account.",
    AlertKind.DUNNING_HOLD: "The customer is held out of dunning until a day (inclusive); points at the customer.",
    AlertKind.RETURNED_PAYMENT: f"A payment came back (NSF) in the last {RETURNED_PAYMENT_DAYS} days; points at it.",
    AlertKind.OPEN_TICKET: "A service ticket about the customer is not closed yet; points at the ticket.",
    AlertKind.RENEWAL_DUE: f"An ACTIVE utility account's contract ends within {RENEWAL_WINDOW_DAYS} days, or its "
                           "renewal is pending; points at the account.",
    AlertKind.PENDING_TRANSFER: "A transfer (move or switch) of a utility account is in progress; points at it.",
}
SEVERITY_DESCRIPTIONS: dict[AlertSeverity, str] = {
    AlertSeverity.CRITICAL: "Read before talking to the customer.",
    AlertSeverity.WARNING: "Check before acting on the account.",
    AlertSeverity.INFO: "Worth knowing.",
}
SEVERITY_OF: dict[AlertKind, AlertSeverity] = {
    AlertKind.CRITICAL_NOTE: AlertSeverity.CRITICAL,
    AlertKind.PAST_DUE: AlertSeverity.WARNING,
    AlertKind.PENDING_DROP: AlertSeverity.WARNING,
    AlertKind.DROP_ACCEPTED: AlertSeverity.WARNING,
    AlertKind.DUNNING_HOLD: AlertSeverity.WARNING,
    AlertKind.RETURNED_PAYMENT: AlertSeverity.WARNING,
    AlertKind.OPEN_TICKET: AlertSeverity.INFO,
    AlertKind.RENEWAL_DUE: AlertSeverity.INFO,
    AlertKind.PENDING_TRANSFER: AlertSeverity.INFO,
}
DROP_KINDS = {EnrollmentStatus.PENDING_DROP: AlertKind.PENDING_DROP,
              EnrollmentStatus.DROP_ACCEPTED: AlertKind.DROP_ACCEPTED}


class SubjectKind(enum.StrEnum):
    """What an alert points at."""

    NOTE = "NOTE"
    INVOICE = "INVOICE"
    UTILITY_ACCOUNT = "UTILITY_ACCOUNT"
    PAYMENT = "PAYMENT"
    TICKET = "TICKET"
    CUSTOMER = "CUSTOMER"


@dataclass(frozen=True, slots=True)
class Subject:
    kind: SubjectKind
    id: int


@dataclass(frozen=True, slots=True)
class CriticalNote:
    id: int
    created_at: datetime
    subject: str | None = None
    body: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PastDue:
    """The past-due amount (aging's), and the oldest past-due invoice when there still is one."""

    cents: int
    invoice_id: int | None = None
    invoice_number: str | None = None
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class HoldFacts:
    """The customer's hold columns as stored; an expired hold is still there (rules.dunning decides)."""

    until: date | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AccountFacts:
    id: int
    ldc_account_number: str
    status: EnrollmentStatus
    end_date: date | None = None
    renewal_pending: bool = False
    pending_transfer: bool = False


@dataclass(frozen=True, slots=True)
class TicketFacts:
    id: int
    number: str
    summary: str
    status: TicketStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReturnedPayment:
    id: int
    amount_cents: int
    received_on: date
    returned_at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """Everything the alerts of one customer are decided from."""

    customer_id: int
    critical_notes: tuple[CriticalNote, ...] = ()
    past_due: PastDue | None = None
    hold: HoldFacts = HoldFacts()
    accounts: tuple[AccountFacts, ...] = ()
    tickets: tuple[TicketFacts, ...] = ()
    returned_payments: tuple[ReturnedPayment, ...] = ()


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    severity: AlertSeverity
    message: str
    subject: Subject | None
    # when it happened, for "newest first"; None for a standing condition of the account
    at: datetime | None = None


def account_alerts(facts: AlertFacts, today: date) -> list[Alert]:
    """The customer's alerts: by severity, then standing conditions, then newest first."""
    found = [
        *map(_critical_note, facts.critical_notes), *_past_due(facts.past_due), *_hold(facts, today),
        *(a for account in facts.accounts for a in _account_alerts(account, today)),
        *(_open_ticket(t) for t in facts.tickets if t.status is not TicketStatus.CLOSED),
        *(_returned(p) for p in facts.returned_payments if returned_recently(p.returned_at, today)),
    ]
    return sorted(found, key=_order)


def renewal_window(today: date) -> tuple[date, date]:
    """First and last end date that make a contract's renewal due today."""
    return today, today + timedelta(days=RENEWAL_WINDOW_DAYS)


def renewal_due(account: AccountFacts, today: date) -> bool:
    if account.status is not EnrollmentStatus.ACTIVE:
        return False
    first, last = renewal_window(today)
    return account.renewal_pending or (account.end_date is not None and first <= account.end_date <= last)


def returned_since(today: date) -> datetime:
    """The earliest return that still alerts: the start (UTC) of the day RETURNED_PAYMENT_DAYS ago."""
    return datetime.combine(today - timedelta(days=RETURNED_PAYMENT_DAYS), time.min, UTC)


def returned_recently(returned_at: datetime, today: date) -> bool:
    return returned_at >= returned_since(today)


def _alert(kind: AlertKind, message: str, subject: Subject | None, at: datetime | None = None) -> Alert:
    return Alert(kind, SEVERITY_OF[kind], message, subject, at)


def _critical_note(note: CriticalNote) -> Alert:
    text = note.subject or note.body or note.reason or "Critical note"
    return _alert(AlertKind.CRITICAL_NOTE, text, Subject(SubjectKind.NOTE, note.id), note.created_at)


def _past_due(past_due: PastDue | None) -> list[Alert]:
    if past_due is None or past_due.cents <= 0:
        return []
    amount = f"Past due: ${format_cents(past_due.cents)}"
    if past_due.invoice_id is None or past_due.due_on is None:
        # the invoice was paid between the two reads; the amount still stands as aging counted it
        return [_alert(AlertKind.PAST_DUE, f"{amount}.", None)]
    message = f"{amount}, oldest unpaid invoice {past_due.invoice_number} was due {past_due.due_on.isoformat()}."
    # past due from the day after the due date, as aging counts it
    since = datetime.combine(past_due.due_on + timedelta(days=1), time.min, UTC)
    return [_alert(AlertKind.PAST_DUE, message, Subject(SubjectKind.INVOICE, past_due.invoice_id), since)]


def _hold(facts: AlertFacts, today: date) -> list[Alert]:
    held = current_hold(facts.hold.until, facts.hold.reason, today)
    if held is None:
        return []
    message = f"On dunning hold until {held.until.isoformat()}" + (f": {held.reason}." if held.reason else ".")
    return [_alert(AlertKind.DUNNING_HOLD, message, Subject(SubjectKind.CUSTOMER, facts.customer_id))]


def _account_alerts(account: AccountFacts, today: date) -> list[Alert]:
    subject = Subject(SubjectKind.UTILITY_ACCOUNT, account.id)
    ldc = account.ldc_account_number
    found = []
    if account.status in DROP_KINDS:
        ends = account.end_date.isoformat() if account.end_date else "no end date yet"
        verb = "pending" if account.status is EnrollmentStatus.PENDING_DROP else "accepted"
        message = f"Drop {verb} on LDC account {ldc}; service ends {ends}."
        found.append(_alert(DROP_KINDS[account.status], message, subject))
    if renewal_due(account, today):
        found.append(_alert(AlertKind.RENEWAL_DUE, _renewal_message(account, today), subject))
    if account.pending_transfer:
        found.append(_alert(AlertKind.PENDING_TRANSFER, f"Transfer pending on LDC account {ldc}.", subject))
    return found


def _renewal_message(account: AccountFacts, today: date) -> str:
    first, last = renewal_window(today)
    end = account.end_date
    ends = f"its contract ends {end.isoformat()} (in {(end - today).days} days)" if end and first <= end <= last else ""
    if account.renewal_pending:
        return f"Renewal pending on LDC account {account.ldc_account_number}" + (f"; {ends}." if ends else ".")
    return f"Renewal due on LDC account {account.ldc_account_number}: {ends}."


def _open_ticket(ticket: TicketFacts) -> Alert:
    status = ticket.status.value.replace("_", " ").lower()
    message = f"Ticket {ticket.number} {status}: {ticket.summary}"
    return _alert(AlertKind.OPEN_TICKET, message, Subject(SubjectKind.TICKET, ticket.id), ticket.created_at)


def _returned(payment: ReturnedPayment) -> Alert:
    reason = f": {payment.reason}" if payment.reason else ""
    message = (f"Payment of ${format_cents(payment.amount_cents)} received {payment.received_on.isoformat()} "
               f"was returned on {payment.returned_at.date().isoformat()}{reason}.")
    return _alert(AlertKind.RETURNED_PAYMENT, message, Subject(SubjectKind.PAYMENT, payment.id), payment.returned_at)


_SEVERITY_RANK = {s: n for n, s in enumerate(AlertSeverity)}
_KIND_RANK = {k: n for n, k in enumerate(AlertKind)}


def _order(alert: Alert) -> tuple[int, int, float, int, int]:
    """Severity; standing conditions before events; newest event first; then a fixed kind order and newest row."""
    dated = alert.at is not None
    newest = -alert.at.timestamp() if alert.at is not None else 0.0
    subject_id = alert.subject.id if alert.subject else 0
    return _SEVERITY_RANK[alert.severity], int(dated), newest, _KIND_RANK[alert.kind], -subject_id
