"""The renderer's own words (Thai and English): labels, placeholders, the error summary."""

from __future__ import annotations

TEXTS = {
    "th": {
        "required": "จำเป็น",
        "error_prefix": "ข้อผิดพลาด",
        "choose": "— เลือก —",
        "day": "วันที่",
        "month": "เดือน",
        "year_be": "ปี พ.ศ.",
        "yes": "ใช่",
        "no": "ไม่ใช่",
        "which_category": "ประเภทไหนตรงกับเรื่องของฉัน",
        "show_areas": "แสดงรายชื่ออำเภอ/ตำบล",
        "province": "จังหวัด",
        "district": "อำเภอ/เขต",
        "subdistrict": "ตำบล/แขวง",
        "choose_province": "— เลือกจังหวัด —",
        "choose_district": "— เลือกอำเภอ/เขต —",
        "choose_subdistrict": "— เลือกตำบล/แขวง (ถ้าทราบ) —",
        "agency_auto": "— ไม่ระบุ —",
        "show_fields": "แสดงช่องที่ต้องกรอกสำหรับตัวเลือกนี้",
        "summary": "กรุณาแก้ไขข้อมูล {n} รายการ",
    },
    "en": {
        "required": "required",
        "error_prefix": "Error",
        "choose": "— Choose —",
        "day": "Day",
        "month": "Month",
        "year_be": "Year (B.E.)",
        "yes": "Yes",
        "no": "No",
        "which_category": "Which category fits my complaint?",
        "show_areas": "Show districts and subdistricts",
        "province": "Province",
        "district": "District",
        "subdistrict": "Subdistrict",
        "choose_province": "— Choose a province —",
        "choose_district": "— Choose a district —",
        "choose_subdistrict": "— Choose a subdistrict (if known) —",
        "agency_auto": "— Not specified —",
        "show_fields": "Show the fields for this choice",
        "summary": "Please correct {n} item(s)",
    },
}


class Texts(dict):
    """One language's words, also readable as attributes in templates (t.required)."""

    def summary_title(self, n: int) -> str:
        """The heading of the error summary for n errors."""
        return self["summary"].format(n=n)

    def __getattr__(self, name: str) -> str:
        return self[name]


def texts_for(lang: str) -> Texts:
    """The words of a language (Thai unless English is asked for)."""
    return Texts(TEXTS["en" if lang == "en" else "th"])
