"""The complaint lifecycle (complaint.bpmn): screening, referral, review, closing."""

from __future__ import annotations

from _layout_model import A, Flow, Lane, Node, Process, S, end, join, script, user

REGISTER = """\
notify("case_received")
agency = None
decision = None
duplicate_of = None
routed_agency = None
agency_outcome = None
review_decision = None
acknowledged = False
routing_failed = False
action = None
supervisor_action = None"""

CHOOSE_AGENCY = (
    "agency_to_refer = agency if agency else "
    "(routed_agency if routed_agency else category_default_agency(category))"
)

REFER = """\
refer_case(agency_to_refer, "lead")
routing_failed = False
agency_outcome = None
acknowledged = False"""

# Rows of the complaint diagram (screener lane on top, the agency's work below it).
T2, T1, UP, MAIN = 0.0, 0.45, 1.1, 2.1
REJ, DUP, INFO, INFO2, S_TRACK = 3.1, 4.1, 5.1, 6.1, 6.65
WD = 4.1  # the withdrawal listener, under the start
A_MAIN, A_DOWN, A_TRACK = 7.6, 8.6, 9.2

COMPLAINT = Process(
    id="complaint",
    name="เรื่องร้องเรียน (Complaint)",
    file="complaint.bpmn",
    documentation=(
        "The lifecycle of one complaint at a Damrongdhamma Center: screening, referral to the "
        "responsible agency (call activity agency_handling), review of the agency's result, "
        "the complainant's reopening window, and withdrawal at any stage. Withdrawal is a "
        "parallel branch that waits for the message withdraw and ends in a terminate end event; "
        "every other end event terminates too, which ends that waiting branch. (SpiffWorkflow "
        "3.2.0 runs event sub-processes beside the main flow without interrupting it.)"
    ),
    messages=["info_provided", "reopen", "withdraw"],
    last_col=19.6,
    lanes=[
        Lane("lane_screener", S, -0.45, 7.0, "ศูนย์ดำรงธรรม: เจ้าหน้าที่กลั่นกรองเรื่อง"),
        Lane("lane_agency_officer", A, 7.0, 9.5, "หน่วยงานรับผิดชอบ"),
    ],
    nodes=[
        Node("received", "start", "รับเรื่องร้องเรียน", 0, MAIN, S),
        Node("listen_withdrawal", "and", "ถอนเรื่องได้ทุกขั้นตอน", 1, MAIN, S, label="above"),
        Node("withdraw", "message", "ผู้ร้องขอถอนเรื่อง", 1, WD, S, message="withdraw", label="left"),
        end("withdrawn", "ถอนเรื่องแล้ว", S, 2, WD, "withdrawn", kind="terminate"),
        script("register", "ลงทะเบียนเรื่อง", S, 2, MAIN, REGISTER),
        join("to_screen", S, 3, MAIN),
        user("screen", "กลั่นกรองเรื่อง", "Screen the complaint", S, 4, MAIN, "screening"),
        Node("screen_decision", "xor", "ผลการกลั่นกรอง?", 5, MAIN, S, label="down-right"),
        Node("route", "rule", "หาหน่วยงาน ตามตารางส่งต่อ", 6, MAIN, S, decision="routing"),
        script("choose_agency", "เลือกหน่วยงาน รับผิดชอบ", S, 7, MAIN, CHOOSE_AGENCY),
        Node("agency_found", "xor", "พบหน่วยงาน?", 8, MAIN, S, label="down-right"),
        script("no_route", "ไม่พบหน่วยงาน", S, 8, UP, "routing_failed = True"),
        script("refer", "ส่งต่อหน่วยงาน", S, 9, MAIN, REFER),
        join("to_handle", A, 10, A_MAIN),
        Node("handle", "call", "หน่วยงาน ดำเนินการ", 11, A_MAIN, A, called="agency_handling"),
        Node("agency_result", "xor", "ผลจากหน่วยงาน?", 12, A_MAIN, A, label="up-left"),
        script(
            "notify_unresolvable", "แจ้งยุติเรื่อง", A, 13, A_MAIN, 'notify("case_closed_unresolvable")'
        ),
        end(
            "closed_unresolvable",
            "ยุติ: แก้ไขไม่ได้",
            A,
            14,
            A_MAIN,
            "closed",
            "unresolvable",
            kind="terminate",
        ),
        script(
            "declined",
            "หน่วยงาน ปฏิเสธเรื่อง",
            A,
            13,
            A_DOWN,
            'notify("referral_declined")\nagency = None',
        ),
        user(
            "review",
            "ตรวจสอบผล จากหน่วยงาน",
            "Review the agency's result",
            S,
            13,
            MAIN,
            "under_review",
        ),
        Node("review_result", "xor", "ผลการตรวจสอบ?", 14, MAIN, S, label="down-right"),
        script("send_back", "ส่งกลับ ให้หน่วยงาน", S, 14, UP, "agency_outcome = None"),
        join("to_notify", S, 15, MAIN),
        script(
            "notify_result",
            "แจ้งผลผู้ร้อง",
            S,
            16,
            MAIN,
            'notify("result_ready")\nnotify("rating_requested")',
        ),
        Node("resolved_wait", "events", "รอภายในกำหนด เปิดเรื่องใหม่", 17, MAIN, S),
        Node(
            "reopen",
            "message",
            "ผู้ร้องขอ เปิดเรื่องใหม่",
            18,
            UP,
            S,
            message="reopen",
            props={"status": "resolved"},
        ),
        script(
            "reopened",
            "เปิดเรื่องใหม่",
            S,
            19,
            UP,
            'notify("case_reopened")\ndecision = None\nagency = None',
        ),
        Node(
            "reopen_window_closed",
            "timer",
            "พ้นกำหนด เปิดเรื่องใหม่",
            18,
            MAIN,
            S,
            timer='policy_duration("reopen_window")',
            props={"status": "resolved"},
        ),
        end("closed", "ยุติเรื่อง: แก้ไขแล้ว", S, 19, MAIN, "closed", "resolved", kind="terminate"),
        script("notify_rejected", "แจ้งไม่รับเรื่อง", S, 6, REJ, 'notify("case_rejected")'),
        end("rejected", "ไม่รับเรื่อง", S, 7, REJ, "rejected", kind="terminate"),
        end("duplicate", "ยุติ: เรื่องซ้ำ", S, 6, DUP, "closed", "duplicate", kind="terminate"),
        script("notify_info", "ขอข้อมูลเพิ่มเติม", S, 6, INFO, 'notify("info_requested")'),
        Node("await_info", "events", "รอข้อมูลจากผู้ร้อง", 7, INFO, S, label="up-right"),
        Node(
            "info_timeout",
            "timer",
            "พ้นกำหนดส่งข้อมูล",
            8,
            INFO,
            S,
            timer='policy_duration("info_wait")',
            props={"status": "awaiting_information"},
        ),
        end(
            "closed_no_response",
            "ยุติ: ไม่ได้รับข้อมูล",
            S,
            9,
            INFO,
            "closed",
            "no_response",
            kind="terminate",
        ),
        Node(
            "info_provided",
            "message",
            "ผู้ร้อง ส่งข้อมูลแล้ว",
            8,
            INFO2,
            S,
            message="info_provided",
            props={"status": "awaiting_information"},
            label="right",
        ),
    ],
    flows=[
        Flow("received", "listen_withdrawal"),
        Flow("listen_withdrawal", "register"),
        Flow("listen_withdrawal", "withdraw"),
        Flow("withdraw", "withdrawn"),
        Flow("register", "to_screen"),
        Flow("to_screen", "screen"),
        Flow("screen", "screen_decision"),
        Flow("screen_decision", "route", 'decision == "refer"', "ส่งต่อ"),
        Flow(
            "screen_decision",
            "to_notify",
            'decision == "resolve"',
            "ศูนย์แก้ไขเอง",
            route=[("y", T1), ("x", 15)],
            label_at=(10.5, T1 - 0.2),
        ),
        Flow("screen_decision", "notify_rejected", 'decision == "reject"', "ไม่รับเรื่อง"),
        Flow("screen_decision", "duplicate", 'decision == "duplicate"', "เรื่องซ้ำ"),
        Flow("screen_decision", "notify_info", 'decision == "request_info"', "ขอข้อมูลเพิ่ม"),
        Flow("route", "choose_agency"),
        Flow("choose_agency", "agency_found"),
        Flow("agency_found", "refer", name="พบ", default=True),
        Flow(
            "agency_found",
            "no_route",
            "agency_to_refer is None",
            "ไม่พบ",
            label_at=(8.05, UP + 0.45),
        ),
        Flow("no_route", "to_screen", route=[("x", 3)]),
        Flow("refer", "to_handle"),
        Flow("to_handle", "handle"),
        Flow("handle", "agency_result"),
        Flow("agency_result", "review", 'agency_outcome == "result"', "รายงานผล"),
        Flow(
            "agency_result", "notify_unresolvable", 'agency_outcome == "unresolvable"', "แก้ไขไม่ได้"
        ),
        Flow("agency_result", "declined", 'agency_outcome == "declined"', "ปฏิเสธ"),
        Flow("declined", "to_screen", route=[("y", A_TRACK), ("x", 3)]),
        Flow("notify_unresolvable", "closed_unresolvable"),
        Flow("review", "review_result"),
        Flow("review_result", "to_notify", 'review_decision == "accept"', "รับผล"),
        Flow(
            "review_result",
            "send_back",
            'review_decision == "send_back"',
            "ส่งกลับ",
            label_at=(14.05, UP + 0.45),
        ),
        Flow("send_back", "to_handle", route=[("x", 10)]),
        Flow("to_notify", "notify_result"),
        Flow("notify_result", "resolved_wait"),
        Flow("resolved_wait", "reopen"),
        Flow("resolved_wait", "reopen_window_closed"),
        Flow("reopen", "reopened"),
        Flow("reopened", "to_screen", route=[("y", T2), ("x", 3)]),
        Flow("reopen_window_closed", "closed"),
        Flow("notify_rejected", "rejected"),
        Flow("notify_info", "await_info"),
        Flow("await_info", "info_timeout"),
        Flow("await_info", "info_provided"),
        Flow("info_timeout", "closed_no_response"),
        Flow("info_provided", "to_screen", route=[("y", S_TRACK), ("x", 3)]),
    ],
)
