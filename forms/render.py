"""The one form renderer: a form's JSON Schema to accessible HTML fields (Jinja2 macros).

The staff web, the citizen portal and the designer's preview all call `render_form`; what comes
back is the inside of a <form> (an error summary, then each field with its errors beside it),
so the caller adds the <form> tag, its CSRF token and its buttons. Posted data goes back
through `parse_form` (forms/formdata.py); check it with `form_errors(name, parsed, context)`,
which also explains dates that could not be read (in Buddhist Era terms) before the schema's
own checks. A page without JavaScript posts `_refresh` when the
citizen wants the district list for the province they chose: check `is_refresh(request.form)`
and render the form again with the parsed values instead of submitting it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from forms.choices import (
    Option,
    agency_options,
    area_levels,
    category_groups,
    enum_options,
    live_choices,
)
from forms.formdata import (
    date_parts,
    format_date,
    month_names,
    parse_form,
    widget_of,
)
from forms.loader import field_labels, field_schema, properties, shared_schema
from forms.validation import FieldError

__all__ = [
    "Field",
    "error_summary",
    "is_refresh",
    "live_choices",
    "parse_form",
    "render_custom",
    "render_field",
    "render_form",
    "script",
    "stylesheet",
]

TEMPLATES = Path(__file__).parent / "templates"
AREAS_URL = "/api/v1/areas?parent="
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

TEXTS = {
    "th": {
        "required": "จำเป็น",
        "error_prefix": "ข้อผิดพลาด",
        "choose": "— เลือก —",
        "day": "วันที่",
        "month": "เดือน",
        "year_be": "ปี พ.ศ.",
        "yes": "ใช่",
        "no": "ไม่ใช่",
        "which_category": "ประเภทไหนตรงกับเรื่องของฉัน",
        "show_areas": "แสดงรายชื่ออำเภอ/ตำบล",
        "province": "จังหวัด",
        "district": "อำเภอ/เขต",
        "subdistrict": "ตำบล/แขวง",
        "choose_province": "— เลือกจังหวัด —",
        "choose_district": "— เลือกอำเภอ/เขต —",
        "choose_subdistrict": "— เลือกตำบล/แขวง (ถ้าทราบ) —",
        "agency_auto": "— ไม่ระบุ —",
        "summary": "กรุณาแก้ไขข้อมูล {n} รายการ",
    },
    "en": {
        "required": "required",
        "error_prefix": "Error",
        "choose": "— Choose —",
        "day": "Day",
        "month": "Month",
        "year_be": "Year (B.E.)",
        "yes": "Yes",
        "no": "No",
        "which_category": "Which category fits my complaint?",
        "show_areas": "Show districts and subdistricts",
        "province": "Province",
        "district": "District",
        "subdistrict": "Subdistrict",
        "choose_province": "— Choose a province —",
        "choose_district": "— Choose a district —",
        "choose_subdistrict": "— Choose a subdistrict (if known) —",
        "agency_auto": "— Not specified —",
        "summary": "Please correct {n} item(s)",
    },
}


@dataclass
class Field:
    """Everything a macro needs to draw one field; built from the schema, values and errors."""

    name: str
    widget: str
    label: str
    hint: str = ""
    required: bool = False
    error: str = ""
    value: object = None
    lang: str = "th"
    options: list[Option] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    integer: bool = False
    rows: int = 4
    multiple: bool = False
    accept: str = ""
    placeholder: str = ""
    areas_url: str = AREAS_URL

    @property
    def id(self) -> str:
        """The HTML id: f- and the dotted path with dashes."""
        return "f-" + _ID_UNSAFE.sub("-", self.name.replace(".", "-"))

    @property
    def describedby(self) -> str:
        """Ids of the hint and the error, for aria-describedby."""
        ids = [f"{self.id}-hint" if self.hint else "", f"{self.id}-error" if self.error else ""]
        return " ".join(i for i in ids if i)

    @property
    def text(self) -> str:
        """The value as shown in a text box."""
        if self.value is None or isinstance(self.value, bool):
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)

    @property
    def day(self) -> str:
        return date_parts(self.value)[0]

    @property
    def month(self) -> str:
        return date_parts(self.value)[1]

    @property
    def year(self) -> str:
        return date_parts(self.value)[2]

    @property
    def months(self) -> tuple[str, ...]:
        return month_names(self.lang)

    @property
    def year_example(self) -> str:
        return "2569"


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


class _Texts(dict):
    def summary_title(self, n: int) -> str:
        return self["summary"].format(n=n)

    def __getattr__(self, name: str) -> str:
        return self[name]


def _texts(lang: str) -> _Texts:
    return _Texts(TEXTS["en" if lang == "en" else "th"])


def normalize_errors(errors: object) -> dict[str, tuple[str, str]]:
    """{path: (th, en)} from a {path: FieldError | (th, en) | str} dict or a FieldError list."""
    if not errors:
        return {}
    if isinstance(errors, Mapping):
        pairs: Iterable[tuple[object, object]] = errors.items()
    else:
        pairs = ((e.field, e) for e in errors if isinstance(e, FieldError))
    out: dict[str, tuple[str, str]] = {}
    for path, error in pairs:
        if isinstance(error, FieldError):
            message = (error.message_th, error.message_en)
        elif isinstance(error, tuple | list) and len(error) == 2:
            message = (str(error[0]), str(error[1]))
        else:
            message = (str(error), str(error))
        out.setdefault(str(path), message)
    return out


def is_refresh(form: Mapping) -> bool:
    """Whether a post only asked for the area lists to be filled (a page without JavaScript)."""
    return bool(form.get("_refresh"))


def render_form(
    form_name: str,
    values: dict | None,
    errors: object,
    lang: str = "th",
    *,
    choices: Mapping[str, Sequence[object]] | None = None,
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
    fields = [
        _field(schema, schema, [n], values or {}, messages, lang, choices or {}) for n in names
    ]
    summary = _summary(fields, messages, lang)
    html = (
        _environment()
        .get_template("form.html")
        .render(
            form_name=form_name,
            fields=fields,
            summary=summary,
            t=_texts(lang),
            lang=lang,
            with_script=script,
        )
    )
    return Markup(html)


def render_field(
    form_name: str,
    path: str,
    values: dict | None,
    errors: object,
    lang: str = "th",
    *,
    choices: Mapping[str, Sequence[object]] | None = None,
) -> Markup:
    """One field of a form (a dotted path), for pages that lay out their own form."""
    lang = "en" if lang == "en" else "th"
    schema = shared_schema(form_name)
    parts = path.split(".")
    parent = field_schema(schema, parts[:-1])
    built = _field(
        schema, parent, parts, values or {}, normalize_errors(errors), lang, choices or {}
    )
    macros = _environment().get_template("fields.html").module
    return Markup(macros.field(built, _texts(lang)))  # type: ignore[attr-defined]


def render_custom(built: Field, lang: str = "th") -> Markup:
    """A field a page adds beside a schema's own (a file upload, say), drawn by the same macros."""
    macros = _environment().get_template("fields.html").module
    return Markup(macros.field(built, _texts(lang)))  # type: ignore[attr-defined]


