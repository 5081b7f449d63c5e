"""JUEL from Camunda is refused with a Python rewrite; all other code is compiled in the sandbox."""

from __future__ import annotations

import pytest

from engine.workflow.camunda import juel_rewrite
from tests.engine.workflow.validation import check, seen


def test_juel_in_a_condition_is_an_error_with_its_python_rewrite():
    validation = check("juel.bpmn")
    assert seen(validation, "juel") == [
        ("flow_refer", 15, "error"),
        ("flow_urgent", 18, "error"),
        ("flow_ternary", 21, "error"),
    ]
    refer, urgent, ternary = [f for f in validation.findings if f.code == "juel"]
    assert refer.rewrite == "decision == 'refer'"
    assert refer.name == "Refer"
    assert urgent.rewrite == "urgent and agency and level >= 2 or note is not None"
    assert ternary.rewrite is None
    assert "cannot be rewritten automatically" in ternary.message_en
    assert "แปลงให้อัตโนมัติไม่ได้" in ternary.message_th
    # the same expressions are not reported a second time as Python syntax errors
    assert seen(validation, "code-syntax") == []


@pytest.mark.parametrize(
    ("juel", "python"),
    [
        ("${a == 'b'}", "a == 'b'"),
        ("#{a eq 'b'}", "a == 'b'"),
        ("${x != y}", "x != y"),
        ("${!approved}", "not approved"),
        ("${a && (b || !c)}", "a and (b or not c)"),
        ("${n gt 1 and n le 5}", "n > 1 and n <= 5"),
        ("${n lt 1 or n ge 5 or n ne 3}", "n < 1 or n >= 5 or n != 3"),
        ("${empty items}", "not items"),
        ("${not empty items}", "items"),
        ("${agency == null}", "agency is None"),
        ("${agency != null}", "agency is not None"),
        ("${urgent == true || late == false}", "urgent == True or late == False"),
        ("${case.priority eq 'high'}", "case.priority == 'high'"),
        ("${a ? b : c}", None),
        ("${execution.getVariable('a') == 1}", None),
        ("${items.size() > 0}", None),
        ("${len(items) > 0}", "len(items) > 0"),
        ("${a} and ${b}", None),
        ("a == 'b'", None),
        ("${__import__('os')}", None),
    ],
)
def test_juel_rewrites(juel, python):
    assert juel_rewrite(juel) == python


def test_a_script_the_sandbox_refuses_is_reported_at_its_own_line():
    validation = check("code.bpmn")
    assert seen(validation, "code-refused") == [("escape", 11, "error")]  # x = __import__
    refused = next(f for f in validation.findings if f.code == "code-refused")
    assert refused.name == "Escape the sandbox"
    assert "__import__" in refused.message_en


def test_a_condition_that_does_not_parse_names_its_flow():
    validation = check("code.bpmn")
    assert seen(validation, "code-syntax") == [("flow_4", 26, "error")]
