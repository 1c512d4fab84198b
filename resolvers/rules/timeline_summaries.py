"""One-line summaries of timeline items, as the Recent Activity panel shows them (seed 001).

Each takes the item's row (any object with the model's attribute names) and, for allocations
and reversals, the number of the invoice concerned.
"""

from collections.abc import Callable
from typing import Any

from resolvers.rules.timeline import ActivityKind

MAX_TEXT = 120  # a free-text part (note subject, reason) is cut here, so a summary stays one line


def dollars(cents: int) -> str:
    """12030 -> "$120.30"; 123456 -> "$1,234.56"; -500 -> "-$5.00"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def words(value: Any) -> str:
    """An enum member as words: PENDING_DROP -> "pending drop"."""
    return str(getattr(value, "value", value)).replace("_", " ").lower()


def clipped(text: str | None) -> str:
    """The first line of `text`, cut to MAX_TEXT characters."""
    line = (text or "").strip().split("\n", 1)[0].strip()
    return line if len(line) <= MAX_TEXT else line[: MAX_TEXT - 1].rstrip() + "…"


def _comm_log(row: Any, _invoice: str | None) -> str:
    label = ("Critical " + words(row.kind) if row.critical else words(row.kind)).capitalize()
    return f"{label}: {clipped(row.subject or row.body or row.reason) or 'no subject'}"


def _invoice(row: Any, _invoice: str | None) -> str:
    return f"Invoice {row.number} issued, {dollars(row.total_cents)}"


def _payment(row: Any, _invoice: str | None) -> str:
    return f"Payment {dollars(row.amount_cents)} ({words(row.method).upper()}) received"


def _returned(row: Any, _invoice: str | None) -> str:
    reason = clipped(row.returned_reason)
    returned = f"Payment {dollars(row.amount_cents)} ({words(row.method).upper()}) returned"
    return returned + (f": {reason}" if reason else "")


def _allocation(row: Any, invoice: str | None) -> str:
    if row.amount_cents < 0:
        return f"{dollars(-row.amount_cents)} of a payment taken back from invoice {invoice}"
    return f"{dollars(row.amount_cents)} of a payment applied to invoice {invoice}"


def _adjustment(row: Any, _invoice: str | None) -> str:
    return f"{words(row.direction).capitalize()} adjustment {dollars(row.amount_cents)} ({row.reason_code})"


def _reversal(row: Any, invoice: str | None) -> str:
    return f"{clipped(row.description)} on invoice {invoice}, {dollars(-row.amount_cents)} credited"


def _refund(row: Any, _invoice: str | None) -> str:
    return f"Refund {dollars(row.amount_cents)} paid: {clipped(row.reason)}"


def _transaction(row: Any, _invoice: str | None) -> str:
    way = "sent to the utility" if words(row.direction) == "outbound" else "received from the utility"
    return f"{words(row.type).capitalize()} {way} ({row.reference}), {words(row.status)}"


def _status_change(row: Any, _invoice: str | None) -> str:
    reason = clipped(row.reason)
    change = f"Enrollment status changed from {words(row.from_status)} to {words(row.to_status)}"
    return change + (f": {reason}" if reason else "")


def _ticket(row: Any, _invoice: str | None) -> str:
    return f"Ticket opened: {clipped(row.summary)}"


def _audit(row: Any, _invoice: str | None) -> str:
    fields = ", ".join(sorted(row.changes or {}))
    return f"Changed {fields} ({row.action})" if fields else f"Recorded {row.action}"


SUMMARIES: dict[ActivityKind, Callable[[Any, str | None], str]] = {
    ActivityKind.COMM_LOG: _comm_log,
    ActivityKind.INVOICE: _invoice,
    ActivityKind.PAYMENT: _payment,
    ActivityKind.PAYMENT_RETURNED: _returned,
    ActivityKind.ALLOCATION: _allocation,
    ActivityKind.ADJUSTMENT: _adjustment,
    ActivityKind.REVERSAL: _reversal,
    ActivityKind.REFUND: _refund,
    ActivityKind.MARKET_TRANSACTION: _transaction,
    ActivityKind.STATUS_CHANGE: _status_change,
    ActivityKind.TICKET: _ticket,
    ActivityKind.AUDIT: _audit,
}
# These name an invoice their row only points at: the caller loads its number.
NEEDS_INVOICE_NUMBER = frozenset({ActivityKind.ALLOCATION, ActivityKind.REVERSAL})


def summarize(kind: ActivityKind, row: Any, invoice_number: str | None = None) -> str:
    """The item's one-line summary."""
    return SUMMARIES[kind](row, invoice_number)
