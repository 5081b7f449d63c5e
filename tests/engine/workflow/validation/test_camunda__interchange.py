"""Camunda Modeler exports: user-task attributes read, JUEL and bare timers rewritten on request."""

from __future__ import annotations

from engine.workflow.camunda import apply_rewrites, read_user_tasks
from engine.workflow.validation import validate
from tests.engine.workflow.validation import check, read, seen


def test_user_tasks_with_camunda_attributes_are_read():
    tasks = read_user_tasks(read("camunda.bpmn", "valid.bpmn"))
    assert list(tasks) == ["screen"]
    screen = tasks["screen"]
    assert (screen.file, screen.line) == ("camunda.bpmn", 8)
    assert screen.candidate_groups == ("screener", "supervisor")
    assert screen.assignee == "${initiator}"
    assert screen.form_key == "screen"
    assert screen.due_date == "${dateTime().plusDays(3).toDate()}"
    assert screen.form_fields == (
        {
            "id": "decision",
            "label": "Decision",
            "type": "enum",
            "default": "refer",
            "required": True,
            "values": [
                {"id": "refer", "name": "Refer to an agency"},
                {"id": "reject", "name": "Reject"},
            ],
        },
        {"id": "note", "label": "Note", "type": "string", "default": None, "required": False},
    )


def test_a_camunda_due_date_suggests_an_sla_policy():
    assert seen(check("camunda.bpmn"), "camunda-due-date") == [("screen", 8, "warning")]


def test_rewrites_change_only_the_expressions_and_say_so():
    files = read("camunda.bpmn")
    rewritten, findings = apply_rewrites(files)
    assert [(f.code, f.element, f.line, f.severity, f.rewrite) for f in findings] == [
        ("rewritten", "flow_refer", 30, "warning", 'decision == "refer" and note is not None'),
        ("rewritten", "wait", 37, "warning", '"P15D"'),
    ]
    before = files["camunda.bpmn"].splitlines()
    after = rewritten["camunda.bpmn"].splitlines()
    changed = [n for n, (old, new) in enumerate(zip(before, after, strict=True), 1) if old != new]
    assert changed == [30, 37]  # drawing, comments, namespaces and layout untouched
    assert '>decision == "refer" and note is not None</bpmn:conditionExpression>' in after[29]
    # what is left for the designer: the due date only
    assert {f.code for f in validate(rewritten).findings} == {"camunda-due-date"}


def test_expressions_that_cannot_be_rewritten_are_left_alone():
    files = read("juel.bpmn")
    rewritten, findings = apply_rewrites(files)
    assert [f.element for f in findings] == ["flow_refer", "flow_urgent"]
    assert "${urgent ? level : 0}" in rewritten["juel.bpmn"]
    assert seen(validate(rewritten), "juel") == [("flow_ternary", 21, "error")]


def test_files_without_rewrites_come_back_unchanged():
    files = {**read("valid.bpmn", "decide.dmn"), "broken.bpmn": "<not xml", "f.json": "{}"}
    assert apply_rewrites(files) == (files, [])
