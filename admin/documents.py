"""What the printed documents say: the complainant's receipt and the referral letter.

Every sentence of both is written here, once; the printable pages (staff/receipt.html,
staff/letter.html) and the PDFs (admin/pdf.py) only lay out what these functions return, so an
edit to the wording shows in both. The letter is a Thai official letter (หนังสือภายนอก) and is
Thai whatever the interface language; the receipt follows the officer's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.models import Case
from web.i18n import BANGKOK, BE_OFFSET, be_date, pick, t

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
THAI_MONTHS = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
HOTLINE = "1567"
ANSWER_DAYS = 15  # the agency reports back within this many days of receiving the letter
LETTERHEAD_CM = 3  # the Garuda's height on an official letter (ระเบียบงานสารบรรณ)


@dataclass(frozen=True)
class Referral:
    """The facts the letter is written from; title, description and address already redacted."""

    case_id: int
    registration_number: str
    tracking_code: str
    received: datetime
    center: str
    center_address: str | None
    center_phone: str | None
    agency: str
    addressee: str  # the agency head's position: เรียน ปลัดกระทรวงแรงงาน
    signer_name: str
    signer_position: str
    complainant: str | None  # None when the complainant's name may not reach the agency
    title: str
    description: str
    address: str
    letterhead: Letterhead | None = None


@dataclass(frozen=True)
class Letterhead:
    """The image at the top of the letter (the Garuda or the center's letterhead): laid out
    3 cm high, as the rules on official letters place the Garuda."""

    id: int
    content_type: str
    content: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Field:
    """A label and its value: 'เรื่อง  ขอส่งเรื่องร้องเรียน…'."""

    label: str
    value: str


@dataclass(frozen=True)
class Summary:
    """สิ่งที่ส่งมาด้วย: the complaint as the agency may read it (already redacted)."""

    heading: str
    codes: str
    fields: list[Field]
    details_label: str
    details: list[str]


@dataclass(frozen=True)
class Letter:
    """The referral letter to the lead agency, in the order it is read."""

    title: str
    case_id: int
    tracking_code: str
    reference: Field
    sender: list[str]  # the center's name, then its address when the directory has one
    date: str
    subject: Field
    salutation: Field
    enclosures: Field
    paragraphs: list[str]
    closing: str
    signature: list[str]
    contact: list[str]
    summary: Summary
    letterhead: Letterhead | None = None


@dataclass(frozen=True)
class Fact:
    """A line of the receipt; `key` names it on the page, `code` marks what is typed back."""

    key: str
    label: str
    value: str
    code: bool = False


@dataclass(frozen=True)
class Route:
    """One way to follow the complaint: 'label: value note'."""

    label: str
    value: str = ""
    note: str = ""

    @property
    def text(self) -> str:
        """The route as one line."""
        return (
            self.label
            + (f": {self.value}" if self.value else "")
            + (f" {self.note}" if self.note else "")
        )


@dataclass(frozen=True)
class Receipt:
    """The complainant's receipt, in the officer's language."""

    case_id: int
    registration_number: str
    tracking_code: str
    secret: str
    center: str
    heading: str
    facts: list[Fact]
    follow: str
    routes: list[Route]
    keep: str


def thai_number(value: object) -> str:
    """Digits as Thai numerals, as official letters write them."""
    return str(value).translate(THAI_DIGITS)


def letter_date(now: datetime) -> str:
    """'๒๙ พฤศจิกายน ๒๕๖๙': the long Thai date of an official letter."""
    day = now.astimezone(BANGKOK).date()
    return thai_number(f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + BE_OFFSET}")


def letter(facts: Referral, now: datetime) -> Letter:
    """The referral letter's wording, in Thai: header, body, closing, contacts, summary.

    Its own numbers (dates, days, telephone numbers, the address) are Thai numerals, as official
    letters write them; the registration number and tracking code are codes typed back into a
    system, so they keep their machine form whole (never Latin letters among Thai digits)."""
    registration = facts.registration_number
    who = f"จาก{facts.complainant}" if facts.complainant else "จากผู้ร้อง (ขอปกปิดชื่อ)"
    contact = [facts.center]
    if facts.center_phone:
        contact.append(f"โทร. {thai_number(facts.center_phone)}")
    contact.append(f"สายด่วน {thai_number(HOTLINE)}")
    summary_fields = [Field("เรื่อง", facts.title)]
    if facts.address:
        summary_fields.append(Field("สถานที่", facts.address))
    address = thai_number(facts.center_address) if facts.center_address else None
    return Letter(
        title=f"หนังสือส่งเรื่องร้องเรียน {registration}",
        case_id=facts.case_id,
        tracking_code=facts.tracking_code,
        reference=Field("ที่", registration),
        sender=[line for line in (facts.center, address) if line],
        date=letter_date(now),
        subject=Field("เรื่อง", "ขอส่งเรื่องร้องเรียนเพื่อพิจารณาดำเนินการ"),
        salutation=Field("เรียน", facts.addressee),
        enclosures=Field("สิ่งที่ส่งมาด้วย", "สรุปเรื่องร้องเรียน จำนวน ๑ ชุด"),
        paragraphs=[
            f"ด้วย{facts.center} ได้รับเรื่องร้องเรียน{who} เมื่อวันที่ {letter_date(facts.received)} "
            f"ทะเบียนรับเลขที่ {registration} รหัสติดตาม {facts.tracking_code} "
            f"กรณี{facts.title} รายละเอียดปรากฏตามสิ่งที่ส่งมาด้วย",
            "ศูนย์ดำรงธรรมพิจารณาแล้ว เห็นว่าเรื่องดังกล่าวอยู่ในอำนาจหน้าที่ของหน่วยงานท่าน "
            "จึงขอส่งเรื่องร้องเรียนดังกล่าวเพื่อพิจารณาดำเนินการตามอำนาจหน้าที่ "
            "และขอได้โปรดแจ้งผลการดำเนินการให้ศูนย์ดำรงธรรมทราบภายใน "
            f"{thai_number(ANSWER_DAYS)} วัน นับแต่วันที่ได้รับหนังสือนี้",
            "จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป",
        ],
        closing="ขอแสดงความนับถือ",
        signature=[f"({facts.signer_name})", facts.signer_position],
        contact=contact,
        summary=Summary(
            heading="สรุปเรื่องร้องเรียน",
            codes=f"รหัสติดตาม {facts.tracking_code} · ทะเบียนรับเลขที่ {registration}",
            fields=summary_fields,
            details_label="รายละเอียด",
            details=facts.description.splitlines() or [""],
        ),
        letterhead=facts.letterhead,
    )


def receipt(case: Case, secret: str, track_url: str) -> Receipt:
    """The receipt's wording in the current language: the codes and how to follow."""
    registration_number, tracking_code = case.registration_number, case.tracking_code
    facts = [
        Fact("registration-number", t("เลขทะเบียนรับ", "Registration no."), registration_number),
        Fact("received", t("วันที่รับเรื่อง", "Received"), be_date(case.created_at, time=True)),
        Fact("title", t("เรื่อง", "Subject"), case.title),
        Fact("tracking-code", t("รหัสติดตาม", "Tracking code"), tracking_code, code=True),
    ]
    if secret:
        facts.append(Fact("citizen-secret", t("รหัสลับ", "Secret"), secret, code=True))
    routes = [
        Route(
            t("เว็บไซต์", "Web"),
            track_url,
            t("กรอกรหัสติดตามและรหัสลับ", "with the tracking code and secret"),
        ),
        Route(
            t(
                "สายด่วน 1567 (ตลอด 24 ชั่วโมง) แจ้งรหัสติดตาม",
                "Call the 1567 hotline with the tracking code",
            )
        ),
    ]
    if case.center.phone:
        routes.append(Route(t("ศูนย์ดำรงธรรมที่รับเรื่อง", "The center"), case.center.phone))
    return Receipt(
        case_id=case.id,
        registration_number=registration_number,
        tracking_code=tracking_code,
        secret=secret,
        center=pick((case.center.name_th, case.center.name_en)),
        heading=t("ใบรับเรื่องร้องเรียน", "Complaint receipt"),
        facts=facts,
        follow=t("วิธีติดตามเรื่อง", "How to follow your complaint"),
        routes=routes,
        keep=t("โปรดเก็บรหัสลับไว้ ระบบจะไม่แสดงรหัสนี้อีก", "Keep the secret: it is not shown again."),
    )
