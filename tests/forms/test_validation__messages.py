"""The shared form validator: every kind of error gives exact Thai and English messages."""

from __future__ import annotations

import json

import pytest

from forms import loader
from forms.loader import FormNotFound, load_schema, schema_names, schemas_dir
from forms.validation import (
    FieldError,
    enum_label,
    error_payload,
    labels,
    split_stored_fields,
    validate,
)

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "แจ้งเรื่อง",
    "x-title-en": "Report",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": {"title": "ชื่อเรื่อง", "x-title-en": "Title", "type": "string", "minLength": 5},
        "description": {
            "title": "รายละเอียด",
            "x-title-en": "Description",
            "type": "string",
            "maxLength": 20000,
            "x-store": "note",
            "x-max-length-by-channel": {"web": 5000, "open311": 4000},
        },
        "kind": {
            "title": "ประเภท",
            "x-title-en": "Kind",
            "type": "string",
            "enum": ["noise", "road"],
            "x-enum-labels": {
                "noise": {"th": "เสียงดัง", "en": "Noise"},
                "road": {"th": "ถนนชำรุด", "en": "Broken road"},
            },
        },
        "action": {"title": "การดำเนินการ", "x-title-en": "Action", "enum": ["close", "refer"]},
        "reason": {"title": "เหตุผล", "x-title-en": "Reason", "type": "string"},
        "agency": {"title": "หน่วยงาน", "x-title-en": "Agency", "type": "string"},
        "days": {
            "title": "จำนวนวัน",
            "x-title-en": "Days",
            "type": "integer",
            "minimum": 1,
            "maximum": 30,
        },
        "lat": {"title": "ละติจูด", "x-title-en": "Latitude", "type": "number", "maximum": 21},
        "occurred_on": {
            "title": "วันที่เกิดเหตุ",
            "x-title-en": "Date it happened",
            "type": "string",
            "format": "date",
        },
        "code": {"title": "รหัส", "x-title-en": "Code", "type": "string", "pattern": "^[a-z]+$"},
        "tags": {
            "title": "ป้ายกำกับ",
            "x-title-en": "Tags",
            "type": "array",
            "items": {"type": "string", "maxLength": 3},
            "minItems": 1,
            "maxItems": 2,
        },
        "complainant": {
            "title": "ผู้ร้อง",
            "x-title-en": "Complainant",
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": {"title": "ชื่อ-นามสกุล", "x-title-en": "Full name", "type": "string"},
                "phone": {
                    "title": "โทรศัพท์",
                    "x-title-en": "Phone",
                    "type": "string",
                    "pattern": "^0[0-9]{8,9}$",
                    "x-pattern-message": "หมายเลขโทรศัพท์ต้องขึ้นต้นด้วย 0 และมี 9–10 หลัก",
                    "x-pattern-message-en": "A phone number starts with 0 and has 9-10 digits",
                },
                "email": {
                    "title": "อีเมล",
                    "x-title-en": "E-mail",
                    "type": "string",
                    "format": "email",
                },
            },
            "required": ["name"],
        },
        "consent": {
            "title": "ยินยอมให้ใช้ข้อมูล",
            "x-title-en": "Consent to data use",
            "type": "boolean",
            "const": True,
        },
    },
    "required": ["title", "kind"],
    "allOf": [
        {
            "if": {"properties": {"action": {"const": "refer"}}, "required": ["action"]},
            "then": {"required": ["agency", "reason"]},
        },
        {
            "if": {"properties": {"action": {"const": "close"}}, "required": ["action"]},
            "then": {"properties": {"reason": {"minLength": 20}}, "required": ["reason"]},
        },
    ],
}
VALID = {"title": "น้ำท่วมถนน", "kind": "road"}


def errors_of(data: dict, **context: object) -> list[tuple[str, str, str, str]]:
    """The errors as (field, code, Thai, English), in the order validate() gives them."""
    found = validate(SCHEMA, {**VALID, **data}, context=context or None)
    return [(e.field, e.code, e.message_th, e.message_en) for e in found]


