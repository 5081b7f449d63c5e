"""The form builder's model and JSON Schema both ways: every shipped form comes back from the
builder meaning what it meant (the same fields, the same required fields, the same conditions,
so the same errors for any data), the parts the builder cannot edit kept as written and named;
a form built in the builder reads back as built; conditions reach the renderer and the validator."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from forms import builder
from forms.builder import Choice, Condition, FormField, FormModel
from forms.loader import library_dir, schemas_dir
from forms.render import render_form
from forms.validation import validate

SHIPPED = sorted(library_dir().glob("*.json")) + [schemas_dir() / "intake.json"]


def errors(schema: dict, data: dict) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in validate(schema, data)}


def samples(schema: dict) -> list[dict]:
    """Data covering each condition's source values with every conditional field filled or not."""
    rules = builder.conditions(schema)
    sources = {c["field"] for rule in rules.values() for k in ("show", "require") for c in rule[k]}
    targets = sorted(rules)
    out = []
    for source in sorted(sources) or [None]:
        node = schema["properties"].get(source, {}) if source else {}
        for value in [*node.get("enum", []), None]:
            for filled in itertools.product([False, True], repeat=min(len(targets), 6)):
                data = {} if value is None else {source: value}
                data |= {t: "ข้อความ" for t, f in zip(targets, filled, strict=False) if f}
                out.append(data)
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_form_round_trips_without_losing_what_it_uses(path: Path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    model = builder.from_schema(schema)
    again = builder.to_schema(model)
    assert again["properties"] == schema["properties"]
    assert set(again["required"]) == set(schema["required"])
    assert again.pop("x-order") == list(schema["properties"])  # the order, kept by JSONB too
    assert {k: v for k, v in again.items() if k not in ("required", "allOf")} == {
        k: v for k, v in schema.items() if k not in ("required", "allOf")
    }
    for data in samples(schema):
        assert errors(again, data) == errors(schema, data), data
    again = builder.to_schema(model)
    assert builder.to_schema(builder.from_schema(again)) == again  # stable from then on
    shuffled = again | {"properties": dict(sorted(again["properties"].items()))}
    assert builder.from_schema(shuffled) == model  # as PostgreSQL gives it back


def test_the_builder_names_what_only_the_json_view_edits():
    screen = builder.from_schema(json.loads((library_dir() / "screen.json").read_text()))
    assert [f.type for f in screen.fields][:4] == ["choice", "category", "area", "agency"]
    assert screen.get("reason").show_when == Condition("decision", ["reject", "resolve"])
    assert screen.get("reason").required  # whenever it shows
    parts = [en for _th, en in screen.advanced_parts()]
    assert parts == [
        "field «duplicate_of»: pattern, x-pattern-message, x-pattern-message-en, x-widget",
        "the form: x-submit-label, x-submit-label-en",
    ]
    intake = builder.from_schema(json.loads((schemas_dir() / "intake.json").read_text()))
    assert intake.get("complainant").type == builder.ADVANCED  # a group of fields
    assert "the whole field «complainant»" in [en for _th, en in intake.advanced_parts()]


def built() -> FormModel:
    return FormModel(
        title_th="ตรวจสถานที่",
        title_en="Site inspection",
        fields=[
            FormField(
                key="visited",
                type="yesno",
                label_th="ลงพื้นที่แล้ว",
                label_en="Visited",
                required=True,
            ),
            FormField(
                key="finding",
                type="choice",
                label_th="ผลการตรวจ",
                choices=[Choice("ok", "เรียบร้อย", "Fine"), Choice("bad", "พบปัญหา", "A problem")],
                show_when=Condition("visited", [True]),
                required=True,
            ),
            FormField(
                key="problems",
                type="choices",
                label_th="ปัญหาที่พบ",
                choices=[Choice("noise", "เสียงดัง"), Choice("smell", "กลิ่น")],
                min_items=1,
                require_when=Condition("finding", ["bad"]),
            ),
            FormField(key="visit_date", type="date", label_th="วันที่ลงพื้นที่"),
            FormField(key="count", type="integer", label_th="จำนวนครัวเรือน", minimum=0, maximum=500),
            FormField(key="contact", type="email", label_th="อีเมลผู้ประสานงาน", max_length=200),
            FormField(key="note", type="textarea", label_th="บันทึก", note=True, help_th="เก็บกับเรื่อง"),
        ],
    )


def test_a_form_built_in_the_builder_reads_back_as_built_and_checks_its_conditions():
    model = built()
    builder.check_model(model)
    schema = builder.check_schema(builder.to_schema(model))
    assert builder.from_schema(schema) == model
    assert errors(schema, {"visited": False}) == set()
    assert errors(schema, {"visited": True}) == {("finding", "required")}
    assert errors(schema, {"visited": False, "finding": "ok"}) == {("finding", "not_allowed")}
    assert errors(schema, {"visited": True, "finding": "bad"}) == {("problems", "required")}
    assert errors(schema, {"visited": True, "finding": "bad", "problems": []}) == {
        ("problems", "minItems")
    }
    assert errors(schema, {"visited": True, "finding": "ok", "count": 501}) == {
        ("count", "maximum")
    }


def test_the_renderer_hides_a_conditional_field_until_its_condition_holds():
    schema = builder.to_schema(built())
    html = str(render_form(schema, {}, {}, "th", script=False))
    assert html.startswith('<script type="application/json" class="form-conditions">')
    block = json.loads(html[html.index(">") + 1 : html.index("</script>")])
    assert block == {"finding": [{"field": "visited", "values": ["true"]}]}
    assert 'data-field="finding" hidden' in html  # nothing chosen yet: drawn hidden
    assert "จำเป็นเมื่อ «ผลการตรวจ» เป็น «พบปัญหา»" in html
    english = str(render_form(schema, {}, {}, "en", script=False))
    assert "Required when «ผลการตรวจ» is «A problem»." in english  # no English label: the Thai
    shown = str(render_form(schema, {"visited": True}, {}, "th", script=False))
    assert 'data-field="finding" hidden' not in shown and 'data-field="finding"' in shown
    finding = shown[shown.index('data-field="finding"') :]
    assert 'class="form-required"' in finding.split("</legend>")[0]  # required whenever shown


def test_hostile_labels_stay_text_in_the_condition_block_and_hints():
    model = built()
    model.fields[0].label_th = "</script><script>alert(1)</script>"
    model.fields[1].choices[0].label_th = '"><img src=x onerror=alert(1)>'
    html = str(render_form(builder.to_schema(model), {}, {}, "th", script=False))
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
