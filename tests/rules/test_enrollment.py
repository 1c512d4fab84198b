"""The enrollment state machine, every status against every transaction type and outcome (no database)."""

from datetime import date
from itertools import product

import pytest

from db.enums import EnrollmentStatus as S
from db.enums import MarketTransactionType as T
from resolvers.rules.enrollment import (
    ALLOWED_TRANSITIONS,
    AccountState,
    ImpossibleTransition,
    MarketEvent,
    Outcome,
    Refusal,
    can_transition,
    contract_end,
    drop_is_due,
    effective_date_is_plausible,
    next_state,
    next_status,
    status_after_rejection,
)

R = Refusal
STATUSES = [S.PENDING, S.ACTIVE, S.PENDING_DROP, S.DROP_ACCEPTED, S.DROPPED, S.INACTIVE]

# What we send: the status it leads to, or why it is refused; one column per status, in STATUSES order.
REQUESTED = {
    T.ENROLLMENT: [
        R.ENROLLMENT_PENDING,
        R.ALREADY_ENROLLED,
        R.DROP_PENDING,
        R.DROP_ALREADY_ACCEPTED,
        S.PENDING,
        S.PENDING,
    ],
    T.MOVE_IN: [
        R.ENROLLMENT_PENDING,
        R.ALREADY_ENROLLED,
        R.DROP_PENDING,
        R.DROP_ALREADY_ACCEPTED,
        S.PENDING,
        S.PENDING,
    ],
    T.DROP: [
        R.NOT_ENROLLED,
        S.PENDING_DROP,
        R.DROP_PENDING,
        R.DROP_ALREADY_ACCEPTED,
        R.ALREADY_DROPPED,
        R.NOT_ENROLLED,
    ],
    T.MOVE_OUT: [
        R.NOT_ENROLLED,
        S.PENDING_DROP,
        R.DROP_PENDING,
        R.DROP_ALREADY_ACCEPTED,
        R.ALREADY_DROPPED,
        R.NOT_ENROLLED,
    ],
    T.REINSTATEMENT: [
        R.NOTHING_TO_REINSTATE,
        R.NOTHING_TO_REINSTATE,
        S.PENDING_DROP,
        S.DROP_ACCEPTED,
        R.ALREADY_DROPPED,
        R.NOT_ENROLLED,
    ],
    T.CHANGE: [S.PENDING, S.ACTIVE, S.PENDING_DROP, S.DROP_ACCEPTED, R.ALREADY_DROPPED, R.NOT_ENROLLED],
    T.HISTORICAL_USAGE_REQUEST: STATUSES,
    T.USAGE: [R.NOT_SENT_BY_SUPPLIER] * 6,
    T.INVOICE: [R.NOT_SENT_BY_SUPPLIER] * 6,
    T.REMITTANCE: [R.NOT_SENT_BY_SUPPLIER] * 6,
}
U = R.UNEXPECTED_ANSWER
ACCEPTED = {
    T.ENROLLMENT: [S.ACTIVE, U, U, U, U, U],
    T.MOVE_IN: [S.ACTIVE, U, U, U, U, U],
    T.DROP: [U, U, S.DROP_ACCEPTED, U, U, U],
    T.MOVE_OUT: [U, U, S.DROP_ACCEPTED, U, U, U],
    T.REINSTATEMENT: [U, U, S.ACTIVE, S.ACTIVE, U, U],
    T.CHANGE: STATUSES,
    T.HISTORICAL_USAGE_REQUEST: STATUSES,
    T.USAGE: [R.NOT_SENT_BY_SUPPLIER] * 6,
    T.INVOICE: [R.NOT_SENT_BY_SUPPLIER] * 6,
    T.REMITTANCE: [R.NOT_SENT_BY_SUPPLIER] * 6,
}
_SWITCHED_AWAY = [S.DROP_ACCEPTED, S.DROP_ACCEPTED, S.DROP_ACCEPTED, S.DROP_ACCEPTED, R.ALREADY_DROPPED, R.NOT_ENROLLED]
RECEIVED = {
    T.DROP: _SWITCHED_AWAY,
    T.MOVE_OUT: _SWITCHED_AWAY,
    T.USAGE: STATUSES,
    T.INVOICE: STATUSES,
    T.REMITTANCE: STATUSES,
    T.ENROLLMENT: [R.NOT_SENT_BY_UTILITY] * 6,
    T.MOVE_IN: [R.NOT_SENT_BY_UTILITY] * 6,
    T.REINSTATEMENT: [R.NOT_SENT_BY_UTILITY] * 6,
    T.CHANGE: [R.NOT_SENT_BY_UTILITY] * 6,
    T.HISTORICAL_USAGE_REQUEST: [R.NOT_SENT_BY_UTILITY] * 6,
}
TABLES = {Outcome.REQUESTED: REQUESTED, Outcome.ACCEPTED: ACCEPTED, Outcome.RECEIVED: RECEIVED}
CASES = [(outcome, type_, status, TABLES[outcome][type_][i])
         for outcome in TABLES for type_ in T for i, status in enumerate(STATUSES)]


