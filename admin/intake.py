"""The intake screen: officers register walk-in, 1567 hotline and letter complaints, and print
the complainant a receipt (registration number, tracking code and secret, how to follow)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import render_template, request

from admin import documents, pdf
from admin.edge import actor, blueprint, reading, services, writing
from admin.taskpage import _renderer
from engine.access import secrets
from engine.access.checks import check_is_intake_officer
from engine.cases.intake import STAFF_CHANNELS, get_case, open_case
from engine.errors import NotFound, ValidationFailed
from engine.reference.choices import seed_choices
from web.i18n import current_lang
from web.links import public_url

FORM = "intake"
HIDDEN = ("channel", "lat", "lon")  # the channel is chosen apart; staff do not pin maps here
CHANNELS = (
    ("phone", "สายด่วน 1567 / โทรศัพท์", "Hotline 1567 / phone"),
    ("walk_in", "ติดต่อด้วยตนเอง", "Walk-in"),
    ("letter", "หนังสือ/จดหมาย", "Letter"),
)
TRACKING_PATH = "/portal/track"


def _page(values: dict, errors: dict, channel: str = "walk_in", status: int = 200):  # type: ignore[no-untyped-def]
    renderer = _renderer()
    form_html = (
        renderer.render_form(
            FORM, values, errors, current_lang(), exclude=HIDDEN, choices=seed_choices()
        )
        if renderer
        else ""
    )
    lang_index = 1 if current_lang() == "en" else 0
    channel_error = errors.get("channel")
    return render_template(
        "staff/intake.html",
        form_html=form_html,
        channels=CHANNELS,
        channel=channel,
        channel_error=channel_error[lang_index] if channel_error else None,
    ), status


@blueprint.get("/intake")
def intake():  # type: ignore[no-untyped-def]
    """A blank complaint form for an officer to fill in with the complainant."""
    check_is_intake_officer(actor())
    return _page({"consent": False}, {})


@blueprint.post("/intake")
def intake_submit():  # type: ignore[no-untyped-def]
    """Register the complaint with its channel; the receipt is shown once, to print."""
    check_is_intake_officer(actor())
    renderer = _renderer()
    data = dict(renderer.parse_form(FORM, request.form, request.files)) if renderer else {}
    channel = request.form.get("channel", "")
    if renderer is not None and renderer.is_refresh(request.form):
        return _page(data, {}, channel)
    if channel not in STAFF_CHANNELS:
        message = ("กรุณาเลือกช่องทางที่รับเรื่อง", "Choose how the complaint came in.")
        return _page(data, {"channel": message}, channel, 422)
    data["channel"] = channel
    track_url = public_url(TRACKING_PATH)
    try:
        with writing() as db:
            opened = open_case(db, services().clock, actor(), data)
            receipt = documents.receipt(opened.case, opened.citizen_secret, track_url)
    except ValidationFailed as exc:
        return _page(data, exc.fields, channel, 422)
    return render_template("staff/receipt.html", receipt=receipt)


@blueprint.post("/intake/receipt.pdf")
def receipt_pdf():  # type: ignore[no-untyped-def]
    """The receipt as a PDF for the complainant to keep.

    The secret is stored only as a hash, so the receipt page posts it back (never in a URL);
    it must match the case's, so no receipt is printed with a wrong secret.
    """
    check_is_intake_officer(actor())
    me = actor()
    case_id = request.form.get("case_id", type=int)
    if case_id is None:
        raise NotFound("No such case.", "ไม่พบเรื่องร้องเรียน")
    secret = request.form.get("secret", "")
    now = services().clock()
    with reading() as db:
        case = get_case(db, me, case_id)
        if not secrets.verify_secret(secret, case.secret_hash):
            raise ValidationFailed(
                {"secret": ("รหัสลับไม่ตรงกับเรื่องนี้", "The secret does not match this case.")}
            )
        query = urlencode({"code": case.tracking_code})
        track_url = public_url(f"{TRACKING_PATH}?{query}")
        receipt = documents.receipt(case, secret, track_url)
    return pdf.response(pdf.receipt(receipt, now), f"receipt-{receipt.tracking_code}.pdf")
