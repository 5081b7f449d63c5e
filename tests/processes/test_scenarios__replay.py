"""Every committed scenario (processes/scenarios/<process>/*.json) replays on the shipped
version of its process with the path and final status it expects: change a diagram so that a
scenario no longer matches, and this fails until the scenario is updated with it."""

from __future__ import annotations

import pytest

from engine.access.rules import Actor
from engine.cases import trial
from engine.models import ProcessDefinition
from engine.workflow import definitions, scenarios

CLI = Actor.system("test")


@pytest.mark.parametrize(
    ("process_id", "path"), scenarios.shipped_files(), ids=lambda v: getattr(v, "stem", v)
)
def test_a_committed_scenario_replays(factory, process_id, path) -> None:  # type: ignore[no-untyped-def]
    document = scenarios.parse(path.read_text(encoding="utf-8"))
    with factory() as session:
        version = session.get(ProcessDefinition, definitions.live(session, process_id)).version
    result = trial.run_version(factory, CLI, process_id, version, document)
    assert result.failed is None, result.failed.message_en
    assert result.path == document["expect"]["path"]
    assert result.status == document["expect"]["status"]
    assert result.passed


def test_the_shipped_version_carries_its_scenarios(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        for process_id in {pid for pid, _path in scenarios.shipped_files()}:
            stored = session.get(ProcessDefinition, definitions.live(session, process_id))
            assert stored.scenarios == scenarios.read_shipped(process_id)
