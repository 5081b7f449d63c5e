"""Thai and English message templates: shipped files, admins' overrides, one sandbox for both.

A template has three parts: a subject, a plain-text body and an optional short body for SMS and
LINE. Shipped files keep them as Jinja2 blocks; an administrator's override (the
`notification_templates` table) keeps them as columns. Everything renders in an immutable
sandbox, so an edited template cannot reach Python internals, change data or run away.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    pass_context,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications import templatelimits as limits
from notifications.models import NotificationTemplate
from notifications.thaidates import format_date

log = logging.getLogger(__name__)
FOLDER = Path(__file__).parent / "templates"
LANGUAGES = ("th", "en")
PARTS = ("subject", "text", "short")
MAX_REPEAT = 10_000  # longest string or list a template may build with * (a memory bomb otherwise)

CITIZEN_EVENTS = (
    "case_received",
    "case_referred",
    "progress_reported",
    "result_ready",
    "rating_requested",
    "case_reopened",
    "info_requested",
    "case_rejected",
    "case_closed_unresolvable",
    "referral_declined",
)
STAFF_EVENTS = (
    "new_task",
    "sla_reminder",
    "sla_breached",
    "escalation",
    "daily_digest",
    "deadline_extended",
    "forward_requested",
    "case_referred",
    "case_reopened",
    "referral_declined",
    "case_closed_unresolvable",
)
NAMES = tuple(f"citizen/{e}" for e in CITIZEN_EVENTS) + tuple(f"staff/{e}" for e in STAFF_EVENTS)


class TemplateProblem(Exception):
    """A template does not parse or does not render; `part` says which one."""

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(f"{part}: {detail}")
        self.part = part
        self.detail = detail


class MessageSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, also refusing huge repetitions and powers."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call(__self, __context, __obj, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        """Check calls that grow a text (`x.center(50000000)`) before making them."""
        limits.check_call(__obj, args)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):  # type: ignore[no-untyped-def]
        """Multiply, raise to a power and %-format only within small bounds."""
        if operator == "%":
            limits.check_growth(left, "%", ())
            return left % right
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("exponent too large")
            return left**right
        for seq, count in ((left, right), (right, left)):
            sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
            if sized and len(seq) * count > MAX_REPEAT:
                raise SecurityError("repetition too large")
        return left * right


@pass_context
def _date_filter(context, value, with_time: bool = True):  # type: ignore[no-untyped-def]
    return format_date(value, context.get("lang", "th"), with_time=with_time)


def _environment() -> MessageSandbox:
    env = MessageSandbox(
        loader=FileSystemLoader(FOLDER),
        autoescape=False,  # plain text; the HTML part escapes the rendered text itself
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters["date"] = _date_filter
    env.filters.update(limits.SIZED_FILTERS)
    return env


SANDBOX = _environment()
# The HTML layout is ours, never admin-edited; it only wraps escaped text.
LAYOUT = Environment(loader=FileSystemLoader(FOLDER), autoescape=True).get_template("_layout.html")
# Links in already-escaped text: stop at an escaped quote or bracket (&#34; &#39; &lt; &gt;).
URL = re.compile(r"https?://(?:(?!&#|&lt;|&gt;)[^\s<>\"'])+")


@dataclass(frozen=True)
class Source:
    """The three parts of one template, as text (None: the short part falls back to the body)."""

    subject: str
    text: str
    short: str | None = None
    overridden: bool = False


@lru_cache(maxsize=128)
def shipped_source(name: str, lang: str) -> Source:
    """The shipped file's parts, as text an administrator can start editing from."""
    path = FOLDER / f"{name}.{lang}.html"
    raw = path.read_text(encoding="utf-8")
    parts = {}
    for part in PARTS:
        found = re.search(
            r"{%-?\s*block " + part + r"\s*-?%}\n?(.*?){%-?\s*endblock\s*-?%}", raw, re.DOTALL
        )
        parts[part] = found.group(1) if found else None
    return Source(parts["subject"] or "", parts["text"] or "", parts["short"])


def stored_source(session: Session, name: str, lang: str) -> Source | None:
    """An administrator's override, if there is one."""
    row = session.scalar(
        select(NotificationTemplate).where(
            NotificationTemplate.name == name, NotificationTemplate.language == lang
        )
    )
    if row is None:
        return None
    return Source(row.subject, row.body_text, row.body_short or None, overridden=True)


def source_for(session: Session, name: str, lang: str) -> Source:
    """The template in force: the override if any, else the shipped file."""
    if lang not in LANGUAGES:
        lang = "th"
    return stored_source(session, name, lang) or shipped_source(name, lang)


def render_source(source: Source, context: Mapping[str, Any]) -> dict[str, str]:
    """Render subject, text, short and HTML parts in the sandbox."""
    rendered: dict[str, str] = {}
    for part in PARTS:
        template_text = getattr(source, part)
        if template_text is None:
            continue
        try:
            rendered[part] = limits.render_limited(_compiled(template_text), dict(context)).strip()
        except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
            raise TemplateProblem(part, f"{type(exc).__name__}: {exc}") from exc
    rendered["subject"] = " ".join(rendered.get("subject", "").split())  # one header line
    rendered.setdefault("short", rendered.get("text", ""))
    rendered["html"] = render_html(rendered["subject"], rendered.get("text", ""), context)
    return rendered


@lru_cache(maxsize=512)
def _compiled(text: str) -> Template:
    """Compile once per distinct source text (an edited template is a new text)."""
    return SANDBOX.from_string(text)


def render(session: Session, name: str, lang: str, context: Mapping[str, Any]) -> dict[str, str]:
    """Render the template in force; an override that fails on real data falls back to ours."""
    if lang not in LANGUAGES:
        lang = "th"
    values = {**context, "lang": lang}
    override = stored_source(session, name, lang)
    if override is not None:
        try:
            return render_source(override, values)
        except TemplateProblem as exc:  # the message still goes out, in the shipped wording
            log.warning("edited template %s.%s failed (%s); using the shipped one", name, lang, exc)
    return render_source(shipped_source(name, lang), values)


def render_html(subject: str, text: str, context: Mapping[str, Any]) -> str:
    """The HTML alternative: the plain text escaped, links made clickable, in our layout."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(block))
        linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append(Markup(linked.replace("\n", "<br>\n")))
    return LAYOUT.render(subject=subject, paragraphs=paragraphs, lang=context.get("lang", "th"))


def exists(name: str) -> bool:
    """Whether a template name is one Damrong ships (and so may be overridden)."""
    return name in NAMES


def check_shipped() -> list[str]:
    """Names of missing shipped files (a packaging check for tests)."""
    missing = []
    for name in NAMES:
        for lang in LANGUAGES:
            try:
                SANDBOX.get_template(f"{name}.{lang}.html")
            except TemplateNotFound:
                missing.append(f"{name}.{lang}")
    return missing
