"""Before and after a referral: what the agency will read (with redaction), and the letter.

For a complainant who asked for confidentiality the officer sees the free text exactly as the
agency will receive it, with names, phone numbers and ID numbers suggested for redaction; the
referral letter is a printable page in the Thai government letter layout.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin import documents, pdf
from admin.edge import actor, blueprint, reading, services, writing
from agency import actions
from engine.access import redaction
from engine.access.checks import check_may_prepare_referrals
from engine.access.rules import Actor
from engine.cases import intake as case_service
from engine.cases import letters
from engine.cases.agencypreview import agency_preview
from engine.errors import NotFound, ValidationFailed
from engine.holders import active_referrals
from engine.models import DirectoryEntry
from engine.reference.letterheads import letterhead_for
from web.i18n import t


@blueprint.get("/cases/<int:case_id>/agency-view")
def agency_view(case_id: int):  # type: ignore[no-untyped-def]
    """The case's text as agencies will read it, with what looks like personal data suggested."""
    me = actor()
    check_may_prepare_referrals(me)
    with reading() as db:
        case = case_service.get_case(db, me, case_id)
        preview = agency_preview(db, case)  # the identity filter the agency's own pages use
        shown = [
            (t("เรื่อง", "Title"), preview.title),
            (t("รายละเอียด", "Description"), preview.description),
            (t("สถานที่", "Place"), preview.place),
        ]
        # Suggestions in what the agency would still read: the redacted text, not the original.
        suggestions = sorted(
            {s.text: s for _, text in shown for s in redaction.suggest(text or "")}.values(),
            key=lambda s: s.text,
        )
        return render_template(
            "staff/agency_view.html",
            case=case,
            shown=shown,
            preview=preview,
            suggestions=suggestions,
            protected=case.confidential or case.anonymous,
        )


@blueprint.post("/cases/<int:case_id>/redactions")
def add_redaction(case_id: int):  # type: ignore[no-untyped-def]
    """Remove a word or number from everything agencies receive about this case (audited)."""
    try:
        with writing() as db:
            actions.add_redaction(
                db, services().clock, actor(), case_id, request.form.get("term", "")
            )
    except ValidationFailed as exc:
        flash(_first(exc))
        return redirect(url_for("staff.agency_view", case_id=case_id))
    flash(t("ปกปิดข้อความแล้ว", "Redacted."))
    return redirect(url_for("staff.agency_view", case_id=case_id))


def _first(exc: ValidationFailed) -> str:
    return t(*next(iter(exc.fields.values()))) if exc.fields else ""


def letter_content(db: Session, me: Actor, case_id: int, now: datetime) -> documents.Letter:
    """What the referral letter says (the page and the PDF alike), redacted for the agency."""
    check_may_prepare_referrals(me)
    case = case_service.get_case(db, me, case_id)
    lead = next((r for r in active_referrals(db, case_id) if r.role == "lead"), None)
    if lead is None:
        raise NotFound("The case has not been referred to an agency yet.", "เรื่องนี้ยังไม่ได้ส่งต่อหน่วยงาน")
    clean = redaction.for_case(db, case)
    signer = letters.signer(db, me)
    facts = documents.Referral(
        case_id=case.id,
        registration_number=case.registration_number,
        tracking_code=case.tracking_code,
        received=case.created_at,
        center=case.center.name_th,
        center_address=db.scalar(
            select(DirectoryEntry.address_th).where(DirectoryEntry.org_unit_id == case.center_id)
        ),
        center_phone=case.center.phone,
        agency=lead.agency.name_th,
        addressee=letters.head_position(lead.agency),
        signer_name=signer.name,
        signer_position=signer.position,
        letterhead=_letterhead(db, case.center_id),
        complainant=None if (case.confidential or case.anonymous) else case.complainant_name,
        title=clean.text(case.title) or "",
        description=clean.text(case.description) or "",
        address=clean.text(case.address_text) or "",
    )
    return documents.letter(facts, now)


def _letterhead(db: Session, center_id: int) -> documents.Letterhead | None:
    row = letterhead_for(db, center_id)
    if row is None:
        return None
    return documents.Letterhead(row.id, row.content_type, row.content, row.width, row.height)


@blueprint.get("/letterheads/<int:letterhead_id>")
def letterhead(letterhead_id: int):  # type: ignore[no-untyped-def]
    """A letterhead image (checked and re-encoded on upload): its own type, never sniffed;
    a new upload has a new address, so a browser may keep this one."""
    with reading() as db:
        row = letters.letterhead_image(db, letterhead_id)
        content, kind = row.content, row.content_type
    response = Response(content, mimetype=kind)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Content-Disposition"] = "inline"
    return response


@blueprint.get("/cases/<int:case_id>/letter")
def referral_letter(case_id: int):  # type: ignore[no-untyped-def]
    """The referral letter to the lead agency, printable (Thai government letter layout)."""
    with reading() as db:
        content = letter_content(db, actor(), case_id, services().clock())
    return render_template("staff/letter.html", letter=content)


@blueprint.get("/cases/<int:case_id>/letter.pdf")
def referral_letter_pdf(case_id: int):  # type: ignore[no-untyped-def]
    """The same referral letter as a PDF in Sarabun, to sign and send."""
    now = services().clock()
    with reading() as db:
        content = letter_content(db, actor(), case_id, now)
    return pdf.response(pdf.letter(content, now), f"letter-{content.tracking_code}.pdf")
