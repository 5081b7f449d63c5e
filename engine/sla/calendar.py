"""The Thai government calendar: working days, deadlines in working days, office hours.

Working days are Monday to Friday, less public and government holidays from the `holidays`
package (country TH), less Labour Day (a holiday for employees, not for government offices),
adjusted by overrides an administrator enters (special holidays the Cabinet announces, office
closures, a working Saturday). All instants are UTC; days are counted in Asia/Bangkok.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

BANGKOK = ZoneInfo("Asia/Bangkok")
# Employees' holiday only: government offices work on Labour Day (1 May).
NOT_GOVERNMENT = ("Labor Day", "Labour Day")


@cache
def _official(year: int) -> dict[date, tuple[str, str]]:
    """Government holidays of a year: date -> (Thai name, English name)."""
    categories = ("public", "government")
    th = holidays.country_holidays("TH", years=year, categories=categories, language="th")
    en = holidays.country_holidays("TH", years=year, categories=categories, language="en_US")
    return {
        day: (th[day], en[day])
        for day in th
        if not any(marker in en.get(day, "") for marker in NOT_GOVERNMENT)
    }


@dataclass(frozen=True)
class Override:
    """An administrator's correction of one day: a special holiday or a working day."""

    day: date
    working: bool
    name_th: str = ""
    name_en: str = ""


@dataclass
class GovernmentCalendar:
    """Working days and deadlines on the Thai government calendar."""

    overrides: Mapping[date, Override] = field(default_factory=dict)
    opens: time = time(8, 30)
    closes: time = time(16, 30)

    def holiday(self, day: date) -> tuple[str, str] | None:
        """(Thai, English) name of the holiday on a day, or None."""
        override = self.overrides.get(day)
        if override is not None:
            return None if override.working else (override.name_th, override.name_en)
        return _official(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether government offices are open on a day."""
        override = self.overrides.get(day)
        if override is not None:
            return override.working
        return day.weekday() < 5 and day not in _official(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The deadline `days` working days after `start`: the close of office on that day.

        The day a case arrives is not counted, whatever the hour; a case that arrives on a
        holiday starts counting from the next working day.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start.astimezone(BANGKOK).date()
        if days == 0:
            day = day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(days):
            day = self.next_working_day(day)
        return datetime.combine(day, self.closes, BANGKOK).astimezone(UTC)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after `start`'s day up to and including `end`'s day.

        Negative when `end` comes first.
        """
        first, last = start.astimezone(BANGKOK).date(), end.astimezone(BANGKOK).date()
        sign = 1
        if last < first:
            first, last, sign = last, first, -1
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return sign * count

    def is_office_hours(self, instant: datetime) -> bool:
        """Whether an instant falls in office hours on a working day."""
        local = instant.astimezone(BANGKOK)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes
