"""Who may do what: every `PermissionDenied` in the system is raised by a check in this module.

`may_*` answer a question (to show a button); `check_*` raise `PermissionDenied` with the
message the user reads. Other layers call these and never decide a permission themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.rules import (
    CASEWORK_ROLES,
    FIGURE_ROLES,
    FORWARD_DECIDER_ROLES,
    MESSAGE_SENDERS,
    PROCESS_ROLES,
    TASK_ROLES,
    Actor,
    case_visibility,
)
from engine.errors import PermissionDenied
from engine.models import Case, Task

# --- Cases and tasks ---


def check_can_see(session: Session, actor: Actor, case_id: int) -> None:
    """Raise PermissionDenied unless the actor may see the case."""
    visible = session.scalar(select(Case.id).where(Case.id == case_id, case_visibility(actor)))
    if visible is None:
        raise PermissionDenied("You may not see this case.", "ท่านไม่มีสิทธิ์เข้าถึงเรื่องร้องเรียนนี้")


def check_has_inbox(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor holds a role that has user tasks."""
    if actor.kind != "staff" or not actor.roles & TASK_ROLES:
        raise PermissionDenied("Your roles have no task inbox.", "บทบาทของท่านไม่มีกล่องงาน")


def may_work(actor: Actor, task: Task) -> bool:
    """Whether the actor could claim or complete the task now (for showing buttons)."""
    return (
        actor.kind == "staff"
        and actor.has(task.role)
        and actor.org_unit_id == task.org_unit_id
        and task.assignee_id in (None, actor.user_id)
    )


def check_can_work(actor: Actor, task: Task) -> None:
    """Raise PermissionDenied unless the actor holds the task's role in its org unit."""
    if actor.kind != "staff" or not actor.has(task.role) or actor.org_unit_id != task.org_unit_id:
        raise PermissionDenied(
            "This task belongs to another role or unit.",
            "งานนี้เป็นของบทบาทหรือหน่วยงานอื่น ท่านไม่มีสิทธิ์ดำเนินการ",
        )


