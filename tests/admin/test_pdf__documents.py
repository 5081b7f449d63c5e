"""The receipt and the referral letter as PDFs: Sarabun embedded, the codes in the text, the
confidential complainant absent from what goes to the agency, and the same scope as the pages."""

from __future__ import annotations

import io
import re
from html import unescape

from pypdf import PdfReader
from sqlalchemy import select

from engine.models import Case, DirectoryEntry
from engine.reference.directory import load_directory
from tests.admin.conftest import add_official, csrf_of, sign_in
from tests.admin.test_inbox__scope import screen_and_refer
from tests.admin.test_intake__receipt import complaint

NAME, PHONE, NATIONAL_ID = "สมศรี ใจงาม", "0819998888", "1101700230074"
TEXT = (
    "ดิฉันนางสาวสมศรี ใจงาม โทร 081-999-8888 เลขบัตรประชาชน 1101700230074 "
    "นายจ้างชื่อบริษัทเอบีซีไม่จ่ายค่าจ้างมาสองเดือนแล้ว"
)
HIDDEN_FIELD = re.compile(r'<input type="hidden" name="(case_id|secret)" value="([^"]*)"')


def read_pdf(response) -> tuple[PdfReader, str]:  # type: ignore[no-untyped-def]
    """The parsed PDF and its text, with the line-break marks between Thai words taken out."""
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    # Zero-width spaces are the word breaks and line ends split words; the second glyph that
    # shaping makes of ำ extracts as a control character.
    return reader, re.sub("[\u200b\x00-\x1f]", "", text)


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Base names of the fonts whose TrueType file is inside the PDF."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            if "/FontFile2" in descendant["/FontDescriptor"]:
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_the_complainant_gets_the_receipt_as_a_pdf_with_code_and_secret(app, people, factory):
    client = app.test_client()
    sign_in(client, "intake")
    page = client.post("/staff/intake", data=complaint(csrf_of(client.get("/staff/intake").text)))
    form = dict(HIDDEN_FIELD.findall(page.text))
    with factory() as session:
        case = session.scalar(select(Case))
    download = client.post(
        "/staff/intake/receipt.pdf", data={"csrf_token": csrf_of(page.text), **form}
    )
    reader, text = read_pdf(download)
    assert len(reader.pages) == 1 and embedded_fonts(reader) == {"Sarabun", "SarabunBold"}
    assert case.registration_number in text and case.tracking_code in text
    assert form["secret"] in text and f"/portal/track?code={case.tracking_code}" in text
    assert "ใบรับเรื่องร้องเรียน" in text and "สายด่วน 1567" in text and "2569" in text
    assert "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่" in text
    printable = page.text.split('id="receipt">')[1].split("</article>")[0]
    for line in page_lines(printable):  # the page's words, each in the PDF too
        assert squeeze(line) in squeeze(text), line

    wrong = client.post(
        "/staff/intake/receipt.pdf",
        data={"csrf_token": csrf_of(page.text), "case_id": form["case_id"], "secret": "WRONG"},
    )
    assert wrong.status_code == 422 and wrong.mimetype == "text/html"
    no_csrf = client.post("/staff/intake/receipt.pdf", data=form)
    assert no_csrf.status_code == 400

    # Outside scope: another center's intake officer, and a screener, even with the secret.
    add_official(factory, "intake_bkk", "c10", ["intake"])
    for name in ("intake_bkk", "screener"):
        other = app.test_client()
        sign_in(other, name)
        token = csrf_of(other.get("/staff/account").text)
        refused = other.post("/staff/intake/receipt.pdf", data={"csrf_token": token, **form})
        assert refused.status_code in (403, 404), name
        assert not refused.data.startswith(b"%PDF")


def refer_letter_case(app, people, open_cases, factory, clock, confidential: bool):  # type: ignore[no-untyped-def]
    case_id = open_cases(
        "ค่าจ้างค้าง",
        description=TEXT,
        category="labour",
        confidential=confidential,
        complainant={"name": NAME, "phone": PHONE, "national_id": NATIONAL_ID},
    )[0]
    screener = app.test_client()
    sign_in(screener, "screener")
    assert screener.get(f"/staff/cases/{case_id}/letter.pdf").status_code == 404  # not referred
    screen_and_refer(factory, clock, people, case_id)
    with factory() as session:
        tracking_code = session.get(Case, case_id).tracking_code
    return screener, case_id, tracking_code


