"""Thai first: the visitor's language, inline Thai/English strings, Buddhist Era dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_month_names
from flask import g, request, session

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
LANGS = ("th", "en")


def current_lang() -> str:
    """The language chosen in this session (Thai unless switched to English)."""
    if "lang" not in g:
        chosen = session.get("lang")
        if chosen not in LANGS:
            chosen = "en" if request.args.get("lang") == "en" else "th"
        g.lang = chosen
    return g.lang


def t(thai: str, english: str) -> str:
    """The Thai or the English text, by the current language."""
    return english if current_lang() == "en" else thai


def pick(pair: tuple[str, str] | list[str]) -> str:
    """One of a (Thai, English) pair, by the current language."""
    return pair[1] if current_lang() == "en" else pair[0]


def be_date(value: date | datetime | None, time: bool = False) -> str:
    """A date in the Buddhist Era with month names: '1 ธ.ค. 2569' (English: '1 Dec 2569 BE')."""
    if value is None:
        return "–"
    lang = current_lang()
    if isinstance(value, datetime):
        value = value.astimezone(BANGKOK)
    day = value.date() if isinstance(value, datetime) else value
    month = get_month_names("abbreviated", locale=lang)[day.month]
    text = f"{day.day} {month} {day.year + BE_OFFSET}"
    if lang == "en":
        text += " BE"
    if time and isinstance(value, datetime):
        text += f" {value:%H:%M}" + (" น." if lang == "th" else "")
    return text


def remaining_text(days: int | None) -> str:
    """Working days left before a deadline, or how far past it, in words."""
    if days is None:
        return ""
    if days > 0:
        return t(f"เหลือ {days} วันทำการ", f"{days} working day{'s' if days != 1 else ''} left")
    if days == 0:
        return t("ครบกำหนดวันนี้", "due today")
    late = -days
    return t(f"เกินกำหนด {late} วันทำการ", f"{late} working day{'s' if late != 1 else ''} late")