def test_valid_data_has_no_errors() -> None:
    assert validate(SCHEMA, VALID) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"title": "abc"},
            (
                "title",
                "minLength",
                "«ชื่อเรื่อง» ต้องมีอย่างน้อย 5 ตัวอักษร (ส่งมา 3)",
                "«Title» must be at least 5 characters long (got 3)",
            ),
        ),
        (
            {"title": ""},
            ("title", "required", "กรุณากรอก «ชื่อเรื่อง»", "«Title» is required"),
        ),
        (
            {"description": "ก" * 20001},
            (
                "description",
                "maxLength",
                "«รายละเอียด» ยาวเกิน 20,000 ตัวอักษร (ส่งมา 20,001)",
                "«Description» is longer than 20,000 characters (got 20,001)",
            ),
        ),
        (
            {"kind": "fire"},
            (
                "kind",
                "enum",
                "«ประเภท» ต้องเป็นหนึ่งใน: เสียงดัง, ถนนชำรุด",
                "«Kind» must be one of: Noise, Broken road",
            ),
        ),
        (
            {"days": "3"},
            ("days", "type", "«จำนวนวัน» ต้องเป็นจำนวนเต็ม", "«Days» must be a whole number"),
        ),
        ({"lat": "13.7"}, ("lat", "type", "«ละติจูด» ต้องเป็นตัวเลข", "«Latitude» must be a number")),
        ({"days": 0}, ("days", "minimum", "«จำนวนวัน» ต้องไม่น้อยกว่า 1", "«Days» must be at least 1")),
        (
            {"days": 31},
            ("days", "maximum", "«จำนวนวัน» ต้องไม่มากกว่า 30", "«Days» must be at most 30"),
        ),
        (
            {"occurred_on": "2024-02-30"},
            (
                "occurred_on",
                "format",
                "«วันที่เกิดเหตุ» ต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.)",
                "«Date it happened» must be a date written YYYY-MM-DD",
            ),
        ),
        (
            {"code": "ABC"},
            ("code", "pattern", "รูปแบบของ «รหัส» ไม่ถูกต้อง", "«Code» is not in the expected format"),
        ),
        (
            {"tags": []},
            (
                "tags",
                "minItems",
                "«ป้ายกำกับ» ต้องมีอย่างน้อย 1 รายการ",
                "«Tags» must have at least 1 item",
            ),
        ),
        (
            {"tags": ["a", "b", "c"]},
            (
                "tags",
                "maxItems",
                "«ป้ายกำกับ» มีได้ไม่เกิน 2 รายการ (ส่งมา 3)",
                "«Tags» may have at most 2 items (got 3)",
            ),
        ),
        (
            {"consent": False},
            (
                "consent",
                "accepted",
                "กรุณายอมรับ «ยินยอมให้ใช้ข้อมูล»",
                "«Consent to data use» must be accepted",
            ),
        ),
        (
            {"colour": "red"},
            ("colour", "unknown_field", "ไม่รู้จักช่องข้อมูล «colour»", "Unknown field «colour»"),
        ),
    ],
)
def test_each_kind_of_error_has_exact_messages(data: dict, expected: tuple) -> None:
    assert errors_of(data) == [expected]


def test_a_missing_required_field_is_reported_on_that_field() -> None:
    found = validate(SCHEMA, {})
    assert [(e.field, e.code) for e in found] == [("title", "required"), ("kind", "required")]
    assert found[0] == FieldError("title", "required", "กรุณากรอก «ชื่อเรื่อง»", "«Title» is required")


def test_nested_fields_have_dotted_paths_and_their_own_labels() -> None:
    found = errors_of({"complainant": {"phone": "12345", "email": "somchai@gmail", "x": 1}})
    assert found == [
        ("complainant.name", "required", "กรุณากรอก «ชื่อ-นามสกุล»", "«Full name» is required"),
        (
            "complainant.phone",
            "pattern",
            "หมายเลขโทรศัพท์ต้องขึ้นต้นด้วย 0 และมี 9–10 หลัก",
            "A phone number starts with 0 and has 9-10 digits",
        ),
        (
            "complainant.email",
            "format",
            "«อีเมล» ไม่ใช่อีเมลที่ถูกต้อง",
            "«E-mail» is not a valid e-mail address",
        ),
        ("complainant.x", "unknown_field", "ไม่รู้จักช่องข้อมูล «x»", "Unknown field «x»"),
    ]