def test_the_referral_letter_pdf_keeps_a_confidential_complainant_out(
    app, people, open_cases, factory, clock
):
    screener, case_id, code = refer_letter_case(app, people, open_cases, factory, clock, True)
    page = screener.get(f"/staff/cases/{case_id}/letter").text
    assert f'href="/staff/cases/{case_id}/letter.pdf"' in page
    download = screener.get(f"/staff/cases/{case_id}/letter.pdf")
    reader, text = read_pdf(download)
    assert len(reader.pages) == 2  # the letter, then the summary it encloses
    assert embedded_fonts(reader) == {"Sarabun", "SarabunBold"}
    assert code in text and "เรียนปลัดกระทรวงแรงงาน" in text.replace(" ", "")
    assert "๒๓ พฤศจิกายน ๒๕๖๙" in text and "ขอแสดงความนับถือ" in text
    assert "ผู้ร้อง (ขอปกปิดชื่อ)" in text and "สายด่วน ๑๕๖๗" in text
    assert "บริษัทเอบีซี" in text  # the rest of the complaint is there
    for secret in ("สมศรี", "ใจงาม", PHONE, "081-999-8888", NATIONAL_ID):
        assert secret not in text, secret
        # Only shows no plain copy (metadata, an uncompressed stream): page text is compressed
        # glyph ids, which the extracted text above is the check of.
        for encoding in ("utf-8", "utf-16-be"):
            assert secret.encode(encoding) not in download.data, secret
    assert NAME not in str(reader.metadata)

    labour = app.test_client()
    sign_in(labour, "labour")
    assert labour.get(f"/staff/cases/{case_id}/letter.pdf").status_code == 403
    add_official(factory, "screener_bkk2", "c10", ["screener"])
    elsewhere = app.test_client()
    sign_in(elsewhere, "screener_bkk2")
    assert elsewhere.get(f"/staff/cases/{case_id}/letter.pdf").status_code in (403, 404)


def test_a_named_complainant_is_in_the_letter_pdf(app, people, open_cases, factory, clock):
    """The control for the test above: the same extraction does find a name when it is there."""
    screener, case_id, _ = refer_letter_case(app, people, open_cases, factory, clock, False)
    _, text = read_pdf(screener.get(f"/staff/cases/{case_id}/letter.pdf"))
    assert f"จาก{NAME}" in text and NATIONAL_ID not in text  # ID numbers are always masked


def squeeze(text: str) -> str:
    """Text without whitespace: the PDF breaks lines where the page wraps them."""
    return re.sub(r"\s+", "", text)


def page_lines(html_part: str) -> list[str]:
    """The lines of text of a piece of the page: what is between its tags, unescaped."""
    lines = (unescape(part) for part in re.split(r"<[^>]+>", html_part))
    return [" ".join(line.split()) for line in lines if line.strip()]


def test_the_letter_page_and_the_letter_pdf_say_the_same(app, people, open_cases, factory, clock):
    with factory.begin() as session:
        load_directory(session)  # the centers' addresses
    screener, case_id, code = refer_letter_case(app, people, open_cases, factory, clock, True)
    page = screener.get(f"/staff/cases/{case_id}/letter").text
    _, text = read_pdf(screener.get(f"/staff/cases/{case_id}/letter.pdf"))
    letter = squeeze(text)

    body = page.split('id="letter-body">')[1].split("</div>")[0]
    paragraphs = [squeeze(p) for p in page_lines(body)]
    assert len(paragraphs) == 3 and squeeze(f"รหัสติดตาม {code}") in paragraphs[0]
    at = 0
    for paragraph in paragraphs:  # every paragraph of the page, in the page's order
        found = letter.find(paragraph, at)
        assert found >= 0, paragraph
        at = found + len(paragraph)
    # The rest of the letter and the enclosed summary: every line of the page is in the PDF.
    whole = page.split('<article class="letter"')[1].split("</section>")[0]
    lines = page_lines(whole.split(">", 1)[1])
    for line in lines:
        assert squeeze(line) in letter, line
    with factory() as session:
        address = session.scalar(
            select(DirectoryEntry.address_th).join(
                Case, Case.center_id == DirectoryEntry.org_unit_id
            )
        )
    assert address and address in lines and squeeze(address) in letter  # the sender's address
    assert "ขอแสดงความนับถือ" in lines and "สายด่วน ๑๕๖๗" in lines
    assert "สมศรี" not in page and "สมศรี" not in text

    # The letter is a Thai official letter: in the English interface it says the same.
    screener.get("/staff/lang/en")
    english = screener.get(f"/staff/cases/{case_id}/letter").text
    assert english.split('id="letter-body">')[1].split("</div>")[0] == body
    _, again = read_pdf(screener.get(f"/staff/cases/{case_id}/letter.pdf"))
    assert squeeze(again) == letter


def test_an_officer_working_in_english_prints_the_receipt_in_english(app, people, factory):
    client = app.test_client()
    sign_in(client, "intake")
    client.get("/staff/lang/en")
    page = client.post("/staff/intake", data=complaint(csrf_of(client.get("/staff/intake").text)))
    form = dict(HIDDEN_FIELD.findall(page.text))
    download = client.post(
        "/staff/intake/receipt.pdf", data={"csrf_token": csrf_of(page.text), **form}
    )
    _, text = read_pdf(download)
    printable = page.text.split('id="receipt">')[1].split("</article>")[0]
    for words in ("Complaint receipt", "Tracking code", "2569 BE", "Call the 1567 hotline"):
        assert words in printable and words in text, words
    assert "ใบรับเรื่องร้องเรียน" not in printable and "ใบรับเรื่องร้องเรียน" not in text
