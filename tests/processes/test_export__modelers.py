"""A version exported with `damrong processes export` opens in bpmn.io's model layer (bpmn-moddle,
the library bpmn-js and Camunda Modeler read diagrams with) without a warning: the shipped
processes and a Camunda export after Damrong rewrote its JUEL and timer literals."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from damrong import cli
from engine.workflow import definitions

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")


def moddle(*files: Path) -> dict:
    done = subprocess.run(
        [NODE, str(HERE / "moddle_check.mjs"), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=HERE.parents[1],  # node_modules
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(NODE is None, reason="node is installed with the front-end tools (make)")
def test_exported_versions_open_in_bpmn_moddle(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAMRONG_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["init"]) == 0
    definitions.forget_all()
    camunda = HERE / "fixtures" / "camunda_complaint.bpmn"
    assert cli.main(["deploy", "--apply-rewrites", str(camunda)]) == 0
    for process in ("complaint", "agency_handling", "camunda_complaint"):
        assert cli.main(["processes", "export", process, "1", str(tmp_path / process)]) == 0
    capsys.readouterr()
    exported = sorted(tmp_path.glob("*/*.bpmn"))
    assert len(exported) == 3
    report = moddle(*exported)
    for file, result in report.items():
        assert result.get("error") is None and result["warnings"] == [], (file, result)
    rewritten = (tmp_path / "camunda_complaint" / "camunda_complaint.bpmn").read_text()
    assert "${decision" not in rewritten and '"P15D"' in rewritten
    assert "camunda:candidateGroups" in rewritten  # the modeler's own attributes are kept
