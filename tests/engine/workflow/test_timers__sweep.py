"""The timer sweep: due timers fire once, a broken case is noted and skipped."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Timer, WorkflowInstance
from engine.workflow.timers import fire_due_timers
from tests.engine.helpers import complete, open_case, status_of


def _resolved_case(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "ให้คำแนะนำแล้ว"},
    )
    return case_id


def test_one_broken_case_does_not_stop_the_others(factory, clock, staff):
    good = _resolved_case(factory, clock, staff)
    broken = _resolved_case(factory, clock, staff)
    with factory.begin() as session:
        session.get(WorkflowInstance, broken).state = b"not a workflow"
    clock.advance(days=31)
    result = fire_due_timers(factory, clock)
    assert (result.fired, result.failed) == (1, 1)
    assert status_of(factory, good) == "closed"
    assert status_of(factory, broken) == "resolved"
    with factory() as session:
        timer = session.scalar(select(Timer).where(Timer.case_id == broken))
    assert timer.attempts == 1 and timer.last_error
    assert timer.next_attempt_at > clock()
    # Backing off: the next sweep leaves it alone until its retry time.
    assert fire_due_timers(factory, clock).failed == 0


def test_timer_fire_times_follow_the_injected_clock(factory, clock, staff):
    case_id = _resolved_case(factory, clock, staff)
    with factory() as session:
        timer = session.scalar(select(Timer).where(Timer.case_id == case_id))
    assert (timer.fire_at - clock()).days == 30


def test_two_sweepers_at_once_fire_each_timer_once(factory, clock, staff):
    import threading

    cases = [_resolved_case(factory, clock, staff) for _ in range(3)]
    clock.advance(days=31)
    results = []
    barrier = threading.Barrier(2)

    def sweep() -> None:
        barrier.wait()
        results.append(fire_due_timers(factory, clock))

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.fired for r in results) == 3
    assert sum(r.failed for r in results) == 0
    assert [status_of(factory, c) for c in cases] == ["closed"] * 3
