"""Thai first: the visitor's language, inline Thai/English strings, Buddhist Era dates.

Text is written in code and templates as `t("ไทย", "English")`. Thai and English come from the
pair itself; any further language comes from its gettext catalog through Flask-Babel
(`web/translations/<code>/LC_MESSAGES/messages.po`, Thai text as the message id, built by
`make messages`), falling back to English where a text is not translated yet.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_month_names
from flask import current_app, g, request, session
from flask_babel import get_babel, get_translations

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
LANGS = ("th", "en")  # always offered; catalogs add more (see languages())


def languages() -> tuple[str, ...]:
    """Thai, English and every language that has a compiled catalog (Flask-Babel's list)."""
    found = current_app.extensions.get("damrong_languages")
    if found is None:
        codes = {str(locale) for locale in get_babel().instance.list_translations()}
        found = LANGS + tuple(sorted(codes - set(LANGS)))
        current_app.extensions["damrong_languages"] = found
    return found


def language_name(code: str) -> str:
    """A language's own name for itself ("ไทย", "English", "မြန်မာ" …)."""
    try:
        return Locale.parse(code).get_display_name(code).split(" (")[0].capitalize()
    except (ValueError, TypeError):
        return code


def current_lang() -> str:
    """The language chosen in this session (Thai unless the visitor chose another)."""
    if "lang" not in g:
        offered = languages()
        chosen = session.get("lang")
        if chosen not in offered:
            wanted = request.args.get("lang")
            chosen = wanted if wanted in offered else "th"
        g.lang = chosen
    return g.lang


def translate(thai: str, english: str, lang: str) -> str:
    """The text of a (Thai, English) pair in a language; English where a catalog lacks it."""
    if lang == "th":
        return thai
    if lang == "en":
        return english
    text = get_translations().gettext(thai)
    return english if text == thai else text


def t(thai: str, english: str) -> str:
    """The text in the current language (Thai, English, or a catalog's)."""
    return translate(thai, english, current_lang())


def pick(pair: tuple[str, str] | list[str]) -> str:
    """One of a (Thai, English) pair, by the current language (English for any other)."""
    return pair[0] if current_lang() == "th" else pair[1]


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
    if lang != "th":
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
