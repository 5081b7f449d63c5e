"""Deadlines on the Thai government calendar, as a complaint center counts them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.sla.calendar import BANGKOK, GovernmentCalendar, Override

CAL = GovernmentCalendar()


def bkk(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


def local_day(instant: datetime) -> date:
    return instant.astimezone(BANGKOK).date()


def test_weekends_are_skipped_and_the_deadline_is_the_close_of_office():
    deadline = CAL.add_working_days(bkk(2026, 11, 20), 1)  # a Friday
    assert deadline == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday 16:30 in Bangkok
    assert CAL.add_working_days(bkk(2026, 11, 21), 0) == CAL.add_working_days(bkk(2026, 11, 23), 0)


def test_songkran_2026_is_three_days_off():
    assert [CAL.is_working_day(date(2026, 4, d)) for d in (10, 13, 14, 15, 16)] == [
        True,
        False,
        False,
        False,
        True,
    ]
    assert local_day(CAL.add_working_days(bkk(2026, 4, 10), 1)) == date(2026, 4, 16)
    assert CAL.holiday(date(2026, 4, 13))[0] == "วันสงกรานต์"


def test_substitution_days_are_holidays():
    assert not CAL.is_working_day(date(2026, 6, 1))  # Visakha Bucha fell on a Sunday
    assert not CAL.is_working_day(date(2026, 12, 7))  # 5 December fell on a Saturday


def test_labour_day_is_a_working_day_for_government_offices():
    assert CAL.is_working_day(date(2026, 5, 1))
    assert CAL.holiday(date(2026, 5, 1)) is None
    assert not CAL.is_working_day(date(2026, 5, 4))  # Coronation Day


def test_the_year_boundary():
    # 31 Dec 2026 (Thu) and 1 Jan 2027 (Fri) are holidays; the next working day is Monday.
    assert local_day(CAL.add_working_days(bkk(2026, 12, 30), 1)) == date(2027, 1, 4)
    assert CAL.working_days_between(bkk(2026, 12, 30), bkk(2027, 1, 4)) == 1


def test_fifteen_working_days_over_songkran():
    deadline = CAL.add_working_days(bkk(2026, 4, 1), 15)
    assert local_day(deadline) == date(2026, 4, 28)  # Chakri Day and Songkran fall inside
    assert CAL.working_days_between(bkk(2026, 4, 1), deadline) == 15
    assert CAL.working_days_between(deadline, bkk(2026, 4, 1)) == -15


def test_admin_overrides_add_a_special_holiday_and_a_working_saturday():
    cal = GovernmentCalendar(
        overrides={
            date(2026, 11, 24): Override(date(2026, 11, 24), False, "วันหยุดพิเศษ", "Special holiday"),
            date(2026, 11, 28): Override(date(2026, 11, 28), True),
        }
    )
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday(date(2026, 11, 24)) == ("วันหยุดพิเศษ", "Special holiday")
    assert cal.is_working_day(date(2026, 11, 28))
    assert local_day(cal.add_working_days(bkk(2026, 11, 23), 1)) == date(2026, 11, 25)


def test_office_hours_are_half_past_eight_to_half_past_four():
    assert CAL.is_office_hours(bkk(2026, 11, 23, 8, 30))
    assert not CAL.is_office_hours(bkk(2026, 11, 23, 16, 30))
    assert not CAL.is_office_hours(bkk(2026, 11, 22, 10, 0))  # Sunday


def test_negative_durations_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(bkk(2026, 11, 23), -1)
