"""Identity protection for everything an agency receives: text is filtered before it leaves.

Three layers, applied in this order by `Redactor.text`:
1. the words an officer redacted from the case (`case_redactions`), always;
2. for a confidential or anonymous complainant: their name, phone, e-mail and national ID, and
   whatever looks like a name after a title, a phone number or an e-mail address;
3. national ID numbers (13 digits, however written) are never sent in full: masked.
Numbers are matched after normalising them (engine/access/numbers.py): any separator, full-width
and Thai digits. `suggest` finds the candidates of layer 2 in any text, for an officer to review.
`RULES_VERSION` names these rules: the agencies' search index is rebuilt when it changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import identity, numbers
from engine.access.rules import Actor
from engine.models import Case, CaseRedaction

MARK = "[ปกปิด]"
# Bump whenever what `Redactor.text` hides changes: stored filtered copies are then rebuilt.
RULES_VERSION = 2
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+")  # starts a run: linear time
# A title, then a given name and maybe a surname: นายสมชาย ใจดี, น.ส. สมหญิง, Mr John Smith
# Words that begin with a title but are not names (นายจ้าง: employer, นายอำเภอ: district chief …)
NOT_NAMES = (
    "จ้าง|กรัฐมนตรี|กเทศมนตรี|กองค์การ|อำเภอ|ทุน|หน้า|ตำรวจ|ทหาร|ช่าง|ด่าน|ประกัน|สถานี"
    "|พยาบาล|ห้าง|ทะเบียน|เวร|แบบ|งาน|ภาพ|สมบัติ|ค่า|ธรรม|ประโยชน์|ลักษณะ|ูปการ"
)
NAME = re.compile(
    rf"(?:นางสาว|นาง|นาย|น\.ส\.|ด\.ช\.|ด\.ญ\.|เด็กชาย|เด็กหญิง|คุณ)\s?(?!{NOT_NAMES})"
    r"[ก-๙]{2,}(?:\s[ก-๙]{2,})?"
    r"|(?:Mr|Mrs|Ms|Miss)\.?\s[A-Z][a-z]+(?:\s[A-Z][a-z]+)?"
)


@dataclass(frozen=True)
class Suggestion:
    """A piece of text that looks like personal data: where it is and what it seems to be."""

    start: int
    end: int
    kind: str  # national_id | phone | email | name
    text: str


def suggest(text: str) -> list[Suggestion]:
    """Everything in a text that looks like a name, phone number, e-mail or national ID."""
    plain = numbers.normalize(text or "")
    found = [
        Suggestion(n.start, n.end, n.kind, text[n.start : n.end])
        for n in numbers.find(plain)
        if n.kind != "term"
    ]
    taken = [(s.start, s.end) for s in found]
    for kind, pattern in (("email", EMAIL), ("name", NAME)):
        for m in pattern.finditer(plain):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append(m.span())
                found.append(Suggestion(m.start(), m.end(), kind, text[m.start() : m.end()]))
    return sorted(found, key=lambda s: s.start)


def mask_national_ids(text: str) -> str:
    """Every national ID, however written, masked as x-xxxx-xxxxx-12-3."""
    return _replace_numbers(text, (), protect=False)


def _replace_numbers(text: str, digit_terms: Iterable[str], protect: bool) -> str:
    """Numbers given to hide become MARK (every phone and ID too when protecting identity);
    any other national ID is masked."""
    out, last = [], 0
    for n in numbers.find(text, digit_terms):
        if n.kind == "phone" and not protect:
            continue
        hidden = identity.mask_national_id(n.digits)
        if protect or n.kind == "term":
            hidden = MARK
        out += [text[last : n.start], hidden]
        last = n.end
    return "".join(out) + text[last:]


def _is_number(term: str) -> bool:
    """A term that is a number (6 digits or more, separators aside): matched as digits."""
    digits = numbers.digits_only(term)
    rest = re.sub(numbers.SEPARATOR + "|[+]", "", numbers.normalize(term))
    return len(digits) >= 6 and rest == digits


def _term_pattern(term: str) -> re.Pattern[str]:
    """A term matched case-insensitively; digits match across any separators."""
    text = numbers.normalize(term)
    parts = []
    for i, ch in enumerate(text):
        parts.append(r"\s+" if ch.isspace() else re.escape(ch))
        if ch.isdigit() and i + 1 < len(text) and text[i + 1].isdigit():
            parts.append(numbers.SEPARATOR + "{0,3}")
    return re.compile("".join(parts), re.IGNORECASE)


@dataclass
class Redactor:
    """Filters the text of one case for one agency."""

    terms: list[str] = field(default_factory=list)
    protect_identity: bool = False

    def text(self, value: str | None) -> str | None:
        """The text as the agency may read it."""
        if not value:
            return value
        out = numbers.normalize(value)
        digit_terms = [numbers.digits_only(t) for t in self.terms if _is_number(t)]
        out = _replace_numbers(out, digit_terms, self.protect_identity)
        # Longest first: "สมหญิง รักงาน" goes before "สมหญิง" leaves " รักงาน" behind.
        words = [t for t in self.terms if not _is_number(t)]
        for term in sorted(words, key=len, reverse=True):
            out = _term_pattern(term).sub(MARK, out)
        if self.protect_identity:
            for s in reversed(suggest(out)):
                out = out[: s.start] + MARK + out[s.end :]
        return mask_national_ids(out)

    def value(self, data: object) -> object:
        """Strings inside lists and dicts filtered too (feed payloads, form data)."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {k: self.value(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.value(v) for v in data]
        return data


def identity_terms(case: Case) -> Iterable[str]:
    """The complainant's own name, its words, phone, national ID, e-mail and LINE id."""
    name = (case.complainant_name or "").strip()
    if name:
        yield name
        yield from (part for part in name.split() if len(part) >= 3)
    for value in (case.complainant_phone, case.complainant_national_id):
        digits = numbers.digits_only(value or "")
        if len(digits) >= 6:
            yield digits
            if digits.startswith("0"):
                yield "+66" + digits[1:]
    if case.complainant_email:
        yield case.complainant_email.strip()
    if case.complainant_line_user_id:
        yield case.complainant_line_user_id


def for_case(session: Session, case: Case) -> Redactor:
    """The filter for what agencies receive about this case."""
    terms = list(
        session.scalars(select(CaseRedaction.term).where(CaseRedaction.case_id == case.id))
    )
    protect = bool(case.confidential or case.anonymous)
    if protect:
        terms += list(identity_terms(case))
    return Redactor(terms=[t for t in terms if t], protect_identity=protect)


def text_filter(session: Session, actor: Actor, case: Case) -> Redactor | None:
    """The filter for this reader's view of the case's free text (None: read it as it is)."""
    if actor.is_agency_staff:
        return for_case(session, case)
    return None
