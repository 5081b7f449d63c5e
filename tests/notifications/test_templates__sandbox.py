"""Templates: every event in Thai and English, admins' edits sandboxed, previewed, and used."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import NotFound, PermissionDenied, ValidationFailed
from notifications import admin, templates
from notifications.context import SAMPLE
from notifications.dispatcher import dispatch_outbox
from notifications.thaidates import format_date
from tests.engine.helpers import open_case

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__['__builtins__'] }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ case.__class__ }}",
    "{{ items.append(1) }}{{ items }}",
    "{% set x = case.update({'title': 'pwned'}) %}{{ case.title }}",
    "{{ '{0.__class__.__mro__}'.format('') }}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ range(10 ** 8) | list | length }}",
]


def _render(text: str) -> str:
    source = templates.Source("subject", text)
    return templates.render_source(source, {**SAMPLE, "lang": "th"})["text"]


@pytest.mark.parametrize("attack", ESCAPES)
def test_an_edited_template_cannot_reach_python_internals(attack):
    try:
        output = _render(attack)
    except templates.TemplateProblem:
        return  # refused: that is the point
    assert "class" not in output and "module" not in output and "function" not in output
    assert "pwned" not in output and "uid=" not in output and len(output) < 1000


def test_the_sandbox_still_renders_ordinary_templates():
    assert (
        _render("{{ case.tracking_code }} {{ items|length }} {{ 'ab' * 3 }}") == "K7Q2M9XD 1 ababab"
    )


def test_every_event_ships_in_thai_and_english_and_renders_the_sample():
    assert templates.check_shipped() == []
    for name in templates.NAMES:
        for lang in templates.LANGUAGES:
            rendered = templates.render_source(
                templates.shipped_source(name, lang), {**SAMPLE, "lang": lang}
            )
            assert rendered["subject"] and rendered["text"] and "<html" in rendered["html"]
            if lang == "th" and name.startswith("citizen/"):
                assert "K7Q2M9XD" in rendered["subject"] + rendered["text"]


def test_dates_are_buddhist_era_in_thai_and_bangkok_time():
    instant = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    assert format_date(instant, "th") == "24 พฤศจิกายน 2569 เวลา 00:30 น."
    assert format_date(instant, "en") == "24 November 2026, 00:30"
    assert format_date(date(2027, 1, 1), "th") == "1 มกราคม 2570"


def test_admin_previews_saves_and_the_override_is_what_citizens_receive(
    factory, clock, staff, smtp_sink, settings
):
    draft = {
        "subject": "รับเรื่องแล้ว {{ case.tracking_code }}",
        "text": "สวัสดี {{ name }} ติดตามที่ {{ tracking_url }} วันที่ {{ case.created_at|date }}",
    }
    with factory() as session:
        shown = admin.preview(session, staff["admin"], "citizen/case_received", "th", draft)
        assert shown["subject"] == "รับเรื่องแล้ว K7Q2M9XD"
        assert "23 พฤศจิกายน 2569" in shown["text"]
        with pytest.raises(PermissionDenied):
            admin.preview(session, staff["screener"], "citizen/case_received", "th", draft)
        with pytest.raises(ValidationFailed) as broken:
            admin.preview(
                session,
                staff["admin"],
                "citizen/case_received",
                "th",
                {**draft, "text": "{{ case.__class__.__mro__ }}"},
            )
        assert "text" in broken.value.fields
        with pytest.raises(NotFound):
            admin.preview(session, staff["admin"], "../../etc/passwd", "th", draft)
    with factory.begin() as session:
        admin.save_template(session, clock, staff["admin"], "citizen/case_received", "th", draft)

    person = {"name": "สมชาย", "email": "somchai@example.com"}
    _id, code, _ = open_case(factory, clock, staff["intake"], complainant=person)
    dispatch_outbox(factory, clock, settings)
    [mail] = [
        m
        for m, r in zip(smtp_sink.box.messages, smtp_sink.box.recipients, strict=True)
        if "somchai@example.com" in r
    ]
    assert mail["Subject"] == f"รับเรื่องแล้ว {code}"
    assert f"สวัสดี สมชาย ติดตามที่ https://damrong.example.go.th/portal/track?code={code}" in (
        mail.get_body(preferencelist=("plain",)).get_content()
    )

    with factory.begin() as session:
        back = admin.reset_template(session, clock, staff["admin"], "citizen/case_received", "th")
    assert back["overridden"] is False and "ศูนย์ดำรงธรรมได้รับเรื่อง" in back["subject"]


def test_a_saved_template_must_render(factory, clock, staff):
    with pytest.raises(ValidationFailed), factory.begin() as session:
        admin.save_template(
            session,
            clock,
            staff["admin"],
            "staff/new_task",
            "en",
            {"subject": "{{ oops(", "text": "x"},
        )
    with factory() as session:
        assert not any(t["overridden"] for t in admin.list_templates(session, staff["admin"]))


def test_an_edited_template_that_fails_on_real_data_falls_back_to_the_shipped_one(
    factory, clock, staff, smtp_sink, settings
):
    draft = {"subject": "งาน {{ task.name }}", "text": "{{ task.name }}"}  # fine on the sample
    with factory.begin() as session:
        admin.save_template(session, clock, staff["admin"], "citizen/case_received", "th", draft)
    person = {"name": "สมชาย", "email": "somchai@example.com"}
    _id, code, _ = open_case(factory, clock, staff["intake"], complainant=person)
    dispatch_outbox(factory, clock, settings)
    [mail] = [
        m
        for m, r in zip(smtp_sink.box.messages, smtp_sink.box.recipients, strict=True)
        if "somchai@example.com" in r
    ]
    assert mail["Subject"] == f"ศูนย์ดำรงธรรมได้รับเรื่องร้องเรียนของท่านแล้ว เลขติดตาม {code}"


def test_the_html_part_escapes_what_citizens_wrote_and_links_only_web_addresses():
    case = {**SAMPLE["case"], "title": '<script>alert(1)</script> "javascript:alert(2)"'}
    source = templates.shipped_source("citizen/case_received", "th")
    html = templates.render_source(source, {**SAMPLE, "case": case, "lang": "th"})["html"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://damrong.example.go.th/portal/track?code=K7Q2M9XD">' in html
