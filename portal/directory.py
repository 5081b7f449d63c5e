"""The public contact directory as a portal page at /directory (Thai by default, ?lang=en).

A search (name, province or district, ministry, service, phone; tone marks and spaces ignored:
engine/reference/directory.py), pages of PAGE_SIZE entries with plain links that keep the
query in the address (no JavaScript needed), cards on a phone and a grid on a desk.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import render_template, request

from engine.errors import ValidationFailed
from engine.reference import directory
from portal.pages import blueprint, lang, pick, template_helpers
from web.edge import reading

PAGE_SIZE = 20
QUERY_MAX = 100
KINDS = (
    ("", "ทั้งหมด", "All"),
    ("center", "ศูนย์ดำรงธรรม", "Damrongdhamma centers"),
    ("agency", "หน่วยงาน", "Agencies"),
    ("hotline", "สายด่วน", "Hotlines"),
)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def tel_href(number: str | None) -> str | None:
    """A phone number as a tel: link (digits, a leading +), or None when it has no digits."""
    digits = re.sub(r"[^0-9+]", "", (number or "").translate(_THAI_DIGITS))
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if re.search(r"[0-9]", digits) else None


def _web_address(url: str | None) -> str | None:
    """An administrator-entered website, only when it is an http(s) address."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _card(entry, language: str) -> dict:  # type: ignore[no-untyped-def]
    shown = directory.entry_json(entry, language)
    shown["hotline_tel"] = tel_href(entry.hotline)
    shown["phone_tel"] = tel_href(entry.phone)
    shown["website"] = _web_address(entry.website)
    shown["other_name"] = entry.name_en if language == "th" else entry.name_th
    return shown


def _page_asked() -> int:
    """The page asked for; anything not a page number is the first page."""
    asked = request.args.get("page", "1")
    return max(int(asked), 1) if asked.isdigit() and len(asked) < 7 else 1


def _address(**params: object) -> str:
    """/directory with the non-empty parameters, so a page link keeps the search."""
    kept = {name: value for name, value in params.items() if value not in ("", None, 1)}
    return "/directory" + (f"?{urlencode(kept)}" if kept else "")


def _page_links(current: int, last: int) -> list[int | None]:
    """Page numbers around the current one, the first and the last; None marks a gap."""
    shown = sorted({1, last, *range(max(1, current - 1), min(last, current + 1) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


def _search(query: str, kind: str, area: str) -> tuple[list[dict], int, int, str | None]:
    """One page of entries, the total, the page number, and a message for bad input."""
    language, page = lang(), _page_asked()
    with reading() as session:
        try:
            found = _one_page(session, query, kind, area, page)
            if not found.items and found.total:  # past the end: the last page
                page = -(-found.total // PAGE_SIZE)
                found = _one_page(session, query, kind, area, page)
        except ValidationFailed as exc:
            message = next(iter(exc.fields.values()), ("", ""))
            return [], 0, 1, pick(message)
        return [_card(entry, language) for entry in found.items], found.total, page, None


def _one_page(session, query: str, kind: str, area: str, page: int):  # type: ignore[no-untyped-def]
    return directory.search(
        session,
        query,
        kind=kind or None,
        area=area or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )


def directory_page():  # type: ignore[no-untyped-def]
    """The public directory page: search, pages, a tel: link for every number."""
    query = " ".join(request.args.get("q", "").split())[:QUERY_MAX]
    kind = request.args.get("kind", "")
    kind = kind if kind in {code for code, _th, _en in KINDS} else ""
    area = request.args.get("area", "").strip()[:6]
    items, total, page, problem = _search(query, kind, area)
    last = max(1, -(-total // PAGE_SIZE))
    return render_template(
        "portal/directory.html",
        q=query,
        kind=kind,
        area=area,
        kinds=KINDS,
        items=items,
        total=total,
        page=page,
        last=last,
        problem=problem,
        first_shown=(page - 1) * PAGE_SIZE + 1,
        pages=_page_links(page, last),
        page_address=lambda number: _address(q=query, kind=kind, area=area, page=number),
        **template_helpers(),
    )


@blueprint.record_once
def _mount_page(state) -> None:  # type: ignore[no-untyped-def]
    # At the site's root, outside /portal/, where the address was published (endpoint unchanged).
    state.app.add_url_rule("/directory", "directory_page", directory_page)
