"""The dashboard's periods, checked against hand-computed dates (README, "Dashboard figures")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from stats.periods import bangkok_day, covering, fiscal_year, period_of


def test_a_case_received_at_2330_bangkok_counts_on_that_bangkok_day():
    received = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)  # 23:30 in Bangkok
    assert bangkok_day(received) == date(2026, 12, 6)
    assert bangkok_day(datetime(2026, 12, 6, 17, 0, tzinfo=UTC)) == date(2026, 12, 7)  # 00:00
    assert bangkok_day(datetime(2026, 12, 6, 16, 30)) == date(2026, 12, 6)  # naive = UTC
    assert period_of(received, "day").label("th") == "6 ธ.ค. 2569"


def test_1730_utc_on_30_september_is_1_october_in_bangkok_and_the_next_fiscal_year():
    instant = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)
    assert bangkok_day(instant) == date(2026, 10, 1)
    year = period_of(instant, "year", fiscal=True)
    assert (year.start, year.end) == (date(2026, 10, 1), date(2027, 10, 1))
    assert year.label("th") == "ปีงบประมาณ 2570" and year.label("en") == "FY2570"
    before = period_of(datetime(2026, 9, 30, 16, 59, tzinfo=UTC), "year", fiscal=True)
    assert before.label("en") == "FY2569" and before.next() == year
    assert fiscal_year(date(2026, 9, 30)) == 2569 and fiscal_year(date(2026, 10, 1)) == 2570
    calendar = period_of(instant, "year")
    assert (calendar.start, calendar.end, calendar.label("th")) == (
        date(2026, 1, 1),
        date(2027, 1, 1),
        "พ.ศ. 2569",
    )


def test_fiscal_quarters_start_in_october_and_q1_follows_q4_of_the_year_before():
    q1 = period_of(date(2026, 11, 15), "quarter", fiscal=True)
    assert (q1.start, q1.end, q1.key) == (date(2026, 10, 1), date(2027, 1, 1), "FY2570-Q1")
    assert q1.label("th") == "ไตรมาส 1 ปีงบประมาณ 2570" and q1.label("en") == "Q1 FY2570"
    q4 = q1.previous()
    assert (q4.start, q4.end, q4.label("en")) == (date(2026, 7, 1), date(2026, 10, 1), "Q4 FY2569")
    q2 = period_of(date(2027, 3, 31), "quarter", fiscal=True)
    assert (q2.start, q2.label("en")) == (date(2027, 1, 1), "Q2 FY2570")
    q3 = period_of(date(2027, 4, 1), "quarter", fiscal=True)
    assert q3.label("en") == "Q3 FY2570"
    # The same months counted in the calendar year are its fourth quarter.
    calendar = period_of(date(2026, 11, 15), "quarter")
    assert (calendar.start, calendar.label("th")) == (date(2026, 10, 1), "ไตรมาส 4 ปี 2569")
    assert calendar.previous().label("en") == "Q3 2569"


def test_iso_weeks_begin_on_monday_and_cross_the_year_boundary():
    last = period_of(date(2026, 12, 31), "week")  # a Thursday: week 53 of 2026
    assert (last.start, last.end) == (date(2026, 12, 28), date(2027, 1, 4))
    assert last.contains(date(2027, 1, 3)) and not last.contains(date(2027, 1, 4))
    assert last.label("th") == "สัปดาห์ที่ 53 ปี 2569" and last.key == "2026-W53"
    first = period_of(date(2025, 12, 31), "week")  # Wednesday: week 1 of 2026
    assert (first.start, first.key, first.label("en")) == (
        date(2025, 12, 29),
        "2026-W01",
        "Week 1, 2569",
    )
    assert period_of(date(2026, 12, 6), "week").label("th") == "สัปดาห์ที่ 49 ปี 2569"  # a Sunday
    assert period_of(date(2027, 1, 4), "week").previous() == last


def test_months_know_leap_february():
    february = period_of(date(2028, 2, 29), "month")
    assert (february.start, february.end) == (date(2028, 2, 1), date(2028, 3, 1))
    assert february.label("th") == "ก.พ. 2571" and february.label("en") == "Feb 2571"
    assert period_of(date(2027, 2, 28), "month").end == date(2027, 3, 1)
    days = list(covering(date(2028, 2, 27), date(2028, 3, 2), "day"))
    assert [d.start.day for d in days] == [27, 28, 29, 1]
    december = period_of(date(2026, 12, 6), "month")
    assert december.label("th") == "ธ.ค. 2569" and december.label("en") == "Dec 2569"
    assert december.previous().key == "2026-11" and december.next().key == "2027-01"


def test_covering_lists_every_period_that_shares_a_day_with_the_range():
    months = list(covering(date(2026, 9, 15), date(2027, 1, 1), "month", fiscal=True))
    assert [m.key for m in months] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    years = list(covering(date(2026, 9, 30), date(2026, 10, 2), "year", fiscal=True))
    assert [y.label("en") for y in years] == ["FY2569", "FY2570"]
    weeks = list(covering(date(2026, 12, 25), date(2027, 1, 5), "week"))
    assert [w.key for w in weeks] == ["2026-W52", "2026-W53", "2027-W01"]
    assert list(covering(date(2026, 10, 1), date(2026, 10, 1), "day")) == []


def test_an_unknown_interval_is_refused_with_the_ones_that_exist():
    with pytest.raises(ValueError, match="day, week, month, quarter, year"):
        period_of(date(2026, 12, 6), "fortnight")
