"""One complainant's phone and national ID written every way people write them (generated)."""

from __future__ import annotations

from engine.access.identity import national_id_check_digit

NAME = "สมหญิง รักงาน"
EMAIL = "somying.rakngan@example.com"
PHONE = "0897654321"
FIRST12 = "150990012345"
NID = FIRST12 + str(national_id_check_digit(FIRST12))  # 1509900123453

_FULL_WIDTH = str.maketrans("0123456789-/.() ", "０１２３４５６７８９－／．（）　")
_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
SEPARATORS = ("-", "/", ".", "_", " ", " - ", "\u200b", "–")


def _grouped(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    return separator.join(parts)


def phone_formats(phone: str = PHONE) -> list[str]:
    """A mobile number plain, grouped 3-3-4 with every separator, bracketed, +66, wide, Thai."""
    forms = [phone, f"({phone[:3]}) {phone[3:6]} {phone[6:]}", f"({phone[:3]}){phone[3:]}"]
    forms += [_grouped(phone, (3, 3, 4), sep) for sep in SEPARATORS]
    forms += [_grouped(phone, (2, 4, 4), "-"), _grouped(phone, (3, 7), " ")]
    international = "66" + phone[1:]
    forms += ["+" + international, "+66 " + _grouped(phone[1:], (2, 3, 4), " ")]
    forms += ["+66-" + _grouped(phone[1:], (2, 3, 4), "-"), "+66 (0) " + phone[1:]]
    forms += [f.translate(_FULL_WIDTH) for f in forms[:4]]
    forms += [f.translate(_THAI) for f in forms[:4]]
    return forms


def national_id_formats(nid: str = NID) -> list[str]:
    """A national ID plain, 1-4-5-2-1 with every separator, run-together groups, wide, Thai."""
    forms = [nid] + [_grouped(nid, (1, 4, 5, 2, 1), sep) for sep in SEPARATORS]
    forms += [
        _grouped(nid, (1, 12), " "),
        _grouped(nid, (4, 4, 5), " "),
        _grouped(nid, (3, 10), "."),
    ]
    forms += [f"({nid[0]}) {_grouped(nid[1:], (4, 5, 2, 1), ' ')}"]
    forms += [f.translate(_FULL_WIDTH) for f in forms[:4]]
    forms += [f.translate(_THAI) for f in forms[:4]]
    return forms


def text_with_every_format() -> str:
    """A complaint text carrying the name, the e-mail and every format of the phone and ID."""
    lines = [f"ผู้ร้องชื่อ{NAME} อีเมล {EMAIL}"]
    lines += [f"โทร {form} ครับ" for form in phone_formats()]
    lines += [f"เลขบัตร {form} ค่ะ" for form in national_id_formats()]
    return "\n".join(lines)
