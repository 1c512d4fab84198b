"""Enrollment status rules: which status each market transaction or answer leads to, and which cannot happen.

The table, by transaction type, for what we send (REQUESTED), what the utility answers to it
(ACCEPTED, REJECTED), and what the utility sends unasked (RECEIVED):

- ENROLLMENT, MOVE_IN: requested from DROPPED or INACTIVE -> PENDING; accepted PENDING -> ACTIVE.
- DROP, MOVE_OUT: requested from ACTIVE -> PENDING_DROP; accepted PENDING_DROP -> DROP_ACCEPTED.
  Received (a drop by another supplier: the customer switched away; a move-out reported by the
  utility): PENDING, ACTIVE, PENDING_DROP -> DROP_ACCEPTED; DROP_ACCEPTED stays.
- REINSTATEMENT: requested from PENDING_DROP or DROP_ACCEPTED (no change yet); accepted -> ACTIVE.
- CHANGE: requested while PENDING, ACTIVE, PENDING_DROP or DROP_ACCEPTED; never changes status.
- HISTORICAL_USAGE_REQUEST: requested in any status; never changes status.
- USAGE (867), INVOICE (810), REMITTANCE (820): only received, in any status; never change status.
- A rejection leaves what was there: it restores the status the request replaced, unless
  something else has moved the account on since, in which case the status stays.
- DROP_ACCEPTED -> DROPPED happens on the end date, not by a transaction (`drop_is_due`).
"""

import enum
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta

from db.enums import EnrollmentStatus as S
from db.enums import MarketTransactionType as T


class Outcome(enum.StrEnum):
    REQUESTED = "REQUESTED"  # we sent it to the utility
    ACCEPTED = "ACCEPTED"  # the utility accepted our request
    REJECTED = "REJECTED"  # the utility rejected our request
    RECEIVED = "RECEIVED"  # the utility sent it unasked


class Refusal(enum.StrEnum):
    """Why a transaction or answer cannot happen to an account in its current status."""

    ALREADY_ENROLLED = "ALREADY_ENROLLED"
    ENROLLMENT_PENDING = "ENROLLMENT_PENDING"
    DROP_PENDING = "DROP_PENDING"
    DROP_ALREADY_ACCEPTED = "DROP_ALREADY_ACCEPTED"
    ALREADY_DROPPED = "ALREADY_DROPPED"
    NOT_ENROLLED = "NOT_ENROLLED"
    NOTHING_TO_REINSTATE = "NOTHING_TO_REINSTATE"
    UNEXPECTED_ANSWER = "UNEXPECTED_ANSWER"
    NOT_SENT_BY_SUPPLIER = "NOT_SENT_BY_SUPPLIER"
    NOT_SENT_BY_UTILITY = "NOT_SENT_BY_UTILITY"


MESSAGES = {
    Refusal.ALREADY_ENROLLED: "The account is already enrolled (ACTIVE).",
    Refusal.ENROLLMENT_PENDING: "An enrollment is already pending for the account.",
    Refusal.DROP_PENDING: "A drop is pending for the account; a reinstatement keeps it instead.",
    Refusal.DROP_ALREADY_ACCEPTED: "The utility already accepted a drop; a reinstatement keeps the account instead.",
    Refusal.ALREADY_DROPPED: "The account is already dropped; it needs a new enrollment.",
    Refusal.NOT_ENROLLED: "The account is not enrolled with this supplier.",
    Refusal.NOTHING_TO_REINSTATE: "Only an account with a pending or accepted drop can be reinstated.",
    Refusal.UNEXPECTED_ANSWER: "The account's status does not expect this answer.",
    Refusal.NOT_SENT_BY_SUPPLIER: "The supplier does not send this kind of transaction.",
    Refusal.NOT_SENT_BY_UTILITY: "The utility does not send this kind of transaction unasked.",
}

EVERY = frozenset(S)
SERVED = frozenset({S.PENDING, S.ACTIVE, S.PENDING_DROP, S.DROP_ACCEPTED})
OUTBOUND_TYPES = frozenset({T.ENROLLMENT, T.DROP, T.CHANGE, T.REINSTATEMENT, T.HISTORICAL_USAGE_REQUEST,
                            T.MOVE_IN, T.MOVE_OUT})
INBOUND_TYPES = frozenset({T.DROP, T.MOVE_OUT, T.USAGE, T.INVOICE, T.REMITTANCE})
TRANSFERS = frozenset({T.MOVE_IN, T.MOVE_OUT})

