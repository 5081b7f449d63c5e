"""What changed between two versions of a process: its elements, decision tables and task forms.

The XML is read with lxml, semantic elements only: diagram interchange (shapes, edges and their
coordinates) is never looked at, so moving a shape or bending an edge is no change. A sequence
flow is not an element of its own here: its target and condition belong to the element it
leaves ("flows", "condition"). Elements are matched by process and id; a decision by its id and
its rules by their ids (or their position when they have none).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.workflow import spiff

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

FLOW_NODES = {"task", "subProcess", "callActivity", "transaction", "adHocSubProcess"}
CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}
# Spiff extensions read into their own facets; any other extension is "extension:<tag>".
SPIFF_OWN = {"properties", "preScript", "postScript", "calledDecisionId"}
# Camunda attributes with a facet of their own; other camunda:* attributes are properties.
CAMUNDA_OWN = {
    "formKey": "form",
    "decisionRef": "called_decision",
    "calledElement": "called_element",
}


@dataclass
class _Element:
    process: str
    id: str
    name: str | None
    type: str
    file: str
    line: int | None
    facets: dict[str, object] = field(default_factory=dict)

    def entry(self) -> dict[str, object]:
        return {
            "process": self.process,
            "element": self.id,
            "name": self.name,
            "type": self.type,
            "file": self.file,
            "line": self.line,
        }


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _text(node: etree._Element | None) -> str | None:
    if node is None:
        return None
    text = "".join(node.itertext()).strip()
    return text or None


def _is_flow_node(tag: str) -> bool:
    return tag in FLOW_NODES or tag.endswith(("Task", "Event", "Gateway"))


# -- BPMN ------------------------------------------------------------------------------------


def _bpmn_elements(name: str, root: etree._Element) -> dict[tuple[str, str], _Element]:
    messages = {m.get("id"): m.get("name") or m.get("id") for m in root.iter(f"{{{BPMN}}}message")}
    signals = {s.get("id"): s.get("name") or s.get("id") for s in root.iter(f"{{{BPMN}}}signal")}
    names = {**messages, **signals}
    found: dict[tuple[str, str], _Element] = {}
    for process in root.iter(f"{{{BPMN}}}process"):
        lanes = {}
        for lane in process.iter(f"{{{BPMN}}}lane"):  # document order: inner lanes win
            for ref in lane.iterfind(f"{{{BPMN}}}flowNodeRef"):
                lanes[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
        flows = [f for f in process.iter(f"{{{BPMN}}}sequenceFlow")]
        for node in process.iter():
            tag = _local(node)
            if not _is_flow_node(tag) or node.getparent() is None:
                continue
            if _local(node.getparent()) not in CONTAINERS or node.get("id") is None:
                continue
            element = _Element(
                process.get("id"), node.get("id"), node.get("name"), tag, name, node.sourceline
            )
            element.facets = _facets(node, lanes, names)
            element.facets.update(_flow_facets(node, flows))
            found[(element.process, element.id)] = element
    return found


def _facets(node: etree._Element, lanes: dict, names: dict) -> dict[str, object]:
    facets: dict[str, object] = {
        "name": node.get("name"),
        "lane": lanes.get(node.get("id")),
        "documentation": _text(node.find(f"{{{BPMN}}}documentation")),
        "script": _text(node.find(f"{{{BPMN}}}script")),
        "called_element": node.get("calledElement"),
    }
    if _local(node) == "boundaryEvent":
        facets["attached_to"] = node.get("attachedToRef")
        facets["interrupting"] = node.get("cancelActivity", "true") != "false"
    for child in node:
        tag = _local(child)
        if tag == "timerEventDefinition":
            parts = [f"{_local(t)}: {_text(t)}" for t in child if isinstance(t.tag, str)]
            facets["timer"] = "; ".join(parts)
        elif tag.endswith("EventDefinition"):
            ref = next((v for k, v in child.attrib.items() if k.endswith("Ref")), None)
            detail = names.get(ref, ref) or _text(child.find(f"{{{BPMN}}}condition"))
            facets.setdefault("event", []).append(  # type: ignore[union-attr]
                tag.removesuffix("EventDefinition") + (f":{detail}" if detail else "")
            )
        elif tag.endswith("LoopCharacteristics"):
            facets["loop"] = _canonical(child)
        elif tag == "extensionElements":
            facets.update(_extension_facets(child))
    for key, value in node.attrib.items():
        qname = etree.QName(key)
        if qname.namespace == CAMUNDA:
            own = CAMUNDA_OWN.get(qname.localname, f"property:{qname.localname}")
            facets[own] = value
    return {k: v for k, v in facets.items() if v is not None}


def _extension_facets(extensions: etree._Element) -> dict[str, object]:
    facets: dict[str, object] = {}
    for ext in extensions:
        tag, namespace = _local(ext), etree.QName(ext).namespace
        if tag == "properties":  # spiffworkflow:properties and camunda:properties alike
            for prop in ext:
                key = prop.get("name")
                facets["form" if key == "form" else f"property:{key}"] = prop.get("value")
        elif namespace == SPIFF and tag == "preScript":
            facets["prescript"] = _text(ext)
        elif namespace == SPIFF and tag == "postScript":
            facets["postscript"] = _text(ext)
        elif namespace == SPIFF and tag == "calledDecisionId":
            facets["called_decision"] = _text(ext)
        elif tag:
            facets[f"extension:{tag}"] = _canonical(ext)
    return facets


def _flow_facets(node: etree._Element, flows: list[etree._Element]) -> dict[str, object]:
    node_id = node.get("id")
    outgoing = [f for f in flows if f.get("sourceRef") == node_id]
    if not outgoing:
        return {}
    facets: dict[str, object] = {"flows": sorted(f.get("targetRef") for f in outgoing)}
    conditions = {}
    for flow in outgoing:
        condition = _text(flow.find(f"{{{BPMN}}}conditionExpression"))
        if condition is not None:
            conditions[flow.get("targetRef")] = condition
        if flow.get("id") == node.get("default"):
            facets["default_flow"] = flow.get("targetRef")
    if conditions:
        facets["conditions"] = conditions
    return facets


def _canonical(node: etree._Element) -> str:
    """An element's meaning as text: tags, attributes and texts, whitespace and ids aside."""
    attrs = " ".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(node.attrib.items()))
    inner = " ".join(_canonical(c) for c in node if isinstance(c.tag, str))
    text = (node.text or "").strip()
    return f"<{_local(node)} {attrs}>{text}{inner}</>".replace(" >", ">")


