"""routing.dmn, and how SpiffWorkflow 3.2.0 evaluates DMN decision tables.

SpiffWorkflow's DMN engine (SpiffWorkflow/dmn/engine/DMNEngine.py) evaluates the cells as Python
with the workflow's script engine, not as FEEL:
- an input entry that parses as an expression is compared with ==: `"labour"` becomes
  `(category) == ("labour")`;
- an entry that only parses after a left operand (`== "labour"`, `!= "x"`, `> 3`) is appended to
  the input expression as it stands, with no space: `in (...)` needs a leading space, or it
  reads `categoryin (...)` and fails;
- `-`, an empty `<text/>` (or `<text></text>`) match anything; `?` stands for the input;
- a FEEL list `"a", "b"` is compared with a tuple and never matches;
- hit policy: only UNIQUE and COLLECT are special-cased. UNIQUE returns the first matching row
  without checking that no other row matches; any other policy (FIRST here) collects every
  match and uses the first, so both behave as FIRST;
- when no row matches, the output variable is left untouched, so a stale value from an earlier
  run survives: routing.dmn ends with a catch-all row setting routed_agency to None;
- output entries are Python too: `"mol"`, `None`.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import XSD_DIR
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from tests.processes.driver import PROCESSES

DMN_NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


def _engine(xml: bytes, decision: str):  # type: ignore[no-untyped-def]
    parser = SpiffBpmnParser()
    parser.add_dmn_xml(etree.fromstring(xml), filename="test.dmn")
    return parser.get_engine(decision, None)


def _decide(engine, **data: object) -> dict:  # type: ignore[no-untyped-def]
    task = SimpleNamespace(data=data, workflow=SimpleNamespace(script_engine=PythonScriptEngine()))
    return dict(engine.result(task))


ROUTING = _engine((PROCESSES / "routing.dmn").read_bytes(), "routing")


@pytest.mark.parametrize(
    ("category", "province", "agency"),
    [
        ("labour", "50", "mol"),
        ("land", "10", "dol"),
        ("police", "10", "mpb"),
        ("police", "50", "rtp"),
        ("police", "11", "rtp"),
        ("health", "50", "moph"),
        ("education", "50", "moe"),
        ("consumer", "50", "ocpb"),
        ("online_fraud", "50", "des"),
        ("social_welfare", "50", "msdhs"),
        ("justice", "50", "moj"),
        ("local_nuisance", "50", None),  # the engine falls back to the category's default
        ("other", "10", None),
    ],
)
def test_routing_table(category: str, province: str, agency: str | None) -> None:
    assert _decide(ROUTING, category=category, province=province) == {"routed_agency": agency}


def test_routing_has_inputs_category_and_province_and_one_output() -> None:
    table = ROUTING.decision_table
    assert [i.expression for i in table.inputs] == ["category", "province"]
    assert [o.name for o in table.outputs] == ["routed_agency"]
    assert table.hit_policy == "FIRST"
    assert table.rules[-1].inputEntries[0].lhs == [None]  # the catch-all row comes last


def test_routing_dmn_is_valid_dmn_13_with_a_shape_for_dmn_js() -> None:
    tree = etree.parse(str(PROCESSES / "routing.dmn"))
    try:
        schema = etree.XMLSchema(etree.parse(f"{XSD_DIR}/DMN13.xsd"))
    except etree.XMLSchemaParseError:  # pragma: no cover - the DI schema it imports is absent
        schema = None
    if schema is not None:
        schema.assertValid(tree)
    shapes = tree.findall(".//{https://www.omg.org/spec/DMN/20191111/DMNDI/}DMNShape")
    assert [s.get("dmnElementRef") for s in shapes] == ["routing"]


TABLE = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"
  namespace="https://damrong.go.th/test">
  <decision id="t" name="t">
    <decisionTable id="table" hitPolicy="{policy}">
      <input id="in"><inputExpression id="expr" typeRef="string"><text>category</text>
      </inputExpression></input>
      <output id="out" name="hit" typeRef="string"/>
      {rules}
    </decisionTable>
  </decision>
</definitions>"""


def _table(entries: list[str | None], policy: str = "UNIQUE"):  # type: ignore[no-untyped-def]
    rules = "".join(
        f'<rule id="r{i}"><inputEntry id="i{i}">'
        + ("<text/>" if entry is None else f"<text>{entry}</text>")
        + f'</inputEntry><outputEntry id="o{i}"><text>"row{i}"</text></outputEntry></rule>'
        for i, entry in enumerate(entries, start=1)
    )
    return _engine(TABLE.format(policy=policy, rules=rules).encode(), "t")


@pytest.mark.parametrize(
    ("entry", "matches_a", "matches_c"),
    [
        ('"a"', True, False),
        ('== "a"', True, False),
        ('!= "b"', True, True),
        (' in ("a", "b")', True, False),
        ('? == "a"', True, False),
        ('"a", "b"', False, False),  # FEEL's list syntax: a tuple in Python, never equal
        ("-", True, True),
        (None, True, True),  # an empty <text/>
    ],
)
def test_how_input_entries_are_evaluated(entry: str, matches_a: bool, matches_c: bool) -> None:
    engine = _table([entry])
    assert bool(_decide(engine, category="a")) is matches_a
    assert bool(_decide(engine, category="c")) is matches_c


def test_in_without_a_leading_space_is_glued_to_the_input_expression() -> None:
    with pytest.raises(Exception) as raised:
        _decide(_table(['in ("a", "b")']), category="a")
    causes, exc = [], raised.value
    while exc is not None:
        causes.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    assert any("categoryin" in c for c in causes), causes


@pytest.mark.parametrize("policy", ["UNIQUE", "FIRST"])
def test_overlapping_rows_give_the_first_match(policy: str) -> None:
    assert _decide(_table(['"a"', "-"], policy), category="a") == {"hit": "row1"}


def test_no_match_leaves_the_output_unset() -> None:
    assert _decide(_table(['"a"']), category="c") == {}