# (type, outcome) -> {status it may happen in: status it leads to}; REJECTED is computed.
EFFECTS: dict[tuple[T, Outcome], dict[S, S]] = {
    (T.ENROLLMENT, Outcome.REQUESTED): {S.DROPPED: S.PENDING, S.INACTIVE: S.PENDING},
    (T.ENROLLMENT, Outcome.ACCEPTED): {S.PENDING: S.ACTIVE},
    (T.MOVE_IN, Outcome.REQUESTED): {S.DROPPED: S.PENDING, S.INACTIVE: S.PENDING},
    (T.MOVE_IN, Outcome.ACCEPTED): {S.PENDING: S.ACTIVE},
    (T.DROP, Outcome.REQUESTED): {S.ACTIVE: S.PENDING_DROP},
    (T.DROP, Outcome.ACCEPTED): {S.PENDING_DROP: S.DROP_ACCEPTED},
    (T.DROP, Outcome.RECEIVED): {s: S.DROP_ACCEPTED for s in SERVED},
    (T.MOVE_OUT, Outcome.REQUESTED): {S.ACTIVE: S.PENDING_DROP},
    (T.MOVE_OUT, Outcome.ACCEPTED): {S.PENDING_DROP: S.DROP_ACCEPTED},
    (T.MOVE_OUT, Outcome.RECEIVED): {s: S.DROP_ACCEPTED for s in SERVED},
    (T.REINSTATEMENT, Outcome.REQUESTED): {S.PENDING_DROP: S.PENDING_DROP, S.DROP_ACCEPTED: S.DROP_ACCEPTED},
    (T.REINSTATEMENT, Outcome.ACCEPTED): {S.PENDING_DROP: S.ACTIVE, S.DROP_ACCEPTED: S.ACTIVE},
    (T.CHANGE, Outcome.REQUESTED): {s: s for s in SERVED},
    (T.CHANGE, Outcome.ACCEPTED): {s: s for s in EVERY},
    (T.HISTORICAL_USAGE_REQUEST, Outcome.REQUESTED): {s: s for s in EVERY},
    (T.HISTORICAL_USAGE_REQUEST, Outcome.ACCEPTED): {s: s for s in EVERY},
    (T.USAGE, Outcome.RECEIVED): {s: s for s in EVERY},
    (T.INVOICE, Outcome.RECEIVED): {s: s for s in EVERY},
    (T.REMITTANCE, Outcome.RECEIVED): {s: s for s in EVERY},
}

# Why a request cannot be sent in a status, per family of request.
_ENROLLING = {S.PENDING: Refusal.ENROLLMENT_PENDING, S.ACTIVE: Refusal.ALREADY_ENROLLED,
              S.PENDING_DROP: Refusal.DROP_PENDING, S.DROP_ACCEPTED: Refusal.DROP_ALREADY_ACCEPTED}
_DROPPING = {S.PENDING: Refusal.NOT_ENROLLED, S.PENDING_DROP: Refusal.DROP_PENDING,
             S.DROP_ACCEPTED: Refusal.DROP_ALREADY_ACCEPTED, S.DROPPED: Refusal.ALREADY_DROPPED,
             S.INACTIVE: Refusal.NOT_ENROLLED}
REQUEST_REFUSALS: dict[T, dict[S, Refusal]] = {
    T.ENROLLMENT: _ENROLLING,
    T.MOVE_IN: _ENROLLING,
    T.DROP: _DROPPING,
    T.MOVE_OUT: _DROPPING,
    T.REINSTATEMENT: {S.PENDING: Refusal.NOTHING_TO_REINSTATE, S.ACTIVE: Refusal.NOTHING_TO_REINSTATE,
                      S.DROPPED: Refusal.ALREADY_DROPPED, S.INACTIVE: Refusal.NOT_ENROLLED},
    T.CHANGE: {S.DROPPED: Refusal.ALREADY_DROPPED, S.INACTIVE: Refusal.NOT_ENROLLED},
}
INBOUND_REFUSALS = {S.DROPPED: Refusal.ALREADY_DROPPED, S.INACTIVE: Refusal.NOT_ENROLLED}

ALLOWED_TRANSITIONS: dict[S, frozenset[S]] = {
    S.PENDING: frozenset({S.ACTIVE, S.DROP_ACCEPTED, S.DROPPED, S.INACTIVE}),  # the last two: enrollment rejected
    S.ACTIVE: frozenset({S.PENDING_DROP, S.DROP_ACCEPTED}),
    S.PENDING_DROP: frozenset({S.DROP_ACCEPTED, S.ACTIVE}),  # ACTIVE: reinstated, or the drop rejected
    S.DROP_ACCEPTED: frozenset({S.ACTIVE, S.DROPPED}),  # DROPPED: the end date came
    S.DROPPED: frozenset({S.PENDING}),
    S.INACTIVE: frozenset({S.PENDING}),
}


class ImpossibleTransition(Exception):
    """The transaction or answer cannot happen to the account in its status."""

    def __init__(self, refusal: Refusal, status: S, type_: T, outcome: Outcome):
        super().__init__(MESSAGES[refusal])
        self.refusal, self.status, self.type, self.outcome = refusal, status, type_, outcome


def can_transition(old: S, new: S) -> bool:
    """Whether the status may go from `old` to `new` (staying put is always possible)."""
    return old == new or new in ALLOWED_TRANSITIONS[old]


