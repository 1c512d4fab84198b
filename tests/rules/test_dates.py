"""parse_date and parse_instant: one ISO spelling each, an instant always with its zone, kept in UTC."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.dates import DateFormatError, parse_date, parse_instant

UTC = UTC


class TestParseDate:
    @pytest.mark.parametrize("text, day", [("2026-10-01", date(2026, 10, 1)), ("0001-01-01", date.min),
                                           ("9999-12-31", date.max), ("2024-02-29", date(2024, 2, 29))])
    def test_yyyy_mm_dd(self, text, day):
        assert parse_date(text) == day

    @pytest.mark.parametrize("text", ["20261101", "2026-11-1", "2026-1-01", "2026-W44-7", "2026-305", " 2026-11-01",
                                      "2026-11-01 ", "2026-11-01\n", "2026-11-01T00:00:00", "2026-02-30", "2025-02-29",
                                      "2026-00-10", "2026-13-01", "0000-01-01", "\u0662\u0660\u0662\u0666-11-01",
                                      "+2026-11-01", "12026-11-01", "2026/11/01", "", "11/01/2026"], ids=repr)
    def test_anything_else_is_refused(self, text):
        with pytest.raises(DateFormatError):
            parse_date(text)

    def test_the_message_shows_what_was_typed_escaped(self):
        with pytest.raises(
            DateFormatError, match=r'"\\u0662\\u0660\\u0662\\u0666-11-01" is not a date in the form YYYY-MM-DD'
        ):
            parse_date("\u0662\u0660\u0662\u0666-11-01")

    @given(st.dates())
    def test_every_day_round_trips_through_its_isoformat(self, day):
        assert parse_date(day.isoformat()) == day


class TestParseInstant:
    @pytest.mark.parametrize("text, instant", [
        ("2026-10-01T13:30:00Z", datetime(2026, 10, 1, 13, 30, tzinfo=UTC)),
        ("2026-10-01T08:30:00-05:00", datetime(2026, 10, 1, 13, 30, tzinfo=UTC)),
        ("2026-10-01T15:30:00+02:00", datetime(2026, 10, 1, 13, 30, tzinfo=UTC)),
        ("2026-10-01T00:00:00+05:30", datetime(2026, 9, 30, 18, 30, tzinfo=UTC)),
        ("2026-10-01T13:30:00.5Z", datetime(2026, 10, 1, 13, 30, 0, 500_000, tzinfo=UTC)),
        ("2026-10-01T13:30:00.123456-00:00", datetime(2026, 10, 1, 13, 30, 0, 123_456, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime.min.replace(tzinfo=UTC)),
        ("9999-12-31T23:59:59.999999Z", datetime.max.replace(tzinfo=UTC)),
    ])
    def test_rfc3339_with_a_zone_is_read_into_utc(self, text, instant):
        parsed = parse_instant(text)
        assert parsed == instant
        assert parsed.utcoffset() == timedelta(0)

    @pytest.mark.parametrize("text", ["2026-10-01T00:00:00", "2026-10-01T00:00:00.5"])
    def test_no_time_zone_is_refused_not_guessed(self, text):
        with pytest.raises(DateFormatError, match="has no time zone"):
            parse_instant(text)

    @pytest.mark.parametrize(
        "text",
        [
            "2026-10-01",
            "2026-10-01 00:00:00Z",
            "2026-10-01T00:00Z",
            "2026-10-01t00:00:00z",
            "2026-10-01T24:00:00Z",
            "2026-10-01T00:60:00Z",
            "2026-10-01T00:00:60Z",
            "2026-10-01T00:00:00+24:00",
            "2026-10-01T00:00:00+05:60",
            "2026-10-01T00:00:00+0500",
            "2026-10-01T00:00:00.1234567Z",
            "2026-10-01T00:00:00.Z",
            "20261001T000000Z",
            "2026-02-30T00:00:00Z",
            "2026-10-01T\u0661\u0663:00:00Z",
            "",
            "now",
        ],
        ids=repr,
    )
    def test_anything_else_is_refused(self, text):
        with pytest.raises(DateFormatError):
            parse_instant(text)

    @pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-00:01"])
    def test_an_instant_past_the_calendar_in_utc_is_refused(self, text):
        with pytest.raises(DateFormatError, match="outside the years 0001 to 9999 in UTC"):
            parse_instant(text)

    @given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)),
           st.integers(-23 * 60 - 59, 23 * 60 + 59))
    def test_every_instant_round_trips_through_isoformat_in_any_offset(self, instant, minutes):
        shown = instant.astimezone(timezone(timedelta(minutes=minutes))).isoformat()
        assert parse_instant(shown) == instant
