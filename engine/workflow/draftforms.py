"""A draft's task forms, one at a time: list them with the tasks that use each, read one, save or
remove one against the draft's lock (engine/workflow/drafts.py keeps the lock, its limits and its
checks; this module only adds what one form needs). Only designers and administrators.

A form is saved when the builder (forms/builder.py) and the renderer can use it: a JSON object
within the size and nesting limits, a valid JSON Schema of an object whose field keys are names
a workflow can carry, drawn and validated once without error. Anything else is refused with a
message in Thai and English, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.errors import NotFound, ValidationFailed
from engine.models import ProcessDraft
from engine.workflow import drafts
from engine.workflow.spiff import xml
from forms import builder
from forms.loader import NAME
from forms.render import render_form
from forms.validation import validate

_SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
_CAMUNDA_KEY = "{http://camunda.org/schema/1.0/bpmn}formKey"
_USER_TASK = "{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask"


@dataclass
class FormUse:
    """One form of a draft: its titles, size, and the user tasks naming it (element id, name)."""

    name: str
    title_th: str
    title_en: str
    fields: int
    tasks: list[tuple[str, str]] = field(default_factory=list)


def list_forms(session: Session, actor: Actor, draft_id: int) -> list[FormUse]:
    """Every form of the draft by name, and the forms its diagrams name but it lacks."""
    draft = drafts.get(session, actor, draft_id)
    uses = tasks_using(draft.files or {})
    out = []
    for name in sorted(set(draft.forms or {}) | set(uses)):
        schema = (draft.forms or {}).get(name)
        schema = schema if isinstance(schema, dict) else {}
        props = schema.get("properties")
        out.append(
            FormUse(
                name=name,
                title_th=str(schema.get("title") or ""),
                title_en=str(schema.get("x-title-en") or ""),
                fields=len(props) if isinstance(props, dict) else 0,
                tasks=uses.get(name, []),
            )
        )
    return out


def tasks_using(files: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """{form name: [(task element id, task name)]} from the draft's BPMN files (Damrong's form
    property, else Camunda's formKey); a file that cannot be parsed names nothing."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, text in sorted(files.items()):
        if not name.endswith(".bpmn") or not isinstance(text, str):
            continue
        try:
            root = xml(text)
        except (etree.XMLSyntaxError, ValueError):
            continue
        for task in root.iter(_USER_TASK):
            form = _form_of(task)
            if form:
                out.setdefault(form, []).append((task.get("id", ""), task.get("name", "")))
    return out


def _form_of(task: etree._Element) -> str:
    for prop in task.iter(f"{_SPIFF}property"):
        if prop.get("name") == "form" and prop.get("value"):
            return str(prop.get("value"))
    key = task.get(_CAMUNDA_KEY) or ""
    return key.rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".json")


def get_form(
    session: Session, actor: Actor, draft_id: int, name: str
) -> tuple[ProcessDraft, dict | None]:
    """The draft and the form's schema (None: a new form by that name)."""
    draft = drafts.get(session, actor, draft_id)
    check_name(name, new=name not in (draft.forms or {}))
    schema = (draft.forms or {}).get(name)
    return draft, schema if isinstance(schema, dict) else None


def check_name(name: object, *, new: bool) -> str:
    """A form's name: a new one as the form library names them (a-z, 0-9, _), an existing one
    as drafts accept them."""
    pattern = NAME if new else drafts.FORM_NAME
    if not isinstance(name, str) or not pattern.fullmatch(name):
        shown = str(name)[:64]
        raise ValidationFailed.one(
            "name",
            f"ชื่อแบบฟอร์ม «{shown}» ใช้ไม่ได้: ขึ้นต้นด้วย a-z ตามด้วย a-z 0-9 _ ไม่เกิน 64 ตัว",
            f"The form name «{shown}» cannot be used: a-z first, then a-z 0-9 _ (64 at most).",
        )
    return name


def check_form_schema(schema: object) -> dict:
    """The schema if it can be a task form; ValidationFailed with every reason otherwise."""
    try:
        checked = builder.check_schema(schema)
    except builder.FormProblem as exc:
        raise ValidationFailed(exc.problems, str(exc), _thai(exc)) from None
    try:  # the renderer and the validator must take it as the inbox and the API will
        render_form(checked, {}, {}, "th", script=False)
        validate(checked, {})
    except Exception as exc:  # noqa: BLE001 (whatever a hand-written schema trips in them)
        detail = f"{type(exc).__name__}: {str(exc)[:160]}"
        raise ValidationFailed.one(
            "schema",
            f"แสดงหรือตรวจแบบฟอร์มนี้ไม่ได้ ({detail})",
            f"This form cannot be drawn or checked ({detail}).",
        ) from None
    return checked


def _thai(exc: builder.FormProblem) -> str:
    return " ".join(th for th, _en in exc.problems.values())


def save_form(
    session: Session,
    now: datetime,
    actor: Actor,
    draft_id: int,
    name: str,
    schema: object,
    lock: object,
) -> int:
    """Store one form in the draft if `lock` is the draft's lock: the new lock. A stale lock is a
    Conflict, a form that cannot be used a ValidationFailed; either way nothing changes."""
    check_may_design(actor)
    draft = drafts.get(session, actor, draft_id)
    check_name(name, new=name not in (draft.forms or {}))
    checked = check_form_schema(schema)
    forms = {**(draft.forms or {}), name: checked}
    new_lock = drafts.save(
        session, now, actor, draft_id, dict(draft.files or {}), lock, forms=forms
    )
    detail = {"draft_id": draft_id, "process_id": draft.process_id, "form": name}
    journal.record(session, None, actor, "process_draft_form_saved", now, detail=detail)
    return new_lock


def remove_form(
    session: Session, now: datetime, actor: Actor, draft_id: int, name: str, lock: object
) -> int:
    """Take one form out of the draft (against its lock): the new lock."""
    check_may_design(actor)
    draft = drafts.get(session, actor, draft_id)
    if name not in (draft.forms or {}):
        raise NotFound(f"The draft has no form {name[:64]!r}.", f"ร่างนี้ไม่มีแบบฟอร์ม «{name[:64]}»")
    forms = {k: v for k, v in (draft.forms or {}).items() if k != name}
    new_lock = drafts.save(
        session, now, actor, draft_id, dict(draft.files or {}), lock, forms=forms
    )
    detail = {"draft_id": draft_id, "process_id": draft.process_id, "form": name}
    journal.record(session, None, actor, "process_draft_form_removed", now, detail=detail)
    return new_lock
