"""The form builder's pages: a draft's task forms (and the tasks that use each), and one form
built field by field with a live preview drawn by forms/render.py as the inbox draws it, sample
data checked by forms/validation.py, and the JSON Schema as an advanced view. Designers and
administrators only (engine/workflow/draftforms.py checks, then saves against the draft's lock).

The builder page is one HTML form and works without JavaScript: every button posts the whole
state (`_do` says what to do) and the page comes back with it; admin/static/designer-forms.js
only refreshes the preview as the designer types (POST …/preview answers the preview alone).
Builder inputs are named `_…`; the preview's own inputs carry the form's field keys, which
never start with `_` (forms/builder.py), so one post holds both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup

from admin.designer import refusal
from admin.edge import actor, blueprint, reading, services, writing
from engine.access.checks import check_may_design
from engine.errors import Conflict, ValidationFailed
from engine.reference.choices import seed_choices
from engine.workflow import draftforms, drafts
from forms import builder
from forms.builder import Choice, Condition, FormField, FormModel, FormProblem
from forms.formdata import form_errors, parse_form
from forms.render import render_form, script
from forms.validation import FieldError
from web.i18n import current_lang, t

PAGE = "staff/designer/form.html"
PREVIEW = "staff/designer/form_preview.html"
BLANK_TITLE = ("แบบฟอร์มใหม่", "New form")


@blueprint.get("/designer/drafts/<int:draft_id>/forms")
def designer_forms(draft_id: int):  # type: ignore[no-untyped-def]
    """The draft's forms: titles, fields, the tasks naming each; a box to start a new one."""
    wanted = request.args.get("name", "").strip()
    if wanted:  # the "new form" box: a GET, so the name is checked and the builder opens
        check_may_design(actor())
        try:
            draftforms.check_name(wanted, new=True)
        except ValidationFailed as exc:
            return refusal(exc)
        return redirect(url_for("staff.designer_form", draft_id=draft_id, name=wanted))
    with reading() as db:
        forms = draftforms.list_forms(db, actor(), draft_id)
        draft = drafts.get(db, actor(), draft_id)
        return render_template(
            "staff/designer/forms.html", draft=draft, forms=forms, title=_draft_title(draft)
        )


