"""Each user task's settings, resolved once when a version is deployed.

Damrong's extensions are optional: a plain BPMN 2.0 diagram from Camunda Modeler or bpmn.io
runs with defaults. For every user task (also inside the processes it calls) the deploy decides:

- its role: Damrong's `role` property on its lane, else the role whose code, Thai or English
  name or alias is the lane's name, else a Camunda candidate group that names a role;
- its form: Damrong's `form` property, else Camunda's formKey, else a form generated from
  Camunda's formData fields, else the generic "outcome + note" form;
- its status: the `status` property, else the role's default status, else unchanged;
- its SLA policy: the `sla_policy` property, else the policy of its process and element, else
  the process's default policy (a warning when none applies).

The result is stored with the version (`ProcessDefinition.tasks` and `.forms`), so running cases
never depend on what the role table, the form library or the diagram's files say later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.statuses import STATUSES
from engine.workflow import camunda, spiff
from engine.workflow.findings import ERROR, WARNING, Finding
from engine.workflow.taskforms import GENERIC_FORM, decision_form, form_from_fields, generic_form

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_FORM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Role:
    """What the task table needs of a workflow role row."""

    code: str
    names: frozenset[str]  # code, Thai and English names and aliases, normalised
    user_role: str
    unit: str
    escalates: bool
    default_status: str | None


@dataclass
class Resolved:
    """The task table of one version, the forms it carries, and what was found on the way."""

    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def normalise(name: str) -> str:
    """A lane or group name as compared with role names: case, spacing and underscores ignored."""
    return " ".join(name.replace("_", " ").casefold().split())


def roles_from_rows(rows: Iterable[Any]) -> list[Role]:
    """Role rows (WorkflowRole) as the task table reads them."""
    return [
        Role(
            code=r.code,
            names=frozenset(normalise(n) for n in [r.code, r.name_th, r.name_en, *r.aliases] if n),
            user_role=r.user_role,
            unit=r.unit,
            escalates=r.escalates,
            default_status=r.default_status,
        )
        for r in rows
        if getattr(r, "active", True)
    ]


class _Index:
    """The semantic elements of the files by id: their file, line, XML node and lane."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.nodes: dict[str, tuple[str, Any]] = {}
        self.lanes: dict[str, Any] = {}
        for name, text in files.items():
            if not name.endswith(".bpmn"):
                continue
            try:
                root = spiff.xml(text)
            except etree.XMLSyntaxError:
                continue  # validation reports it
            for process in root.iter(f"{{{BPMN}}}process"):
                for node in process.iter():
                    node_id = node.get("id") if isinstance(node.tag, str) else None
                    if node_id and node_id not in self.nodes:
                        self.nodes[node_id] = (name, node)
                for lane in process.iter(f"{{{BPMN}}}lane"):
                    for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
                        self.lanes.setdefault((ref.text or "").strip(), lane)

    def flow_name(self, source: str, target: str) -> str | None:
        """The name of the sequence flow from one element to another."""
        for _file, node in self.nodes.values():
            if (
                node.tag == f"{{{BPMN}}}sequenceFlow"
                and node.get("sourceRef") == source
                and node.get("targetRef") == target
            ):
                return node.get("name") or None
        return None

    def where(self, element: str) -> tuple[str, int | None]:
        file, node = self.nodes.get(element, ("", None))
        return file, (node.sourceline if node is not None else None)


def _properties(node: Any) -> dict[str, str]:
    if node is None:
        return {}
    return {
        p.get("name"): p.get("value", "")
        for p in node.iterfind(
            f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property"
        )
    }


