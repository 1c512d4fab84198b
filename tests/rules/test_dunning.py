"""Dunning holds: when one is in force, what a valid one is, what a bulk hold does (no database)."""

from datetime import date

import pytest

from db.enums import EnrollmentStatus as S
from resolvers.rules.dunning import (
    MAX_HOLD_DAYS,
    MAX_REASON_LENGTH,
    Hold,
    HoldProblem,
    current_hold,
    hold_active,
    hold_findings,
    latest_until,
    placed_detail,
    placed_note,
    reason_findings,
    released_note,
    status_wanted,
)

TODAY = date(2026, 11, 23)


class TestHoldInForce:
    def test_a_hold_runs_through_its_last_day_inclusive(self):
        assert hold_active(date(2026, 11, 23), TODAY) is True
        assert hold_active(date(2027, 1, 31), TODAY) is True

    def test_the_day_after_it_has_expired_by_itself(self):
        assert hold_active(date(2026, 11, 22), TODAY) is False
        assert current_hold(date(2026, 11, 22), "Disputed bill", TODAY) is None

    def test_no_hold(self):
        assert hold_active(None, TODAY) is False
        assert current_hold(None, None, TODAY) is None

    def test_the_current_hold_carries_its_reason(self):
        assert current_hold(date(2026, 12, 1), "Disputed bill", TODAY) == Hold(date(2026, 12, 1), "Disputed bill")


class TestHoldFindings:
    def test_today_and_the_last_allowed_day_are_fine(self):
        assert hold_findings(TODAY, "Disputed bill", TODAY) == []
        assert hold_findings(latest_until(TODAY), "Disputed bill", TODAY) == []
        assert latest_until(TODAY) == date(2027, 11, 23)
        assert MAX_HOLD_DAYS == 365

    def test_a_past_day_is_refused(self):
        [finding] = hold_findings(date(2026, 11, 22), "Disputed bill", TODAY)
        assert (finding.problem, finding.field) == (HoldProblem.UNTIL_IN_PAST, "until")

    def test_a_day_past_the_limit_is_refused_and_named(self):
        [finding] = hold_findings(date(2027, 11, 24), "Disputed bill", TODAY)
        assert finding.problem is HoldProblem.UNTIL_TOO_FAR
        assert "2027-11-23" in finding.message

    @pytest.mark.parametrize("reason", [None, "", "   \n"])
    def test_a_blank_reason_is_missing(self, reason):
        assert [f.problem for f in reason_findings(reason)] == [HoldProblem.REASON_MISSING]

    def test_a_reason_is_measured_after_trimming(self):
        assert reason_findings("  " + "x" * MAX_REASON_LENGTH + "  ") == []
        [finding] = reason_findings("x" * (MAX_REASON_LENGTH + 1))
        assert (finding.problem, finding.field) == (HoldProblem.REASON_TOO_LONG, "reason")

    def test_every_problem_is_reported_date_first(self):
        found = hold_findings(date(2020, 1, 1), " ", TODAY)
        assert [f.problem for f in found] == [HoldProblem.UNTIL_IN_PAST, HoldProblem.REASON_MISSING]


class TestBulkDecisions:
    def test_without_a_filter_every_found_account_is_wanted(self):
        assert status_wanted(S.INACTIVE, ())
        assert status_wanted(None, ())

    def test_with_a_filter_only_those_statuses_and_never_no_status(self):
        assert status_wanted(S.ACTIVE, (S.ACTIVE,)) is True
        assert status_wanted(S.DROP_ACCEPTED, (S.ACTIVE,)) is False
        assert status_wanted(None, (S.ACTIVE,)) is False

    def test_placed_detail_names_what_it_replaces(self):
        new = Hold(date(2027, 1, 31), "Payment plan")
        assert placed_detail(None, new) is None
        assert placed_detail(new, new) == "Already on this hold; nothing changed."
        assert placed_detail(Hold(date(2026, 12, 1), "Dispute"), new) == "Replaces the hold until 2026-12-01: Dispute"


class TestLogText:
    def test_a_new_hold(self):
        assert placed_note(None, Hold(date(2027, 1, 31), "Payment plan")) == (
            "Dunning hold until 2027-01-31", "Dunning hold until 2027-01-31: Payment plan")

    def test_a_replaced_hold_is_noted_from_to(self):
        subject, body = placed_note(Hold(date(2026, 12, 1), "Dispute"), Hold(date(2027, 1, 31), "Payment plan"))
        assert body == "Dunning hold until 2027-01-31: Payment plan\nReplaces the hold until 2026-12-01: Dispute"

    def test_a_release(self):
        assert released_note(Hold(date(2026, 12, 1), "Dispute"), "Resolved") == (
            "Dunning hold released", "Dunning hold released: Resolved\nIt was until 2026-12-01: Dispute")
