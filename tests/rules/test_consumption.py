"""Consumption rules: quantities in thousandths, and monthly proration by days (no database)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import ReadType
from resolvers.rules.consumption import (
    BadQuantity,
    MonthTotal,
    Reading,
    format_thousandths,
    monthly_totals,
    months_between,
    overlaps,
    parse_thousandths,
    shift_months,
    split_by_month,
)


class TestQuantities:
    @pytest.mark.parametrize("text,value", [("0", 0), ("1234.5", 1_234_500), ("0.001", 1), (" 12 ", 12_000),
                                            ("1e3", 1_000_000), ("7.250", 7_250)])
    def test_decimal_text_becomes_thousandths(self, text, value):
        assert parse_thousandths(text) == value

    @pytest.mark.parametrize("text", ["-1", "-0.001", "1.0001", "abc", "", "NaN", "Infinity", "1,5"])
    def test_negative_too_precise_or_not_a_number_is_refused(self, text):
        with pytest.raises(BadQuantity):
            parse_thousandths(text)

    def test_thousandths_show_three_places(self):
        assert str(format_thousandths(1_234_500)) == "1234.500"
        assert str(format_thousandths(1)) == "0.001"
        assert format_thousandths(0) == Decimal("0.000")


class TestCalendar:
    def test_months_between_two_days(self):
        assert months_between(date(2025, 11, 20), date(2026, 2, 1)) == [
            date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]

    @pytest.mark.parametrize(
        "months,expected", [(-23, date(2024, 12, 1)), (0, date(2026, 11, 1)), (2, date(2027, 1, 1))]
    )
    def test_shift_months(self, months, expected):
        assert shift_months(date(2026, 11, 1), months) == expected

    def test_inclusive_ranges_sharing_one_day_overlap(self):
        assert overlaps(date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 31), date(2025, 2, 28))
        assert not overlaps(date(2025, 1, 1), date(2025, 1, 30), date(2025, 1, 31), date(2025, 2, 28))


class TestProration:
    def test_a_period_within_one_month_stays_whole(self):
        assert split_by_month(Reading(date(2025, 3, 1), date(2025, 3, 31), 900_000)) == [
            (date(2025, 3, 1), 31, 900_000)
        ]

    def test_a_period_spanning_two_months_is_split_by_days(self):
        # 2025-01-15 .. 2025-02-14: 17 days in January, 14 in February, 31 days in all
        parts = split_by_month(Reading(date(2025, 1, 15), date(2025, 2, 14), 31_000))
        assert parts == [(date(2025, 1, 1), 17, 17_000), (date(2025, 2, 1), 14, 14_000)]

    def test_leftover_wh_go_to_the_largest_remainders(self):
        # 1,000 Wh over Jan 31 .. Feb 2: January 333.33, February 666.67; the floors leave 1 Wh for February
        assert split_by_month(Reading(date(2025, 1, 31), date(2025, 2, 2), 1_000)) == [
            (date(2025, 1, 1), 1, 333), (date(2025, 2, 1), 2, 667)]

    def test_equal_remainders_favour_the_earlier_month(self):
        # 1 Wh over Dec 31 and Jan 1: half each, the single Wh goes to December
        assert split_by_month(Reading(date(2024, 12, 31), date(2025, 1, 1), 1)) == [
            (date(2024, 12, 1), 1, 1), (date(2025, 1, 1), 1, 0)]

    def test_three_months(self):
        # 2025-01-31 .. 2025-03-01: 1 + 28 + 1 = 30 days, 10 Wh: 0.33, 9.33, 0.33 -> 0, 9, 0 + 1 leftover to January
        assert [wh for _, _, wh in split_by_month(Reading(date(2025, 1, 31), date(2025, 3, 1), 10))] == [1, 9, 0]

    @given(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(0, 400), st.integers(0, 10**9))
    def test_shares_always_add_up_to_the_period(self, start, length, wh):
        end = date.fromordinal(start.toordinal() + length)
        parts = split_by_month(Reading(start, end, wh))
        assert sum(p[2] for p in parts) == wh
        assert sum(p[1] for p in parts) == length + 1
        assert all(p[2] >= 0 for p in parts)


class TestMonthlyTotals:
    def test_months_sum_prorated_periods_and_keep_peak_demand(self):
        readings = [
            Reading(date(2025, 1, 15), date(2025, 2, 14), 31_000, demand_w=5_000),
            Reading(date(2025, 2, 15), date(2025, 3, 14), 28_000, demand_w=7_500, read_type=ReadType.ESTIMATED),
        ]
        totals = monthly_totals(readings, date(2025, 1, 1), date(2025, 3, 31))
        assert totals == [
            MonthTotal(date(2025, 1, 1), 17_000, 5_000, ReadType.ACTUAL, 17),
            MonthTotal(date(2025, 2, 1), 14_000 + 14_000, 7_500, ReadType.ESTIMATED, 28),
            MonthTotal(date(2025, 3, 1), 14_000, 7_500, ReadType.ESTIMATED, 14),
        ]

    def test_months_without_readings_are_zero_and_shares_outside_the_window_are_left_out(self):
        readings = [Reading(date(2024, 12, 17), date(2025, 1, 15), 30_000)]
        totals = monthly_totals(readings, date(2025, 1, 1), date(2025, 2, 28))
        assert totals == [MonthTotal(date(2025, 1, 1), 15_000, None, ReadType.ACTUAL, 15),
                          MonthTotal(date(2025, 2, 1), 0, None, ReadType.ACTUAL, 0)]
