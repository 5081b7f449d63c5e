"""The steps of a test-run (engine/cases/trial.py), each through the service that does it in
production, each in a savepoint: a step that fails is undone alone and stops the run, and the
state after the last good step is still there to be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access.rules import Actor
from engine.cases import intake
from engine.cases import tasks as task_service
from engine.clock import MovableClock
from engine.errors import DamrongError, TaskNotFound, ValidationFailed
from engine.holders import active_referrals
from engine.models import Case, OrgUnit, OutboxMessage, Task, Timer, User
from engine.sla import deadlines, policies
from engine.workflow import messages, runner, testrun, timers

MAX_WAKES = 200  # instants one `advance` stops at (a timer, a reminder, a deadline)
SWEEP_LAG = timedelta(seconds=1)
CITIZEN_MESSAGES = frozenset({"info_provided", "withdraw", "reopen"})
SLA_CLOCK = Actor.system("sla-clock")
STAFF_CHANNELS = intake.STAFF_CHANNELS


@dataclass
class Step:
    """One step's outcome: what it completed, the status after it, or why it failed."""

    index: int  # -1: opening the case
    kind: str
    label: str
    ok: bool = True
    completed: list[str] = field(default_factory=list)
    status: str | None = None
    at: str = ""
    outbox: list[str] = field(default_factory=list)  # events queued by this step
    message_th: str = ""
    message_en: str = ""
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)  # a form's field errors


def intake_data(start: dict, name: str) -> dict:
    """The complaint a run opens: the scenario's start over a plain web complaint."""
    data = {
        "title": f"เรื่องทดสอบ {name}",
        "description": "เรื่องสมมติสำหรับทดลองเดินกระบวนงาน (test-run): ไม่ใช่เรื่องจริง",
        "category": start.get("category", "labour"),
        "area_code": start.get("area_code", "500101"),
        "channel": start.get("channel", "web"),
        "consent": True,
        "complainant": {"name": "ผู้ร้องทดสอบ", "email": "test-run@example.invalid"},
    }
    return {**data, **start.get("data", {})}