def resolve(
    files: Mapping[str, str],
    process_specs: Iterable[Any],
    roles: list[Role],
    find_form: Callable[[str], dict | None],
    has_policy: Callable[[str, str], bool],
) -> Resolved:
    """The settings of every user task in the parsed process specs (see the module docstring).

    `find_form(name)` returns a form's schema (from the files, the live version or the library);
    `has_policy(process_id, key)` says whether an SLA policy covers a process's task key."""
    out = Resolved()
    index = _index_of(files)
    extras = camunda.read_user_tasks(files)
    for process in process_specs:
        for spec in process.task_specs.values():
            if not getattr(spec, "manual", False):
                continue
            element = getattr(spec, "bpmn_id", None) or spec.name
            file, line = index.where(element)
            name = getattr(spec, "bpmn_name", None) or element

            def finding(code: str, th: str, en: str, severity: str = ERROR) -> None:
                out.findings.append(Finding(file, line, element, name, severity, code, th, en))  # noqa: B023

            if element in out.tasks:
                finding(
                    "duplicate-task",
                    f"รหัสงาน {element} ซ้ำกันในกระบวนงาน",
                    f"The task id {element} is used twice",
                )
                continue
            props = dict(getattr(spec, "extensions", {}).get("properties", {}))
            extra = extras.get(element)
            role = _role(roles, index, element, spec.lane, extra, finding)
            form = _form(element, name, props, extra, find_form, out, finding, spec, index)
            status = props.get("status") or (role.default_status if role else None)
            if status is not None and status not in STATUSES:
                finding("unknown-status", f"ไม่รู้จักสถานะ '{status}'", f"Unknown status '{status}'")
                status = None
            named = props.get("sla_policy") or None
            if named and not has_policy(process.name, named):
                finding(
                    "unknown-sla-policy",
                    f"ไม่มีนโยบายระยะเวลา '{named}'",
                    f"No SLA policy named '{named}'",
                )
            elif not named and not has_policy(process.name, element):
                finding(
                    "no-sla-policy",
                    "งานนี้ไม่มีนโยบายระยะเวลา (SLA) จะไม่มีกำหนดเสร็จ",
                    "No SLA policy applies to this user task: it will have no deadline",
                    WARNING,
                )
            out.tasks[element] = {
                "process": process.name,
                "role": role.user_role if role else None,
                "workflow_role": role.code if role else None,
                "unit": role.unit if role else "case_center",
                "escalates": role.escalates if role else False,
                "form": form,
                "status": status,
                "sla_policy": named,
                "name_th": name,
                "name_en": props.get("name_en") or name,
            }
    return out


def locator(files: Mapping[str, str]) -> Callable[[str], tuple[str, int | None]]:
    """(file, line) of an element id in the files."""
    return _Index(files).where


def _index_of(files: Mapping[str, str]) -> _Index:
    return _Index(files)


def _role(roles, index, element, lane_name, extra, finding) -> Role | None:  # type: ignore[no-untyped-def]
    by_code = {r.code: r for r in roles}
    lane = index.lanes.get(element)
    wanted = _properties(lane).get("role")
    if wanted:
        if wanted in by_code:
            return by_code[wanted]
        finding(
            "unknown-role",
            f"เลน '{lane_name}' ระบุบทบาท '{wanted}' ที่ไม่มีในตารางบทบาท",
            f"The lane '{lane_name}' names the role '{wanted}', which is not in the role table",
        )
        return None
    candidates = [lane_name] if lane_name else []
    candidates += list(extra.candidate_groups) if extra else []
    for candidate in candidates:
        for role in roles:
            if normalise(candidate) in role.names:
                return role
    if not candidates:
        finding(
            "no-role",
            "งานนี้ไม่อยู่ในเลนใดและไม่มี candidate group: ไม่รู้ว่าใครทำ",
            "The task is in no lane and has no candidate group: nobody would work it",
        )
    else:
        shown = ", ".join(candidates)
        finding(
            "unknown-role",
            f"'{shown}' ไม่ตรงกับบทบาทใดในตารางบทบาท",
            f"'{shown}' matches no role in the role table "
            "(lane name, role property or candidate group)",
        )
    return None


def _form(element, name, props, extra, find_form, out, finding, spec, index) -> str:  # type: ignore[no-untyped-def]
    wanted = props.get("form") or (
        _form_key_name(extra.form_key) if extra and extra.form_key else None
    )
    if wanted:
        schema = find_form(wanted) if _FORM_NAME.fullmatch(wanted) else None
        if schema is None:
            finding("unknown-form", f"ไม่พบแบบฟอร์ม '{wanted}'", f"No form named '{wanted}'")
        else:
            out.forms[wanted] = schema
        return wanted
    if extra and extra.form_fields:
        generated = f"{element.lower()}_form"[:64]
        out.forms[generated] = form_from_fields(name, extra.form_fields)
        return generated
    decided = decision_form(name, spec, index.flow_name)
    if decided is not None:
        generated = f"{element.lower()}_form"[:64]
        out.forms[generated] = decided
        return generated
    out.forms.setdefault(GENERIC_FORM, generic_form())
    return GENERIC_FORM


def _form_key_name(key: str) -> str:
    """`embedded:app:forms/screen.json`, `camunda-forms:deployment:screen.form` → `screen`."""
    last = re.split(r"[:/]", key.strip())[-1]
    return re.sub(r"\.(json|form|html)$", "", last)