# -- DMN -------------------------------------------------------------------------------------


def _dmn_elements(name: str, root: etree._Element) -> dict[tuple[str, str], _Element]:
    found = {}
    owner = root.get("id") or name
    for decision in root.iter():
        if _local(decision) != "decision":
            continue
        element = _Element(
            owner, decision.get("id"), decision.get("name"), "decision", name, decision.sourceline
        )
        table = next((c for c in decision if _local(c) == "decisionTable"), None)
        element.facets = {"name": decision.get("name")}
        if table is not None:
            element.facets["hit_policy"] = table.get("hitPolicy", "UNIQUE")
            element.facets["dmn_inputs"] = [
                (i.get("label"), _text(i)) for i in table if _local(i) == "input"
            ]
            element.facets["dmn_outputs"] = [
                (o.get("name"), o.get("label")) for o in table if _local(o) == "output"
            ]
            element.facets["rules"] = _rules(table)
        found[(owner, element.id)] = element
    return found


def _rules(table: etree._Element) -> dict[str, dict[str, object]]:
    rules = {}
    for index, rule in enumerate((r for r in table if _local(r) == "rule"), start=1):
        rules[rule.get("id") or f"#{index}"] = {
            "description": _text(next((c for c in rule if _local(c) == "description"), None)),
            "inputs": [_text(c) for c in rule if _local(c) == "inputEntry"],
            "outputs": [_text(c) for c in rule if _local(c) == "outputEntry"],
        }
    return rules


def _rule_changes(old: dict, new: dict) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    for rule in [*old, *(r for r in new if r not in old)]:
        if old.get(rule) != new.get(rule):
            entry = {"what": "dmn_rule", "rule": rule, "old": old.get(rule), "new": new.get(rule)}
            changes.append(entry)
    kept_old = [r for r in old if r in new]
    kept_new = [r for r in new if r in old]
    if kept_old != kept_new:  # the order decides under hit policy FIRST
        changes.append({"what": "dmn_rule_order", "old": kept_old, "new": kept_new})
    return changes


# -- comparing -------------------------------------------------------------------------------


def _elements(files: Mapping[str, str]) -> dict[tuple[str, str], _Element]:
    found: dict[tuple[str, str], _Element] = {}
    for name, text in sorted(files.items()):
        if not name.endswith((".bpmn", ".dmn")):
            continue
        root = spiff.xml(text)
        read = _dmn_elements if name.endswith(".dmn") else _bpmn_elements
        found.update(read(name, root))
    return found