def status_after_request(current: S, type_: T) -> S:
    """The status once we send `type_`; raises ImpossibleTransition when it cannot be sent now."""
    if type_ not in OUTBOUND_TYPES:
        raise ImpossibleTransition(Refusal.NOT_SENT_BY_SUPPLIER, current, type_, Outcome.REQUESTED)
    after = EFFECTS[(type_, Outcome.REQUESTED)].get(current)
    if after is None:
        raise ImpossibleTransition(REQUEST_REFUSALS[type_][current], current, type_, Outcome.REQUESTED)
    return after


def status_after_acceptance(current: S, type_: T) -> S:
    """The status once the utility accepts our `type_` request."""
    if type_ not in OUTBOUND_TYPES:
        raise ImpossibleTransition(Refusal.NOT_SENT_BY_SUPPLIER, current, type_, Outcome.ACCEPTED)
    after = EFFECTS[(type_, Outcome.ACCEPTED)].get(current)
    if after is None:
        raise ImpossibleTransition(Refusal.UNEXPECTED_ANSWER, current, type_, Outcome.ACCEPTED)
    return after


def status_after_rejection(current: S, before_request: S, after_request: S) -> S:
    """A rejection restores what the request replaced, if nothing has moved the account on since."""
    return before_request if current == after_request else current


def status_after_inbound(current: S, type_: T) -> S:
    """The status once the utility sends `type_` unasked (e.g. another supplier's drop)."""
    if type_ not in INBOUND_TYPES:
        raise ImpossibleTransition(Refusal.NOT_SENT_BY_UTILITY, current, type_, Outcome.RECEIVED)
    after = EFFECTS[(type_, Outcome.RECEIVED)].get(current)
    if after is None:
        raise ImpossibleTransition(INBOUND_REFUSALS[current], current, type_, Outcome.RECEIVED)
    return after


def next_status(current: S, type_: T, outcome: Outcome, *, before_request: S | None = None,
                after_request: S | None = None) -> S:
    """The status after a transaction; a rejection needs the statuses around its request."""
    if outcome is Outcome.REQUESTED:
        return status_after_request(current, type_)
    if outcome is Outcome.ACCEPTED:
        return status_after_acceptance(current, type_)
    if outcome is Outcome.RECEIVED:
        return status_after_inbound(current, type_)
    if type_ not in OUTBOUND_TYPES:
        raise ImpossibleTransition(Refusal.NOT_SENT_BY_SUPPLIER, current, type_, outcome)
    before = current if before_request is None else before_request
    return status_after_rejection(current, before, current if after_request is None else after_request)


EFFECTIVE_WITHIN = timedelta(days=3_653)  # ten years either side of today


def effective_date_is_plausible(day: date, today: date) -> bool:
    """A market transaction takes effect within ten years of today: anything else is a typo (and 9999-12-31
    would leave no room for the contract's end date)."""
    return abs(day - today) <= EFFECTIVE_WITHIN


def drop_is_due(status: S, end_date: date | None, today: date) -> bool:
    """A DROP_ACCEPTED account becomes DROPPED on its end date (the last day served), not before."""
    return status is S.DROP_ACCEPTED and end_date is not None and end_date <= today


@dataclass(frozen=True, slots=True)
class AccountState:
    status: S
    start_date: date | None = None
    end_date: date | None = None
    contract_term_months: int | None = None
    pending_transfer: bool = False


@dataclass(frozen=True, slots=True)
class MarketEvent:
    type: T
    outcome: Outcome
    on: date  # the effective date: the one the transaction names, else the day it happened
    before_request: S | None = None
    after_request: S | None = None


def next_state(state: AccountState, event: MarketEvent) -> AccountState:
    """The account after `event`: status, service dates and the pending-transfer flag."""
    status = next_status(state.status, event.type, event.outcome,
                         before_request=event.before_request, after_request=event.after_request)
    new = replace(state, status=status, pending_transfer=_pending_transfer(state, event))
    if status == state.status:
        return new
    if status is S.ACTIVE and state.status is S.PENDING:
        return replace(new, start_date=event.on, end_date=contract_end(event.on, state.contract_term_months))
    if status is S.ACTIVE:  # reinstated: the contract runs on to its own end again
        return replace(new, end_date=contract_end(state.start_date, state.contract_term_months))
    if status is S.DROP_ACCEPTED:
        return replace(new, end_date=event.on)
    return new


def _pending_transfer(state: AccountState, event: MarketEvent) -> bool:
    """A move in or out is a transfer: pending from its request until the utility answers it."""
    if event.type not in TRANSFERS or event.outcome is Outcome.RECEIVED:
        return state.pending_transfer
    return event.outcome is Outcome.REQUESTED


def contract_end(start: date | None, term_months: int | None) -> date | None:
    """The last day of a contract of `term_months` from `start`: the day before the same day
    `term_months` later, or that month's last day when it has no such day (Jan 31 + 1 -> Feb 28).
    None when month to month."""
    if start is None or not term_months:
        return None
    months = start.month - 1 + term_months
    year, month = start.year + months // 12, months % 12 + 1
    last_day = monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date.fromordinal(date(year, month, start.day).toordinal() - 1)
