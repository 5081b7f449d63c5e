"""The dashboard's periods and percentile, as pure functions (README, "Dashboard figures").

A stored instant (UTC) counts on its Bangkok day. Periods are days, ISO weeks (Monday first),
months, quarters and years, in calendar years or in the Thai fiscal year (1 October to
30 September, named by the Buddhist Era year it ends in: FY2570 runs 1 Oct 2026 - 30 Sep 2027).
Each period is half-open: start <= day < end. Labels are in the Buddhist Era, Thai or English.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
FISCAL_START_MONTH = 10
Interval = Literal["day", "week", "month", "quarter", "year"]
INTERVALS: tuple[str, ...] = get_args(Interval)


def bangkok_day(instant: datetime) -> date:
    """The Bangkok calendar day of a stored instant (a naive instant is taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BANGKOK).date()


def fiscal_year(day: date) -> int:
    """The Thai fiscal year (Buddhist Era) a day falls in: 1 Oct 2026 is in FY2570."""
    return day.year + BE_OFFSET + (1 if day.month >= FISCAL_START_MONTH else 0)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _start(day: date, interval: str, fiscal: bool) -> date:
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "quarter":  # calendar and fiscal quarters share their boundaries
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if fiscal:
        return date(fiscal_year(day) - BE_OFFSET - 1, FISCAL_START_MONTH, 1)
    return date(day.year, 1, 1)


def _month(day: date, lang: str) -> str:
    return str(get_month_names("abbreviated", locale="th" if lang == "th" else "en")[day.month])


@dataclass(frozen=True, order=True)
class Period:
    """One day, week, month, quarter or year; `fiscal` only changes quarters' and years' names."""

    start: date
    interval: str
    fiscal: bool = False

    @property
    def end(self) -> date:
        """The first day after the period (the period is start <= day < end)."""
        if self.interval == "day":
            return self.start + timedelta(days=1)
        if self.interval == "week":
            return self.start + timedelta(days=7)
        months = {"month": 1, "quarter": 3, "year": 12}[self.interval]
        return _add_months(self.start, months)

    def contains(self, day: date) -> bool:
        """Whether a Bangkok day falls in the period."""
        return self.start <= day < self.end

    def previous(self) -> Period:
        """The period just before (for the change against the previous period)."""
        return period_of(self.start - timedelta(days=1), self.interval, self.fiscal)

    def next(self) -> Period:
        """The period just after."""
        return Period(self.end, self.interval, self.fiscal)

    @property
    def quarter(self) -> int:
        """The quarter's number: calendar Q1 = Jan-Mar, fiscal Q1 = Oct-Dec."""
        month = self.start.month
        if self.fiscal:
            month = (month - FISCAL_START_MONTH) % 12 + 1
        return (month - 1) // 3 + 1

    @property
    def key(self) -> str:
        """A stable machine key: 2026-12-06, 2026-W49, 2026-12, 2026-Q4, FY2570-Q1, FY2570."""
        day = self.start
        if self.interval == "day":
            return day.isoformat()
        if self.interval == "week":
            year, week, _ = day.isocalendar()
            return f"{year}-W{week:02d}"
        if self.interval == "month":
            return f"{day.year}-{day.month:02d}"
        prefix = f"FY{fiscal_year(day)}" if self.fiscal else str(day.year)
        return f"{prefix}-Q{self.quarter}" if self.interval == "quarter" else prefix

    def label(self, lang: str = "th") -> str:
        """The period's name in the Buddhist Era: 'ธ.ค. 2569' / 'Dec 2569', 'Q1 FY2570' …"""
        th = lang == "th"
        day = self.start
        if self.interval == "day":
            return f"{day.day} {_month(day, lang)} {day.year + BE_OFFSET}"
        if self.interval == "week":
            year, week, _ = day.isocalendar()
            be = year + BE_OFFSET
            return f"สัปดาห์ที่ {week} ปี {be}" if th else f"Week {week}, {be}"
        if self.interval == "month":
            return f"{_month(day, lang)} {day.year + BE_OFFSET}"
        if self.fiscal:
            year = fiscal_year(day)
            if self.interval == "quarter":
                return (
                    f"ไตรมาส {self.quarter} ปีงบประมาณ {year}" if th else f"Q{self.quarter} FY{year}"
                )
            return f"ปีงบประมาณ {year}" if th else f"FY{year}"
        be = day.year + BE_OFFSET
        if self.interval == "quarter":
            return f"ไตรมาส {self.quarter} ปี {be}" if th else f"Q{self.quarter} {be}"
        return f"พ.ศ. {be}" if th else str(be)


def period_of(day: date | datetime, interval: str, fiscal: bool = False) -> Period:
    """The period a Bangkok day (or a stored UTC instant, taken to its Bangkok day) falls in."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    if isinstance(day, datetime):
        day = bangkok_day(day)
    return Period(_start(day, interval, fiscal), interval, fiscal)


def covering(start: date, end: date, interval: str, fiscal: bool = False) -> Iterator[Period]:
    """The periods, in order, that share a day with the half-open range start <= day < end."""
    if end <= start:
        return
    period = period_of(start, interval, fiscal)
    while period.start < end:
        yield period
        period = period.next()


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p% of values at or below it.

    Sorted ascending, it is the value at rank ceil(p / 100 * n), and the smallest value for p = 0.
    """
    if not values:
        raise ValueError("percentile of no values: there is nothing to rank")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {p}")
    ordered = sorted(values)
    rank = math.ceil(Decimal(str(p)) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]