def _changes(old: _Element, new: _Element) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    if old.type != new.type:
        changes.append({"what": "type", "old": old.type, "new": new.type})
    keys = [*old.facets, *(k for k in new.facets if k not in old.facets)]
    for key in keys:
        before, after = old.facets.get(key), new.facets.get(key)
        if before == after and (key != "rules" or list(before) == list(after)):  # type: ignore[arg-type]
            continue  # (rules: dicts compare equal in any order, and the order matters)
        if key == "rules":
            changes.extend(_rule_changes(before or {}, after or {}))  # type: ignore[arg-type]
        elif key == "conditions":
            changes.extend(_condition_changes(before or {}, after or {}))  # type: ignore[arg-type]
        else:
            changes.append({"what": key, "old": before, "new": after})
    return changes


def _condition_changes(old: dict, new: dict) -> list[dict[str, object]]:
    return [
        {"what": "condition", "target": target, "old": old.get(target), "new": new.get(target)}
        for target in [*old, *(t for t in new if t not in old)]
        if old.get(target) != new.get(target)
    ]


def diff_elements(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> dict[str, list]:
    """Elements added, removed and changed between two sets of BPMN and DMN files."""
    old, new = _elements(old_files), _elements(new_files)
    changed = []
    for key in sorted(old.keys() & new.keys()):
        changes = _changes(old[key], new[key])
        if changes:
            changed.append({**new[key].entry(), "changes": changes})
    return {
        "added": [new[k].entry() for k in sorted(new.keys() - old.keys())],
        "removed": [old[k].entry() for k in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


# -- forms -----------------------------------------------------------------------------------


def _fields(schema: Mapping[str, object], prefix: str = "") -> dict[str, dict[str, object]]:
    """Every field of a JSON Schema by its path (`address.province`, `items[].name`)."""
    out: dict[str, dict[str, object]] = {}
    required = set(schema.get("required") or [])  # type: ignore[arg-type]
    properties = schema.get("properties") or {}
    for name, sub in properties.items():  # type: ignore[union-attr]
        if not isinstance(sub, Mapping):
            continue
        path = f"{prefix}{name}"
        leaf = {k: v for k, v in sub.items() if k not in ("properties", "items", "required")}
        leaf["required"] = name in required
        out[path] = leaf
        if "properties" in sub:
            out.update(_fields(sub, f"{path}."))
        items = sub.get("items")
        if isinstance(items, Mapping):
            out[f"{path}[]"] = {k: v for k, v in items.items() if k not in ("properties",)}
            if "properties" in items:
                out.update(_fields(items, f"{path}[]."))
    return out


def _form_change(name: str, old: Mapping, new: Mapping) -> dict[str, object] | None:
    before, after = _fields(old), _fields(new)
    changed = []
    for path in sorted(before.keys() & after.keys()):
        keys = sorted({*before[path], *after[path]})
        diff = [k for k in keys if before[path].get(k) != after[path].get(k)]
        if diff:
            old_keys = {k: before[path].get(k) for k in diff}
            new_keys = {k: after[path].get(k) for k in diff}
            changed.append({"field": path, "old": old_keys, "new": new_keys})
    skip = ("properties", "required")
    schema = sorted(
        k for k in {*old, *new} if k not in skip and _json(old.get(k)) != _json(new.get(k))
    )
    if not changed and not schema and before.keys() == after.keys():
        return None
    return {
        "form": name,
        "fields_added": sorted(after.keys() - before.keys()),
        "fields_removed": sorted(before.keys() - after.keys()),
        "fields_changed": changed,
        "schema_changed": schema,
    }


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def diff_forms(old: Mapping[str, dict], new: Mapping[str, dict]) -> dict[str, list]:
    """Forms added, removed and changed (fields added, removed and changed) between versions."""
    changed = [_form_change(n, old[n], new[n]) for n in sorted(old.keys() & new.keys())]
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": [c for c in changed if c is not None],
    }


def diff_versions(
    old_files: Mapping[str, str],
    old_forms: Mapping[str, dict],
    new_files: Mapping[str, str],
    new_forms: Mapping[str, dict],
) -> dict[str, object]:
    """What changed between two versions of a process (JSON-able), elements and forms."""
    return {**diff_elements(old_files, new_files), "forms": diff_forms(old_forms, new_forms)}
