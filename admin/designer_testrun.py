"""Test-runs in the designer: build a scenario step by step on a draft (each action posts the
scenario so far plus the new step; the server replays it all from scratch in a transaction
rolled back at the end and draws the new state), save it with the path and status it reached,
run every stored scenario; a stored version's scenarios run read-only. Plain forms (the diagram
alone needs JavaScript). Designers and administrators only (engine/cases/trial.py checks)."""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.edge import actor, blueprint, reading, services, writing
from engine.access.checks import check_may_design
from engine.cases import trial
from engine.errors import NotFound, ValidationFailed
from engine.models import Category
from engine.reference.choices import seed_choices
from engine.workflow import drafts, scenarios, versions
from forms import render
from web.i18n import current_lang, t

WORKING = "unsaved"  # the name of a scenario being built, until it is saved
ENCODED_LIMIT = 120_000  # the diagram's ?s= (the scenario, compressed)
CHANNELS = ("web", "phone", "walk_in", "letter")


def _encode(scenario: dict) -> str:
    raw = json.dumps(scenario, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode()


def _decode(text: str) -> dict:
    """A scenario from the diagram's ?s=, checked like a posted one (bounded before inflating)."""
    try:
        if len(text) > ENCODED_LIMIT:
            raise ValueError("too long")
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.urlsafe_b64decode(text.encode()), scenarios.MAX_BYTES + 1)
    except (ValueError, binascii.Error, zlib.error):
        raise ValidationFailed.one(
            "s", "ข้อมูลสถานการณ์ในลิงก์ไม่ถูกต้อง", "The scenario in the link is not valid."
        ) from None
    return scenarios.parse(raw.decode("utf-8", errors="replace"))


def _posted() -> dict:
    """The scenario so far, as the page posted it back (a new one when there is none)."""
    text = request.form.get("scenario", "")
    return scenarios.parse(text) if text else {"name": WORKING, "steps": []}


def _draft_run(draft_id: int, scenario: dict) -> trial.RunResult:
    return trial.run_draft(services().writer, actor(), draft_id, scenario)


def _source(draft_id: int) -> dict:
    with reading() as db:
        draft = drafts.get(db, actor(), draft_id)
        categories = db.scalars(select(Category).where(Category.active.is_(True))).all()
        return {
            "draft_id": draft.id,
            "process_id": draft.process_id,
            "stored": dict(draft.scenarios or {}),
            "categories": [(c.code, c.name_th, c.name_en) for c in categories],
        }


def _page(source: dict, scenario: dict | None, result, status: int = 200, **extra):  # type: ignore[no-untyped-def]
    focus = extra.pop("focus", None)
    tasks = result.tasks if result else []
    chosen = next((x for x in tasks if x["step"] == focus), tasks[0] if tasks else None)
    form_html = None
    if chosen is not None and source.get("draft_id"):
        values = extra.pop("values", None) or {}
        errors = extra.pop("errors", None) or {}
        form_html = render.render_form(
            chosen["schema"], values, errors, current_lang(), choices=seed_choices()
        )
    diagram = None
    if result is not None and result.diagrams and scenario is not None:
        encoded = _encode(scenario)
        if len(encoded) <= ENCODED_LIMIT:
            endpoint, args = _diagram_endpoint(source)
            diagram = url_for(endpoint, **args, s=encoded)
    page = render_template(
        "staff/designer/testrun.html",
        source=source,
        scenario=scenario,
        scenario_json=json.dumps(scenario, ensure_ascii=False) if scenario else "",
        scenario_pretty=json.dumps(scenario, ensure_ascii=False, indent=1) if scenario else "",
        result=result,
        chosen=chosen,
        form_html=form_html,
        diagram=diagram,
        messages=scenarios.MESSAGES,
        channels=CHANNELS,
        **extra,
    )
    return page, status


def _diagram_endpoint(source: dict) -> tuple[str, dict]:
    if source.get("draft_id"):
        return "staff.designer_testrun_diagram", {"draft_id": source["draft_id"]}
    return "staff.designer_version_testrun_diagram", {
        "process_id": source["process_id"],
        "version": source["version"],
    }


def _message(exc: ValidationFailed) -> str:
    index = 1 if current_lang() == "en" else 0
    return " ".join(pair[index] for pair in exc.fields.values()) or exc.message(current_lang())