def error_summary(
    form_name: str, errors: object, lang: str = "th", anchors: Mapping[str, str] | None = None
) -> Markup:
    """The summary of errors that heads a form, each linking to its field (or to `anchors`)."""
    lang = "en" if lang == "en" else "th"
    schema = shared_schema(form_name)
    messages = normalize_errors(errors)
    fields = [
        _field(schema, schema, [n], {}, messages, lang, {})
        for n, p in properties(schema).items()
        if isinstance(p, dict)
    ]
    macros = _environment().get_template("fields.html").module
    summary = _summary(fields, messages, lang, anchors or {})
    return Markup(macros.error_summary(summary, _texts(lang)))  # type: ignore[attr-defined]


def script() -> Markup:
    """The small script that enhances rendered fields, for pages that lay out fields themselves."""
    text = (TEMPLATES / "forms.js").read_text(encoding="utf-8")
    return Markup(f"<script>{text}</script>")


def stylesheet() -> str:
    """Plain CSS for rendered forms, for callers that have none of their own."""
    return (TEMPLATES / "forms.css").read_text(encoding="utf-8")


def _lookup(values: Mapping, path: Sequence[str]) -> object:
    node: object = values
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _pick(message: tuple[str, str] | None, lang: str) -> str:
    return "" if message is None else message[1 if lang == "en" else 0]