def check_may_see_all_tasks(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is a supervisor (the inbox's «all» tab)."""
    if not actor.has("supervisor"):
        raise PermissionDenied(
            "Only supervisors see every open task in their area.",
            "เฉพาะหัวหน้างานเท่านั้นที่ดูงานค้างทั้งหมดในพื้นที่ได้",
        )


def check_can_reassign(actor: Actor, task: Task) -> None:
    """Raise PermissionDenied unless the actor supervises the task's unit."""
    if not (actor.has("supervisor") and actor.org_unit_id == task.org_unit_id):
        raise PermissionDenied(
            "Only a supervisor of the task's unit may reassign it.",
            "เฉพาะหัวหน้างานของหน่วยงานเจ้าของงานเท่านั้นที่มอบหมายงานใหม่ได้",
        )


def may_contribute(actor: Actor) -> bool:
    """Whether the actor works cases, and so may add comments and files to one it sees."""
    return actor.kind == "system" or (actor.kind == "staff" and bool(actor.roles & CASEWORK_ROLES))


def check_can_contribute(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor works cases (comments, attachments)."""
    if not may_contribute(actor):
        raise PermissionDenied(
            "Only officials who work cases add comments and files to them.",
            "เฉพาะเจ้าหน้าที่ผู้ดำเนินการเรื่องเท่านั้นที่เพิ่มความเห็นและไฟล์ในเรื่องได้",
        )


def check_may_attach_here(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is an official (citizens attach on the portal)."""
    if actor.kind != "staff":
        raise PermissionDenied("Only officials attach files here.", "เฉพาะเจ้าหน้าที่เท่านั้นที่แนบไฟล์ได้")


def check_may_send(actor: Actor, name: str) -> None:
    """Raise PermissionDenied unless the actor's kind or one of its roles may send the message."""
    allowed = MESSAGE_SENDERS.get(name, frozenset())
    if actor.kind in allowed or (actor.kind == "staff" and actor.roles & set(allowed)):
        return
    raise PermissionDenied(f"You may not send «{name}» to a case.", f"ท่านไม่มีสิทธิ์ส่ง «{name}» ถึงเรื่องนี้")


# --- Registering cases ---


def check_is_intake_officer(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is an intake officer (the staff intake form)."""
    if not actor.has("intake"):
        raise PermissionDenied(
            "Only intake officers register complaints here.", "เฉพาะเจ้าหน้าที่รับเรื่องเท่านั้นที่บันทึกเรื่องได้"
        )


def check_may_open_cases(actor: Actor) -> None:
    """Raise PermissionDenied unless a staff account opening a case is a center's officer."""
    # Citizens file on the portal, partner apps through Open311; an import runs under no account.
    if actor.kind == "staff" and actor.user_id is not None and not actor.is_center_officer:
        raise PermissionDenied(
            "Only a center's intake officers, screeners and supervisors open cases.",
            "เฉพาะเจ้าหน้าที่รับเรื่อง เจ้าหน้าที่คัดกรอง และหัวหน้างานของศูนย์เท่านั้นที่เปิดเรื่องได้",
        )


def check_may_register_by_staff_channel(actor: Actor) -> None:
    """Raise PermissionDenied unless an intake officer registers a phone, walk-in or letter case."""
    if not (actor.kind == "staff" and actor.has("intake")):
        raise PermissionDenied(
            "Only intake officers register phone, walk-in and letter complaints.",
            "เฉพาะเจ้าหน้าที่รับเรื่องเท่านั้นที่บันทึกเรื่องทางโทรศัพท์ เดินทางมา หรือหนังสือได้",
        )


# --- Referrals, forwards and what agencies receive ---


def check_may_refer_by_hand(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is a supervisor (a hand referral or invitation)."""
    if not actor.has("supervisor"):
        raise PermissionDenied(
            "Only supervisors refer cases by hand.", "เฉพาะหัวหน้างานเท่านั้นที่ส่งต่อเรื่องด้วยตนเองได้"
        )


def check_may_prepare_referrals(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is a center officer (referral letters, previews)."""
    if not actor.is_center_officer:
        raise PermissionDenied(
            "Only center officers prepare referrals.", "เฉพาะเจ้าหน้าที่ศูนย์เท่านั้นที่เตรียมการส่งต่อได้"
        )


def check_may_filter_for_agencies(actor: Actor) -> None:
    """Raise PermissionDenied unless a center officer decides what agencies receive."""
    if not actor.is_center_officer:
        raise PermissionDenied(
            "Only center officers decide what agencies receive.",
            "เฉพาะเจ้าหน้าที่ศูนย์เท่านั้นที่กำหนดสิ่งที่ส่งถึงหน่วยงานได้",
        )


def may_decide_forwards(actor: Actor) -> bool:
    """Whether the actor is a center's screener or supervisor, who decide agencies' forwards."""
    return actor.is_center_staff and bool(actor.roles & FORWARD_DECIDER_ROLES)


def check_may_decide_forwards(actor: Actor) -> None:
    """Raise PermissionDenied unless a center's screener or supervisor decides the forward."""
    if not may_decide_forwards(actor):
        raise PermissionDenied(
            "Only a center's screeners and supervisors decide forwards.",
            "เฉพาะเจ้าหน้าที่กลั่นกรองหรือหัวหน้างานของศูนย์เท่านั้นที่อนุมัติการส่งต่อได้",
        )


def check_agency_officer(actor: Actor) -> None:
    """Raise PermissionDenied unless an agency officer's token calls (its org unit is its scope)."""
    if not (actor.is_agency_staff and actor.has("agency_officer")):
        raise PermissionDenied(
            "The agency API is for agency officers' tokens.",
            "ส่วนนี้สำหรับโทเคนของเจ้าหน้าที่หน่วยงานเท่านั้น",
        )


def check_not_left_agency(case_id: int, held_once: bool) -> None:
    """Raise PermissionDenied when the case left the agency that once held it (forwarded away)."""
    if held_once:
        raise PermissionDenied(
            f"Case {case_id} has left your agency (forwarded or reassigned); "
            "it no longer reads or acts on it.",
            f"เรื่องเลขที่ {case_id} ถูกส่งต่อไปยังหน่วยงานอื่นแล้ว หน่วยงานของท่านไม่มีสิทธิ์ดำเนินการต่อ",
        )


def check_co_handler_action(action: str) -> None:
    """Raise PermissionDenied unless a co-handling agency only reports progress."""
    if action != "progress":
        raise PermissionDenied(
            f"Only the lead agency may {action.replace('_', ' ')}; "
            "a co-handling agency reports progress.",
            "หน่วยงานร่วมดำเนินการรายงานความคืบหน้าได้เท่านั้น การดำเนินการนี้เป็นของหน่วยงานหลัก",
        )


# --- Supervision and figures ---


def check_is_supervisor_in_charge(actor: Actor, unit_ids: Collection[int]) -> None:
    """Raise PermissionDenied unless the actor supervises one of the units in charge of a case."""
    if not (actor.kind == "staff" and actor.has("supervisor") and actor.org_unit_id in unit_ids):
        raise PermissionDenied(
            "Only the supervisors in charge of this case (or above) may do this.",
            "เฉพาะหัวหน้างานที่รับผิดชอบเรื่องนี้ (หรือระดับที่สูงกว่า) เท่านั้นที่ดำเนินการได้",
        )


def check_may_see_overdue(actor: Actor) -> None:
    """Raise PermissionDenied unless a supervisor opens the overdue console."""
    if not (actor.kind == "staff" and actor.has("supervisor")):
        raise PermissionDenied(
            "Only supervisors see the overdue console.", "เฉพาะหัวหน้างานเท่านั้นที่ดูงานเกินกำหนดได้"
        )


def check_may_see_figures(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor's roles read SLA figures (or it is the system)."""
    if actor.kind != "system" and not actor.roles & FIGURE_ROLES:
        raise PermissionDenied(
            "You may not see SLA figures.", "ท่านไม่มีสิทธิ์ดูสถิติการดำเนินการตามกำหนดเวลา"
        )


# --- Administration ---


def check_may_see_incidents(actor: Actor) -> None:
    """Raise PermissionDenied unless an administrator looks at incidents."""
    if not actor.has("admin"):
        raise PermissionDenied(
            "Only administrators see incidents.", "เฉพาะผู้ดูแลระบบเท่านั้นที่ดูเหตุขัดข้องได้"
        )


def check_may_manage_notifications(actor: Actor) -> None:
    """Raise PermissionDenied unless an administrator manages templates, endpoints, the outbox."""
    if actor.kind != "staff" or not actor.has("admin"):
        raise PermissionDenied(
            "Only administrators manage notifications.", "เฉพาะผู้ดูแลระบบเท่านั้นที่จัดการการแจ้งเตือนได้"
        )


def check_may_design(actor: Actor) -> None:
    """Raise PermissionDenied unless a designer or administrator (or the command line) acts."""
    if actor.kind == "system" or (actor.kind == "staff" and actor.roles & PROCESS_ROLES):
        return
    raise PermissionDenied(
        "Only process designers and administrators manage processes.",
        "เฉพาะผู้ออกแบบกระบวนงานและผู้ดูแลระบบเท่านั้นที่จัดการกระบวนงานได้",
    )


def check_server_console(actor: Actor) -> None:
    """Raise PermissionDenied unless the server's own command line acts (a system actor): what
    only an operator at the server may do, never a staff member's page or token."""
    if actor.kind == "system":
        return
    raise PermissionDenied(
        "Only the server's command line may make a version live without a second person.",
        "เฉพาะคำสั่งบนเครื่องแม่ข่ายเท่านั้นที่เปิดใช้รุ่นได้โดยไม่ต้องมีผู้อนุมัติคนที่สอง",
    )


def check_may_manage_keys(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is an administrator (or the command line)."""
    if actor.kind == "system" or (actor.kind == "staff" and actor.has("admin")):
        return
    raise PermissionDenied(
        "Only administrators manage partner apps' Open311 keys.",
        "เฉพาะผู้ดูแลระบบเท่านั้นที่จัดการกุญแจ Open311 ของแอปพันธมิตรได้",
    )


def check_may_manage_letterheads(actor: Actor) -> None:
    """Raise PermissionDenied unless an administrator (or the command line) changes the images
    at the top of letters."""
    if actor.kind == "system" or (actor.kind == "staff" and actor.has("admin")):
        return
    raise PermissionDenied(
        "Only administrators change the letterhead of letters.",
        "เฉพาะผู้ดูแลระบบเท่านั้นที่เปลี่ยนตราหรือหัวกระดาษของหนังสือได้",
    )


def check_partner_key(key: Any | None) -> None:
    """Raise PermissionDenied unless a partner's Open311 key was found and is not revoked."""
    if key is None or key.revoked_at is not None:
        raise PermissionDenied(
            "The api_key is missing, wrong or revoked.",
            "ไม่มี api_key หรือ api_key ไม่ถูกต้องหรือถูกเพิกถอนแล้ว",
        )


# --- Complainants and staff preferences ---


def check_may_rate(actor: Actor) -> None:
    """Raise PermissionDenied unless the complainant rates (staff never rate a case)."""
    if actor.kind != "citizen":
        raise PermissionDenied("Only the complainant rates a case.", "เฉพาะผู้ร้องเท่านั้นที่ให้คะแนนเรื่องได้")


def check_may_link_line(actor: Actor) -> None:
    """Raise PermissionDenied unless the complainant links a LINE account to their case."""
    if actor.kind != "citizen":
        raise PermissionDenied(
            "Only the complainant links a LINE account.", "เฉพาะผู้ร้องเท่านั้นที่เชื่อมบัญชี LINE ได้"
        )


def check_may_choose_notifications(actor: Actor, case_id: int) -> None:
    """Raise PermissionDenied unless the complainant of this very case chooses how to be told."""
    if actor.kind != "citizen" or actor.case_id != case_id:
        raise PermissionDenied(
            "Only the complainant chooses how to be told.", "เฉพาะผู้ร้องเท่านั้นที่เลือกช่องทางแจ้งเตือนได้"
        )


def check_is_staff_user(actor: Actor) -> int:
    """The acting staff user's id; PermissionDenied for anyone else (their own preferences)."""
    if actor.kind != "staff" or actor.user_id is None:
        raise PermissionDenied("Staff only.", "เฉพาะเจ้าหน้าที่")
    return actor.user_id


# --- Four eyes on making a process version live ---


def may_approve_activation(actor: Actor, request: Any) -> bool:
    """Whether the actor may approve or reject a request to make a version live: a designer or
    administrator who is not the one who asked (for showing the buttons)."""
    if actor.kind != "staff" or not actor.roles & PROCESS_ROLES:
        return False
    asked_by_them = actor.user_id is not None and actor.user_id == request.requested_by_id
    return not asked_by_them and actor.label != request.requested_by


def check_may_approve_activation(actor: Actor, request: Any) -> None:
    """Raise PermissionDenied unless a second person (another designer, or an administrator)
    decides a request to make a version live; the one who asked never decides it."""
    if actor.kind != "staff" or not actor.roles & PROCESS_ROLES:
        raise PermissionDenied(
            "Only process designers and administrators decide which version goes live.",
            "เฉพาะผู้ออกแบบกระบวนงานและผู้ดูแลระบบเท่านั้นที่อนุมัติการเปิดใช้รุ่นได้",
        )
    if not may_approve_activation(actor, request):
        raise PermissionDenied(
            "You asked for this version to go live: another designer or an administrator "
            "must approve it (four eyes).",
            "ท่านเป็นผู้ขอเปิดใช้รุ่นนี้เอง ต้องให้ผู้ออกแบบกระบวนงานคนอื่นหรือผู้ดูแลระบบเป็นผู้อนุมัติ",
        )


def may_cancel_activation(actor: Actor, request: Any) -> bool:
    """Whether the actor may withdraw a request: the one who asked, or an administrator."""
    if actor.kind != "staff":
        return False
    own = actor.user_id is not None and actor.user_id == request.requested_by_id
    return own or actor.has("admin")


def check_may_cancel_activation(actor: Actor, request: Any) -> None:
    """Raise PermissionDenied unless the one who asked (or an administrator) withdraws it."""
    if not may_cancel_activation(actor, request):
        raise PermissionDenied(
            "Only the designer who asked, or an administrator, withdraws this request.",
            "เฉพาะผู้ขอเปิดใช้รุ่นหรือผู้ดูแลระบบเท่านั้นที่ยกเลิกคำขอนี้ได้",
        )
