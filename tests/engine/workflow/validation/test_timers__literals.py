"""Timer literals are evaluated on a fixed clock with SpiffWorkflow's own ISO 8601 parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.workflow.camunda import literal_rewrite, timer_problem
from engine.workflow.validation import Context, validate
from tests.engine.workflow.validation import check, read, seen


def test_a_bare_duration_is_an_error_with_the_quoted_rewrite():
    validation = check("timers.bpmn")
    assert seen(validation, "timer-unquoted") == [("wait_bare", 11, "error")]
    bare = next(f for f in validation.findings if f.code == "timer-unquoted")
    assert bare.rewrite == '"P15D"'
    assert bare.name == "Wait 15 days"
    assert seen(validation, "code-refused") == []  # one finding for one problem


def test_a_duration_from_a_helper_can_only_be_checked_at_run_time():
    validation = check("timers.bpmn")
    assert seen(validation, "timer-unchecked") == [("wait_policy", 18, "warning")]
    assert "policy_duration" in validation.findings[2].message_en


def test_an_impossible_date_is_an_error_and_a_good_duration_is_fine():
    validation = check("timers.bpmn")
    assert seen(validation, "timer-invalid") == [("wait_date", 25, "error")]
    assert [f.element for f in validation.findings if f.element == "wait_quoted"] == []


def test_a_date_before_the_clock_fires_at_once():
    text = read("timers.bpmn")["timers.bpmn"].replace("2026-13-01", "2026-03-01")
    later = Context(now=datetime(2026, 6, 1, tzinfo=UTC))
    assert seen(validate({"t.bpmn": text}, context=later), "timer-date-past") == [
        ("wait_date", 25, "warning")
    ]
    earlier = Context(now=datetime(2026, 1, 1, tzinfo=UTC))
    assert seen(validate({"t.bpmn": text}, context=earlier), "timer-date-past") == []


NOW = datetime(2026, 1, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "value", "valid"),
    [
        ("timeDuration", "P15D", True),
        ("timeDuration", "PT36H", True),
        ("timeDuration", "P1M", True),
        ("timeDuration", "P1W2D", False),
        ("timeDuration", "P15", False),
        ("timeDuration", "15 days", False),
        ("timeDate", "2026-02-01T08:30:00+07:00", True),
        ("timeDate", "P15D", False),
        ("timeCycle", "R3/PT1H", True),
        ("timeCycle", "R/2026-02-01T00:00:00Z/P1D", True),
        ("timeCycle", "R3/P1D/2026-03-01T00:00:00Z", True),
        ("timeCycle", "R3", False),
        ("timeCycle", "Rx/PT1H", False),
    ],
)
def test_timer_values_as_spiffworkflow_reads_them(kind, value, valid):
    assert (timer_problem(kind, value, NOW) is None) is valid


@pytest.mark.parametrize(
    ("kind", "text", "rewrite"),
    [
        ("timeDuration", "P15D", '"P15D"'),
        ("timeDate", "2026-02-01T08:30:00+07:00", '"2026-02-01T08:30:00+07:00"'),
        ("timeCycle", "R3/PT1H", '"R3/PT1H"'),
        ("timeDuration", '"P15D"', None),
        ("timeDuration", "policy_duration('x')", None),
        ("timeDuration", "PXD", None),
    ],
)
def test_only_literals_that_are_valid_once_quoted_are_rewritten(kind, text, rewrite):
    assert literal_rewrite(kind, text, NOW) == rewrite
