"""Message catalogs (Flask-Babel): in step with the code, and a new language needs only its own."""

from __future__ import annotations

import io

from babel.messages.mofile import write_mo

from damrong.app import create_app
from damrong.config import Config
from web import messages

BURMESE_TITLE = "ဝန်ထမ်းများ ဝင်ရောက်ရန်"
BURMESE_WHAT = "၁။ ဖြစ်ပွားခဲ့သည့်အရာ"


def test_the_shipped_catalogs_match_the_texts_in_code_and_templates():
    assert messages.stale() == [], "run `make messages` after changing a t(…) text"


def test_every_text_of_the_sign_in_page_is_in_the_english_catalog():
    found = messages.extract()
    assert found["เข้าสู่ระบบเจ้าหน้าที่"][0] == "Staff sign-in"
    assert found["ชื่อผู้ใช้"][0] == "Username"


def _catalogs(tmp_path, translated: dict[str, str]) -> str:
    found = messages.extract()
    for lang in ("en", "my"):
        catalog = messages.build(lang, found, None)
        for thai, text in translated.items():
            if lang == "my":
                catalog[thai].string = text
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        out = io.BytesIO()
        write_mo(out, catalog)
        (folder / "messages.mo").write_bytes(out.getvalue())
    return str(tmp_path)


def test_a_language_with_a_catalog_is_offered_and_shown_with_english_where_untranslated(
    database_url, clock, tmp_path
):
    # An operator adds a language without touching the code: DAMRONG_TRANSLATIONS=<folder>.
    folder = _catalogs(tmp_path, {"เข้าสู่ระบบเจ้าหน้าที่": BURMESE_TITLE})
    config = Config(database_url=database_url, secret_key="test", translations=folder)
    app = create_app(config, clock=clock)
    client = app.test_client()
    thai = client.get("/staff/signin").text
    assert "เข้าสู่ระบบเจ้าหน้าที่" in thai
    assert 'hreflang="my"' in thai and "မြန်မာ" in thai  # offered in its own name

    assert client.get("/staff/lang/my").status_code == 302
    page = client.get("/staff/signin").text
    assert '<html lang="my">' in page
    assert BURMESE_TITLE in page
    assert "Username" in page  # not translated yet: English, not Thai
    assert "ชื่อผู้ใช้" not in page


def test_an_unknown_language_code_is_ignored(app):
    client = app.test_client()
    client.get("/staff/lang/xx")
    assert "เข้าสู่ระบบเจ้าหน้าที่" in client.get("/staff/signin").text


def test_citizens_choose_a_catalog_language_on_the_portal(database_url, clock, tmp_path):
    folder = _catalogs(tmp_path, {"1. เรื่องที่ร้องเรียน": BURMESE_WHAT})
    config = Config(database_url=database_url, secret_key="test", translations=folder)
    client = create_app(config, clock=clock).test_client()
    assert 'hreflang="my"' in client.get("/portal/complaint").text
    page = client.get("/portal/complaint?lang=my").text
    assert BURMESE_WHAT in page
    assert "2. Where" in page  # untranslated: English