def _field(
    schema: dict,
    parent: dict,
    path: list[str],
    values: Mapping,
    messages: dict[str, tuple[str, str]],
    lang: str,
    choices: Mapping[str, Sequence[object]],
) -> Field:
    name = ".".join(path)
    node = properties(parent).get(path[-1]) or {}
    th, en = field_labels(schema, path)
    hint = node.get("x-description-en" if lang == "en" else "description") or ""
    widget = widget_of(node)
    f = Field(
        name=name,
        widget=widget,
        label=en if lang == "en" else th,
        hint=hint,
        required=path[-1] in (parent.get("required") or []),
        error=_pick(_error_of(name, widget, messages), lang),
        value=_lookup(values, path),
        lang=lang,
    )
    if widget == "object":
        f.children = [
            _field(schema, node, [*path, n], values, messages, lang, choices)
            for n, p in properties(node).items()
            if isinstance(p, dict)
        ]
    else:
        _decorate(f, node, choices)
    return f


def _error_of(name: str, widget: str, messages: dict[str, tuple[str, str]]) -> tuple | None:
    """A field's own error; a leaf widget also shows errors of its items (tags.0)."""
    if name in messages or widget == "object":
        return messages.get(name)
    return next((m for path, m in messages.items() if path.startswith(f"{name}.")), None)


def _decorate(f: Field, node: dict, choices: Mapping[str, Sequence[object]]) -> None:
    kind, hint = node.get("type"), node.get("x-widget")
    if f.widget == "text":
        if hint == "phone":
            f.input_type, f.inputmode, f.autocomplete = "tel", "tel", "tel"
        elif node.get("format") == "email":
            f.inputmode, f.autocomplete = "email", "email"
        elif hint == "national_id":
            f.inputmode = "numeric"
    elif f.widget == "textarea":
        f.rows = 6 if (node.get("maxLength") or 0) > 1000 else 3
    elif f.widget == "number":
        f.integer = kind == "integer"
    elif f.widget in ("select", "radio"):
        f.options = enum_options(node, node.get("enum") or [], [f.value], f.lang)
    elif f.widget == "checkboxes":
        items = node.get("items") or {}
        chosen = f.value if isinstance(f.value, list) else []
        f.options = enum_options(items, items.get("enum") or [], chosen, f.lang)
    elif f.widget == "list":
        f.items = [str(v) for v in f.value] if isinstance(f.value, list) else []
        f.items.append("")
    elif f.widget == "category":
        f.groups = category_groups(choices.get("category"), f.value, f.lang)
    elif f.widget == "agency":
        f.options = agency_options(choices.get("agency"), f.value, f.lang)
        f.placeholder = "" if f.required else _texts(f.lang)["agency_auto"]
    elif f.widget == "area":
        f.levels = area_levels(f.value, f.lang, _texts(f.lang))
        f.areas_url = str(choices.get("areas_url") or AREAS_URL)
    elif f.widget == "file":
        f.multiple = kind == "array"
        f.accept = str(node.get("x-accept") or "")


def _summary(
    fields: list[Field],
    messages: dict[str, tuple[str, str]],
    lang: str,
    extra: Mapping[str, str] | None = None,
) -> list[dict]:
    """One entry per error, in field order; errors of fields not shown come last, unlinked."""
    anchors: dict[str, str] = {}

    def collect(items: list[Field]) -> None:
        for f in items:
            anchors[f.name] = f.id
            collect(f.children)

    collect(fields)
    anchors.update(extra or {})
    out, seen = [], set()
    for name in anchors:
        if name in messages:
            out.append({"href": anchors[name], "message": _pick(messages[name], lang)})
            seen.add(name)
    for name, message in messages.items():
        if name in seen:
            continue
        owner = _owner(name, anchors)
        out.append({"href": anchors.get(owner, ""), "message": _pick(message, lang)})
    return out


def _owner(name: str, anchors: Mapping[str, str]) -> str:
    """The nearest shown field of an error path (tags.0 belongs to tags)."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in anchors:
            return ".".join(parts)
        parts.pop()
    return ""
