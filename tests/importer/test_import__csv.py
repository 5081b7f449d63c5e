"""`damrong import` of a Thai CSV export: BE dates, a column mapping, rejects with reasons."""

from __future__ import annotations

import csv
import json

from sqlalchemy import func, select

from damrong import cli
from engine.models import AuditEvent, Case
from importer.models import ImportedRecord

HEADER = ["เลขที่", "เรื่อง", "รายละเอียด", "ประเภท", "รหัสพื้นที่", "ช่องทาง", "วันที่เกิดเหตุ",
          "ชื่อผู้ร้อง", "โทรศัพท์", "เลขบัตร", "ปกปิด"]  # fmt: skip
GOOD = [
    ["A-001", "นายจ้างค้างจ่ายค่าจ้าง", "นายจ้างไม่จ่ายค่าจ้างสองเดือนแล้ว ขอให้ช่วยติดตาม",
     "แรงงาน", "500101", "สายด่วน", "15/11/2569", "สมหญิง รักงาน", "0812345678", "", "ไม่"],
    ["A-002", "ถนนในหมู่บ้านชำรุด", "ถนนเป็นหลุมบ่อ รถจักรยานยนต์ล้มหลายคันแล้ว",
     "ท้องถิ่น", "๕๐๐๑๐๒", "หนังสือ", "๑ ม.ค. ๒๕๖๙", "สมชาย ใจดี", "", "1101700230708", "ใช่"],
    # 100205 was abolished; 102901 replaced it.
    ["A-003", "เสียงดังจากโรงงาน", "โรงงานเปิดเครื่องจักรตลอดคืน รบกวนการนอน",
     "ท้องถิ่น", "100205", "", "2026-10-01", "", "", "", ""],
]  # fmt: skip
BAD = [
    # (row, the field refused)
    ["B-001", "ร้องเรียนตำรวจ", "เจ้าหน้าที่ไม่รับแจ้งความเรื่องรถหาย", "ตำรวจ", "500101", "",
     "31/02/2569", "", "", "", ""],
    ["B-002", "ร้องเรียนเรื่องที่ดิน", "มีผู้บุกรุกที่ดินสาธารณะประโยชน์ของหมู่บ้าน", "ที่ดิน",
     "500101", "", "", "นายทดสอบ", "", "1234567890123", ""],
    ["B-003", "ไม่รู้ประเภท", "รายละเอียดของเรื่องที่ไม่มีประเภทในระบบนี้", "อื่น ๆ", "500101",
     "", "", "", "", "", ""],
    ["B-004", "สั้น", "สั้น", "แรงงาน", "999999", "", "", "", "", "", ""],
]  # fmt: skip
MAPPING = {
    "columns": {
        "external_id": "เลขที่",
        "title": "เรื่อง",
        "description": "รายละเอียด",
        "category": "ประเภท",
        "area_code": "รหัสพื้นที่",
        "channel": "ช่องทาง",
        "occurred_on": "วันที่เกิดเหตุ",
        "complainant.name": "ชื่อผู้ร้อง",
        "complainant.phone": "โทรศัพท์",
        "complainant.national_id": "เลขบัตร",
        "confidential": "ปกปิด",
    },
    "values": {
        "category": {
            "แรงงาน": "labour",
            "ท้องถิ่น": "local_nuisance",
            "ตำรวจ": "police",
            "ที่ดิน": "land",
        },
        "channel": {"สายด่วน": "phone", "หนังสือ": "letter"},
    },
}


def write_export(tmp_path, rows):  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # Excel's BOM
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    return path, mapping


def run(path, mapping, capsys, *extra):  # type: ignore[no-untyped-def]
    code = cli.main(["import", str(path), "--mapping", str(mapping), "--source", "old", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out.strip().splitlines()[-1]), captured.err


def test_thai_csv_with_be_dates_becomes_cases(cli_db, tmp_path, capsys):
    path, mapping = write_export(tmp_path, GOOD)
    code, summary, err = run(path, mapping, capsys)
    assert code == 0
    assert (summary["imported"], summary["rejected"], summary["skipped"]) == (3, 0, 0)
    assert "3/3 rows" in err  # the progress line
    with cli_db() as session:
        cases = {
            r.external_id: session.get(Case, r.case_id)
            for r in session.scalars(select(ImportedRecord))
        }
        first, second, third = cases["A-001"], cases["A-002"], cases["A-003"]
        assert first.occurred_on == "2026-11-15"  # 15/11/2569 BE
        assert (first.channel, first.category_code, first.area_code) == (
            "phone",
            "labour",
            "500101",
        )
        assert first.complainant_name == "สมหญิง รักงาน" and not first.confidential
        assert second.occurred_on == "2026-01-01"  # ๑ ม.ค. ๒๕๖๙ in Thai digits
        assert (second.channel, second.area_code, second.confidential) == ("letter", "500102", True)
        assert second.complainant_national_id == "1101700230708"
        assert third.area_code == "102901"  # the abolished 100205's successor
        assert third.channel == "letter"  # no channel given
        assert third.registration_number and third.status == "screening"  # its lifecycle started
        imported = session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == third.id, AuditEvent.action == "imported"
            )
        ).one()
        assert imported.actor_label == "import:old"
        assert imported.detail["external_id"] == "A-003"
        assert imported.detail["abolished_area_code"] == "100205"


def test_refused_rows_are_reported_with_reasons_and_not_stored(cli_db, tmp_path, capsys):
    path, mapping = write_export(tmp_path, [GOOD[0], *BAD, GOOD[1]])
    rejects = tmp_path / "rejects.csv"
    code, summary, _ = run(path, mapping, capsys, "--rejects", str(rejects))
    assert code == 0
    assert (summary["imported"], summary["rejected"]) == (2, 4)
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        reported = list(csv.DictReader(handle))
    by_id: dict[str, dict[str, dict]] = {}
    for line in reported:
        by_id.setdefault(line["external_id"], {})[line["field"]] = line
    assert set(by_id) == {"B-001", "B-002", "B-003", "B-004"}
    assert by_id["B-001"]["occurred_on"]["row"] == "2"
    assert "31/02/2569" in by_id["B-001"]["occurred_on"]["reason_th"]
    assert "national ID" in by_id["B-002"]["complainant.national_id"]["reason_en"]
    assert "ประเภทเรื่อง" in by_id["B-003"]["category"]["reason_th"]
    assert {"title", "description", "area_code"} <= set(by_id["B-004"])  # every fault at once
    with cli_db() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 2
        titles = set(session.scalars(select(Case.title)))
    assert titles == {GOOD[0][1], GOOD[1][1]}