def test_the_tables_cover_every_type():
    assert all(set(table) == set(T) for table in TABLES.values())


@pytest.mark.parametrize("outcome,type_,status,expected", CASES,
                         ids=[f"{o.value}-{t.value}-{s.value}" for o, t, s, _ in CASES])
def test_every_status_against_every_transaction(outcome, type_, status, expected):
    # given a status, when a transaction of a type has an outcome, then this status or this refusal
    if isinstance(expected, Refusal):
        with pytest.raises(ImpossibleTransition) as raised:
            next_status(status, type_, outcome)
        assert (raised.value.refusal, raised.value.status, raised.value.type) == (expected, status, type_)
    else:
        assert next_status(status, type_, outcome) == expected
        assert can_transition(status, expected)


class TestRejections:
    def test_a_rejected_enrollment_restores_what_was_there(self):
        assert (
            next_status(S.PENDING, T.ENROLLMENT, Outcome.REJECTED, before_request=S.DROPPED, after_request=S.PENDING)
            is S.DROPPED
        )
        assert next_status(S.PENDING, T.MOVE_IN, Outcome.REJECTED, before_request=S.INACTIVE, after_request=S.PENDING) \
            is S.INACTIVE

    def test_a_rejected_drop_leaves_the_account_active(self):
        assert next_status(S.PENDING_DROP, T.DROP, Outcome.REJECTED, before_request=S.ACTIVE,
                           after_request=S.PENDING_DROP) is S.ACTIVE

    def test_a_rejection_after_the_account_moved_on_changes_nothing(self):
        # our drop was pending when another supplier's drop arrived; then the utility rejects ours
        assert status_after_rejection(S.DROP_ACCEPTED, S.ACTIVE, S.PENDING_DROP) is S.DROP_ACCEPTED

    @pytest.mark.parametrize("status", STATUSES)
    def test_a_rejection_of_a_request_that_changed_nothing_changes_nothing(self, status):
        assert next_status(status, T.CHANGE, Outcome.REJECTED) is status
        assert next_status(status, T.REINSTATEMENT, Outcome.REJECTED, before_request=status, after_request=status) \
            is status

    def test_the_utility_rejects_only_what_we_sent(self):
        with pytest.raises(ImpossibleTransition) as raised:
            next_status(S.ACTIVE, T.USAGE, Outcome.REJECTED)
        assert raised.value.refusal is Refusal.NOT_SENT_BY_SUPPLIER

    @pytest.mark.parametrize(
        "before,after", [(S.DROPPED, S.PENDING), (S.INACTIVE, S.PENDING), (S.ACTIVE, S.PENDING_DROP)]
    )
    def test_every_restoring_rejection_is_an_allowed_transition(self, before, after):
        assert can_transition(after, status_after_rejection(after, before, after))


class TestAllowedTransitions:
    @pytest.mark.parametrize("old,new", list(product(STATUSES, STATUSES)))
    def test_every_pair(self, old, new):
        expected = old == new or (old, new) in {
            (S.PENDING, S.ACTIVE), (S.PENDING, S.DROP_ACCEPTED), (S.PENDING, S.DROPPED), (S.PENDING, S.INACTIVE),
            (S.ACTIVE, S.PENDING_DROP), (S.ACTIVE, S.DROP_ACCEPTED),
            (S.PENDING_DROP, S.DROP_ACCEPTED), (S.PENDING_DROP, S.ACTIVE),
            (S.DROP_ACCEPTED, S.ACTIVE), (S.DROP_ACCEPTED, S.DROPPED),
            (S.DROPPED, S.PENDING), (S.INACTIVE, S.PENDING),
        }
        assert can_transition(old, new) is expected

    def test_every_allowed_transition_has_a_cause(self):
        caused = {(s, e) for o, t, s, e in CASES if isinstance(e, S) and e != s}
        caused |= {(S.PENDING, S.DROPPED), (S.PENDING, S.INACTIVE), (S.PENDING_DROP, S.ACTIVE)}  # rejections
        caused |= {(S.DROP_ACCEPTED, S.DROPPED)}  # the end date
        assert caused == {(old, new) for old, news in ALLOWED_TRANSITIONS.items() for new in news}


