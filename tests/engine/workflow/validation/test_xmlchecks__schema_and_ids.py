"""The XML itself: not XML, not BPMN, the BPMN 2.0 schema, reserved ids, diagram interchange."""

from __future__ import annotations

from engine.workflow.validation import validate
from tests.engine.workflow.validation import check, codes, read, seen


def test_a_clean_drawn_diagram_has_nothing_to_report():
    validation = check("valid.bpmn")
    assert validation.findings == []
    assert validation.process_id == "valid"
    assert validation.parsed is not None


def test_malformed_xml_is_reported_at_the_line_lxml_gives():
    validation = check("malformed.bpmn")
    assert seen(validation, "xml-syntax") == [(None, 8, "error")]
    assert "task line 7" in validation.findings[0].message_en
    assert codes(validation.findings) == {"xml-syntax"}  # nothing guessed from a broken file
    assert validation.parsed is None


def test_an_xml_file_that_is_not_bpmn_is_refused():
    validation = validate({"page.bpmn": "<html>\n<body/></html>", "form.json": "{"})
    assert seen(validation, "not-bpmn") == [(None, 1, "error")]
    assert [f.file for f in validation.findings] == ["page.bpmn"]  # the JSON is not looked at


def test_a_schema_violation_names_the_element_and_line():
    validation = check("schema.bpmn")
    assert seen(validation, "schema") == [("work", 7, "error")]
    assert "priority" in validation.findings[-1].message_en


def test_camunda_and_spiffworkflow_extensions_pass_the_schema():
    assert seen(check("camunda.bpmn"), "schema") == []
    assert seen(check("decide.bpmn", "decide.dmn"), "schema") == []


def test_a_start_event_called_start_in_single_quotes_is_refused():
    validation = check("reserved_start.bpmn")
    assert seen(validation, "reserved-id") == [
        ("Start", 4, "error"),
        ("reserved.EndJoin", 11, "error"),
    ]
    assert "Start" in validation.findings[1].message_th


def test_start_as_a_drawing_id_and_juel_in_documentation_are_not_refused():
    validation = check("di_start.bpmn")
    assert "${decision" in read("di_start.bpmn")["di_start.bpmn"]
    assert validation.findings == []


def test_a_diagram_without_interchange_is_a_warning():
    assert seen(check("paths.bpmn"), "no-diagram") == [("defs", 2, "warning")]


def test_flow_nodes_without_shapes_are_a_warning():
    text = read("valid.bpmn")["valid.bpmn"].replace('bpmnElement="work"', 'bpmnElement="gone"')
    validation = validate({"valid.bpmn": text})
    assert seen(validation, "not-drawn") == [("work", 8, "warning")]


def test_an_external_entity_is_never_read():
    text = read("valid.bpmn")["valid.bpmn"].replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    )
    text = text.replace('name="Work"', 'name="&x;"')
    validation = validate({"xxe.bpmn": text})
    assert seen(validation, "xml-syntax") == [(None, 9, "error")]
    assert "root:" not in validation.findings[0].message_en
