"""Who may see and do what: decided here, in the engine, for every edge alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from engine.errors import PermissionDenied
from engine.models import Case, Referral, Task, User

CENTER_KINDS = frozenset({"central", "provincial_center", "district_center"})
STAFF_CASE_ROLES = frozenset({"intake", "screener", "supervisor", "executive"})


@dataclass(frozen=True)
class Actor:
    """The person or process acting: a staff user, the scheduler, or a citizen with a secret."""

    kind: str  # staff | system | citizen
    label: str
    user_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    org_unit_id: int | None = None
    org_unit_kind: str | None = None
    area_code: str | None = None
    case_id: int | None = None  # the one case a citizen proved they own

    @classmethod
    def for_user(cls, user: User) -> Actor:
        """The actor for a signed-in staff member."""
        unit = user.org_unit
        return cls(
            kind="staff",
            label=user.username,
            user_id=user.id,
            roles=frozenset(user.roles),
            org_unit_id=unit.id,
            org_unit_kind=unit.kind,
            area_code=unit.area_code,
        )

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The scheduler and other background work."""
        return cls(kind="system", label=label)

    @classmethod
    def citizen(cls, case_id: int) -> Actor:
        """A complainant who proved ownership of one case."""
        return cls(kind="citizen", label="complainant", case_id=case_id)

    def has(self, role: str) -> bool:
        """Whether the actor holds a role."""
        return role in self.roles

    @property
    def is_center_staff(self) -> bool:
        """Staff of a complaint center (central, provincial or district)."""
        return self.kind == "staff" and self.org_unit_kind in CENTER_KINDS

    @property
    def is_agency_staff(self) -> bool:
        """Staff of an agency that receives referrals."""
        return self.kind == "staff" and self.org_unit_kind == "agency"


def case_visibility(actor: Actor) -> ColumnElement[bool]:
    """A SQL condition selecting exactly the cases the actor may see."""
    if actor.kind == "system" or actor.has("admin"):
        return true()
    if actor.kind == "citizen":
        return Case.id == actor.case_id
    if actor.is_center_staff and actor.roles & STAFF_CASE_ROLES:
        if actor.org_unit_kind == "central" or not actor.area_code:
            return true()
        # Their area, and the cases their own center holds: a walk-in from a neighbouring
        # district registered here is screened here.
        return or_(
            Case.area_code.startswith(actor.area_code, autoescape=True),
            Case.center_id == actor.org_unit_id,
        )
    if actor.is_agency_staff and actor.has("agency_officer"):
        return exists(
            select(Referral.id).where(
                Referral.case_id == Case.id,
                Referral.agency_id == actor.org_unit_id,
                Referral.active.is_(True),
            )
        )
    return false()


def task_visibility(actor: Actor) -> ColumnElement[bool]:
    """A SQL condition selecting the tasks the actor could work on."""
    if actor.kind != "staff":
        return false()
    return Task.org_unit_id == actor.org_unit_id


def task_oversight(actor: Actor) -> ColumnElement[bool]:
    """A SQL condition selecting every open task a supervisor oversees: all units, their area."""
    if actor.kind != "staff" or not actor.has("supervisor") or not actor.is_center_staff:
        return false()
    if actor.org_unit_kind == "central" or not actor.area_code:
        return true()
    return in_area(Task.area_code, actor.area_code)


def in_area(column, prefix: str) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """DOPA codes under an area (a code prefix) as an index-friendly range: '50' <= c < '50:'.

    ':' follows '9' in byte order (SQLite, and PostgreSQL with the C collation we require)."""
    return (column >= prefix) & (column < prefix + ":")


# The lanes of the diagrams: the roles that have user tasks, and so an inbox.
TASK_ROLES = frozenset({"screener", "agency_officer", "supervisor"})


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


def check_can_see(session, actor: Actor, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Raise PermissionDenied unless the actor may see the case."""
    visible = session.scalar(select(Case.id).where(Case.id == case_id, case_visibility(actor)))
    if visible is None:
        raise PermissionDenied("You may not see this case.", "ท่านไม่มีสิทธิ์เข้าถึงเรื่องร้องเรียนนี้")


# Roles that work cases: they add comments and files. Executives, designers and administrators
# read what their scope shows them; they do not write into a case's record.
CASEWORK_ROLES = frozenset({"intake", "screener", "supervisor", "agency_officer"})


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


def check_can_work(actor: Actor, task: Task) -> None:
    """Raise PermissionDenied unless the actor holds the task's role in its org unit."""
    if actor.kind != "staff" or not actor.has(task.role) or actor.org_unit_id != task.org_unit_id:
        raise PermissionDenied(
            "This task belongs to another role or unit.",
            "งานนี้เป็นของบทบาทหรือหน่วยงานอื่น ท่านไม่มีสิทธิ์ดำเนินการ",
        )


def may_see_complainant(actor: Actor, case: Case) -> bool:
    """Agencies never learn who complained when the complainant asked for confidentiality."""
    if actor.kind == "system":
        return True
    if actor.is_agency_staff:
        return not (case.confidential or case.anonymous)
    return actor.is_center_staff and not case.anonymous


def may_see_full_national_id(actor: Actor) -> bool:
    """Only screeners and supervisors at a center need the full national ID."""
    return actor.is_center_staff and bool(actor.roles & {"screener", "supervisor", "intake"})
