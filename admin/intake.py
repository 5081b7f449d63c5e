"""The intake screen: officers register walk-in, 1567 hotline and letter complaints, and print
the complainant a receipt (registration number, tracking code and secret, how to follow)."""

from __future__ import annotations

from flask import render_template, request

from admin.edge import actor, blueprint, services, writing
from admin.i18n import current_lang
from admin.taskpage import _renderer
from engine.errors import PermissionDenied, ValidationFailed
from engine.services.cases import STAFF_CHANNELS, open_case

FORM = "intake"
HIDDEN = ("channel", "lat", "lon")  # the channel is chosen apart; staff do not pin maps here
CHANNELS = (
    ("phone", "สายด่วน 1567 / โทรศัพท์", "Hotline 1567 / phone"),
    ("walk_in", "ติดต่อด้วยตนเอง", "Walk-in"),
    ("letter", "หนังสือ/จดหมาย", "Letter"),
)
TRACKING_PATH = "/portal/track"


def _check_intake_officer() -> None:
    if not actor().has("intake"):
        raise PermissionDenied(
            "Only intake officers register complaints here.", "เฉพาะเจ้าหน้าที่รับเรื่องเท่านั้นที่บันทึกเรื่องได้"
        )


def _page(values: dict, errors: dict, channel: str = "walk_in", status: int = 200):  # type: ignore[no-untyped-def]
    renderer = _renderer()
    form_html = (
        renderer.render_form(FORM, values, errors, current_lang(), exclude=HIDDEN)
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
    _check_intake_officer()
    return _page({"consent": False}, {})


@blueprint.post("/intake")
def intake_submit():  # type: ignore[no-untyped-def]
    """Register the complaint with its channel; the receipt is shown once, to print."""
    _check_intake_officer()
    renderer = _renderer()
    data = dict(renderer.parse_form(FORM, request.form, request.files)) if renderer else {}
    channel = request.form.get("channel", "")
    if renderer is not None and renderer.is_refresh(request.form):
        return _page(data, {}, channel)
    if channel not in STAFF_CHANNELS:
        message = ("กรุณาเลือกช่องทางที่รับเรื่อง", "Choose how the complaint came in.")
        return _page(data, {"channel": message}, channel, 422)
    data["channel"] = channel
    try:
        with writing() as db:
            opened = open_case(db, services().clock, actor(), data)
            case = opened.case
            receipt = {
                "tracking_code": case.tracking_code,
                "registration_number": case.registration_number,
                "secret": opened.citizen_secret,
                "title": case.title,
                "created_at": case.created_at,
                "center": (case.center.name_th, case.center.name_en),
                "center_phone": case.center.phone,
                "channel": channel,
                "case_id": case.id,
            }
    except ValidationFailed as exc:
        return _page(data, exc.fields, channel, 422)
    track_url = services().config.base_url.rstrip("/") + TRACKING_PATH
    return render_template("staff/receipt.html", receipt=receipt, track_url=track_url)
