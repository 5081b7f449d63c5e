"""What the designer's pages draw beside diff.py's tables: the element ids to colour in each
diagram of a comparison, and the decision tables a version carries.

diff.py lists changes by (process, element) with the file they are in; the compare page colours
shapes by file and id. A decision table is a DMN `decision` with its name and table's hit policy.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from engine.workflow import spiff

KINDS = ("added", "removed", "changed")


def marks_by_file(changes: Mapping[str, list]) -> dict[str, dict[str, list[str]]]:
    """diff_elements' answer as the ids to mark per file and kind: added (drawn in the new
    version), removed (in the old one), changed (in both)."""
    marks: dict[str, dict[str, list[str]]] = {}
    for kind in KINDS:
        for entry in changes.get(kind) or []:
            per_file = marks.setdefault(entry["file"], {k: [] for k in KINDS})
            per_file[kind].append(entry["element"])
    return marks


def decision_tables(files: Mapping[str, str]) -> list[dict[str, object]]:
    """Every decision in the version's .dmn files: file, id, name, hit policy, rule count.
    A file that does not parse is listed as one row without a decision."""
    found: list[dict[str, object]] = []
    for name, text in sorted(files.items()):
        if not name.endswith(".dmn"):
            continue
        try:
            root = spiff.xml(text)
        except etree.XMLSyntaxError:
            found.append({"file": name, "decision": None, "name": None, "hit_policy": None})
            continue
        for decision in root.iter("{*}decision"):
            table = next((c for c in decision.iterchildren("{*}decisionTable")), None)
            rules = 0 if table is None else sum(1 for c in table.iter("{*}rule"))
            found.append(
                {
                    "file": name,
                    "decision": decision.get("id"),
                    "name": decision.get("name"),
                    "hit_policy": None if table is None else table.get("hitPolicy", "UNIQUE"),
                    "rules": rules,
                }
            )
    return found
