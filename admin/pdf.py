"""PDF versions of the printable pages: the complainant's receipt and the referral letter.

They lay out what admin/documents.py says (the pages lay out the same), adding no words.

The font is Sarabun, the face of Thai official letters (SIL OFL, pinned in package.json and
installed into node_modules by `make install`). fpdf2 shapes Thai with HarfBuzz, so vowels and
tone marks stack where they belong; Thai has no spaces between words, so a zero-width space is
put between the words pythainlp finds and lines break between words, never inside one.
"""

from __future__ import annotations

import io
import os
import re
from datetime import datetime
from pathlib import Path

from flask import Response
from fpdf import FPDF

from admin.documents import LETTERHEAD_CM, Letter, Letterhead, Receipt, Summary
from engine.errors import NotFound
from web.vendor import NODE_MODULES

SARABUN = NODE_MODULES / "@expo-google-fonts" / "sarabun"
FONTS = {"": "400Regular/Sarabun_400Regular.ttf", "B": "700Bold/Sarabun_700Bold.ttf"}
FAMILY = "Sarabun"
WORD_BREAK = "\u200b"  # zero-width space: a place a line may break
THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")


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


def receipt(receipt: Receipt, now: datetime) -> bytes:
    """The complainant's receipt: what `admin.documents.receipt` says, on one A4 page."""
    pdf = ThaiDocument(receipt.heading, now, size=14)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.centered(receipt.center, pdf.l_margin, width, "B")
    pdf.centered(receipt.heading, pdf.l_margin, width, "B", 20)
    pdf.ln(6)
    for fact in receipt.facts:
        big = {"style": "B", "size": 18} if fact.code else {}  # the codes to type back
        pdf.labelled(fact.label, fact.value, at=45, **big)
    pdf.ln(4)
    pdf.paragraph(receipt.follow, style="B")
    for route in receipt.routes:
        pdf.labelled("•", route.text, at=6)
    pdf.ln(4)
    pdf.paragraph(receipt.keep)
    return bytes(pdf.output())


def letter(letter: Letter, now: datetime) -> bytes:
    """The referral letter as หนังสือภายนอก: what `admin.documents.letter` says, laid out."""
    pdf = ThaiDocument(letter.title, now, size=14)
    pdf.set_margins(30, 15, 20)  # left 3 cm, right 2 cm: the government letter margins
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _letterhead(pdf, letter.letterhead)
    pdf.set_y(15 + LETTERHEAD_CM * 10 + 3)  # below the Garuda: 3 cm high, 1.5 cm from the top
    top = pdf.get_y()
    pdf.text_at(pdf.l_margin, f"{letter.reference.label} {letter.reference.value}")
    width = min(90.0, max(pdf.get_string_width(line) for line in letter.sender) + 1)
    pdf.set_xy(pdf.w - pdf.r_margin - width, top)  # the sender's address, top right
    # An address breaks at its spaces; only a part too wide for the block breaks between words.
    text = "\n".join(
        " ".join(
            breakable(part) if pdf.get_string_width(part) > width else part
            for part in line.split(" ")
        )
        for line in letter.sender
    )
    pdf.multi_cell(width, pdf.line, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(pdf.line / 2)
    pdf.text_at(105, letter.date)
    pdf.ln(pdf.line / 2)
    for field in (letter.subject, letter.salutation, letter.enclosures):
        pdf.labelled(field.label, field.value)
    pdf.ln(pdf.line / 2)
    for text in letter.paragraphs:
        pdf.paragraph(text, indent=25)
    band_x, band_w = 95.0, pdf.w - pdf.r_margin - 95.0
    pdf.ln(pdf.line)
    pdf.centered(letter.closing, band_x, band_w)
    pdf.ln(pdf.line * 3)  # room to sign
    for line in letter.signature:
        pdf.centered(line, band_x, band_w)
    contact = letter.contact
    pdf.set_y(max(pdf.get_y() + pdf.line, pdf.h - 20 - pdf.line * len(contact)))
    for line in contact:
        pdf.text_at(pdf.l_margin, line)
    _annex(pdf, letter.summary)
    return bytes(pdf.output())


def _letterhead(pdf: ThaiDocument, image: Letterhead | None) -> None:
    """The emblem or letterhead 3 cm high, centred 1.5 cm from the top (narrower if too wide)."""
    if image is None:
        return  # its place stays blank: the Garuda may be printed on the paper already
    width = pdf.w - pdf.l_margin - pdf.r_margin
    height = LETTERHEAD_CM * 10.0
    shown = min(width, height * image.width / image.height)
    height = shown * image.height / image.width
    pdf.image(io.BytesIO(image.content), x=pdf.l_margin + (width - shown) / 2, y=15, h=height)


def _annex(pdf: ThaiDocument, summary: Summary) -> None:
    """สิ่งที่ส่งมาด้วย: the summary of the complaint, from a new page."""
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.centered(summary.heading, pdf.l_margin, width, "B", 16)
    pdf.ln(pdf.line / 2)
    pdf.paragraph(summary.codes)
    for field in summary.fields:
        pdf.labelled(field.label, field.value, label_style="B")
    pdf.paragraph(summary.details_label, style="B")
    for line in summary.details:
        pdf.paragraph(line)
