"""The public contact directory as a page at /directory (Thai by default, ?lang=en)."""

from __future__ import annotations

from flask import render_template_string, request

from engine.errors import ValidationFailed
from engine.reference import directory
from portal.pages import blueprint, lang
from web.edge import reading

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }}</title>
<style nonce="{{ csp_nonce() }}">
body{font-family:system-ui,"Noto Sans Thai",sans-serif;margin:1rem;max-width:60rem}
li{margin:.6rem 0;list-style:none}small{color:#555}input{font-size:1rem;padding:.3rem}</style>
</head><body><h1>{{ t.title }}</h1>
<form method="get"><input name="q" value="{{ q }}" placeholder="{{ t.search }}">
<input name="area" value="{{ area }}" placeholder="{{ t.area }}" size="8">
<button>{{ t.go }}</button></form>
<p>{{ t.found }} {{ total }}</p><ul>
{% for e in items %}<li><strong>{{ e.name }}</strong>
{% if e.hotline %} ☎ <a href="tel:{{ e.hotline }}">{{ e.hotline }}</a>{% endif %}
{% if e.phone %} · {{ e.phone }}{% endif %}{% if e.email %} · {{ e.email }}{% endif %}<br>
<small>{% if e.address %}{{ e.address }} · {% endif %}{{ e.office_hours }}
{% if e.area_name %} · {{ e.area_name }}{% endif %}</small></li>
{% endfor %}</ul></body></html>"""
TEXTS = {
    "th": {
        "title": "สมุดรายชื่อหน่วยงานและสายด่วน",
        "search": "ชื่อ พื้นที่ หรือเบอร์โทร",
        "area": "รหัสพื้นที่",
        "go": "ค้นหา",
        "found": "พบ",
    },
    "en": {
        "title": "Agency and hotline directory",
        "search": "Name, area or phone",
        "area": "Area code",
        "go": "Search",
        "found": "Found",
    },
}


def directory_page():  # type: ignore[no-untyped-def]
    """The public directory page (Thai by default, ?lang=en)."""
    query, area = request.args.get("q", "")[:100], request.args.get("area", "")[:6]
    with reading() as session:
        try:
            page = directory.search(session, query or None, area=area or None, limit=200)
        except ValidationFailed:
            page = directory.DirectoryPage([], 0)
        items = [directory.entry_json(e, lang()) for e in page.items]
    return render_template_string(
        PAGE, lang=lang(), t=TEXTS[lang()], q=query, area=area, items=items, total=page.total
    )


@blueprint.record_once
def _mount_page(state) -> None:  # type: ignore[no-untyped-def]
    # At the site's root, outside /portal/, where the address was published (endpoint unchanged).
    state.app.add_url_rule("/directory", "directory_page", directory_page)
