"""JSON exports (an array with nested objects, or JSON lines) import like CSV."""

from __future__ import annotations

import json

from sqlalchemy import select

from damrong import cli
from engine.models import Case, OutboxMessage
from importer.models import ImportedRecord

RECORDS = [
    {
        "id": 101,
        "subject": "ค่าไฟแพงผิดปกติ",
        "body": "บิลค่าไฟเดือนนี้สูงกว่าปกติสามเท่า ขอให้ตรวจสอบมิเตอร์",
        "type": "consumer",
        "location": {"code": "500101"},
        "date": "2569-11-02",
        "person": {"name": "สมศรี มีสุข", "email": "somsri@example.org"},
        "anon": False,
    },
    {
        "id": 102,
        "subject": "ถูกหลอกโอนเงินออนไลน์",
        "body": "มีผู้แอบอ้างเป็นเจ้าหน้าที่ธนาคารให้โอนเงิน",
        "type": "online_fraud",
        "location": {"code": "500102"},
        "date": None,
        "person": {"name": "ไม่ควรเก็บ", "email": "x@example.org"},
        "anon": True,
    },
]
MAP = [
    "--map=external_id=id",
    "--map=title=subject",
    "--map=description=body",
    "--map=category=type",
    "--map=area_code=location.code",
    "--map=occurred_on=date",
    "--map=complainant.name=person.name",
    "--map=complainant.email=person.email",
    "--map=anonymous=anon",
    "--map=channel=via",
]


def imported(factory) -> dict[str, Case]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return {
            r.external_id: session.get(Case, r.case_id)
            for r in session.scalars(select(ImportedRecord))
        }


def test_a_json_array_with_nested_objects(cli_db, tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["import", str(path), "--quiet", *MAP]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["imported"] == 2 and summary["source"] == "export"
    cases = imported(cli_db)
    bill, fraud = cases["101"], cases["102"]
    assert (bill.title, bill.occurred_on, bill.category_code) == (
        "ค่าไฟแพงผิดปกติ",
        "2026-11-02",
        "consumer",
    )
    assert bill.complainant_email == "somsri@example.org"
    assert fraud.anonymous and fraud.complainant_name is None  # anonymous keeps no name


def test_json_lines(cli_db, tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n", encoding="utf-8"
    )
    assert cli.main(["import", str(path), "--quiet", *MAP, "--source", "jl"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 2
    assert set(imported(cli_db)) == {"101", "102"}


def test_an_unknown_field_in_the_mapping_is_refused(cli_db, tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text("[]", encoding="utf-8")
    assert cli.main(["import", str(path), "--map=subject=title"]) == 2
    assert "Unknown field(s) subject" in capsys.readouterr().err


def test_complainants_hear_nothing_unless_asked(cli_db, tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(RECORDS[:1], ensure_ascii=False), encoding="utf-8")
    assert cli.main(["import", str(path), "--quiet", *MAP, "--source", "quiet"]) == 0
    with cli_db() as session:
        assert session.scalars(select(OutboxMessage.event)).all() == []
    assert cli.main(["import", str(path), "--quiet", *MAP, "--source", "loud", "--notify"]) == 0
    with cli_db() as session:
        assert "case_received" in session.scalars(select(OutboxMessage.event)).all()
