"""routing.dmn: the responsible agency by category (and, for the police, province)."""

from __future__ import annotations

from lxml import etree

DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DMN_DC = "http://www.omg.org/spec/DMN/20180521/DC/"

# (category, province, agency, description). Input entries are Python expressions compared
# with == by SpiffWorkflow ("-" matches anything); FIRST hit policy: the first matching row wins.
ROUTING_RULES = [
    ("labour", None, "mol", "กระทรวงแรงงาน (Ministry of Labour)"),
    ("land", None, "dol", "กรมที่ดิน (Department of Lands)"),
    ("police", "10", "mpb", "กองบัญชาการตำรวจนครบาล (Metropolitan Police Bureau), Bangkok"),
    ("police", None, "rtp", "สำนักงานตำรวจแห่งชาติ (Royal Thai Police)"),
    ("health", None, "moph", "กระทรวงสาธารณสุข (Ministry of Public Health)"),
    ("education", None, "moe", "กระทรวงศึกษาธิการ (Ministry of Education)"),
    ("consumer", None, "ocpb", "สำนักงานคณะกรรมการคุ้มครองผู้บริโภค (OCPB)"),
    ("online_fraud", None, "des", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม (Ministry of DES)"),
    ("social_welfare", None, "msdhs", "กระทรวงการพัฒนาสังคมฯ (Ministry of Social Development)"),
    ("justice", None, "moj", "กระทรวงยุติธรรม (Ministry of Justice)"),
    (None, None, None, "ไม่มีในตาราง: ใช้หน่วยงานตั้งต้นของประเภทเรื่อง (category default)"),
]


def render_dmn() -> bytes:
    nsmap = {None: DMN, "dmndi": DMNDI, "dc": DMN_DC}

    def sub(parent, tag, text=None, ns=DMN, **attrs):  # type: ignore[no-untyped-def]
        el = etree.SubElement(parent, f"{{{ns}}}{tag}")
        for k, v in attrs.items():
            el.set(k, v)
        if text is not None:
            el.text = text
        return el

    defs = etree.Element(f"{{{DMN}}}definitions", nsmap=nsmap)
    defs.set("id", "definitions_routing")
    defs.set("name", "การส่งต่อหน่วยงาน (Routing)")
    defs.set("namespace", "https://damrong.go.th/dmn")
    decision = sub(defs, "decision", id="routing", name="หน่วยงานรับผิดชอบ (Responsible agency)")
    table = sub(decision, "decisionTable", id="routing_table", hitPolicy="FIRST")
    for name, label in (("category", "ประเภทเรื่อง (category)"), ("province", "จังหวัด (province)")):
        inp = sub(table, "input", id=f"input_{name}", label=label)
        expr = sub(inp, "inputExpression", id=f"input_{name}_expression", typeRef="string")
        sub(expr, "text", name)
    sub(
        table,
        "output",
        id="output_routed_agency",
        label="หน่วยงาน (routed_agency)",
        name="routed_agency",
        typeRef="string",
    )
    for i, (category, province, agency, description) in enumerate(ROUTING_RULES, start=1):
        rule = sub(table, "rule", id=f"rule_{i}")
        sub(rule, "description", description)
        for j, value in enumerate((category, province)):
            entry = sub(rule, "inputEntry", id=f"rule_{i}_input_{j + 1}")
            sub(entry, "text", f'"{value}"' if value else "-")
        out = sub(rule, "outputEntry", id=f"rule_{i}_output")
        sub(out, "text", f'"{agency}"' if agency else "None")
    dmndi = sub(defs, "DMNDI", ns=DMNDI)
    diagram = sub(dmndi, "DMNDiagram", ns=DMNDI, id="diagram_routing")
    shape = sub(diagram, "DMNShape", ns=DMNDI, id="routing_di", dmnElementRef="routing")
    sub(shape, "Bounds", ns=DMN_DC, x="160", y="100", width="220", height="80")
    etree.indent(defs, space="  ")
    return etree.tostring(defs, xml_declaration=True, encoding="UTF-8", pretty_print=True)
