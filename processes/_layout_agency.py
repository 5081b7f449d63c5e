"""The agency's handling of a referral (agency_handling.bpmn), called from complaint's `handle`."""

from __future__ import annotations

from _layout_model import A, Flow, Lane, Node, Process, S, V, end, join, script, user

# Rows: the screener lane on top, the agency's lane, the supervisor's lane below.
TF, RS = -0.55, 0.0
R_INVITE, R_PROGRESS, M, R_FORWARD, R_DECLINE = 1.1, 2.1, 3.1, 4.1, 5.1
SV, SV2, SV3 = 6.2, 7.2, 8.2

AGENCY = Process(
    id="agency_handling",
    name="หน่วยงานดำเนินการ (Agency handling)",
    file="agency_handling.bpmn",
    documentation=(
        "The responsible agency acknowledges the referral and handles it: progress reports, "
        "questions to the center, co-handlers, forwarding, declining, and the result. A "
        "parallel branch waits for sla_breached, which the engine sends at every breach of the "
        "agency's deadline: it opens the supervisor's task (at the level the case is escalated "
        "to) and, after a remind, extend, escalate or reassign, waits for the next breach. The "
        "agency's terminate end events end that branch too."
    ),
    messages=["sla_breached"],
    last_col=10.6,
    lanes=[
        Lane("lane_screener", S, -1.0, 0.55, "ศูนย์ดำรงธรรม: เจ้าหน้าที่กลั่นกรองเรื่อง"),
        Lane("lane_agency_officer", A, 0.55, 5.65, "หน่วยงานรับผิดชอบ"),
        Lane("lane_supervisor", V, 5.65, 8.75, "หัวหน้างาน"),
    ],
    nodes=[
        Node("handling_started", "start", "รับเรื่องที่ส่งต่อ", -0.5, M, A),
        Node("supervision_fork", "and", None, 0, M, A),
        join("referral_join", A, 1, M),
        Node("ack_check", "xor", "ตอบรับแล้ว?", 2, M, A, label="down-right"),
        user("agency_acknowledge", "ตอบรับเรื่อง", "Acknowledge the referral", A, 3, M, "referred"),
        script("mark_acknowledged", "บันทึก การตอบรับ", A, 4, M, "acknowledged = True"),
        join("handle_join", A, 5, M),
        user(
            "agency_handle",
            "ดำเนินการ และรายงานผล",
            "Handle the case and report",
            A,
            6,
            M,
            "in_progress",
        ),
        Node("agency_action", "xor", "การดำเนินการ?", 7, M, A, label="down-right"),
        script("notify_progress", "แจ้ง ความคืบหน้า", A, 6, R_PROGRESS, 'notify("progress_reported")'),
        script(
            "invite_co_handler",
            "เชิญ หน่วยงานร่วม",
            A,
            6,
            R_INVITE,
            'refer_case(agency, "co_handler")',
        ),
        user(
            "answer_agency",
            "ตอบคำถาม หน่วยงาน",
            "Answer the agency's question",
            S,
            6,
            RS,
            "in_progress",
        ),
        script("report_result", "บันทึกผล", A, 8, M, 'agency_outcome = "result"'),
        end("result_reported", "ส่งผลให้ศูนย์", A, 9, M, kind="terminate"),
        script(
            "forward_referral",
            "ส่งต่อ หน่วยงานอื่น",
            A,
            8,
            R_FORWARD,
            'refer_case(agency, "lead")\nacknowledged = False',
        ),
        script(
            "decline_referral",
            "ปฏิเสธเรื่อง",
            A,
            8,
            R_DECLINE,
            'agency_outcome = "declined"\nacknowledged = False',
        ),
        end("declined_end", "คืนเรื่องให้ศูนย์", A, 9, R_DECLINE, kind="terminate"),
        join("supervise_join", V, 3, SV),
        Node(
            "await_breach",
            "message",
            "เกินกำหนด (ทุกครั้ง)",
            5,
            SV,
            V,
            message="sla_breached",
        ),
        user("supervise", "พิจารณา เรื่องล่าช้า", "Deal with the overdue case", V, 7, SV, "in_progress"),
        Node("supervisor_decision", "xor", "คำสั่ง?", 8, SV, V, label="down-left"),
        script(
            "reassign",
            "มอบหมาย หน่วยงานใหม่",
            V,
            9,
            SV2,
            'refer_case(agency, "lead")\nacknowledged = False',
        ),
        script("mark_unresolvable", "แก้ไขไม่ได้", V, 9, SV3, 'agency_outcome = "unresolvable"'),
        end("unresolvable", "ยุติการดำเนินการ", V, 10, SV3, kind="terminate"),
    ],
    flows=[
        Flow("handling_started", "supervision_fork"),
        Flow("supervision_fork", "referral_join"),
        Flow("supervision_fork", "supervise_join", route=[("y", SV), ("x", 3)]),
        Flow("referral_join", "ack_check"),
        Flow(
            "ack_check",
            "handle_join",
            "acknowledged",
            "ตอบรับแล้ว",
            route=[("y", R_PROGRESS), ("x", 5)],
            label_at=(2.1, R_PROGRESS - 0.2),
        ),
        Flow("ack_check", "agency_acknowledge", name="ยังไม่ตอบรับ", default=True),
        Flow("agency_acknowledge", "mark_acknowledged"),
        Flow("mark_acknowledged", "handle_join"),
        Flow("handle_join", "agency_handle"),
        Flow("agency_handle", "agency_action"),
        Flow("agency_action", "report_result", 'action == "result"', "ผล"),
        Flow("report_result", "result_reported"),
        Flow("agency_action", "notify_progress", 'action == "progress"', "ความคืบหน้า"),
        Flow("notify_progress", "handle_join", route=[("x", 5)]),
        Flow("agency_action", "invite_co_handler", 'action == "invite"', "เชิญร่วม"),
        Flow("invite_co_handler", "handle_join", route=[("x", 5)]),
        Flow("agency_action", "answer_agency", 'action == "info_request"', "ถามศูนย์"),
        Flow("answer_agency", "handle_join", route=[("x", 5)]),
        Flow("agency_action", "forward_referral", 'action == "forward"', "ส่งต่อ"),
        Flow("forward_referral", "referral_join", route=[("x", 9.55), ("y", TF), ("x", 1)]),
        Flow("agency_action", "decline_referral", 'action == "decline"', "ปฏิเสธ"),
        Flow("decline_referral", "declined_end"),
        Flow("supervise_join", "await_breach"),
        Flow("await_breach", "supervise"),
        Flow("supervise", "supervisor_decision"),
        Flow("supervisor_decision", "reassign", 'supervisor_action == "reassign"', "มอบหมายใหม่"),
        Flow("reassign", "supervise_join", route=[("x", 9.6), ("y", SV - 0.45), ("x", 3)]),
        Flow(
            "supervisor_decision",
            "mark_unresolvable",
            'supervisor_action == "close_unresolvable"',
            "ยุติเรื่อง",
        ),
        Flow("mark_unresolvable", "unresolvable"),
        Flow(
            "supervisor_decision",
            "supervise_join",
            name="เตือน / ขยายเวลา / ยกระดับ",
            default=True,
            route=[("y", SV - 0.45), ("x", 3)],
            label_at=(4.2, SV - 0.75),
        ),
    ],
)
