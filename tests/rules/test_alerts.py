"""account_alerts: which facts raise which alert, with what message, in what order."""

from datetime import UTC, date, datetime, timedelta

import pytest

from db.enums import EnrollmentStatus as S
from db.enums import TicketStatus
from resolvers.rules.alerts import (
    AccountFacts,
    AlertFacts,
    AlertKind,
    AlertSeverity,
    CriticalNote,
    HoldFacts,
    PastDue,
    ReturnedPayment,
    Subject,
    SubjectKind,
    TicketFacts,
    account_alerts,
    returned_since,
)

TODAY = date(2026, 3, 10)
NOON = datetime(2026, 3, 9, 12, tzinfo=UTC)


def alerts_of(**facts) -> list[tuple[AlertKind, str]]:
    return [(a.kind, a.message) for a in account_alerts(AlertFacts(customer_id=7, **facts), TODAY)]


def account(status=S.ACTIVE, end=date(2027, 1, 1), **flags) -> AccountFacts:
    return AccountFacts(id=3, ldc_account_number="LDC42", status=status, end_date=end, **flags)


class TestEachKind:
    def test_nothing_to_say_gives_no_alerts(self):
        assert alerts_of(past_due=PastDue(0), accounts=(account(),)) == []

    def test_each_critical_note_is_an_alert_with_its_first_text(self):
        notes = (CriticalNote(1, NOON, subject="Customer only speaks Spanish."),
                 CriticalNote(2, NOON - timedelta(days=1), body="Deaf: use relay service."),
                 CriticalNote(3, NOON - timedelta(days=2)))
        found = account_alerts(AlertFacts(7, critical_notes=notes), TODAY)
        assert [(a.kind, a.severity, a.message, a.subject) for a in found] == [
            (AlertKind.CRITICAL_NOTE, AlertSeverity.CRITICAL, "Customer only speaks Spanish.",
             Subject(SubjectKind.NOTE, 1)),
            (AlertKind.CRITICAL_NOTE, AlertSeverity.CRITICAL, "Deaf: use relay service.", Subject(SubjectKind.NOTE, 2)),
            (AlertKind.CRITICAL_NOTE, AlertSeverity.CRITICAL, "Critical note", Subject(SubjectKind.NOTE, 3)),
        ]

    def test_past_due_names_amount_and_oldest_invoice(self):
        [alert] = account_alerts(AlertFacts(7, past_due=PastDue(15_025, 11, "INV-1", date(2026, 1, 5))), TODAY)
        assert (alert.kind, alert.severity) == (AlertKind.PAST_DUE, AlertSeverity.WARNING)
        assert alert.message == "Past due: $150.25, oldest unpaid invoice INV-1 was due 2026-01-05."
        assert alert.subject == Subject(SubjectKind.INVOICE, 11)

    def test_past_due_whose_invoice_was_paid_meanwhile_keeps_the_amount_without_subject(self):
        [alert] = account_alerts(AlertFacts(7, past_due=PastDue(500)), TODAY)
        assert (alert.message, alert.subject) == ("Past due: $5.00.", None)

    @pytest.mark.parametrize("status, kind, text", [
        (S.PENDING_DROP, AlertKind.PENDING_DROP, "Drop pending on LDC account LDC42; service ends 2026-04-30."),
        (S.DROP_ACCEPTED, AlertKind.DROP_ACCEPTED, "Drop accepted on LDC account LDC42; service ends 2026-04-30."),
    ])
    def test_drops_name_the_ldc_number_and_end_date(self, status, kind, text):
        [alert] = account_alerts(AlertFacts(7, accounts=(account(status, date(2026, 4, 30)),)), TODAY)
        assert (alert.kind, alert.severity, alert.message) == (kind, AlertSeverity.WARNING, text)
        assert alert.subject == Subject(SubjectKind.UTILITY_ACCOUNT, 3)

    def test_drop_without_end_date_says_so(self):
        assert alerts_of(accounts=(account(S.PENDING_DROP, None),)) == [
            (AlertKind.PENDING_DROP, "Drop pending on LDC account LDC42; service ends no end date yet.")]

    def test_active_hold_names_until_and_reason_and_points_at_the_customer(self):
        [alert] = account_alerts(AlertFacts(7, hold=HoldFacts(date(2026, 4, 1), "Hardship plan")), TODAY)
        assert alert.kind is AlertKind.DUNNING_HOLD
        assert alert.message == "On dunning hold until 2026-04-01: Hardship plan."
        assert alert.subject == Subject(SubjectKind.CUSTOMER, 7)

    def test_hold_is_active_through_its_last_day_then_expires(self):
        assert [k for k, _ in alerts_of(hold=HoldFacts(TODAY, "x"))] == [AlertKind.DUNNING_HOLD]
        assert alerts_of(hold=HoldFacts(TODAY - timedelta(days=1), "x")) == []
        assert alerts_of(hold=HoldFacts(None, None)) == []

    def test_open_and_in_progress_tickets_alert_closed_do_not(self):
        tickets = tuple(TicketFacts(n, f"TKT-{n:06d}", f"Summary {n}", status, NOON - timedelta(hours=n))
                        for n, status in enumerate(TicketStatus, start=1))
        assert alerts_of(tickets=tickets) == [
            (AlertKind.OPEN_TICKET, "Ticket TKT-000001 open: Summary 1"),
            (AlertKind.OPEN_TICKET, "Ticket TKT-000002 in progress: Summary 2"),
        ]

    @pytest.mark.parametrize("end, due", [
        (TODAY, True), (TODAY + timedelta(days=60), True), (TODAY + timedelta(days=61), False),
        (TODAY - timedelta(days=1), False), (None, False),
    ])
    def test_renewal_is_due_when_an_active_contract_ends_within_60_days(self, end, due):
        found = alerts_of(accounts=(account(end=end),))
        assert [k for k, _ in found] == ([AlertKind.RENEWAL_DUE] if due else [])

    def test_renewal_message_counts_the_days(self):
        assert alerts_of(accounts=(account(end=date(2026, 4, 9)),)) == [
            (AlertKind.RENEWAL_DUE, "Renewal due on LDC account LDC42: its contract ends 2026-04-09 (in 30 days).")]

    def test_renewal_pending_alerts_whatever_the_end_date_but_only_when_active(self):
        assert alerts_of(accounts=(account(renewal_pending=True),)) == [
            (AlertKind.RENEWAL_DUE, "Renewal pending on LDC account LDC42.")]
        assert alerts_of(accounts=(account(S.DROPPED, renewal_pending=True),)) == []

    def test_pending_transfer(self):
        assert alerts_of(accounts=(account(S.PENDING, pending_transfer=True),)) == [
            (AlertKind.PENDING_TRANSFER, "Transfer pending on LDC account LDC42.")]

    def test_one_account_can_raise_several_alerts(self):
        found = alerts_of(accounts=(account(S.ACTIVE, TODAY + timedelta(days=5), pending_transfer=True),))
        assert [k for k, _ in found] == [AlertKind.RENEWAL_DUE, AlertKind.PENDING_TRANSFER]

    def test_returned_payment_within_90_days(self):
        returned = ReturnedPayment(5, 4_000, date(2026, 2, 1), datetime(2026, 2, 6, 15, tzinfo=UTC), "NSF")
        [alert] = account_alerts(AlertFacts(7, returned_payments=(returned,)), TODAY)
        assert (alert.kind, alert.severity) == (AlertKind.RETURNED_PAYMENT, AlertSeverity.WARNING)
        assert alert.message == "Payment of $40.00 received 2026-02-01 was returned on 2026-02-06: NSF."
        assert alert.subject == Subject(SubjectKind.PAYMENT, 5)

    def test_returned_payment_older_than_90_days_gives_none(self):
        cutoff = returned_since(TODAY)
        assert cutoff == datetime(2025, 12, 10, tzinfo=UTC)
        old = ReturnedPayment(5, 4_000, date(2025, 12, 1), cutoff - timedelta(seconds=1))
        edge = ReturnedPayment(6, 4_000, date(2025, 12, 1), cutoff)
        assert [a.subject.id for a in account_alerts(AlertFacts(7, returned_payments=(old, edge)), TODAY)] == [6]


