"""A test-run: a scenario (engine/workflow/scenarios.py) played through the real case services
on a draft or a stored version, inside a transaction that is rolled back at the end
(engine/workflow/testrun.py).

The case is opened by intake, its tasks are completed by the inbox's `complete_task` (the same
form checks and per-form steps an official meets), messages go through `send_message`, time
moves on an injected clock and the scheduler's timer and deadline steps run for this case at
every instant something falls due on the way; referrals and notifications are written as in
production, and the outbox rows are read back before the rollback: they are never sent. The
officials who act are made for the run (one per role and unit, unable to sign in) and go with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.cases import tasks as task_service
from engine.cases.trialsteps import Player, Step
from engine.clock import MovableClock
from engine.errors import DefinitionInvalid
from engine.models import Task
from engine.workflow import drafts, scenarios, testrun, versions
from forms.loader import shared_schema


@dataclass
class RunResult:
    """What a run did and where it stopped, and whether that is what the scenario expects."""

    scenario: dict
    steps: list[Step] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    status: str | None = None
    resolution: str | None = None
    referrals: list[dict] = field(default_factory=list)
    outbox: list[dict] = field(default_factory=list)
    diagrams: list[dict] = field(default_factory=list)
    ended_at: datetime | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)  # against `expect`

    @property
    def failed(self) -> Step | None:
        """The step that failed (the run stopped there), if any."""
        return next((s for s in self.steps if not s.ok), None)

    @property
    def passed(self) -> bool:
        """No step failed and the path and status are as expected."""
        return self.failed is None and not self.problems

    def as_json(self, with_diagrams: bool = False) -> dict:
        """The result as JSON (the CLI's --json; diagrams and forms only when asked)."""
        out = asdict(self)
        out["passed"] = self.passed
        out["ended_at"] = self.ended_at.isoformat() if self.ended_at else None
        out["problems"] = [{"th": th, "en": en} for th, en in self.problems]
        if not with_diagrams:
            out.pop("diagrams")
            for task in out["tasks"]:
                task.pop("schema", None)
        return out


def run_draft(
    factory: sessionmaker[Session], actor: Actor, draft_id: int, document: object
) -> RunResult:
    """Run a scenario on a draft's files as they are saved now; nothing is kept."""
    check_may_design(actor)
    scenario = scenarios.check(document)
    with testrun.sandbox(factory) as session:
        draft = drafts.get(session, actor, draft_id)
        clock = MovableClock(testrun.EPOCH)
        files = drafts.bundle(draft)
        try:
            with testrun.trial_of_files(session, clock(), files, draft.process_id) as version_id:
                return _play(session, clock, scenario, version_id, draft.process_id)
        except DefinitionInvalid as exc:  # the draft does not deploy: say why, as a deploy would
            return _refused(scenario, exc)


def run_version(
    factory: sessionmaker[Session], actor: Actor, process_id: str, version: int, document: object
) -> RunResult:
    """Run a scenario on a stored version; nothing is kept."""
    check_may_design(actor)
    scenario = scenarios.check(document)
    with testrun.sandbox(factory) as session:
        definition = versions.find(session, process_id, version)
        with testrun.trial_of_version(definition) as definition_id:
            clock = MovableClock(testrun.EPOCH)
            return _play(session, clock, scenario, definition_id, process_id)


def _refused(scenario: dict, exc: DefinitionInvalid) -> RunResult:
    step = Step(-1, "start", "start", False, message_th=exc.message_th, message_en=exc.message_en)
    return RunResult(scenario, steps=[step])


def _play(
    session: Session, clock: MovableClock, scenario: dict, definition_id: int, process_id: str
) -> RunResult:
    player = Player(session, clock)
    player.start(scenario["start"], scenario["name"])
    for index, step in enumerate(scenario["steps"]):
        if not player.steps[-1].ok:
            break
        player.play(index, step)
    result = RunResult(scenario, steps=player.steps, path=player.path, ended_at=clock())
    if player.case is None:
        return result
    case = player.case
    session.refresh(case)
    wf = player.workflow()
    states = testrun.element_states(wf)
    result.active = sorted({e for s in states.values() for e in s["active"]})
    result.waiting = sorted({e for s in states.values() for e in s["waiting"]})
    result.status, result.resolution = case.status, case.resolution
    result.tasks = [_task_json(session, t) for t in player.open_tasks()]
    result.referrals = player.referrals()
    result.outbox = player.outbox()
    result.diagrams = testrun.diagrams(session, definition_id, wf.spec.name, states)
    if result.failed is None:
        result.problems = scenarios.compare(scenario["expect"], result.path, result.status)
    return result


def _task_json(session: Session, task: Task) -> dict:
    form = task_service.form_of(session, task)
    return {
        "step": task.step,
        "name_th": task.name_th,
        "name_en": task.name_en,
        "role": task.role,
        "form": task.form,
        "unit_id": task.org_unit_id,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "schema": shared_schema(form),
    }


def run_all(
    factory: sessionmaker[Session],
    actor: Actor,
    kept: dict[str, dict],
    *,
    draft_id: int | None = None,
    process_id: str | None = None,
    version: int | None = None,
) -> list[RunResult]:
    """Every kept scenario of a draft (or of a version), by name."""
    out = []
    for name in sorted(kept):
        if draft_id is not None:
            out.append(run_draft(factory, actor, draft_id, kept[name]))
        else:
            assert process_id is not None and version is not None
            out.append(run_version(factory, actor, process_id, version, kept[name]))
    return out
