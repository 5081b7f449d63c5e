"""A version's forms keep their fields in the order they were written, also on PostgreSQL (whose
JSONB stores an object's keys in an order of its own): the inbox shows them as designed."""

from __future__ import annotations

import json
from pathlib import Path

from engine.models import Process
from engine.workflow import definitions
from forms.builder import ordered

FORMS = Path(__file__).resolve().parents[3] / "processes" / "forms"


def test_every_shipped_form_reads_back_in_its_files_order(factory):
    with factory() as session:
        live = session.get(Process, "complaint").live_definition_id
        stored = definitions.forms_of(session, live)
    checked = 0
    for path in sorted(FORMS.glob("*.json")):
        written = list(json.loads(path.read_text(encoding="utf-8")).get("properties", {}))
        if path.stem in stored and len(written) > 1:
            assert list(ordered(stored[path.stem])) == written, path.stem
            checked += 1
    assert checked >= 3
