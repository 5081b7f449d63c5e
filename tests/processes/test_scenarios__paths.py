"""Every path through complaint.bpmn and agency_handling.bpmn (driver.SCENARIOS), run on raw
SpiffWorkflow: straight through, with the workflow serialized and restored after every step,
and under the engine's RestrictedPython sandbox."""

from __future__ import annotations

import pytest
from lxml import etree
from SpiffWorkflow.util.task import TaskState

from engine.workflow import scripting
from tests.processes.driver import PROCESSES, SCENARIOS, Driver, Scenario

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
NODE_KINDS = [
    "startEvent",
    "endEvent",
    "userTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "exclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "boundaryEvent",
]


@pytest.mark.parametrize("mode", ["straight", "restored"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_path(scenario: Scenario, mode: str) -> None:
    driver = Driver(serialize=mode == "restored", **(scenario.start or {}))
    scenario.run(driver)
    if mode == "restored":
        assert driver.restores >= 2  # after the start and after every step


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_path_in_the_engine_sandbox(scenario: Scenario) -> None:
    # The engine runs scripts, conditions and timer expressions under RestrictedPython.
    driver = Driver(serialize=True, engine=scripting.make_script_engine, **(scenario.start or {}))
    scenario.run(driver)


def test_the_paths_reach_every_node_of_both_diagrams() -> None:
    reached: set[str] = set()
    for scenario in SCENARIOS:
        driver = Driver(**(scenario.start or {}))
        scenario.run(driver)
        reached |= {t.task_spec.name for t in driver.wf.get_tasks(state=TaskState.COMPLETED)}
    for name in ("complaint.bpmn", "agency_handling.bpmn"):
        tree = etree.parse(str(PROCESSES / name))
        nodes = {el.get("id") for kind in NODE_KINDS for el in tree.iterfind(f".//bpmn:{kind}", NS)}
        assert nodes - reached == set(), name


def test_data_holds_only_decisions_and_ids() -> None:
    # Free text stays outside the workflow: every value is a short code, a flag or None.
    for scenario in SCENARIOS:
        driver = Driver(**(scenario.start or {}))
        scenario.run(driver)
        for key, value in driver.data.items():
            assert value is None or isinstance(value, bool | int | str), (scenario.name, key)
            if isinstance(value, str):
                assert len(value) <= 32 and " " not in value, (scenario.name, key, value)