def test_list_items_are_named_by_position() -> None:
    assert errors_of({"tags": ["ok", "toolong"]}) == [
        (
            "tags.1",
            "maxLength",
            "«ป้ายกำกับ รายการที่ 2» ยาวเกิน 3 ตัวอักษร (ส่งมา 7)",
            "«Tags item 2» is longer than 3 characters (got 7)",
        ),
    ]


def test_if_then_required_errors_land_on_the_missing_fields() -> None:
    assert errors_of({"action": "refer"}) == [
        ("reason", "required", "กรุณากรอก «เหตุผล»", "«Reason» is required"),
        ("agency", "required", "กรุณากรอก «หน่วยงาน»", "«Agency» is required"),
    ]


def test_if_then_constraints_use_the_field_label() -> None:
    # "สั้น" is four code points (ส ั น ้): tone marks and vowels count, as they do for maxLength.
    assert errors_of({"action": "close", "reason": "สั้น"}) == [
        (
            "reason",
            "minLength",
            "«เหตุผล» ต้องมีอย่างน้อย 20 ตัวอักษร (ส่งมา 4)",
            "«Reason» must be at least 20 characters long (got 4)",
        ),
    ]


EXTRA: dict = {
    "type": "object",
    "properties": {
        "mode": {"title": "วิธี", "x-title-en": "Mode", "enum": ["anon", "named"]},
        "name": {"title": "ชื่อ", "x-title-en": "Name", "type": "string"},
        "amount": {
            "title": "จำนวนเงิน",
            "x-title-en": "Amount",
            "anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer", "minimum": 5}],
        },
        "step": {"title": "ขั้น", "x-title-en": "Step", "type": "number", "multipleOf": 0.5},
    },
    "allOf": [
        {
            "if": {"properties": {"mode": {"const": "anon"}}, "required": ["mode"]},
            "then": {"properties": {"name": False}},
        }
    ],
}


def test_a_field_forbidden_by_if_then_is_named() -> None:
    found = validate(EXTRA, {"mode": "anon", "name": "สมชาย"})
    assert [(e.field, e.code, e.message_th, e.message_en) for e in found] == [
        ("name", "not_allowed", "ไม่อนุญาตให้กรอก «ชื่อ»", "«Name» is not allowed here"),
    ]


def test_any_of_reports_the_alternative_of_the_right_type() -> None:
    found = validate(EXTRA, {"amount": 3})
    assert [(e.field, e.message_en) for e in found] == [("amount", "«Amount» must be at least 5")]


def test_other_errors_still_name_the_field() -> None:
    found = validate(EXTRA, {"step": 0.3})
    assert [(e.field, e.code, e.message_th, e.message_en) for e in found] == [
        ("step", "multipleOf", "«ขั้น» ไม่ถูกต้อง", "«Step» is not valid"),
    ]


def test_errors_follow_the_schema_order_not_the_data_order() -> None:
    data = {"consent": False, "days": 0, "title": "x", "kind": "fire", "zzz": 1}
    fields = [e.field for e in validate(SCHEMA, data)]
    assert fields == ["title", "kind", "days", "consent", "zzz"]


def test_the_whole_form_must_be_an_object() -> None:
    assert [(e.field, e.message_th, e.message_en) for e in validate(SCHEMA, ["x"])] == [
        ("", "«แจ้งเรื่อง» ต้องเป็นชุดข้อมูล", "«Report» must be an object"),
    ]


def test_thai_with_emoji_is_counted_in_characters_not_bytes() -> None:
    text = "น้ำท่วม😭" * 500  # 8 code points each, 25 bytes in UTF-8
    assert len(text) == 4000 and len(text.encode()) > 12000
    assert errors_of({"description": text}, channel="open311") == []
    longer = text + "🙏"
    assert errors_of({"description": longer}, channel="open311") == [
        (
            "description",
            "maxLength",
            "«รายละเอียด» ยาวเกิน 4,000 ตัวอักษร (ส่งมา 4,001)",
            "«Description» is longer than 4,000 characters (got 4,001)",
        ),
    ]


