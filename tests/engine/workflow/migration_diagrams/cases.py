"""Where the migration tests put a case before moving it, and how they finish it."""

from __future__ import annotations

from typing import Any

from tests.engine.workflow.migration_diagrams import versions
from tests.processes import driver as drive


def at_screening(d: Any) -> None:
    assert d.ready() == ["screen"]


def in_agency_handling(d: Any) -> None:
    drive.refer_to_agency(d)
    drive.acknowledge(d)
    d.pass_time(1)
    assert "sla_breached" in d.waiting_messages()


def supervisor_open(d: Any) -> None:
    in_agency_handling(d)
    d.send("sla_breached")
    assert d.ready() == ["agency_handle", "supervise"]


def at_review(d: Any) -> None:
    in_agency_handling(d)
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]


def in_reopen_window(d: Any) -> None:
    at_review(d)
    d.complete("review", review_decision="accept")
    d.pass_time(3)
    assert d.status() == "resolved" and versions.timers(d.wf)


def awaiting_information(d: Any) -> None:
    d.complete("screen", decision="request_info")
    d.pass_time(3)
    assert d.status() == "awaiting_information"


POSITIONS = [
    at_screening,
    in_agency_handling,
    supervisor_open,
    at_review,
    in_reopen_window,
    awaiting_information,
]
ANSWERS: dict[str, dict[str, object]] = {
    "screen": {"decision": "refer"},
    "agency_acknowledge": {},
    "agency_handle": {"action": "result"},
    "supervise": {"supervisor_action": "remind"},
    "review": {"review_decision": "accept"},
    "double_check": {},
}


def run_to_end(d: Any) -> list[str]:
    """Work every open task until the case ends; the elements worked, in order."""
    worked = []
    for _ in range(30):
        if d.ended:
            return worked
        ready = d.ready()
        if ready:
            worked.append(ready[0])
            d.complete(ready[0], **ANSWERS[ready[0]])
        else:
            d.pass_time(31)  # a timer ends the wait: the reopen window, the information wait
    raise AssertionError(f"not ended; open {d.ready()}")