class Player:
    """One case moved through the services by the steps of a scenario."""

    def __init__(self, session: Session, clock: MovableClock) -> None:
        self.session, self.clock = session, clock
        self.case: Case | None = None
        self.steps: list[Step] = []
        self.path: list[str] = []
        self._seen: set[UUID] = set()
        self._officials: dict[tuple[str, int], Actor] = {}
        self._outbox_seen = 0

    # -- steps -----------------------------------------------------------------------------

    def start(self, start: dict, name: str) -> None:
        """Open the case (a web complaint by the citizen, or a staff channel's intake officer)."""
        data = intake_data(start, name)

        def open_it() -> None:
            actor = Actor(kind="citizen", label="complainant")
            if data.get("channel") in STAFF_CHANNELS:
                actor = self._official("intake", self._center_for(str(data.get("area_code"))))
            self.case = intake.open_case(self.session, self.clock, actor, data).case

        self._run(Step(-1, "start", f"start {data.get('category')}"), open_it)

    def play(self, index: int, step: dict) -> None:
        """Run one checked step of the scenario."""
        if "complete" in step:
            label = f"complete {step['complete']}"
            self._run(Step(index, "complete", label), lambda: self._complete(step))
        elif "advance" in step:
            ((unit, amount),) = step["advance"].items()
            label = f"advance {amount} {unit.replace('_', ' ')}"
            self._run(Step(index, "advance", label), lambda: self._advance(unit, amount))
        elif "message" in step:
            label = f"message {step['message']}"
            self._run(Step(index, "message", label), lambda: self._message(step["message"]))
        else:
            self._run(Step(index, "sweep", "sweep"), self._sweep)

    def _run(self, step: Step, action) -> None:  # type: ignore[no-untyped-def]
        try:
            with self.session.begin_nested():
                action()
        except ValidationFailed as exc:
            step.ok, step.errors = False, exc.fields
            step.message_th, step.message_en = _with_fields(exc)
        except DamrongError as exc:
            step.ok, step.message_th, step.message_en = False, exc.message_th, exc.message_en
        self.steps.append(step)
        step.at = self.clock().isoformat()
        if self.case is not None:
            self.session.refresh(self.case)
            step.status = self.case.status
            step.completed = testrun.completed_since(self.workflow(), self._seen)
            self.path.extend(step.completed)
            step.outbox = [m["event"] for m in self.outbox()[self._outbox_seen :]]
            self._outbox_seen += len(step.outbox)
        if not step.ok:
            self._explain(step)

    def _explain(self, step: Step) -> None:
        """Name the step and its element in a failure; what is open when a task was not."""
        where = "เปิดเรื่อง" if step.index < 0 else f"ขั้นที่ {step.index + 1}"
        step.message_th = f"{where} ({step.label}): {step.message_th}"
        where = "Opening the case" if step.index < 0 else f"Step {step.index + 1}"
        step.message_en = f"{where} ({step.label}): {step.message_en}"
        if step.kind == "complete" and not step.errors:
            step.message_th += f" (งานที่เปิดอยู่: {', '.join(self._open_steps()) or '-'})"
            step.message_en += f" (open tasks: {', '.join(self._open_steps()) or 'none'})"

    def _complete(self, step: dict) -> None:
        element = step["complete"]
        task = next((t for t in self.open_tasks() if t.step == element), None)
        if task is None:
            raise TaskNotFound(
                f"The task «{element}» is not open now.", f"งาน «{element}» ไม่ได้เปิดอยู่ในขณะนี้"
            )
        actor = self._official(task.role, task.org_unit_id)
        task_service.complete_task(self.session, self.clock, actor, task.id, dict(step["data"]))

    def _advance(self, unit: str, amount: int) -> None:
        """Move the clock, stopping at every instant a timer, reminder or deadline of the case
        falls due on the way, as a scheduler running all along would have."""
        now = self.clock()
        if unit == "working_days":
            target = policies.calendar(self.session).add_working_days(now, amount)
        else:
            target = now + timedelta(days=amount)
        woke = None
        for _ in range(MAX_WAKES):
            due = self._next_due()
            # The scheduler runs a moment after a due time (SpiffWorkflow fires a timer only
            # once its time has passed); a due time the sweep left as it was is not waited on.
            wake = None if due is None else max(due + SWEEP_LAG, self.clock())
            if wake is None or wake > target or wake == woke:
                break
            self.clock.set(wake)
            self._sweep()
            woke = wake
        self.clock.set(target)
        self._sweep()

    def _sweep(self) -> None:
        """The scheduler's timer and deadline steps, for this case only."""
        assert self.case is not None
        now, case_id = self.clock(), self.case.id
        if self.session.scalar(
            select(Timer.id).where(Timer.case_id == case_id, Timer.fire_at <= now).limit(1)
        ):
            timers.fire_case_timers(self.session, self.clock, case_id)
        ids = self._task_ids(Task.next_reminder_at <= now, Task.due_at > now)
        for task_id in ids:
            deadlines._remind(self.session, self.clock, task_id)  # the sweep's own step
        for task_id in self._task_ids(Task.breached_at.is_(None), Task.due_at <= now):
            deadlines._breach(self.session, self.clock, task_id)

    def _message(self, name: str) -> None:
        assert self.case is not None
        actor = Actor.citizen(self.case.id) if name in CITIZEN_MESSAGES else SLA_CLOCK
        messages.send_message(self.session, self.clock, actor, self.case.id, name)

    # -- reading ---------------------------------------------------------------------------

    def workflow(self):  # type: ignore[no-untyped-def]
        """The case's workflow as it stands (read-only)."""
        assert self.case is not None
        return runner.load(self.session, self.case)

    def open_tasks(self) -> list[Task]:
        """The case's open tasks, oldest first."""
        assert self.case is not None
        query = select(Task).where(Task.case_id == self.case.id).order_by(Task.id)
        return list(self.session.scalars(query.execution_options(populate_existing=True)))

    def referrals(self) -> list[dict]:
        """The agencies holding the case now."""
        assert self.case is not None
        return [
            {"agency": r.agency.code, "name_th": r.agency.name_th, "role": r.role}
            for r in active_referrals(self.session, self.case.id)
        ]

    def outbox(self) -> list[dict]:
        """The notifications the run queued (never sent: the transaction is rolled back)."""
        assert self.case is not None
        rows = self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.case_id == self.case.id)
            .order_by(OutboxMessage.id)
        )
        return [
            {"event": m.event, "recipient": m.recipient, "at": m.created_at.isoformat()}
            for m in rows
        ]

    def _open_steps(self) -> list[str]:
        return [t.step for t in self.open_tasks()] if self.case is not None else []

    def _task_ids(self, *conditions) -> list[int]:  # type: ignore[no-untyped-def]
        assert self.case is not None
        query = select(Task.id).where(Task.case_id == self.case.id, *conditions).order_by(Task.id)
        return list(self.session.scalars(query))

    def _next_due(self) -> datetime | None:
        assert self.case is not None
        case_id = self.case.id
        times = [
            self.session.scalar(select(func.min(Timer.fire_at)).where(Timer.case_id == case_id)),
            self.session.scalar(
                select(func.min(Task.next_reminder_at)).where(Task.case_id == case_id)
            ),
            self.session.scalar(
                select(func.min(Task.due_at)).where(
                    Task.case_id == case_id, Task.breached_at.is_(None)
                )
            ),
        ]
        return min((t for t in times if t is not None), default=None)

    def _official(self, role: str, unit_id: int) -> Actor:
        """An official of a role at a unit, made for this run (inactive: cannot sign in)."""
        found = self._officials.get((role, unit_id))
        if found is None:
            unit = self.session.get(OrgUnit, unit_id)
            user = User(
                username=f"~test-run~{role}~{unit_id}"[:64],
                display_name="ผู้ทดสอบกระบวนงาน (test-run)",
                password_hash="!",
                org_unit_id=unit_id,
                roles=[role],
                active=False,
                language="th",
                created_at=self.clock(),
            )
            self.session.add(user)
            self.session.flush()
            found = Actor(
                kind="staff",
                label=user.username,
                user_id=user.id,
                roles=frozenset({role}),
                org_unit_id=unit_id,
                org_unit_kind=unit.kind if unit else None,
                area_code=unit.area_code if unit else None,
            )
            self._officials[(role, unit_id)] = found
        return found

    def _center_for(self, area_code: str) -> int:
        codes = [f"c{area_code[:4]}", f"c{area_code[:2]}", "central"]
        rows = dict(
            self.session.execute(
                select(OrgUnit.code, OrgUnit.id).where(
                    OrgUnit.code.in_(codes), OrgUnit.active.is_(True)
                )
            ).all()
        )
        return next(rows[c] for c in codes if c in rows)


def _with_fields(exc: ValidationFailed) -> tuple[str, str]:
    """A form's refusal in one line per language, naming each field."""
    th = "; ".join(f"{k or 'form'}: {v[0]}" for k, v in exc.fields.items())
    en = "; ".join(f"{k or 'form'}: {v[1]}" for k, v in exc.fields.items())
    return th, en
