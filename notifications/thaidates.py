"""Dates as people read them: Buddhist Era and Thai month names in Thai, Bangkok time always."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_MONTHS = get_month_names("wide", locale="th")
ENGLISH_MONTHS = get_month_names("wide", locale="en")


def format_date(
    value: datetime | date | str | None, lang: str = "th", *, with_time: bool = True
) -> str:
    """`29 พฤศจิกายน 2569 เวลา 09:30 น.` in Thai, `29 November 2026, 09:30` in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if isinstance(value, datetime):
        local = value.astimezone(BANGKOK)
        day, clock = local.date(), local.strftime("%H:%M")
    else:
        day, clock, with_time = value, "", False
    if lang == "th":
        text = f"{day.day} {THAI_MONTHS[day.month]} {day.year + 543}"
        return f"{text} เวลา {clock} น." if with_time else text
    text = f"{day.day} {ENGLISH_MONTHS[day.month]} {day.year}"
    return f"{text}, {clock}" if with_time else text


def in_quiet_hours(instant: datetime, start: time, end: time) -> bool:
    """Whether a Bangkok wall-clock time falls in [start, end), which may span midnight."""
    now = instant.astimezone(BANGKOK).time()
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def quiet_hours_end(instant: datetime, start: time, end: time) -> datetime:
    """The first instant at or after `instant` outside quiet hours."""
    if not in_quiet_hours(instant, start, end):
        return instant
    local = instant.astimezone(BANGKOK)
    candidate = datetime.combine(local.date(), end, tzinfo=BANGKOK)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(instant.tzinfo)
