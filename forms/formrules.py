"""The form builder's conditions (forms/builder.py), both ways: the `allOf` rules written for
a model's "shown when" and "required when", and those rules read back onto the fields.

Conditions are plain JSON Schema inside the form's `allOf`, so the inbox, the API and the
designer's preview check them with the same validator:
- required when: {"if": {"properties": {src: {"const": v}}, "required": [src]},
                  "then": {"required": [field, …]}} (the shape the shipped forms use);
- shown when:    {"if": {"properties": {src: {"enum": [v, …]}}, "required": [src]},
                  "then": {"required": [the fields required when shown]},
                  "else": {"properties": {field: false, …}}} (a hidden field may not be sent).
`conditions(schema)` reads them for the renderer, which hides a field while its condition fails.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from forms.formmodel import ADVANCED, SOURCES, Condition, FormField, FormModel, values_of


def _match(values: list) -> dict:
    return {"const": values[0]} if len(values) == 1 else {"enum": list(values)}


def condition_rules(model: FormModel) -> list[dict]:
    rules: list[dict] = []
    shown: dict[tuple[str, str], list[FormField]] = {}
    for f in model.fields:
        if f.show_when and f.type != ADVANCED:
            group = (f.show_when.field, json.dumps(f.show_when.values))
            shown.setdefault(group, []).append(f)
    for (source, _), group in shown.items():
        values = group[0].show_when.values  # type: ignore[union-attr]
        rule: dict[str, Any] = {
            "if": {"properties": {source: _match(values)}, "required": [source]}
        }
        wanted = [f.key for f in group if f.required]
        if wanted:
            rule["then"] = {"required": wanted}
        rule["else"] = {"properties": {f.key: False for f in group}}
        rules.append(rule)
    for source in model.fields:
        for value in values_of(source):
            wanted = [
                f.key
                for f in model.fields
                if f.require_when
                and f.type != ADVANCED
                and f.require_when.field == source.key
                and value in f.require_when.values
            ]
            if wanted:
                match = {"properties": {source.key: {"const": value}}, "required": [source.key]}
                rules.append({"if": match, "then": {"required": wanted}})
    return rules


def read_rule(rule: object) -> tuple[str, list, list[str], list[str]] | None:
    """(source, values, required fields, hidden-otherwise fields) of a condition the builder
    writes; None for any other rule."""
    if not isinstance(rule, dict) or not set(rule) <= {"if", "then", "else"}:
        return None
    test, then, other = rule.get("if"), rule.get("then", {}), rule.get("else", {})
    if not (isinstance(test, dict) and set(test) == {"properties", "required"}):
        return None
    props = test["properties"]
    if not (isinstance(props, dict) and len(props) == 1):
        return None
    source, match = next(iter(props.items()))
    if test["required"] != [source] or not isinstance(match, dict):
        return None
    if set(match) == {"const"}:
        values = [match["const"]]
    elif set(match) == {"enum"} and isinstance(match["enum"], list) and match["enum"]:
        values = list(match["enum"])
    else:
        return None
    if not all(isinstance(v, str | bool) for v in values):
        return None
    wanted = (
        then.get("required", []) if isinstance(then, dict) and set(then) <= {"required"} else None
    )
    hidden = (
        other.get("properties", {})
        if isinstance(other, dict) and set(other) <= {"properties"}
        else None
    )
    if not isinstance(wanted, list) or not isinstance(hidden, dict) or not (wanted or hidden):
        return None
    if not all(isinstance(k, str) for k in wanted) or any(v is not False for v in hidden.values()):
        return None
    return source, values, list(wanted), list(hidden)


def apply_rule(model: FormModel, rule: object) -> bool:
    """Put a condition on its fields; False (nothing changed) if the builder cannot show it."""
    read = read_rule(rule)
    if read is None:
        return False
    source_key, values, wanted, hidden = read
    source = model.get(source_key)
    if source is None or source.type not in SOURCES or not set(values) <= set(values_of(source)):
        return False
    if any(type(v) is not type(values_of(source)[0]) for v in values):
        return False
    targets = [model.get(k) for k in {*wanted, *hidden}]
    if any(t is None or t.type == ADVANCED or t is source for t in targets):
        return False
    if hidden and (set(wanted) - set(hidden)):
        return False  # one rule both shows and requires others: the JSON view keeps it
    for key in hidden:
        if model.get(key).show_when is not None:  # type: ignore[union-attr]
            return False
    for key in wanted if not hidden else []:
        now = model.get(key).require_when  # type: ignore[union-attr]
        if now is not None and now.field != source_key:
            return False
    for key in hidden:
        target = model.get(key)
        target.show_when = Condition(source_key, values)  # type: ignore[union-attr]
        target.required = target.required or key in wanted  # type: ignore[union-attr]
    for key in wanted if not hidden else []:
        target = model.get(key)
        now = target.require_when  # type: ignore[union-attr]
        merged = [*(now.values if now else []), *values]
        order = values_of(source)
        target.require_when = Condition(source_key, sorted(set(merged), key=order.index))  # type: ignore[union-attr]
    return True


def conditions(schema: Mapping) -> dict[str, dict[str, list[dict]]]:
    """For the renderer: {field: {"show": [{field, values}], "require": [{field, values}]}}
    from the form's top-level condition rules (each show rule must hold for the field to show)."""
    out: dict[str, dict[str, list[dict]]] = {}
    rules = schema.get("allOf")
    for rule in rules if isinstance(rules, list) else []:
        read = read_rule(rule)
        if read is None:
            continue
        source, values, wanted, hidden = read
        for key in hidden:
            out.setdefault(key, {"show": [], "require": []})["show"].append(
                {"field": source, "values": values}
            )
        for key in [] if hidden else wanted:
            slot = out.setdefault(key, {"show": [], "require": []})["require"]
            same = next((c for c in slot if c["field"] == source), None)
            if same is None:
                slot.append({"field": source, "values": list(values)})
            else:
                same["values"] += [v for v in values if v not in same["values"]]
    return out


def required_when_shown(schema: Mapping) -> set[str]:
    """Fields a "shown when" rule also requires: whenever they show, they are required."""
    rules = schema.get("allOf")
    out: set[str] = set()
    for rule in rules if isinstance(rules, list) else []:
        read = read_rule(rule)
        if read is not None:
            out |= set(read[2]) & set(read[3])
    return out


def hidden_fields(schema: Mapping, values: Mapping) -> set[str]:
    """Top-level fields whose "shown when" fails for these values (a field shown only when a
    hidden field has some value is hidden too): the renderer hides them, the server ignores them."""
    rules = {name: rule["show"] for name, rule in conditions(schema).items() if rule["show"]}
    hidden: set[str] = set()
    for _ in range(len(rules) + 1):  # chains settle within as many rounds as there are rules
        now = {
            name
            for name, shows in rules.items()
            if any(c["field"] in hidden or not _holds(values, c) for c in shows)
        }
        if now == hidden:
            break
        hidden = now
    return hidden


def _holds(values: Mapping, condition: dict) -> bool:
    value = values.get(condition["field"])
    return any(type(value) is type(v) and value == v for v in condition["values"])


def visible_values(schema: Mapping, values: Mapping) -> dict:
    """The values of the fields shown for these values: what a form's post means once the
    fields of another choice (typed before the choice changed, say) are left out."""
    hidden = hidden_fields(schema, values)
    return {k: v for k, v in values.items() if k not in hidden}
