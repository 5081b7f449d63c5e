"""What the form builder refuses, precisely and in Thai and English: schemas that are not objects,
too large or too deeply nested, not valid JSON Schema, not an object form, with field keys no
workflow can carry, remote references or patterns slow to check; JSON with duplicate keys or NaN;
a field list with unknown types, duplicate or bad keys, bad choices, limits or conditions."""

from __future__ import annotations

import pytest

from forms import builder
from forms.builder import Choice, Condition, FormField, FormModel, FormProblem


def refused(call, *args) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(FormProblem) as caught:
        call(*args)
    (th, en), *_ = caught.value.problems.values()
    assert th and en and th != en
    return th, en


def form(**props: object) -> dict:
    return {"type": "object", "properties": props}


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ([], "JSON object"),
        ("form", "JSON object"),
        ({"type": "array"}, '"type": "object"'),
        ({"type": "object", "properties": []}, "JSON Schema"),
        (form(a={"type": "rocket"}), "Not a valid JSON Schema at properties/a/type"),
        (form(a={"type": "string", "minLength": "ten"}), "Not a valid JSON Schema"),
        (form(a={"type": "string", "pattern": "(unclosed"}), "Not a valid JSON Schema"),
        (form(**{"not a key": {}}), "cannot be used"),
        (form(**{"ชื่อ": {}}), "cannot be used"),
        (form(**{"class": {}}), "reserved word"),
        (form(**{"_hidden": {}}), "cannot be used"),
        (form(csrf_token={}), "cannot be used"),
        (form(**{f"f{i}": {} for i in range(101)}), "at most 100 fields"),
        (form(a={"$ref": "https://evil.example/schema.json"}), "only references inside the form"),
        (form(a={"type": "string", "pattern": "^(a+)+$"}), "nests quantifiers"),
        (form(a={"type": "string", "pattern": "a" * 400}), "too long"),
        (form(a={"type": "string", "description": "ก" * 300_000}), "larger than 256 KB"),
    ],
)
def test_schemas_that_cannot_be_task_forms_are_refused(schema, words):
    _th, en = refused(builder.check_schema, schema)
    assert words in en


def test_deep_nesting_is_refused_without_recursing():
    deep: dict = {}
    node = deep
    for _ in range(10_000):
        node["not"] = {}
        node = node["not"]
    _th, en = refused(builder.check_schema, form(a=deep))
    assert "nested deeper than 32" in en
    _th, en = refused(builder.parse_json, "[" * 100_000 + "]" * 100_000)
    assert "nested deeper" in en or "cannot be read" in en


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"a": 1, "a": 2}', "appears twice"),
        ('{"a": NaN}', "NaN is not allowed"),
        ('{"a": Infinity}', "Infinity is not allowed"),
        ("{'a': 1}", "cannot be read (line 1, column 2)"),
        ("[1]", "JSON object"),
        ("x" * 300_000, "longer than 256 KB"),
    ],
)
def test_json_typed_in_the_advanced_view_is_read_strictly(text, words):
    _th, en = refused(builder.parse_json, text)
    assert words in en


def model(*fields: FormField) -> FormModel:
    return FormModel(title_th="แบบทดสอบ", fields=list(fields))


CHOICE = FormField(key="pick", type="choice", label_th="เลือก", choices=[Choice("a", "ก")])


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ([FormField(key="a", type="rocket", label_th="ก")], "unknown type «rocket»"),
        ([FormField(key="a", label_th="ก"), FormField(key="a", label_th="ข")], "Two fields have"),
        ([FormField(key="1a", label_th="ก")], "cannot be used"),
        ([FormField(key="import", label_th="ก")], "reserved word"),
        ([FormField(key="a", label_th="")], "needs a Thai label"),
        ([FormField(key="a", label_th="ก" * 301)], "longer than 300"),
        ([FormField(key="a", type="choice", label_th="ก")], "at least one choice"),
        (
            [FormField(key="a", type="choice", label_th="ก", choices=[Choice("a b", "ก")])],
            "choice code",
        ),
        (
            [
                FormField(
                    key="a",
                    type="choice",
                    label_th="ก",
                    choices=[Choice("x", "ก"), Choice("x", "ข")],
                )
            ],
            "appears twice",
        ),
        ([FormField(key="a", label_th="ก", min_length=5, max_length=2)], "minimum is above"),
        ([FormField(key="a", type="number", label_th="ก", maximum=1e30)], "too large"),
        (
            [FormField(key="a", label_th="ก", show_when=Condition("nothing", ["a"]))],
            "another field",
        ),
        (
            [CHOICE, FormField(key="b", label_th="ข", require_when=Condition("pick", ["z"]))],
            "not z",
        ),
        ([FormField(key="a", label_th="ก", show_when=Condition("a", ["x"]))], "another field"),
    ],
)
def test_a_field_list_with_mistakes_is_refused_naming_the_field(fields, words):
    _th, en = refused(builder.check_model, model(*fields))
    assert words in en


def test_a_form_needs_a_thai_title_and_at_most_100_fields():
    assert "Thai title" in refused(builder.check_model, FormModel(title_th=" "))[1]
    many = [FormField(key=f"f{i}", label_th="ก") for i in range(101)]
    assert "at most 100 fields" in refused(builder.check_model, model(*many))[1]


def test_fields_the_builder_cannot_write_back_are_kept_whole():
    odd = {"title": "ก", "type": "string", "enum": [1, "a"]}  # a number among the codes
    nested = {"title": "กลุ่ม", "type": "object", "properties": {"x": {"type": "string"}}}
    got = builder.from_schema(form(odd=odd, nested=nested, broken="not a schema"))
    assert [f.type for f in got.fields] == [builder.ADVANCED] * 3
    assert builder.to_schema(got)["properties"]["odd"] == odd
    rule = {"if": {"properties": {"odd": {"const": 1}}}, "then": {"required": ["nested"]}}
    kept = builder.from_schema(form(odd=odd, nested=nested) | {"allOf": [rule]})
    assert kept.advanced_rules == [rule] and builder.to_schema(kept)["allOf"] == [rule]