@blueprint.get("/designer/drafts/<int:draft_id>/forms/<name>")
def designer_form(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """The builder on the saved form (or on a blank one: a new form by that name)."""
    try:
        with reading() as db:
            draft, schema = draftforms.get_form(db, actor(), draft_id, name)
            lock, uses = draft.lock, draftforms.tasks_using(draft.files or {}).get(name, [])
            title = _draft_title(draft)
    except ValidationFailed as exc:
        return refusal(exc)
    model = builder.from_schema(schema) if schema else _blank()
    state = _State(draft_id, name, lock, model, exists=schema is not None, uses=uses, title=title)
    return _page(state)


@blueprint.post("/designer/drafts/<int:draft_id>/forms/<name>")
def designer_form_post(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """One of the builder's buttons (`_do`): preview, check, add, up/down/remove:<n>, save,
    json-apply, json-save, delete. The page comes back with everything posted kept."""
    check_may_design(actor())
    state = _posted_state(draft_id, name)
    if isinstance(state, tuple):
        return state  # a refusal page
    action = request.form.get("_do", "preview")
    if action in ("json-apply", "json-save"):
        return _json_view(state, save=action == "json-save")
    if action == "delete":
        return _delete(state)
    state.model, state.problems = _model_from(request.form)
    _arrange(state, action)
    if state.problems:
        return _page(state, 422)
    if action == "save":
        return _save(state, builder.to_schema(state.model))
    state.checked = action == "check"
    return _page(state, 422 if state.checked and state.sample_errors() else 200)


@blueprint.post("/designer/drafts/<int:draft_id>/forms/<name>/preview")
def designer_form_preview(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """The preview alone, for the builder's script to put in place as the designer types."""
    check_may_design(actor())
    state = _posted_state(draft_id, name)
    if isinstance(state, tuple):
        return state
    state.model, state.problems = _model_from(request.form)
    return render_template(PREVIEW, s=state), 422 if state.problems else 200


class _State:
    """Everything the builder page shows."""

    def __init__(self, draft_id: int, name: str, lock: int, model: FormModel, **kw: object) -> None:
        self.draft_id, self.name, self.lock, self.model = draft_id, name, lock, model
        self.exists: bool = bool(kw.get("exists", True))
        self.uses: list = list(kw.get("uses") or [])  # type: ignore[call-overload]
        self.title: str = str(kw.get("title") or "")
        self.problems: dict[str, tuple[str, str]] = {}
        self.checked = False
        self.conflict = False
        self.json_text: str | None = None  # what was typed in the JSON view, when refused
        self._preview: tuple[Markup, list[FieldError]] | None = None

    def schema(self) -> dict:
        return builder.to_schema(self.model)

    def schema_text(self) -> str:
        if self.json_text is not None:
            return self.json_text
        return json.dumps(self.schema(), ensure_ascii=False, indent=1)

    def preview(self) -> tuple[Markup, list[FieldError]]:
        """The form as the inbox draws it, with the sample typed (and its errors once checked)."""
        if self._preview is None:
            schema = self.schema()
            values = parse_form(schema, request.form) if request.method == "POST" else {}
            errors = list(form_errors(schema, values).values()) if self.checked else []
            html = render_form(
                schema, dict(values), errors, current_lang(), choices=seed_choices(), script=False
            )
            self._preview = (html, errors)
        return self._preview

    def sample_errors(self) -> list[FieldError]:
        return self.preview()[1]

    def field_problem(self, index: int) -> str:
        pair = self.problems.get(f"fields.{index}")
        return "" if pair is None else pair[1 if current_lang() == "en" else 0]

    def sources(self, exclude: str) -> list[FormField]:
        return [f for f in self.model.fields if f.type in builder.SOURCES and f.key != exclude]


def _page(state: _State, status: int = 200):  # type: ignore[no-untyped-def]
    index = 1 if current_lang() == "en" else 0
    messages = [pair[index] for pair in state.problems.values()]
    page = render_template(
        PAGE,
        s=state,
        messages=messages,
        types=builder.TYPES,
        advanced=builder.ADVANCED,
        condition_text=_condition_text,
        choices_text=_choices_text,
        form_script=script(),
    )
    return page, status


def _draft_title(draft) -> str:  # type: ignore[no-untyped-def]
    return t(f"ร่าง #{draft.id} ({draft.process_id})", f"Draft #{draft.id} ({draft.process_id})")


def _blank() -> FormModel:
    return FormModel(title_th=BLANK_TITLE[0], title_en=BLANK_TITLE[1])


def _posted_state(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """The state the post starts from (its lock checked as a number); or a refusal page."""
    raw = request.form.get("_lock", "")
    try:
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise ValidationFailed.one(
                "lock",
                "หน้านี้ไม่ได้ส่งเลขล็อกของร่างมา กรุณาโหลดหน้าใหม่",
                "The page sent no lock; reload it.",
            )
        with reading() as db:
            draft, schema = draftforms.get_form(db, actor(), draft_id, name)
            uses = draftforms.tasks_using(draft.files or {}).get(name, [])
            title = _draft_title(draft)
    except ValidationFailed as exc:
        return refusal(exc)
    model = builder.from_schema(schema) if schema else _blank()
    return _State(
        draft_id, name, int(raw), model, exists=schema is not None, uses=uses, title=title
    )


def _save(state: _State, schema: dict):  # type: ignore[no-untyped-def]
    try:
        with writing() as db:
            draftforms.save_form(
                db, services().clock(), actor(), state.draft_id, state.name, schema, state.lock
            )
    except Conflict as exc:
        # Nothing is lost: the page comes back with what was posted, and the lock now current,
        # so saving again (knowingly) replaces this one form and keeps everything else.
        state.conflict = True
        state.problems = {"lock": (exc.message("th"), exc.message("en"))}
        state.lock = int(exc.detail.get("current_lock") or state.lock)
        return _page(state, 409)
    except ValidationFailed as exc:
        state.problems = exc.fields
        return _page(state, 422)
    flash(
        t(f"บันทึกแบบฟอร์ม «{state.name}» ในร่างแล้ว", f"The form «{state.name}» is saved in the draft.")
    )
    return redirect(url_for("staff.designer_form", draft_id=state.draft_id, name=state.name))


def _json_view(state: _State, *, save: bool):  # type: ignore[no-untyped-def]
    """The JSON Schema typed in the advanced view: into the builder, or saved as it is."""
    text = request.form.get("_schema", "")
    try:
        schema = draftforms.check_form_schema(builder.parse_json(text))
    except FormProblem as exc:
        state.problems, state.json_text = exc.problems, text
        return _page(state, 422)
    except ValidationFailed as exc:
        state.problems, state.json_text = exc.fields, text
        return _page(state, 422)
    state.model = builder.from_schema(schema)
    if save:
        return _save(state, schema)
    return _page(state)


def _delete(state: _State):  # type: ignore[no-untyped-def]
    try:
        with writing() as db:
            draftforms.remove_form(
                db, services().clock(), actor(), state.draft_id, state.name, state.lock
            )
    except Conflict as exc:
        state.problems = {"lock": (exc.message("th"), exc.message("en"))}
        return _page(state, 409)
    flash(
        t(
            f"ลบแบบฟอร์ม «{state.name}» ออกจากร่างแล้ว",
            f"The form «{state.name}» is removed from the draft.",
        )
    )
    return redirect(url_for("staff.designer_forms", draft_id=state.draft_id))


def _arrange(state: _State, action: str) -> None:
    """Add, move or remove a field (`add`, `up:3`, `down:0`, `remove:2`)."""
    fields = state.model.fields
    verb, _, raw = action.partition(":")
    if verb == "add":
        kind = request.form.get("_new_type", "text")
        kind = kind if kind in builder.TYPES else "text"
        key = next(f"field_{n}" for n in range(1, 1000) if state.model.get(f"field_{n}") is None)
        new = FormField(key=key, type=kind, label_th="ช่องใหม่", label_en="New field")
        new.extra = dict(builder.DEFAULT_EXTRA.get(kind, {}))
        if kind in ("choice", "choices"):
            new.choices = [Choice("yes", "ใช่", "Yes"), Choice("no", "ไม่ใช่", "No")]
        if len(fields) < builder.MAX_FIELDS:
            fields.append(new)
        return
    if not (raw.isascii() and raw.isdigit() and int(raw) < len(fields)):
        return
    i = int(raw)
    if verb == "up" and i > 0:
        fields[i - 1], fields[i] = fields[i], fields[i - 1]
    elif verb == "down" and i + 1 < len(fields):
        fields[i + 1], fields[i] = fields[i], fields[i + 1]
    elif verb == "remove":
        gone = fields.pop(i).key
        for f in fields:  # a condition on a removed field goes with it
            f.show_when = None if f.show_when and f.show_when.field == gone else f.show_when
            f.require_when = (
                None if f.require_when and f.require_when.field == gone else f.require_when
            )


# ------------------------------------------------------------------ posted fields -> model


def _model_from(form: Mapping) -> tuple[FormModel, dict[str, tuple[str, str]]]:
    """The builder's posted inputs as a model, and every problem found (Thai, English)."""
    problems: dict[str, tuple[str, str]] = {}
    model = FormModel(title_th=_get(form, "_title_th"), title_en=_get(form, "_title_en"))
    model.extra = _json_input(form, "_form_extra", dict, problems) or {}
    model.advanced_rules = _json_input(form, "_rules", list, problems) or []
    count = _get(form, "_count")
    count_n = min(int(count), builder.MAX_FIELDS + 1) if count.isascii() and count.isdigit() else 0
    wanted: list[tuple[FormField, dict[str, str]]] = []
    for i in range(count_n):
        f, conditions = _field_from(form, i, problems)
        model.fields.append(f)
        wanted.append((f, conditions))
    for f, conditions in wanted:  # conditions name other fields: read once all are known
        f.show_when = _condition(model, conditions["show_field"], conditions["show_values"])
        f.require_when = _condition(model, conditions["req_field"], conditions["req_values"])
    if not problems:
        try:
            builder.check_model(model)
        except FormProblem as exc:
            problems.update(exc.problems)
    return model, problems


def _get(form: Mapping, name: str, limit: int = 20_000) -> str:
    value = form.get(name, "")
    return value.replace("\r\n", "\n").strip()[:limit] if isinstance(value, str) else ""


def _json_input(form: Mapping, name: str, kind: type, problems: dict) -> object:
    text = _get(form, name, builder.MAX_SCHEMA_BYTES)
    if not text:
        return None
    try:
        value = builder.parse_json(text) if kind is dict else json.loads(text)
    except (FormProblem, ValueError, RecursionError):
        value = None
    if not isinstance(value, kind):
        problems[name] = (
            "ข้อมูลที่ซ่อนไว้ในหน้าไม่ถูกต้อง กรุณาโหลดหน้าใหม่",
            "The page's hidden data is not valid; reload it.",
        )
        return None
    return value


def _field_from(form: Mapping, i: int, problems: dict) -> tuple[FormField, dict[str, str]]:
    p = f"_f{i}_"
    kind, original = _get(form, p + "type"), _get(form, p + "orig")
    f = FormField(key=_get(form, p + "key", 100), type=kind)
    extra = _json_input(form, p + "extra", dict, problems) or {}
    if kind == builder.ADVANCED or original == builder.ADVANCED:
        f.type, f.extra = builder.ADVANCED, extra  # kept whole; the JSON view edits it
        f.label_th, f.required = _get(form, p + "label_th"), bool(form.get(p + "required"))
        return f, dict.fromkeys(("show_field", "show_values", "req_field", "req_values"), "")
    f.extra = extra if kind == original else {}  # another type: its old settings would not fit
    f.label_th, f.label_en = _get(form, p + "label_th"), _get(form, p + "label_en")
    f.help_th, f.help_en = _get(form, p + "help_th"), _get(form, p + "help_en")
    f.required, f.note = bool(form.get(p + "required")), bool(form.get(p + "note"))
    f.widget = "select" if _get(form, p + "widget") == "select" else "radio"
    f.choices = _choices(_get(form, p + "choices", 60_000))
    low, high = _bound(form, p + "min", i, problems), _bound(form, p + "max", i, problems)
    if kind in ("number", "integer"):
        f.minimum, f.maximum = low, high
    elif kind == "choices":
        f.min_items, f.max_items = _whole(low, i, problems), _whole(high, i, problems)
    elif kind in builder.LENGTHS:
        f.min_length, f.max_length = _whole(low, i, problems), _whole(high, i, problems)
    names = ("show_field", "show_values", "req_field", "req_values")
    return f, {n: _get(form, p + n, 2000) for n in names}


def _choices(text: str) -> list[Choice]:
    """One choice a line: `code | ไทย | English` (a line with only a label takes it as code)."""
    out = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not any(parts):
            continue
        parts += ["", ""]
        out.append(Choice(parts[0], parts[1] or parts[0], parts[2]))
    return out


def _choices_text(f: FormField) -> str:
    return "\n".join(f"{c.code} | {c.label_th} | {c.label_en}".rstrip(" |") for c in f.choices)


def _bound(form: Mapping, name: str, i: int, problems: dict) -> float | int | None:
    raw = _get(form, name, 40).replace(",", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or abs(value) > 1e15:
        problems[f"fields.{i}"] = (
            f"ช่องที่ {i + 1}: «{raw}» ไม่ใช่ตัวเลข",
            f"Field {i + 1}: «{raw}» is not a number.",
        )
        return None
    return int(value) if value.is_integer() else value


def _whole(value: float | int | None, i: int, problems: dict) -> int | None:
    if value is None or isinstance(value, int):
        return value
    problems[f"fields.{i}"] = (
        f"ช่องที่ {i + 1}: จำนวนต้องเป็นจำนวนเต็ม",
        f"Field {i + 1}: a length or count is a whole number.",
    )
    return None


def _condition(model: FormModel, source_key: str, raw: str) -> Condition | None:
    """A condition as typed: the field it looks at and its values (codes, or yes/no)."""
    if not source_key:
        return None
    source = model.get(source_key)
    words = [w.strip() for w in raw.replace("،", ",").split(",") if w.strip()]
    if source is not None and source.type == "yesno":
        truth = {"true": True, "yes": True, "ใช่": True, "false": False, "no": False, "ไม่ใช่": False}
        return Condition(source_key, [truth.get(w.lower(), w) for w in words])
    return Condition(source_key, words)


def _condition_text(condition: Condition | None) -> str:
    if condition is None:
        return ""
    return ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in condition.values)
