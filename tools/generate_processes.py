"""Generate processes/complaint.bpmn and processes/agency_handling.bpmn (run from the repo root).

python tools/generate_processes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bpmn_writer import Flow, Node, Process, render  # noqa: E402

S, A, V = "screener", "agency_officer", "supervisor"


def user(id_, name, name_en, lane, col, row, status):  # type: ignore[no-untyped-def]
    props = {"status": status, "form": id_, "name_en": name_en}
    return Node(id_, "user", name, lane, col, row, props=props)


def script(id_, name, lane, col, row, code):  # type: ignore[no-untyped-def]
    return Node(id_, "script", name, lane, col, row, script=code)


def end(id_, name, lane, col, row, status, resolution=None, kind="end"):  # type: ignore[no-untyped-def]
    props = {"status": status}
    if resolution:
        props["resolution"] = resolution
    return Node(id_, kind, name, lane, col, row, props=props)


REGISTER = """notify("case_received")
agency = None
decision = None
duplicate_of = None
routed_agency = None
agency_outcome = None
review_decision = None
acknowledged = False
routing_failed = False"""

COMPLAINT = Process(
    id="complaint",
    name="เรื่องร้องเรียน (Complaint)",
    lanes=[(S, "ศูนย์ดำรงธรรม")],
    messages=["withdraw", "info_provided", "reopen"],
    nodes=[
        Node("received", "start", "รับเรื่อง", S, 0, 0),
        script("register", "ลงทะเบียนเรื่อง", S, 1, 0, REGISTER),
        user("screen", "พิจารณากลั่นกรองเรื่อง", "Screen the complaint", S, 2, 0, "screening"),
        Node("screen_decision", "xor", "ผลการพิจารณา", S, 3, 0),
        Node("route", "rule", "หาหน่วยงานรับผิดชอบ (DMN)", S, 4, 0, decision="routing"),
        script(
            "choose_agency",
            "เลือกหน่วยงาน",
            S,
            5,
            0,
            "agency_to_refer = agency if agency else "
            "(routed_agency if routed_agency else category_default_agency(category))",
        ),
        Node("agency_found", "xor", "พบหน่วยงาน?", S, 6, 0, default="flow_agency_found"),
        script(
            "refer",
            "ส่งต่อหน่วยงาน",
            S,
            7,
            0,
            'refer_case(agency_to_refer, "lead")\nrouting_failed = False\nagency_outcome = None',
        ),
        Node("handle", "call", "หน่วยงานดำเนินการ", S, 8, 0, called="agency_handling"),
        Node("agency_result", "xor", "ผลจากหน่วยงาน", S, 9, 0),
        user(
            "review", "ตรวจสอบผลการดำเนินการ", "Review the agency's result", S, 10, 0, "under_review"
        ),
        Node("review_result", "xor", "ผลการตรวจสอบ", S, 11, 0),
        script("notify_result", "แจ้งผลผู้ร้อง", S, 12, 0, 'notify("result_ready")'),
        Node(
            "resolved_wait",
            "events",
            "รอภายในระยะเปิดเรื่องใหม่",
            S,
            13,
            0,
        ),
        Node(
            "reopen",
            "message",
            "ผู้ร้องขอเปิดเรื่องใหม่",
            S,
            14,
            0,
            message="reopen",
            props={"status": "resolved"},
        ),
        script(
            "reopened",
            "เปิดเรื่องใหม่",
            S,
            15,
            0,
            'notify("case_reopened")\ndecision = None\nagency = None',
        ),
        Node(
            "reopen_window_closed",
            "timer",
            "พ้นระยะเปิดเรื่องใหม่",
            S,
            14,
            1,
            timer='policy_duration("reopen_window")',
            props={"status": "resolved"},
        ),
        end("closed", "ยุติเรื่อง", S, 15, 1, "closed", "resolved"),
        script("notify_rejected", "แจ้งไม่รับเรื่อง", S, 4, 1, 'notify("case_rejected")'),
        end("rejected", "ไม่รับเรื่อง", S, 5, 1, "rejected"),
        end("duplicate", "เรื่องซ้ำ", S, 4, 2, "closed", "duplicate"),
        script("notify_info", "ขอข้อมูลเพิ่มเติม", S, 4, 3, 'notify("info_requested")'),
        Node(
            "await_info",
            "events",
            "รอข้อมูลจากผู้ร้อง",
            S,
            5,
            3,
        ),
        Node(
            "info_provided",
            "message",
            "ผู้ร้องส่งข้อมูลแล้ว",
            S,
            6,
            3,
            message="info_provided",
            props={"status": "awaiting_information"},
        ),
        Node(
            "info_timeout",
            "timer",
            "ไม่ได้รับข้อมูลตามกำหนด",
            S,
            6,
            4,
            timer='policy_duration("info_wait")',
            props={"status": "awaiting_information"},
        ),
        end("closed_no_response", "ยุติเรื่อง (ไม่ได้รับข้อมูล)", S, 7, 4, "closed", "no_response"),
        script("no_route", "ไม่พบหน่วยงาน", S, 7, 1, "routing_failed = True"),
        script("declined", "หน่วยงานปฏิเสธ", S, 10, 1, 'notify("referral_declined")\nagency = None'),
        script("notify_unresolvable", "แจ้งยุติเรื่อง", S, 10, 2, 'notify("case_closed_unresolvable")'),
        end("closed_unresolvable", "ยุติเรื่อง (แก้ไขไม่ได้)", S, 11, 2, "closed", "unresolvable"),
        script("send_back", "ส่งกลับหน่วยงาน", S, 12, 1, "agency_outcome = None"),
    ],
    flows=[
        Flow("received", "register"),
        Flow("register", "screen"),
        Flow("screen", "screen_decision"),
        Flow("screen_decision", "route", 'decision == "refer"', "ส่งต่อ"),
        Flow("screen_decision", "notify_rejected", 'decision == "reject"', "ไม่รับเรื่อง"),
        Flow("screen_decision", "duplicate", 'decision == "duplicate"', "ซ้ำ"),
        Flow("screen_decision", "notify_info", 'decision == "request_info"', "ขอข้อมูล"),
        Flow("screen_decision", "notify_result", 'decision == "resolve"', "ศูนย์แก้ไขเอง"),
        Flow("route", "choose_agency"),
        Flow("choose_agency", "agency_found"),
        Flow("agency_found", "refer", id="flow_agency_found", name="พบ"),
        Flow("agency_found", "no_route", "agency_to_refer is None", "ไม่พบ"),
        Flow("no_route", "screen"),
        Flow("refer", "handle"),
        Flow("handle", "agency_result"),
        Flow("agency_result", "review", 'agency_outcome == "result"', "รายงานผล"),
        Flow("agency_result", "declined", 'agency_outcome == "declined"', "ปฏิเสธ"),
        Flow(
            "agency_result", "notify_unresolvable", 'agency_outcome == "unresolvable"', "แก้ไขไม่ได้"
        ),
        Flow("declined", "screen"),
        Flow("notify_unresolvable", "closed_unresolvable"),
        Flow("review", "review_result"),
        Flow("review_result", "notify_result", 'review_decision == "accept"', "รับผล"),
        Flow("review_result", "send_back", 'review_decision == "send_back"', "ส่งกลับ"),
        Flow("send_back", "handle"),
        Flow("notify_result", "resolved_wait"),
        Flow("resolved_wait", "reopen"),
        Flow("resolved_wait", "reopen_window_closed"),
        Flow("reopen", "reopened"),
        Flow("reopened", "screen"),
        Flow("reopen_window_closed", "closed"),
        Flow("notify_rejected", "rejected"),
        Flow("notify_info", "await_info"),
        Flow("await_info", "info_provided"),
        Flow("await_info", "info_timeout"),
        Flow("info_provided", "screen"),
        Flow("info_timeout", "closed_no_response"),
    ],
    event_subprocess=(
        "withdrawal",
        "ผู้ร้องถอนเรื่อง",
        [
            Node("withdraw", "msgstart", "ขอถอนเรื่อง", S, 0, 0, message="withdraw"),
            end("withdrawn", "ถอนเรื่องแล้ว", S, 1, 0, "withdrawn"),
        ],
        [Flow("withdraw", "withdrawn")],
    ),
)

AGENCY = Process(
    id="agency_handling",
    name="หน่วยงานดำเนินการ (Agency handling)",
    lanes=[(A, "หน่วยงานรับผิดชอบ"), (S, "ศูนย์ดำรงธรรม"), (V, "หัวหน้างาน")],
    messages=["sla_breached"],
    nodes=[
        Node("handling_started", "start", "รับเรื่องจากศูนย์", A, 0, 0),
        Node("already_acknowledged", "xor", "ตอบรับแล้ว?", A, 1, 0, default="flow_needs_ack"),
        user("agency_acknowledge", "ตอบรับเรื่อง", "Acknowledge the referral", A, 2, 0, "referred"),
        script("mark_acknowledged", "บันทึกการตอบรับ", A, 3, 0, "acknowledged = True"),
        user("agency_handle", "ดำเนินการและรายงาน", "Handle and report", A, 4, 0, "in_progress"),
        Node("agency_action", "xor", "การดำเนินการ", A, 5, 0),
        script("report_result", "รายงานผล", A, 6, 0, 'agency_outcome = "result"'),
        Node("handled", "end", "ส่งผลให้ศูนย์", A, 7, 0),
        script("notify_progress", "แจ้งความคืบหน้า", A, 6, 1, 'notify("progress_reported")'),
        script("invite", "เชิญหน่วยงานร่วม", A, 6, 2, 'refer_case(agency, "co_handler")'),
        script(
            "forward", "ส่งต่อหน่วยงานอื่น", A, 6, 3, 'refer_case(agency, "lead")\nacknowledged = False'
        ),
        script(
            "decline", "ปฏิเสธเรื่อง", A, 6, 4, 'agency_outcome = "declined"\nacknowledged = False'
        ),
        Node("declined_end", "end", "คืนเรื่องให้ศูนย์", A, 7, 4),
        user(
            "answer_agency",
            "ตอบคำถามหน่วยงาน",
            "Answer the agency's question",
            S,
            6,
            0,
            "in_progress",
        ),
        Node(
            "sla_ack",
            "start",
            "เกินกำหนด",
            A,
            2,
            0,
            message="sla_breached",
            attached_to="agency_acknowledge",
        ),
        Node(
            "sla_handle",
            "start",
            "เกินกำหนด",
            A,
            4,
            0,
            message="sla_breached",
            attached_to="agency_handle",
        ),
        user(
            "supervise", "หัวหน้างานพิจารณาเรื่องล่าช้า", "Handle the overdue case", V, 4, 0, "in_progress"
        ),
        Node("supervisor_action", "xor", "คำสั่งหัวหน้างาน", V, 5, 0, default="flow_supervised"),
        script(
            "reassign",
            "มอบหมายหน่วยงานใหม่",
            V,
            6,
            0,
            'refer_case(agency, "lead")\nacknowledged = False',
        ),
        Node("supervised", "end", "ดำเนินการแล้ว", V, 7, 0),
        script("give_up", "ยุติเรื่อง (แก้ไขไม่ได้)", V, 6, 1, 'agency_outcome = "unresolvable"'),
        end("unresolvable", "ยุติการดำเนินการ", V, 7, 1, "in_progress", kind="terminate"),
    ],
    flows=[
        Flow("handling_started", "already_acknowledged"),
        Flow("already_acknowledged", "agency_handle", "acknowledged", "ตอบรับแล้ว"),
        Flow("already_acknowledged", "agency_acknowledge", id="flow_needs_ack"),
        Flow("agency_acknowledge", "mark_acknowledged"),
        Flow("mark_acknowledged", "agency_handle"),
        Flow("agency_handle", "agency_action"),
        Flow("agency_action", "report_result", 'action == "result"', "ผล"),
        Flow("report_result", "handled"),
        Flow("agency_action", "notify_progress", 'action == "progress"', "ความคืบหน้า"),
        Flow("notify_progress", "agency_handle"),
        Flow("agency_action", "answer_agency", 'action == "info_request"', "ขอข้อมูล"),
        Flow("answer_agency", "agency_handle"),
        Flow("agency_action", "invite", 'action == "invite"', "เชิญร่วม"),
        Flow("invite", "agency_handle"),
        Flow("agency_action", "forward", 'action == "forward"', "ส่งต่อ"),
        Flow("forward", "agency_acknowledge"),
        Flow("agency_action", "decline", 'action == "decline"', "ปฏิเสธ"),
        Flow("decline", "declined_end"),
        Flow("sla_ack", "supervise"),
        Flow("sla_handle", "supervise"),
        Flow("supervise", "supervisor_action"),
        Flow("supervisor_action", "reassign", 'supervisor_action == "reassign"', "มอบหมายใหม่"),
        Flow("reassign", "supervised"),
        Flow("supervisor_action", "supervised", id="flow_supervised"),
        Flow("supervisor_action", "give_up", 'supervisor_action == "close_unresolvable"', "ยุติ"),
        Flow("give_up", "unresolvable"),
    ],
)


def main() -> None:
    """Write both diagrams into processes/."""
    out = Path(__file__).resolve().parent.parent / "processes"
    for process, name in ((COMPLAINT, "complaint.bpmn"), (AGENCY, "agency_handling.bpmn")):
        (out / name).write_text(render(process), encoding="utf-8")
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