def test_a_channel_lowers_the_length_limit_only_for_that_channel() -> None:
    text = "ก" * 5230
    assert errors_of({"description": text}) == []
    assert errors_of({"description": text}, channel="phone") == []
    assert errors_of({"description": text}, channel="web") == [
        (
            "description",
            "maxLength",
            "«รายละเอียด» ยาวเกิน 5,000 ตัวอักษร (ส่งมา 5,230)",
            "«Description» is longer than 5,000 characters (got 5,230)",
        ),
    ]
    assert "maxLength" not in SCHEMA["properties"]["title"]  # the shared schema is untouched
    assert SCHEMA["properties"]["description"]["maxLength"] == 20000


@pytest.mark.parametrize("bad", ["abc\x00def", "abc\ud800def"])
def test_nul_bytes_and_lone_surrogates_are_refused(bad: str) -> None:
    assert errors_of({"title": bad}) == [
        (
            "title",
            "bad_text",
            "«ชื่อเรื่อง» มีอักขระที่ใช้ไม่ได้ (อักขระ NUL หรือ surrogate ที่ไม่มีคู่)",
            "«Title» contains characters that are not allowed (NUL or an unpaired surrogate)",
        ),
    ]


def test_bad_text_in_a_key_is_refused_without_echoing_it() -> None:
    found = validate(SCHEMA, {**VALID, "a\x00b": 1})
    assert [(e.field, e.code) for e in found] == [("", "bad_text")]


def test_split_stored_fields_keeps_free_text_out_of_the_workflow() -> None:
    data = {**VALID, "description": "บ้านเลขที่ 12 ถูกรบกวน", "days": 3}
    workflow, notes = split_stored_fields(SCHEMA, data)
    assert workflow == {"title": "น้ำท่วมถนน", "kind": "road", "days": 3}
    assert notes == {"description": "บ้านเลขที่ 12 ถูกรบกวน"}


def test_labels_and_enum_labels_in_both_languages() -> None:
    assert labels(SCHEMA, "th")["complainant.phone"] == "โทรศัพท์"
    assert labels(SCHEMA, "en")["title"] == "Title"
    assert list(labels(SCHEMA, "en"))[:3] == ["title", "description", "kind"]
    assert enum_label(SCHEMA, "kind", "noise", "th") == "เสียงดัง"
    assert enum_label(SCHEMA, "kind", "road", "en") == "Broken road"
    assert enum_label(SCHEMA, "action", "close", "en") == "close"  # unlabelled: the value


def test_error_payload_is_the_api_shape() -> None:
    found = validate(SCHEMA, {"kind": "fire"})
    assert error_payload(found, "en") == {
        "code": "validation_failed",
        "message": "2 fields need correcting",
        "fields": {
            "title": "«Title» is required",
            "kind": "«Kind» must be one of: Noise, Broken road",
        },
    }
    thai = error_payload(found)
    assert thai["message"] == "ข้อมูลไม่ถูกต้อง 2 ช่อง กรุณาแก้ไขแล้วส่งใหม่"
    assert thai["fields"]["title"] == "กรุณากรอก «ชื่อเรื่อง»"


@pytest.mark.parametrize("name", ["../etc/passwd", "intake.json", "Intake", "", "a/b", "x" * 65])
def test_bad_schema_names_are_refused(name: str) -> None:
    with pytest.raises(FormNotFound):
        load_schema(name)


def test_unknown_schema_names_are_refused() -> None:
    with pytest.raises(FormNotFound):
        load_schema("no_such_form_here")


def test_loaded_schemas_are_fresh_copies(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sample.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (tmp_path / "Bad-Name.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(loader, "schemas_dir", lambda: tmp_path)
    monkeypatch.setattr(loader, "library_dir", lambda: tmp_path / "none")
    loader._parsed.cache_clear()
    try:
        assert schema_names() == ["sample"]
        first = load_schema("sample")
        first["properties"].clear()
        assert load_schema("sample")["properties"]["title"]["x-title-en"] == "Title"
    finally:
        loader._parsed.cache_clear()


def test_every_shipped_schema_loads() -> None:
    assert schemas_dir().is_dir()
    for name in schema_names():
        assert load_schema(name)["type"] == "object"
