"""Dunning holds (seed 000): when a hold is in force, what a valid one looks like, what a bulk hold does.

A hold runs through its `until` day inclusive. The day after, it has expired by itself: no job
clears the columns, every reader asks `current_hold` with today's date instead.
"""

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from db.enums import EnrollmentStatus

MAX_HOLD_DAYS = 365  # a hold reaches at most a year ahead: a longer exclusion needs a fresh decision
MAX_REASON_LENGTH = 500  # the width of customers.dunning_hold_reason


class HoldProblem(enum.StrEnum):
    """What makes a requested hold (or a release) unacceptable."""

    UNTIL_IN_PAST = "UNTIL_IN_PAST"
    UNTIL_TOO_FAR = "UNTIL_TOO_FAR"
    REASON_MISSING = "REASON_MISSING"
    REASON_TOO_LONG = "REASON_TOO_LONG"


class DunningHoldOutcome(enum.StrEnum):
    """What a bulk dunning hold did for one listed account."""

    PLACED = "PLACED"
    SKIPPED_STATUS = "SKIPPED_STATUS"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    INVALID = "INVALID"


@dataclass(frozen=True, slots=True)
class Hold:
    until: date
    reason: str


@dataclass(frozen=True, slots=True)
class Finding:
    problem: HoldProblem
    field: str  # the input field at fault: "until" or "reason"
    message: str


def hold_active(until: date | None, today: date) -> bool:
    """True while `today` is on or before the hold's last day."""
    return until is not None and today <= until


def current_hold(until: date | None, reason: str | None, today: date) -> Hold | None:
    """The hold in force today; an expired hold reads as no hold at all."""
    if until is None or not hold_active(until, today):
        return None
    return Hold(until, reason or "")


def latest_until(today: date) -> date:
    return today + timedelta(days=MAX_HOLD_DAYS)


def trimmed_reason(reason: str | None) -> str:
    return (reason or "").strip()


def reason_findings(reason: str | None) -> list[Finding]:
    """A reason is required (blank counts as missing) and fits the column."""
    text = trimmed_reason(reason)
    if not text:
        return [Finding(HoldProblem.REASON_MISSING, "reason", "Give the reason for the dunning hold.")]
    if len(text) > MAX_REASON_LENGTH:
        message = f"The reason may be at most {MAX_REASON_LENGTH} characters."
        return [Finding(HoldProblem.REASON_TOO_LONG, "reason", message)]
    return []


def hold_findings(until: date, reason: str | None, today: date) -> list[Finding]:
    """Everything wrong with a hold asked for today: until in [today, today + MAX_HOLD_DAYS], a reason."""
    found = []
    if until < today:
        found.append(Finding(HoldProblem.UNTIL_IN_PAST, "until", f"The hold must last until today ({today}) or later."))
    elif until > latest_until(today):
        message = f"A hold reaches at most {MAX_HOLD_DAYS} days ahead, until {latest_until(today)}."
        found.append(Finding(HoldProblem.UNTIL_TOO_FAR, "until", message))
    return found + reason_findings(reason)


def status_wanted(status: EnrollmentStatus | None, only: tuple[EnrollmentStatus, ...]) -> bool:
    """No filter takes every found account; with one, an account without a status is never wanted."""
    return not only or status in only


def placed_detail(held: Hold | None, new: Hold) -> str | None:
    """What placing `new` does to the hold in force: nothing to say, a replacement, or no change."""
    if held is None:
        return None
    if held == new:
        return "Already on this hold; nothing changed."
    return f"Replaces the hold until {held.until}: {held.reason}"


def placed_note(held: Hold | None, new: Hold) -> tuple[str, str]:
    """Subject and body of the SYSTEM log entry for a hold placed; a replaced hold is named (from-to)."""
    body = f"Dunning hold until {new.until}: {new.reason}"
    if held is not None:
        body += f"\nReplaces the hold until {held.until}: {held.reason}"
    return f"Dunning hold until {new.until}", body


def released_note(held: Hold, reason: str) -> tuple[str, str]:
    """Subject and body of the SYSTEM log entry for a hold released before its end."""
    return "Dunning hold released", f"Dunning hold released: {reason}\nIt was until {held.until}: {held.reason}"
