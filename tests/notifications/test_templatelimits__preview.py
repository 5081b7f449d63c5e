"""An administrator's template cannot run away (issue 13, finding 16): previews and saves of a
draft that loops for ever, pads a text to 50 MB or doubles one until memory runs out fail fast
with a 422 naming the part, and nothing is saved."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from notifications.models import NotificationTemplate

PREVIEW = "/api/v1/admin/notifications/templates/citizen/case_received/th/preview"
SAVE = "/api/v1/admin/notifications/templates/citizen/case_received/th"
RUNAWAY = {
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% endfor %}{% endfor %}",
    "50 MB of output": "{% for i in range(100000) %}{% for j in range(100) %}"
    "xxxxxxxxxx{% endfor %}{% endfor %}",
    "center filter": "{{ 'x'|center(50000000) }}",
    "center method": "{{ 'x'.center(50000000) }}",
    "a dunder": "{{ ''.__class__ }}",
    "format filter": "{{ '%50000000s'|format(1) }}",
    "format method": "{{ '{:>50000000}'.format(1) }}",
    "percent": "{{ '%50000000d' % 1 }}",
    "replace": "{{ ('x' * 10000)|replace('x', 'x' * 10000) }}",
    "indent": "{{ ('x\n' * 5000)|indent(10000) }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "join": "{{ (['x' * 10000] * 10000)|join }}",
}


@pytest.mark.parametrize("text", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_a_runaway_draft_is_refused_fast_and_not_saved(client, tokens, factory, text):
    draft = {"subject": "รับเรื่องแล้ว", "text": text}
    started = time.monotonic()
    preview = client.post(PREVIEW, json=draft, headers=tokens["admin"])
    assert preview.status_code == 422, preview.get_json()
    assert "text" in preview.get_json()["error"]["fields"]
    saved = client.put(SAVE, json=draft, headers=tokens["admin"])
    assert saved.status_code == 422
    assert time.monotonic() - started < 5
    with factory() as session:
        assert session.scalar(select(NotificationTemplate)) is None


def test_ordinary_formatting_still_works(client, tokens):
    text = (
        "เรียน {{ name }} เลขติดตาม {{ case.tracking_code|center(12) }} "
        "{{ '%05d' % 42 }} {{ 'a b'|replace('a', 'c') }} {{ '{}!'.format('ok') }}"
    )
    shown = client.post(PREVIEW, json={"subject": "s", "text": text}, headers=tokens["admin"])
    assert shown.status_code == 200, shown.get_json()
    assert "00042 c b ok!" in shown.get_json()["text"]
