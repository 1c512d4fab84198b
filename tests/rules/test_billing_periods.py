"""Which periods a billing run may bill: length, order, the issue day, the money window, the account's
service, and every day at most once (overlaps with periods already billed, unless reversed)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.billing_periods import (
    MAX_PERIOD_DAYS,
    Billed,
    Period,
    PeriodError,
    Service,
    check_not_billed,
    check_period,
    check_service,
)

TODAY = date(2026, 12, 3)
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
INVOICED = Billed("INV-1-20261001", OCTOBER)


def d(text: str) -> date:
    return date.fromisoformat(text)


def code_of(check, *args) -> str | None:
    try:
        check(*args)
    except PeriodError as error:
        return error.code
    return None


class TestCheckPeriod:
    @pytest.mark.parametrize("start, end, issued, code", [
        ("2026-10-01", "2026-10-31", "2026-11-05", None),
        ("2026-08-01", "2026-10-31", "2026-11-05", None),  # 92 days: July-September's length, the most
        ("2026-07-31", "2026-10-31", "2026-11-05", "BILLING_PERIOD_TOO_LONG"),  # 93
        ("2025-01-01", "2026-10-31", "2026-11-05", "BILLING_PERIOD_TOO_LONG"),
        ("2026-10-31", "2026-10-01", "2026-11-05", "INVALID_BILLING_PERIOD"),
        ("2026-10-01", "2026-10-31", "2026-10-31", "INVALID_BILLING_PERIOD"),  # the last day is not over yet
        ("2026-10-01", "2026-10-31", "2026-12-05", "MONEY_DATE_OUT_OF_RANGE"),  # issued in the future
        ("0001-01-01", "9999-12-31", "2026-11-05", "MONEY_DATE_OUT_OF_RANGE"),
        ("2019-11-01", "2019-11-30", "2019-12-05", "MONEY_DATE_OUT_OF_RANGE"),  # more than seven years back
        ("2026-12-01", "2026-12-03", None, None),  # a preview (no issue day) may look at a running period
    ])
    def test_table(self, start, end, issued, code):
        assert code_of(check_period, Period(d(start), d(end)), TODAY, issued and d(issued)) == code

    def test_the_fields_at_fault(self):
        with pytest.raises(PeriodError) as raised:
            check_period(OCTOBER, TODAY, d("2026-12-25"))
        assert raised.value.field == "issued_on"

    @given(st.integers(1, 200))
    def test_the_length_limit_counts_both_ends(self, days):
        period = Period(date(2026, 1, 1), date.fromordinal(date(2026, 1, 1).toordinal() + days - 1))
        too_long = code_of(check_period, period, TODAY) == "BILLING_PERIOD_TOO_LONG"
        assert too_long == (days > MAX_PERIOD_DAYS)


class TestCheckService:
    @pytest.mark.parametrize("service, code", [
        (Service(d("2026-01-01")), None),
        (Service(d("2026-10-31")), None),  # starts on the period's last day: its first bill
        (Service(d("2026-11-01")), "BILLING_PERIOD_OUTSIDE_SERVICE"),
        (Service(d("2025-01-01"), d("2026-10-01")), None),  # dropped on its first day: the final bill
        (Service(d("2025-01-01"), d("2026-09-30")), "BILLING_PERIOD_OUTSIDE_SERVICE"),
        (Service(None), "BILLING_PERIOD_OUTSIDE_SERVICE"),
    ])
    def test_table(self, service, code):
        assert code_of(check_service, OCTOBER, service) == code


class TestCheckNotBilled:
    @pytest.mark.parametrize("start, end, refused", [
        ("2026-10-01", "2026-10-31", True),  # equal
        ("2026-10-10", "2026-10-20", True),  # contained
        ("2026-09-15", "2026-11-14", True),  # containing
        ("2026-10-15", "2026-11-14", True),  # straddling its end
        ("2026-09-15", "2026-10-05", True),  # straddling its start
        ("2026-10-31", "2026-11-29", True),  # sharing one day
        ("2026-11-01", "2026-11-30", False),  # adjacent after
        ("2026-09-01", "2026-09-30", False),  # adjacent before
    ])
    def test_overlap_table(self, start, end, refused):
        assert (code_of(check_not_billed, Period(d(start), d(end)), [INVOICED]) == "BILLING_PERIOD_OVERLAPS") == refused

    def test_a_reversed_invoice_frees_its_period(self):
        check_not_billed(OCTOBER, [Billed("INV-1-20261001", OCTOBER, reversed=True)])

    def test_the_message_names_the_earliest_overlap_and_counts_the_rest(self):
        billed = [Billed("INV-B", Period(d("2026-11-01"), d("2026-11-30"))), INVOICED,
                  Billed("INV-R", Period(d("2026-09-01"), d("2026-10-15")), reversed=True)]
        with pytest.raises(PeriodError) as raised:
            check_not_billed(Period(d("2026-10-15"), d("2026-11-14")), billed)
        assert raised.value.message.startswith(
            "Invoice INV-1-20261001 already bills 2026-10-01..2026-10-31 (and 1 more), "
            "which overlaps 2026-10-15..2026-11-14"
        )

    @given(st.lists(st.tuples(st.integers(0, 120), st.integers(0, 40), st.booleans()), max_size=6),
           st.integers(0, 120), st.integers(0, 40))
    def test_refused_exactly_when_a_day_is_already_billed(self, invoices, start, length):
        base = date(2026, 1, 1).toordinal()
        billed = [Billed(f"I{n}", Period(date.fromordinal(base + s), date.fromordinal(base + s + n_days)), rev)
                  for n, (s, n_days, rev) in enumerate(invoices)]
        days_billed = {base + s + k for s, n_days, rev in invoices if not rev for k in range(n_days + 1)}
        asked = {base + start + k for k in range(length + 1)}
        period = Period(date.fromordinal(base + start), date.fromordinal(base + start + length))
        assert (code_of(check_not_billed, period, billed) is not None) == bool(days_billed & asked)