class TestOrder:
    def test_severity_then_standing_conditions_then_newest_first(self):
        facts = AlertFacts(
            7,
            critical_notes=(CriticalNote(1, NOON - timedelta(days=30), subject="Old critical"),
                            CriticalNote(2, NOON, subject="New critical")),
            past_due=PastDue(100, 11, "INV-1", date(2026, 1, 5)),
            hold=HoldFacts(date(2026, 4, 1), "Hardship"),
            accounts=(account(S.PENDING_DROP, date(2026, 4, 30)), AccountFacts(4, "LDC43", S.ACTIVE, TODAY)),
            tickets=(TicketFacts(9, "TKT-000009", "Call back", TicketStatus.OPEN, NOON),),
            returned_payments=(ReturnedPayment(5, 100, date(2026, 2, 1), datetime(2026, 2, 6, tzinfo=UTC)),),
        )
        found = account_alerts(facts, TODAY)
        assert [(a.severity, a.kind) for a in found] == [
            (AlertSeverity.CRITICAL, AlertKind.CRITICAL_NOTE),  # new
            (AlertSeverity.CRITICAL, AlertKind.CRITICAL_NOTE),  # old
            (AlertSeverity.WARNING, AlertKind.PENDING_DROP),  # standing conditions first
            (AlertSeverity.WARNING, AlertKind.DUNNING_HOLD),
            (AlertSeverity.WARNING, AlertKind.RETURNED_PAYMENT),  # returned 2026-02-06
            (AlertSeverity.WARNING, AlertKind.PAST_DUE),  # past due since 2026-01-06
            (AlertSeverity.INFO, AlertKind.RENEWAL_DUE),
            (AlertSeverity.INFO, AlertKind.OPEN_TICKET),
        ]
        assert [a.message for a in found[:2]] == ["New critical", "Old critical"]