@blueprint.get("/designer/drafts/<int:draft_id>/test-run")
def designer_testrun(draft_id: int):  # type: ignore[no-untyped-def]
    """Stored scenarios, a new one to start, or one stored scenario replayed (?scenario=)."""
    check_may_design(actor())
    source = _source(draft_id)
    name = request.args.get("scenario", "")
    if not name:
        return _page(source, None, None)
    if name not in source["stored"]:
        raise NotFound(
            f"The draft has no scenario «{name[:64]}».", f"ร่างนี้ไม่มีสถานการณ์ «{name[:64]}»"
        )
    scenario = scenarios.check(source["stored"][name])
    return _page(source, scenario, _draft_run(draft_id, scenario), verdict=True)


def _new_step(action: str, scenario: dict, source: dict):  # type: ignore[no-untyped-def]
    """The step an action adds ((step, values, task) for a form), checked."""
    form = request.form
    index = len(scenario["steps"])
    if action == "advance":
        unit = form.get("unit", "days")
        raw = form.get("amount", "")
        amount = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 else raw
        return scenarios.check_step({"advance": {unit: amount}}, index), None
    if action == "message":
        return scenarios.check_step({"message": form.get("message", "")}, index), None
    if action == "sweep":
        return {"sweep": True}, None
    if action == "complete":
        task = form.get("task", "")
        result = _draft_run(source["draft_id"], scenario)
        found = next((x for x in result.tasks if x["step"] == task), None)
        if found is None:
            raise ValidationFailed.one(
                "task", f"งาน «{task[:64]}» ไม่ได้เปิดอยู่", f"The task «{task[:64]}» is not open."
            )
        data = render.parse_form(found["schema"], form, request.files)
        problems = getattr(data, "problems", {}) or {}
        values = dict(data)
        if problems:
            errors = {k: (e.message_th, e.message_en) for k, e in problems.items()}
            return None, (values, errors, task, result)
        return scenarios.check_step({"complete": task, "data": values}, index), (values, task)
    raise ValidationFailed.one("action", "ไม่รู้จักคำสั่งนี้", "Unknown action.")


@blueprint.post("/designer/drafts/<int:draft_id>/test-run")
def designer_testrun_step(draft_id: int):  # type: ignore[no-untyped-def]
    """Add one step (or start, undo, pick a task's form) and draw the state after replaying."""
    check_may_design(actor())
    source = _source(draft_id)
    action = request.form.get("action", "")
    try:
        if action == "start":
            start: dict = {"data": {}}
            for key in ("category", "area_code", "channel"):  # left empty: the defaults
                if value := request.form.get(key, "").strip():
                    start[key] = value
            scenario = scenarios.check({"name": WORKING, "start": start})
            return _page(source, scenario, _draft_run(draft_id, scenario))
        scenario = _posted()
    except ValidationFailed as exc:
        return _page(source, None, None, 422, error=_message(exc))
    if action in ("focus", "undo"):
        if action == "undo":
            scenario = {**scenario, "steps": scenario["steps"][:-1]}
        result = _draft_run(draft_id, scenario)
        return _page(source, scenario, result, focus=request.form.get("task"))
    try:
        step, kept = _new_step(action, scenario, source)
    except ValidationFailed as exc:
        return _page(source, scenario, _draft_run(draft_id, scenario), 422, error=_message(exc))
    if step is None:  # a form's text could not be read: the official's own messages
        values, errors, task, result = kept
        return _page(source, scenario, result, 422, focus=task, values=values, errors=errors)
    grown = {**scenario, "steps": [*scenario["steps"], step]}
    result = _draft_run(draft_id, grown)
    failed = result.failed
    if failed is not None and failed.index == len(grown["steps"]) - 1:
        # The new step failed: it is not kept, the state is the one before it.
        values, task = kept if kept else ({}, None)
        return _page(
            source,
            scenario,
            result,
            422,
            focus=task,
            values=values,
            errors=failed.errors,
            error=failed.message_th if current_lang() == "th" else failed.message_en,
        )
    return _page(source, grown, result)


