"""Who acts, the role sets every rule is written in, and which cases and tasks each actor sees.

The checks built on these (`check_*`, `may_*`) are in engine/access/checks.py; what a reader sees
of the complainant is in engine/access/identity.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from engine.models import Case, Referral, Task, User

CENTER_KINDS = frozenset({"central", "provincial_center", "district_center"})
# Center roles that see the cases of their area (executives read, the others work them).
STAFF_CASE_ROLES = frozenset({"intake", "screener", "supervisor", "executive"})
# The lanes of the diagrams: the roles that have user tasks, and so an inbox.
TASK_ROLES = frozenset({"screener", "agency_officer", "supervisor"})
# Who reads cases at all (case_visibility decides which): everyone but the process designer.
CASE_READER_ROLES = STAFF_CASE_ROLES | {"agency_officer", "admin"}
# Roles that work cases: they add comments and files. Executives, designers and administrators
# read what their scope shows them; they do not write into a case's record.
CASEWORK_ROLES = frozenset({"intake", "screener", "supervisor", "agency_officer"})
# A center's officers: they prepare referrals, decide what agencies receive, see full IDs.
CENTER_OFFICER_ROLES = frozenset({"intake", "screener", "supervisor"})
# Who at a center approves or rejects an agency's request to forward a case.
FORWARD_DECIDER_ROLES = frozenset({"screener", "supervisor"})
# message -> who may send it ("citizen", "system", or a staff role)
MESSAGE_SENDERS: dict[str, frozenset[str]] = {
    "withdraw": frozenset({"citizen", "intake", "screener"}),
    "info_provided": frozenset({"citizen", "intake", "screener"}),
    "reopen": frozenset({"citizen", "intake", "screener"}),
    "sla_breached": frozenset({"system", "supervisor"}),
}
# Who deploys, activates, retires and migrates processes and binds categories to them.
PROCESS_ROLES = frozenset({"designer", "admin"})
# Who reads the SLA figures (a center's staff for all, an agency's for itself).
FIGURE_ROLES = frozenset({"executive", "supervisor", "admin", "screener", "agency_officer"})


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

    @property
    def is_center_officer(self) -> bool:
        """A center's intake officer, screener or supervisor."""
        return self.is_center_staff and bool(self.roles & CENTER_OFFICER_ROLES)


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
