"""The one status vocabulary of a case, with its Open311 mapping and SLA clock behaviour."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    code: str
    name_th: str
    name_en: str
    open311: str  # "open" or "closed"
    clock_runs: bool  # whether the SLA clock runs while the case is in this status
    final: bool


STATUSES: dict[str, Status] = {
    s.code: s
    for s in (
        Status("received", "รับเรื่องแล้ว", "Received", "open", True, False),
        Status("screening", "กำลังพิจารณาเรื่อง", "Screening", "open", True, False),
        Status(
            "awaiting_information",
            "รอข้อมูลเพิ่มเติมจากผู้ร้อง",
            "Awaiting information",
            "open",
            False,
            False,
        ),
        Status("referred", "ส่งต่อหน่วยงานแล้ว", "Referred", "open", True, False),
        Status("in_progress", "หน่วยงานกำลังดำเนินการ", "In progress", "open", True, False),
        Status("under_review", "ศูนย์กำลังตรวจสอบผล", "Under review", "open", True, False),
        Status("resolved", "แก้ไขแล้ว (เปิดเรื่องใหม่ได้)", "Resolved", "closed", False, False),
        Status("closed", "ยุติเรื่อง", "Closed", "closed", False, True),
        Status("rejected", "ไม่รับเรื่อง", "Rejected", "closed", False, True),
        Status("withdrawn", "ผู้ร้องถอนเรื่อง", "Withdrawn", "closed", False, True),
    )
}

OPEN_STATUSES = frozenset(c for c, s in STATUSES.items() if not s.final)
FINAL_STATUSES = frozenset(c for c, s in STATUSES.items() if s.final)


def status_label(code: str, lang: str = "th") -> str:
    """The human name of a status in Thai or English."""
    status = STATUSES[code]
    return status.name_th if lang == "th" else status.name_en