@blueprint.get("/designer/drafts/<int:draft_id>/test-run/diagram.json")
def designer_testrun_diagram(draft_id: int):  # type: ignore[no-untyped-def]
    """The diagrams with the path and tokens of a scenario (?s=, as the page encoded it)."""
    check_may_design(actor())
    scenario = _decode(request.args.get("s", ""))
    return {"diagrams": _draft_run(draft_id, scenario).diagrams}


@blueprint.post("/designer/drafts/<int:draft_id>/test-run/save")
def designer_testrun_save(draft_id: int):  # type: ignore[no-untyped-def]
    """Keep the scenario on the draft with the path and status it reaches now."""
    check_may_design(actor())
    source = _source(draft_id)
    try:
        scenario = _posted()
        named = scenarios.check(
            {
                **scenario,
                "name": request.form.get("name", "").strip(),
                "title_th": request.form.get("title_th", ""),
                "title_en": request.form.get("title_en", ""),
            }
        )
    except ValidationFailed as exc:
        scenario = scenario if "scenario" in locals() else None
        result = _draft_run(draft_id, scenario) if scenario else None
        return _page(source, scenario, result, 422, error=_message(exc))
    result = _draft_run(draft_id, named)
    if result.failed is not None:
        error = t(
            "บันทึกไม่ได้: มีขั้นที่ไม่ผ่าน แก้ไขหรือย้อนขั้นนั้นก่อน",
            "Not saved: a step fails; undo or fix it first.",
        )
        return _page(source, scenario, result, 422, error=error)
    named["expect"] = {"path": result.path, "status": result.status}
    with writing() as db:
        scenarios.store(db, services().clock(), actor(), draft_id, named)
    flash(t(f"บันทึกสถานการณ์ {named['name']} แล้ว", f"Scenario {named['name']} saved."))
    return redirect(url_for("staff.designer_testrun", draft_id=draft_id, scenario=named["name"]))


@blueprint.post("/designer/drafts/<int:draft_id>/test-run/<name>/delete")
def designer_testrun_delete(draft_id: int, name: str):  # type: ignore[no-untyped-def]
    """Delete a stored scenario of the draft."""
    check_may_design(actor())
    with writing() as db:
        scenarios.remove(db, services().clock(), actor(), draft_id, name)
    flash(t(f"ลบสถานการณ์ {name} แล้ว", f"Scenario {name} deleted."))
    return redirect(url_for("staff.designer_testrun", draft_id=draft_id))


@blueprint.post("/designer/drafts/<int:draft_id>/test-run/all")
def designer_testrun_all(draft_id: int):  # type: ignore[no-untyped-def]
    """Run every stored scenario of the draft: a pass/fail table."""
    check_may_design(actor())
    source = _source(draft_id)
    table = trial.run_all(services().writer, actor(), source["stored"], draft_id=draft_id)
    return _page(source, None, None, table=table)


def _version_source(process_id: str, version: int) -> dict:
    with reading() as db:
        check_may_design(actor())
        definition = versions.find(db, process_id, version)
        stored = dict(definition.scenarios or {})
    return {"process_id": process_id, "version": version, "stored": stored, "categories": []}


@blueprint.get("/designer/processes/<process_id>/versions/<int:version>/test-run")
def designer_version_testrun(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """A stored version's scenarios, each run (read-only): the table, or one (?scenario=)."""
    source = _version_source(process_id, version)
    name = request.args.get("scenario", "")
    writer = services().writer
    if name:
        if name not in source["stored"]:
            raise NotFound(
                f"The version has no scenario «{name[:64]}».", f"รุ่นนี้ไม่มีสถานการณ์ «{name[:64]}»"
            )
        scenario = scenarios.check(source["stored"][name])
        result = trial.run_version(writer, actor(), process_id, version, scenario)
        return _page(source, scenario, result, verdict=True)
    table = trial.run_all(writer, actor(), source["stored"], process_id=process_id, version=version)
    return _page(source, None, None, table=table)


@blueprint.get("/designer/processes/<process_id>/versions/<int:version>/test-run/diagram.json")
def designer_version_testrun_diagram(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """The diagrams of a version with the path and tokens of a scenario (?s=)."""
    check_may_design(actor())
    scenario = _decode(request.args.get("s", ""))
    result = trial.run_version(services().writer, actor(), process_id, version, scenario)
    return {"diagrams": result.diagrams}
