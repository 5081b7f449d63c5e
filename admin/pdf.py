"""PDF versions of the printable pages: the complainant's receipt and the referral letter.

The font is Sarabun, the face of Thai official letters (SIL OFL, pinned in package.json and
installed into node_modules by `make install`). fpdf2 shapes Thai with HarfBuzz, so vowels and
tone marks stack where they belong; Thai has no spaces between words, so a zero-width space is
put between the words pythainlp finds and lines break between words, never inside one.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Response
from fpdf import FPDF

from admin.i18n import be_date, pick, t
from admin.vendor import NODE_MODULES
from engine.errors import NotFound

SARABUN = NODE_MODULES / "@expo-google-fonts" / "sarabun"
FONTS = {"": "400Regular/Sarabun_400Regular.ttf", "B": "700Bold/Sarabun_700Bold.ttf"}
FAMILY = "Sarabun"
WORD_BREAK = "\u200b"  # zero-width space: a place a line may break
THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
HOTLINE = "1567"


def breakable(text: str | None) -> str:
    """The text with a line-break opportunity between Thai words (codes and numbers untouched)."""
    # Only the dictionary inside the package is needed: never download, never write a data
    # directory (a service account may have no writable home).
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import word_tokenize  # loads its dictionary on first use

    return THAI_RUN.sub(
        lambda run: WORD_BREAK.join(word_tokenize(run.group(0), engine="newmm")), text or ""
    )


class ThaiDocument(FPDF):
    """An A4 page in Sarabun with Thai shaping; `size` is the body text size in points."""

    def __init__(self, title: str, created: datetime, size: float = 14) -> None:
        super().__init__(format="A4", unit="mm")
        for style, name in FONTS.items():
            path: Path = SARABUN / name
            if not path.is_file():
                raise NotFound(
                    "The Sarabun font is not installed (run make install).",
                    "ไม่พบฟอนต์ Sarabun (ต้องติดตั้งด้วย make install)",
                )
            self.add_font(FAMILY, style, str(path))
        self.set_text_shaping(True)
        self.size = size
        self.line = size * 0.5  # mm per line: Sarabun's tall marks need room
        self.set_title(title)
        self.set_creator("Damrong")
        self.set_creation_date(created)
        self.set_font(FAMILY, size=size)

    def text_at(self, x: float, text: str, style: str = "", size: float | None = None) -> None:
        """One line starting at x (mm from the page's left edge), then the next line."""
        self.set_font(FAMILY, style, size or self.size)
        self.set_x(x)
        self.cell(0, self.line, breakable(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", self.size)

    def paragraph(self, text: str, indent: float = 0, style: str = "") -> None:
        """A paragraph filling the text width; only its first line is indented."""
        self.set_font(FAMILY, style, self.size)
        self.set_x(self.l_margin + indent)
        self.write(self.line, breakable(text))
        self.ln(self.line)
        self.set_font(FAMILY, "", self.size)

    def labelled(
        self,
        label: str,
        value: str,
        at: float | None = None,
        label_style: str = "",
        style: str = "",
        size: float = 0,
    ) -> None:
        """'label  value', the value wrapping under itself (a hanging indent) at `at` mm."""
        height = self.line * (size or self.size) / self.size
        self.set_font(FAMILY, label_style, self.size)
        self.set_x(self.l_margin)
        width = self.get_string_width(label) + 4 if at is None else at
        self.cell(width, height, label)
        self.set_font(FAMILY, style, size or self.size)
        self.multi_cell(0, height, breakable(value), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", self.size)

    def centered(self, text: str, x: float, width: float, style: str = "", size: float = 0) -> None:
        """A line centred in the band [x, x + width]."""
        self.set_font(FAMILY, style, size or self.size)
        self.set_x(x)
        self.cell(width, self.line * (size or self.size) / self.size, breakable(text), align="C")
        self.ln()
        self.set_font(FAMILY, "", self.size)


def response(data: bytes, filename: str) -> Response:
    """A PDF download (the staff edge adds no-store: these hold personal data)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", filename)
    return Response(
        bytes(data),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def receipt(receipt: dict[str, Any], track_url: str, now: datetime) -> bytes:
    """The complainant's receipt: the same facts and follow-up routes as the printable page."""
    pdf = ThaiDocument(t("ใบรับเรื่องร้องเรียน", "Complaint receipt"), now, size=14)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.centered(pick(receipt["center"]), pdf.l_margin, width, "B")
    pdf.centered(t("ใบรับเรื่องร้องเรียน", "Complaint receipt"), pdf.l_margin, width, "B", 20)
    pdf.ln(6)
    facts = [
        (t("เลขทะเบียนรับ", "Registration no."), receipt["registration_number"], False),
        (t("วันที่รับเรื่อง", "Received"), be_date(receipt["created_at"], time=True), False),
        (t("เรื่อง", "Subject"), receipt["title"], False),
        (t("รหัสติดตาม", "Tracking code"), receipt["tracking_code"], True),
    ]
    if receipt.get("secret"):
        facts.append((t("รหัสลับ", "Secret"), receipt["secret"], True))
    for label, value, big in facts:
        pdf.labelled(label, value, at=45, **({"style": "B", "size": 18} if big else {}))
    pdf.ln(4)
    pdf.paragraph(t("วิธีติดตามเรื่อง", "How to follow your complaint"), style="B")
    routes = [
        t("เว็บไซต์", "Web")
        + f": {track_url} "
        + t("กรอกรหัสติดตามและรหัสลับ", "with the tracking code and secret"),
        t(
            f"สายด่วน {HOTLINE} (ตลอด 24 ชั่วโมง) แจ้งรหัสติดตาม",
            f"Call the {HOTLINE} hotline with the tracking code",
        ),
    ]
    if receipt.get("center_phone"):
        routes.append(t("ศูนย์ดำรงธรรมที่รับเรื่อง", "The center") + f": {receipt['center_phone']}")
    for route in routes:
        pdf.labelled("•", route, at=6)
    pdf.ln(4)
    pdf.paragraph(t("โปรดเก็บรหัสลับไว้ ระบบจะไม่แสดงรหัสนี้อีก", "Keep the secret: it is not shown again."))
    return bytes(pdf.output())


def letter(letter: dict[str, Any], now: datetime) -> bytes:
    """The referral letter as หนังสือภายนอก: the same text and redaction as the printable page.

    `letter` is what `admin.referral.letter_content` builds; Thai numerals come from it.
    """
    number = letter["thai_number"]
    case, center, agency = letter["case"], letter["center"], letter["agency"]
    registration = number(case.registration_number)
    pdf = ThaiDocument(f"หนังสือส่งเรื่องร้องเรียน {case.registration_number}", now, size=14)
    pdf.set_margins(30, 15, 20)  # left 3 cm, right 2 cm: the government letter margins
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_y(15 + 30 + 3)  # the Garuda's place: 3 cm high, 1.5 cm from the top (left blank)
    top = pdf.get_y()
    pdf.text_at(pdf.l_margin, f"ที่ {registration}")
    sender = [line for line in (center.name_th, letter.get("center_address")) if line]
    width = min(90.0, max(pdf.get_string_width(line) for line in sender) + 1)
    pdf.set_xy(pdf.w - pdf.r_margin - width, top)  # the sender's address, top right
    # An address breaks at its spaces; only a part too wide for the block breaks between words.
    text = "\n".join(
        " ".join(
            breakable(part) if pdf.get_string_width(part) > width else part
            for part in line.split(" ")
        )
        for line in sender
    )
    pdf.multi_cell(width, pdf.line, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(pdf.line / 2)
    pdf.text_at(105, letter["date"])
    pdf.ln(pdf.line / 2)
    pdf.labelled("เรื่อง", "ขอส่งเรื่องร้องเรียนเพื่อพิจารณาดำเนินการ")
    pdf.labelled("เรียน", agency.name_th)
    pdf.labelled("สิ่งที่ส่งมาด้วย", "สรุปเรื่องร้องเรียน จำนวน ๑ ชุด")
    pdf.ln(pdf.line / 2)
    for text in letter_paragraphs(letter):
        pdf.paragraph(text, indent=25)
    band_x, band_w = 95.0, pdf.w - pdf.r_margin - 95.0
    pdf.ln(pdf.line)
    pdf.centered("ขอแสดงความนับถือ", band_x, band_w)
    pdf.ln(pdf.line * 3)  # room to sign
    pdf.centered("(..........................................)", band_x, band_w)
    pdf.centered(center.name_th, band_x, band_w)
    contact = [center.name_th]
    if center.phone:
        contact.append(f"โทร. {number(center.phone)}")
    contact.append("สายด่วน ๑๕๖๗")
    pdf.set_y(max(pdf.get_y() + pdf.line, pdf.h - 20 - pdf.line * len(contact)))
    for line in contact:
        pdf.text_at(pdf.l_margin, line)
    _annex(pdf, letter, registration)
    return bytes(pdf.output())


def letter_paragraphs(letter: dict[str, Any]) -> list[str]:
    """The body of the letter, word for word as the printable page writes it."""
    case, center, number = letter["case"], letter["center"], letter["thai_number"]
    who = f"จาก{letter['complainant']}" if letter["complainant"] else "จากผู้ร้อง (ขอปกปิดชื่อ)"
    return [
        f"ด้วย{center.name_th} ได้รับเรื่องร้องเรียน{who} เมื่อวันที่ {letter['received']} "
        f"ทะเบียนรับเลขที่ {number(case.registration_number)} รหัสติดตาม {case.tracking_code} "
        f"กรณี{letter['title']} รายละเอียดปรากฏตามสิ่งที่ส่งมาด้วย",
        "ศูนย์ดำรงธรรมพิจารณาแล้ว เห็นว่าเรื่องดังกล่าวอยู่ในอำนาจหน้าที่ของหน่วยงานท่าน "
        "จึงขอส่งเรื่องร้องเรียนดังกล่าวเพื่อพิจารณาดำเนินการตามอำนาจหน้าที่ "
        "และขอได้โปรดแจ้งผลการดำเนินการให้ศูนย์ดำรงธรรมทราบภายใน ๑๕ วัน นับแต่วันที่ได้รับหนังสือนี้",
        "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป",
    ]


def _annex(pdf: ThaiDocument, letter: dict[str, Any], registration: str) -> None:
    """สิ่งที่ส่งมาด้วย: the summary of the complaint, from a new page."""
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.centered("สรุปเรื่องร้องเรียน", pdf.l_margin, width, "B", 16)
    pdf.ln(pdf.line / 2)
    pdf.paragraph(f"รหัสติดตาม {letter['case'].tracking_code} · ทะเบียนรับเลขที่ {registration}")
    pdf.labelled("เรื่อง", letter["title"] or "", label_style="B")
    if letter["address"]:
        pdf.labelled("สถานที่", letter["address"], label_style="B")
    pdf.paragraph("รายละเอียด", style="B")
    for line in (letter["description"] or "").splitlines() or [""]:
        pdf.paragraph(line)
