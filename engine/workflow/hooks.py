"""The workflow's plug points, filled at start-up by the composition root (damrong/wiring.py).

A step of the workflow has consequences that belong to the layers above it: a BPMN script asks
to refer the case or to notify someone (engine/cases), a task opens and needs a deadline, a task
closes and its deadline is kept as met or missed, the case leaves or re-enters a status that
stops the SLA clock (engine/sla). The runner calls what is registered here and imports none of
them, so no import circle runs through the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from engine.access.rules import Actor
from engine.clock import Clock
from engine.models import Case, Task

# (session, now, actor, case, agency code, role)
Refer = Callable[[Session, datetime, Actor, Case, str, str], None]
# (session, case, event, now)
Notify = Callable[[Session, Case, str, datetime], None]
# (session, case, task row, now)
TaskHook = Callable[[Session, Case, Task, datetime], None]
# (session, actor, case, status before, now)
StatusHook = Callable[[Session, Actor, Case, str, datetime], None]
# (session, clock) -> a function BPMN scripts may call by name
HelperFactory = Callable[[Session, Clock], Callable[..., object]]


@dataclass
class Hooks:
    """What the layers above registered; the runner refuses to run until refer and notify are."""

    refer: Refer | None = None
    notify: Notify | None = None
    task_opened: list[TaskHook] = field(default_factory=list)
    task_closed: list[TaskHook] = field(default_factory=list)
    status_changed: list[StatusHook] = field(default_factory=list)
    helpers: dict[str, HelperFactory] = field(default_factory=dict)


HOOKS = Hooks()


def set_effects(*, refer: Refer, notify: Notify) -> None:
    """The handlers of a BPMN script's `refer_case(...)` and `notify(...)`."""
    HOOKS.refer, HOOKS.notify = refer, notify


def on_task_opened(hook: TaskHook) -> None:
    """Call `hook` for every new task row, before it is stored."""
    _add(HOOKS.task_opened, hook)


def on_task_closed(hook: TaskHook) -> None:
    """Call `hook` for every task row that is done, before it is removed."""
    _add(HOOKS.task_closed, hook)


def on_status_changed(hook: StatusHook) -> None:
    """Call `hook` after a step changed the case status, before the task rows are synced."""
    _add(HOOKS.status_changed, hook)


def add_script_helper(name: str, factory: HelperFactory) -> None:
    """Offer BPMN scripts and expressions one more helper function (built per step)."""
    HOOKS.helpers[name] = factory


def installed() -> Hooks:
    """The registered hooks; a clear error when the composition root has not installed them."""
    if HOOKS.refer is None or HOOKS.notify is None:
        raise RuntimeError(
            "the workflow's hooks are not installed: build sessions with "
            "damrong.wiring.make_sessionmaker() or call damrong.wiring.install() first"
        )
    return HOOKS


def _add(hooks: list, hook: Callable) -> None:  # type: ignore[type-arg]
    if hook not in hooks:
        hooks.append(hook)
