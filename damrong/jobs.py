"""The scheduler's job list: one declarative table of (name, function, interval)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine.access.sessions import prune_sign_in_records
from engine.access.throttle import prune_rate_limits
from engine.cases.searchindex import reindex_stale
from engine.clock import Clock
from engine.sla.deadlines import sweep_deadlines
from engine.workflow.approvals import activate_due
from engine.workflow.migrationruns import run_pending as carry_on_migrations
from engine.workflow.timers import fire_due_timers
from notifications.digest import send_daily_digests
from notifications.dispatcher import dispatch_outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A background job: a service call repeated every `seconds`."""

    name: str
    run: Callable[[sessionmaker[Session], Clock], object]
    seconds: int


def job_list(sweep_seconds: int) -> list[Job]:
    """Every background job Damrong runs."""
    return [
        Job("timer_sweep", fire_due_timers, sweep_seconds),
        Job("deadline_sweep", sweep_deadlines, sweep_seconds),
        Job("outbox_dispatch", dispatch_outbox, min(sweep_seconds, 10)),
        Job("daily_digest", send_daily_digests, 300),
        Job("rate_limit_prune", prune_rate_limits, 600),
        Job("sign_in_prune", prune_sign_in_records, 3600),
        Job("search_reindex", reindex_stale, 600),  # after the identity filter's rules change
        Job("scheduled_activation", activate_due, 60),  # approved versions going live at a time
        Job("migration_runs", carry_on_migrations, 10),  # cases moving between versions
    ]


def run_once(factory: sessionmaker[Session], clock: Clock, jobs: list[Job]) -> dict[str, object]:
    """Run every job one time (ops and scripts: `damrong scheduler --once`)."""
    return {job.name: job.run(factory, clock) for job in jobs}


def build_scheduler(
    factory: sessionmaker[Session], clock: Clock, jobs: list[Job], *, background: bool
) -> BackgroundScheduler | BlockingScheduler:
    """An APScheduler instance with the job list; one instance of each job at a time."""
    scheduler = BackgroundScheduler() if background else BlockingScheduler()
    for job in jobs:
        scheduler.add_job(
            job.run,
            "interval",
            seconds=job.seconds,
            args=[factory, clock],
            id=job.name,
            max_instances=1,
            coalesce=True,
        )
    return scheduler
