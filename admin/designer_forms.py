"""The form builder's pages: a draft's task forms (and the tasks that use each), and one form
built field by field with a live preview drawn by forms/render.py as the inbox draws it, sample
data checked by forms/validation.py, and the JSON Schema as an advanced view. Designers and
administrators only (engine/workflow/draftforms.py checks, then saves against the draft's lock).

The builder page is one HTML form and works without JavaScript: every button posts the whole
state (`_do` says what to do) and the page comes back with it; admin/static/designer-forms.js
only refreshes the preview as the designer types (POST …/preview answers the preview alone).
Builder inputs are named `_…`; the preview's own inputs carry the form's field keys, which
never start with `_` (forms/builder.py), so one post holds both. The posted builder inputs are
read back into a model by admin/designer_forms_posted.py.
"""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup

from admin.designer import refusal
from admin.designer_forms_posted import choices_text, condition_text, model_from
from admin.edge import actor, blueprint, reading, services, writing
from engine.access.checks import check_may_design
from engine.errors import Conflict, ValidationFailed
from engine.reference.choices import seed_choices
from engine.workflow import draftforms, drafts
from forms import builder
from forms.builder import Choice, FormField, FormModel, FormProblem
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
    state.model, state.problems = model_from(request.form)
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
    state.model, state.problems = model_from(request.form)
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
        condition_text=condition_text,
        choices_text=choices_text,
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
