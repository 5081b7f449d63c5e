"""The message catalogs of the staff web and the citizen portal (Flask-Babel / gettext).

Thai is the source language: code and templates write every visible text as a pair,
`t("ไทย", "English")`, so a page reads in Thai where it is written. The Thai text is the
gettext message id; `translations/<lang>/LC_MESSAGES/messages.po` holds the other languages.
The English catalog is built from the pairs themselves (the code is where English is written and
corrected); another language needs only its catalog: `translations/<code>/LC_MESSAGES/messages.po`
with the Thai ids and the English as hints, translated, then `make messages`. Text with no
translation yet shows in English.

    python -m web.messages          # re-extract, update every catalog, compile .mo files
    python -m web.messages --check  # exit 1 if a catalog is out of date (the tests do this)
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SOURCES = ("web", "admin", "portal", "forms")
DOMAIN = "messages"


def _python_pairs(path: Path) -> Iterator[tuple[str, str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "t"
            and len(node.args) == 2
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
        ):
            yield node.args[0].value, node.args[1].value, node.lineno


def _template_pairs(path: Path, env: Environment) -> Iterator[tuple[str, str, int]]:
    tree = env.parse(path.read_text(encoding="utf-8"))
    for call in tree.find_all(nodes.Call):
        if (
            isinstance(call.node, nodes.Name)
            and call.node.name == "t"
            and len(call.args) == 2
            and all(isinstance(a, nodes.Const) and isinstance(a.value, str) for a in call.args)
        ):
            yield call.args[0].value, call.args[1].value, call.lineno


def extract() -> dict[str, tuple[str, list[tuple[str, int]]]]:
    """Thai text -> (the English the code gives it, where it occurs), from code and templates."""
    env = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    found: dict[str, tuple[str, list[tuple[str, int]]]] = {}
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*")):
            if path.suffix == ".py":
                pairs = _python_pairs(path)
            elif path.suffix == ".html":
                pairs = _template_pairs(path, env)
            else:
                continue
            where = str(path.relative_to(ROOT))
            for thai, english, line in pairs:
                first, places = found.setdefault(thai, (english, []))
                places.append((where, line))
    return found


def build(lang: str, found: dict, existing: Catalog | None) -> Catalog:
    """One language's catalog: English is the code's; other languages keep the translator's.

    Every entry carries the English as a comment, the hint a translator into a third language
    reads beside the Thai.
    """
    catalog = Catalog(locale=lang, domain=DOMAIN, project="Damrong", fuzzy=False)
    for thai in sorted(found):
        english, places = found[thai]
        if lang == "en":
            text = english
        else:
            kept = existing.get(thai) if existing is not None else None
            text = kept.string if kept is not None else ""
        files = sorted({where for where, _line in places})
        catalog.add(
            thai, text, locations=[(f, 0) for f in files], auto_comments=[f"English: {english}"]
        )
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=True, sort_output=True, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def languages() -> list[str]:
    """Languages that have a catalog (English at least)."""
    langs = {p.parent.parent.name for p in TRANSLATIONS.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return sorted(langs | {"en"})


def stale(found: dict | None = None) -> list[str]:
    """Catalog files that do not match the code (empty when everything is up to date)."""
    found = extract() if found is None else found
    out = []
    for lang in languages():
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo_path = po_path.with_suffix(".mo")
        existing = _read(po_path)
        catalog = build(lang, found, existing)
        if not po_path.exists() or po_path.read_bytes() != _po_bytes(catalog):
            out.append(str(po_path.relative_to(ROOT)))
        if not mo_path.exists() or _mo_messages(mo_path.read_bytes()) != _mo_messages(
            _mo_bytes(catalog)
        ):
            out.append(str(mo_path.relative_to(ROOT)))
    return out


def _mo_messages(data: bytes) -> dict[str, str]:
    return {m.id: m.string for m in read_mo(io.BytesIO(data)) if m.id}


def _read(path: Path) -> Catalog | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle)


def update() -> list[str]:
    """Rewrite every catalog from the code; returns the files written."""
    found = extract()
    written = []
    for lang in languages():
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        catalog = build(lang, found, _read(po_path))
        po_path.write_bytes(_po_bytes(catalog))
        po_path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))
        written += [
            str(po_path.relative_to(ROOT)),
            str(po_path.with_suffix(".mo").relative_to(ROOT)),
        ]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.messages")
    parser.add_argument("--check", action="store_true", help="exit 1 if a catalog is stale")
    args = parser.parse_args(argv)
    if args.check:
        out = stale()
        for path in out:
            print(f"out of date: {path} (run `make messages`)", file=sys.stderr)
        return 1 if out else 0
    for path in update():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
