"""Wiring: what the capabilities hook into the engine, installed by every entry point.

The engine never imports a capability. Where a lower part must reach a higher one — the agency
feed written on every commit, the per-form steps of completing a task, the workflow's referral
and notice effects, the deadline rules — the higher part offers a function and this module
registers it. The web app, the scheduler, the command line, the benchmarks and the tests all
build their session factories here, so none of them can miss a hook.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agency import feed
from engine import db
from engine.cases import forwarding, notices, referrals, searchindex, tasks
from engine.sla import lifecycle, policies, supervision
from engine.workflow import hooks, spiff


def make_sessionmaker(engine: Engine, *, write: bool = True) -> sessionmaker[Session]:
    """A session factory with every session hook installed (the agencies' feed)."""
    install()
    factory = db.make_sessionmaker(engine, write=write)
    feed.install(factory)
    searchindex.install(factory)  # the agencies' filtered search copy
    return factory


def install() -> None:
    """Register the capabilities' hooks in the engine (idempotent)."""
    spiff.install_timer_clock()
    # What a BPMN step sets off in the layers above the workflow.
    hooks.set_effects(refer=referrals.refer, notify=notices.notify_event)
    hooks.on_task_opened(lifecycle.give_deadline)
    hooks.on_task_closed(lifecycle.record_outcome)
    hooks.on_status_changed(lifecycle.pause_or_resume)
    hooks.add_script_helper("policy_duration", policies.policy_duration_helper)
    # Forms with a step of their own when their task is completed.
    tasks.on_complete(forwarding.FORWARD_FORM, hold=forwarding.hold_for_approval)
    tasks.on_complete(supervision.FORM, after=supervision.apply)