class TestDropDates:
    @pytest.mark.parametrize("status", STATUSES)
    def test_only_drop_accepted_accounts_are_dropped_by_date(self, status):
        assert drop_is_due(status, date(2026, 1, 31), date(2026, 2, 1)) is (status is S.DROP_ACCEPTED)

    def test_the_drop_is_due_on_the_end_date_not_before(self):
        end = date(2026, 1, 31)
        assert [drop_is_due(S.DROP_ACCEPTED, end, d) for d in (date(2026, 1, 30), end, date(2026, 2, 1))] \
            == [False, True, True]

    def test_no_end_date_no_drop(self):
        assert drop_is_due(S.DROP_ACCEPTED, None, date(2026, 1, 1)) is False


class TestNextState:
    def test_an_accepted_enrollment_starts_service_and_the_contract(self):
        state = AccountState(S.PENDING, contract_term_months=12)
        after = next_state(state, MarketEvent(T.ENROLLMENT, Outcome.ACCEPTED, date(2026, 3, 15)))
        assert (after.status, after.start_date, after.end_date) == (S.ACTIVE, date(2026, 3, 15), date(2027, 3, 14))

    def test_an_accepted_drop_ends_service_on_its_date(self):
        state = AccountState(S.PENDING_DROP, date(2025, 1, 1), date(2025, 12, 31), 12)
        after = next_state(state, MarketEvent(T.DROP, Outcome.ACCEPTED, date(2025, 6, 30)))
        assert (after.status, after.start_date, after.end_date) == (
            S.DROP_ACCEPTED,
            date(2025, 1, 1),
            date(2025, 6, 30),
        )

    def test_a_reinstatement_restores_the_contract_end(self):
        state = AccountState(S.DROP_ACCEPTED, date(2025, 1, 1), date(2025, 6, 30), 24)
        after = next_state(state, MarketEvent(T.REINSTATEMENT, Outcome.ACCEPTED, date(2025, 6, 1)))
        assert (after.status, after.end_date) == (S.ACTIVE, date(2026, 12, 31))

    def test_a_move_is_a_pending_transfer_until_answered(self):
        state = AccountState(S.ACTIVE, date(2025, 1, 1))
        requested = next_state(state, MarketEvent(T.MOVE_OUT, Outcome.REQUESTED, date(2025, 5, 31)))
        assert (requested.status, requested.pending_transfer) == (S.PENDING_DROP, True)
        accepted = next_state(requested, MarketEvent(T.MOVE_OUT, Outcome.ACCEPTED, date(2025, 5, 31)))
        assert (accepted.status, accepted.pending_transfer, accepted.end_date) == (
            S.DROP_ACCEPTED,
            False,
            date(2025, 5, 31),
        )

    def test_a_rejected_move_in_clears_the_transfer_and_restores_the_status(self):
        state = AccountState(S.PENDING, pending_transfer=True)
        event = MarketEvent(T.MOVE_IN, Outcome.REJECTED, date(2025, 5, 1), S.DROPPED, S.PENDING)
        assert next_state(state, event) == AccountState(S.DROPPED)

    def test_requests_leave_the_dates_alone(self):
        state = AccountState(S.DROPPED, date(2024, 1, 1), date(2024, 12, 31))
        after = next_state(state, MarketEvent(T.ENROLLMENT, Outcome.REQUESTED, date(2025, 2, 1)))
        assert (after.status, after.start_date, after.end_date) == (S.PENDING, date(2024, 1, 1), date(2024, 12, 31))

    def test_usage_changes_nothing(self):
        state = AccountState(S.ACTIVE, date(2025, 1, 1), date(2025, 12, 31), 12)
        assert next_state(state, MarketEvent(T.USAGE, Outcome.RECEIVED, date(2025, 3, 1))) == state


class TestContractEnd:
    @pytest.mark.parametrize("start,months,end", [
        (date(2025, 1, 1), 12, date(2025, 12, 31)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no Feb 31: the month's last day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 14)),
    ])
    def test_the_day_before_the_same_day_term_months_later(self, start, months, end):
        assert contract_end(start, months) == end

    def test_month_to_month_has_no_end(self):
        assert contract_end(date(2025, 1, 1), None) is None
        assert contract_end(None, 12) is None


@pytest.mark.parametrize("day, plausible", [
    (date(2026, 12, 3), True), (date(2036, 12, 2), True), (date(2016, 12, 4), True),
    (date(2036, 12, 5), False), (date(2016, 12, 1), False), (date.max, False), (date.min, False)])
def test_an_effective_date_lies_within_ten_years_of_today(day, plausible):
    assert effective_date_is_plausible(day, date(2026, 12, 3)) == plausible
