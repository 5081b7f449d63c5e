"""Decision tables reading a variable that is neither case data nor set by the process."""

from __future__ import annotations

import pytest

from engine.workflow.validation import Context, validate
from engine.workflow.validation.dmn import first_name
from tests.engine.workflow.validation import check, read, seen


def test_an_input_naming_an_unknown_variable_is_a_warning():
    validation = check("decide.bpmn", "decide.dmn")
    assert seen(validation, "unknown-variable") == [
        ("input_category", 7, "warning"),
        ("input_district", 17, "warning"),
    ]
    district = validation.findings[-1]
    assert district.file == "decide.dmn"
    assert "complaint_area" in district.message_en
    assert "route (Route)" in district.message_en


def test_case_data_and_what_scripts_set_are_known():
    # `urgency` is set by the script task before the table; `category` is case data
    context = Context(variables=frozenset({"category", "complaint_area"}))
    assert seen(check("decide.bpmn", "decide.dmn", context=context), "unknown-variable") == []


def test_a_form_field_given_with_the_files_is_known():
    files = {
        **read("decide.bpmn", "decide.dmn"),
        "intake.json": '{"properties": {"category": {}, "complaint_area": {}}}',
    }
    assert seen(validate(files), "unknown-variable") == []


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("category", "category"),
        ("case.area.district", "case"),
        ("items[0]", "items"),
        ("len(items)", "items"),
        ("province_of(area_code) + suffix", "area_code"),
        ("'constant'", None),
        ("a ==", None),
    ],
)
def test_the_variable_an_input_reads(expression, name):
    assert first_name(expression) == name
