"""Importing a module does nothing: no session hooks attached, no library patched. Wiring is
the composition root's job (damrong/wiring.py), done once per entry point."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.damrong.layout import ROOT, modules

CHECK = textwrap.dedent(
    """
    import datetime, importlib, json, sys
    from sqlalchemy.orm import Session
    for name in sys.argv[1:]:
        importlib.import_module(name)
    from SpiffWorkflow.bpmn.specs.event_definitions import timer
    session = Session()  # a session sees every listener attached to the Session class
    hooks = {e: len(getattr(session.dispatch, e)) for e in
             ("before_flush", "before_commit", "after_commit", "after_rollback", "after_flush")}
    patched = timer.datetime is not datetime.datetime
    from damrong import wiring
    wiring.install()
    print(json.dumps({"hooks": hooks, "patched_on_import": patched,
                      "patched_on_install": timer.datetime is not datetime.datetime}))
    """
)


def test_importing_every_module_installs_nothing_until_the_wiring_does() -> None:
    names = sorted(m for m in modules() if not m.startswith("damrong.migrations"))
    done = subprocess.run(
        [sys.executable, "-c", CHECK, *names], cwd=ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    report = done.stdout.decode().strip().splitlines()[-1]
    assert report == (
        '{"hooks": {"before_flush": 0, "before_commit": 0, "after_commit": 0, '
        '"after_rollback": 0, "after_flush": 0}, "patched_on_import": false, '
        '"patched_on_install": true}'
    )
