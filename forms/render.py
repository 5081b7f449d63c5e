"""The one form renderer: a form's JSON Schema to accessible HTML fields (Jinja2 macros).

The staff web, the citizen portal and the designer's preview all call `render_form`; what comes
back is the inside of a <form> (an error summary, then each field with its errors beside it),
so the caller adds the <form> tag, its CSRF token and its buttons. Posted data goes back
through `parse_form` (forms/formdata.py); check it with `form_errors(name, parsed, context)`,
which also explains dates that could not be read (in Buddhist Era terms) before the schema's
own checks. A page without JavaScript posts `_refresh` when the
citizen wants the district list for the province they chose, or the fields a choice shows
("shown when", forms/formrules.py): check `is_refresh(request.form)` and render the form again
with the parsed values instead of submitting it. Fields hidden for the values drawn are left
out of a post's meaning with `visible_values(schema, parsed)` before it is checked. The choice lists
(categories, agencies, the area lookup) come from the caller as `choices`: see forms/choices.py.
Fields are built in forms/fields.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from forms.builder import conditions, ordered
from forms.fields import Field, build_field, normalize_errors, summarize
from forms.formdata import format_date, parse_form
from forms.formrules import hidden_fields, required_when_shown, visible_values
from forms.loader import field_labels, field_schema, properties, shared_schema, value_labels
from forms.texts import texts_for

__all__ = [
    "Field",
    "error_summary",
    "is_refresh",
    "parse_form",
    "render_custom",
    "render_field",
    "render_form",
    "script",
    "stylesheet",
    "visible_values",
]

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thai_date"] = format_date
    return env


def is_refresh(form: Mapping) -> bool:
    """Whether a post only asked for the area lists to be filled (a page without JavaScript)."""
    return bool(form.get("_refresh"))


def render_form(
    form_name: str | dict,
    values: dict | None,
    errors: object,
    lang: str = "th",
    *,
    choices: Mapping[str, Any] | None = None,
    only: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    script: bool = True,
) -> Markup:
    """The fields of a form with values kept and errors beside them (Thai, or English)."""
    lang = "en" if lang == "en" else "th"
    schema = shared_schema(form_name)
    messages = normalize_errors(errors)
    names = [
        n
        for n in properties(schema)
        if (only is None or n in only)
        and n not in exclude
        and isinstance(properties(schema)[n], dict)
    ]
    if only is not None:
        names.sort(key=list(only).index)
    else:
        names.sort(key=list(ordered(schema)).index)  # a builder's form: its own order
    fields = [
        build_field(schema, schema, [n], values or {}, messages, lang, choices or {}) for n in names
    ]
    summary = summarize(fields, messages, lang)
    rules = conditions(schema)
    hidden = hidden_fields(schema, values or {})
    required = required_when_shown(schema)
    for f in fields:
        f.hidden = f.name in hidden
        f.required = f.required or f.name in required
        if f.name in rules:
            f.hint = " ".join(
                p for p in (f.hint, _condition_text(schema, rules[f.name], lang)) if p
            )
    sources = {c["field"] for rule in rules.values() for c in rule["show"]}
    html = (
        _environment()
        .get_template("form.html")
        .render(
            form_name=form_name,
            fields=fields,
            summary=summary,
            t=texts_for(lang),
            lang=lang,
            with_script=script,
            sources=sources,
        )
    )
    return Markup(_conditions_block(rules) + html)


def _condition_text(schema: dict, rule: dict[str, list[dict]], lang: str) -> str:
    """When a conditional field is required, in words: «จำเป็นเมื่อ «การดำเนินการ» เป็น
    «ส่งต่อหน่วยงานอื่น»». (When it shows goes unsaid: the server draws only the fields the
    values chosen show, and a page without JavaScript asks it again with `_refresh`.)"""
    en = lang == "en"
    words = texts_for(lang)
    parts = []
    for kind, th_word, en_word in (("require", "จำเป็นเมื่อ", "Required when"),):
        for condition in rule[kind]:
            source = condition["field"]
            label = field_labels(schema, [source])[1 if en else 0]
            node = field_schema(schema, [source])
            names = [
                (words.yes if v else words.no)
                if isinstance(v, bool)
                else value_labels(node, [v])[1 if en else 0]
                for v in condition["values"]
            ]
            joined = (" or " if en else " หรือ ").join(f"«{n}»" for n in names)
            parts.append(f"{en_word if en else th_word} «{label}» {'is' if en else 'เป็น'} {joined}")
    return ("; " if en else " ").join(parts) + ("." if en and parts else "")


def _conditions_block(rules: dict[str, dict[str, list[dict]]]) -> str:
    """The show-when rules as data for forms.js (a JSON block, which runs no code), placed just
    before the form it belongs to; empty when no field depends on another."""
    shown = {
        name: [
            {
                "field": c["field"],
                "values": [str(v).lower() if isinstance(v, bool) else str(v) for v in c["values"]],
            }
            for c in rule["show"]
        ]
        for name, rule in rules.items()
        if rule["show"]
    }
    if not shown:
        return ""
    text = json.dumps(shown, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" class="form-conditions">{text}</script>'


def render_field(
    form_name: str | dict,
    path: str,
    values: dict | None,
    errors: object,
    lang: str = "th",
    *,
    choices: Mapping[str, Any] | None = None,
) -> Markup:
    """One field of a form (a dotted path), for pages that lay out their own form."""
    lang = "en" if lang == "en" else "th"
    schema = shared_schema(form_name)
    parts = path.split(".")
    parent = field_schema(schema, parts[:-1])
    built = build_field(
        schema, parent, parts, values or {}, normalize_errors(errors), lang, choices or {}
    )
    macros = _environment().get_template("fields.html").module
    return Markup(macros.field(built, texts_for(lang)))  # type: ignore[attr-defined]


def render_custom(built: Field, lang: str = "th") -> Markup:
    """A field a page adds beside a schema's own (a file upload, say), drawn by the same macros."""
    macros = _environment().get_template("fields.html").module
    return Markup(macros.field(built, texts_for(lang)))  # type: ignore[attr-defined]


def error_summary(
    form_name: str | dict,
    errors: object,
    lang: str = "th",
    anchors: Mapping[str, str] | None = None,
) -> Markup:
    """The summary of errors that heads a form, each linking to its field (or to `anchors`)."""
    lang = "en" if lang == "en" else "th"
    schema = shared_schema(form_name)
    messages = normalize_errors(errors)
    fields = [
        build_field(schema, schema, [n], {}, messages, lang, {})
        for n, p in properties(schema).items()
        if isinstance(p, dict)
    ]
    macros = _environment().get_template("fields.html").module
    summary = summarize(fields, messages, lang, anchors or {})
    return Markup(macros.error_summary(summary, texts_for(lang)))  # type: ignore[attr-defined]


def script() -> Markup:
    """The small script that enhances rendered fields, for pages that lay out fields themselves."""
    text = (TEMPLATES / "forms.js").read_text(encoding="utf-8")
    return Markup(f"<script>{text}</script>")


def stylesheet() -> str:
    """Plain CSS for rendered forms, for callers that have none of their own."""
    return (TEMPLATES / "forms.css").read_text(encoding="utf-8")
