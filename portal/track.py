"""Follow one's own case: code + secret (or the kept link), a plain timeline, and the actions
the case allows — add information, withdraw, reopen, rate. Citizen messages go through the
engine's send_message, exactly as the API's tracking endpoint sends them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import redirect, render_template, request, url_for
from sqlalchemy import func, select

from engine.access import secrets
from engine.access.rules import Actor
from engine.cases.ratings import RATABLE_STATUSES, rate_case
from engine.cases.tracking import find_own_case, own_files, public_view, rated_at
from engine.errors import CaseNotFound, NotWaiting, RateLimited, ValidationFailed
from engine.models import Case, CaseNote, Timer
from engine.statuses import FINAL_STATUSES, STATUSES
from engine.workflow.messages import send_message
from forms.formdata import format_date
from portal import uploads
from portal.filing import link_path, tracking_link
from portal.pages import blueprint, lang, message_page, reading, services, t, writing
from web.guessing import guessing

BANGKOK = ZoneInfo("Asia/Bangkok")
LINK_MAX_AGE_S = 400 * 86400  # a link outlives any case's reopen window
ACTIONS = {"withdraw": "withdraw", "info": "info_provided", "reopen": "reopen"}
NOT_FOUND = (
    ("ไม่พบเรื่อง", "No case found"),
    (
        "ไม่พบเรื่องที่ตรงกับรหัสติดตามและรหัสลับนี้ กรุณาตรวจสอบแล้วลองใหม่ หรือโทรสายด่วน 1567",
        "No case matches this tracking code and secret. Check them and try again, or call 1567.",
    ),
)


@blueprint.errorhandler(RateLimited)
def _slowed(exc: RateLimited):  # type: ignore[no-untyped-def]
    """Too many guesses from this address: a page that says how long to wait."""
    response = message_page(
        ("ลองหลายครั้งเกินไป", "Too many attempts"),
        (
            f"กรุณารออีก {exc.retry_after} วินาทีแล้วลองใหม่",
            f"Please wait {exc.retry_after} seconds and try again.",
        ),
        429,
    )
    return response[0], 429, {"Retry-After": str(exc.retry_after)}


def wrong_guess():  # type: ignore[no-untyped-def]
    """The one answer to a wrong code, secret or link (the guess was counted when claimed)."""
    return message_page(*NOT_FOUND, 404)


@blueprint.get("/track")
def track_form():  # type: ignore[no-untyped-def]
    """Ask for the tracking code and secret."""
    return render_template("portal/track.html", code=request.args.get("code", ""), error=None)


@blueprint.post("/track")
def track_lookup():  # type: ignore[no-untyped-def]
    """Code + secret → the case's own link; wrong, unknown and guessed codes look alike."""
    code, secret = request.form.get("code", ""), request.form.get("secret", "")
    try:
        with guessing(), reading() as db:
            found = find_own_case(db, code, secret).tracking_code
    except RateLimited as exc:
        return _slowed(exc)
    except CaseNotFound:
        return wrong_guess()
    return redirect(link_path(found), 303)


def case_id_for_token(token: str) -> int | None:
    """The case a kept link opens (None if wrong), as one claimed guess; RateLimited if blocked."""
    try:
        with guessing():
            return _case_for_link(token)
    except CaseNotFound:
        return None


def _case_for_link(token: str) -> int:
    key = services().config.secret_key.encode()
    now = int(services().clock().timestamp())
    code = secrets.read_tracking_token(token, key, now, LINK_MAX_AGE_S)
    with reading() as db:
        case_id = db.scalar(select(Case.id).where(Case.tracking_code == code))
    if case_id is None:
        raise CaseNotFound("No case for this link.", "ไม่พบเรื่องของลิงก์นี้")
    return case_id


def render_case(
    case_id: int, token: str, errors: dict | None = None, notice: str = "", line_code: str = ""
):  # type: ignore[no-untyped-def]
    """The case page: summary, timeline, and the forms the case's stage allows."""
    with reading() as db:
        case = db.get(Case, case_id)
        view = public_view(db, case, lang())
        question = db.scalar(
            select(CaseNote.body)
            .where(CaseNote.case_id == case_id, CaseNote.kind == "question")
            .order_by(CaseNote.id.desc())
            .limit(1)
        )
        sent_files = [
            {"filename": f.filename, "thumbnail": uploads.thumbnail(f.content_type, f.content)}
            for f in own_files(db, case_id)
        ]
        # While resolved, the case waits on one timer: the end of its reopen window.
        reopen_until = db.scalar(select(func.min(Timer.fire_at)).where(Timer.case_id == case_id))
        page = render_template(
            "portal/case.html",
            view=view,
            steps=_timeline(view["timeline"]),
            token=token,
            link=tracking_link(url_for("portal.case_page", token=token)),
            expected=_when(case.due_at) if case.status in EXPECTING else "",
            question=question if case.status == "awaiting_information" else None,
            reopen_until=_when(reopen_until) if case.status == "resolved" else "",
            can_withdraw=case.status not in FINAL_STATUSES | {"resolved"},
            can_rate=case.status in RATABLE_STATUSES,
            rating=case.rating,
            rating_comment=case.rating_comment,
            rated_at=_when(rated_at(db, case_id), True) if case.rating else "",
            errors=errors or {},
            form=request.form if errors else {},
            notice=notice,
            line_code=line_code,
            sent_files=sent_files,
            accept=uploads.ACCEPT,
            max_files=uploads.MAX_FILES,
            line_linked=bool(case.complainant_line_user_id),
            line_account=services().config.line_account_id,
        )
    return page, 422 if errors else 200


def _when(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return ""
    local = value.astimezone(BANGKOK)
    text = format_date(local.date(), lang())
    return f"{text} {local:%H:%M}" + (" น." if lang() == "th" else "") if with_time else text


# While the center waits for the complainant the deadline is paused, and after the result
# there is nothing left to expect.
EXPECTING = frozenset(STATUSES) - FINAL_STATUSES - {"resolved", "awaiting_information"}
DONE = {
    "withdraw": ("ถอนเรื่องเรียบร้อยแล้ว", "Your complaint was withdrawn."),
    "info": ("ส่งข้อมูลเพิ่มเติมถึงศูนย์แล้ว", "Your information was sent to the center."),
    "reopen": ("ขอเปิดเรื่องใหม่แล้ว ศูนย์จะพิจารณาอีกครั้ง", "The case is reopened for the center."),
    "rate": ("ขอบคุณสำหรับคะแนน", "Thank you for your rating."),
}
LABELS = {
    "opened": ("รับเรื่องร้องเรียนแล้ว", "Complaint received"),
    "message:withdraw": ("ท่านถอนเรื่อง", "You withdrew the complaint"),
    "message:info_provided": ("ท่านส่งข้อมูลเพิ่มเติม", "You sent more information"),
    "message:reopen": ("ท่านขอเปิดเรื่องใหม่", "You asked to reopen the case"),
    "rated": ("ท่านให้คะแนนการดำเนินการ", "You rated the handling"),
    "referred": ("ส่งเรื่องให้หน่วยงานที่รับผิดชอบ", "Sent to the responsible agency"),
}


def _timeline(items: list[dict]) -> list[dict]:
    """The public timeline in words, newest last; internal-only actions never reach here."""
    steps = []
    for item in items:
        at = datetime.fromisoformat(item["at"])
        if item["action"] == "note":
            steps.append({"at": _when(at, True), "text": item["label"], "note": True})
        elif item["action"] == "result":  # the agency's result, as the center accepted it
            text = t("ผลการดำเนินการ: ", "Result: ") + item["label"]
            steps.append({"at": _when(at, True), "text": text, "note": True})
        elif item["action"] in LABELS:
            th, en = LABELS[item["action"]]
            steps.append({"at": _when(at, True), "text": t(th, en), "note": False})
        elif item.get("label"):
            steps.append({"at": _when(at, True), "text": item["label"], "note": False})
    return steps


@blueprint.get("/t/<token>")
def case_page(token: str):  # type: ignore[no-untyped-def]
    """The case behind a kept link."""
    case_id = case_id_for_token(token)
    if case_id is None:
        return wrong_guess()
    done = DONE.get(request.args.get("done", ""))
    return render_case(case_id, token, notice=t(*done) if done else "")


@blueprint.post("/t/<token>/<action>")
def case_action(token: str, action: str):  # type: ignore[no-untyped-def]
    """Withdraw, answer a request for information, reopen, or rate."""
    case_id = case_id_for_token(token)
    if case_id is None:
        return wrong_guess()
    text = (request.form.get("text") or "").strip() or None
    try:
        if action == "rate":
            stars = request.form.get("rating", "")
            with writing() as db:
                rate_case(
                    db,
                    services().clock,
                    Actor.citizen(case_id),
                    case_id,
                    int(stars) if stars.isdigit() else None,
                    text,
                )
        elif action in ACTIONS:
            _check_action(action, text)
            files = _files() if action == "info" else []
            with writing() as db:
                actor = Actor.citizen(case_id)
                send_message(db, services().clock, actor, case_id, ACTIONS[action], text)
                uploads.store_files(db, services().clock(), case_id, files, "info_provided")
        else:
            return message_page(*NOT_FOUND, 404)
    except ValidationFailed as exc:
        fields = {(action if k in ("text", "comment") else k): v for k, v in exc.fields.items()}
        return render_case(case_id, token, errors=fields)
    except NotWaiting as exc:
        return render_case(case_id, token, notice=t(exc.message_th, exc.message_en))[0], 409
    return redirect(url_for("portal.case_page", token=token, done=action), 303)


def _files() -> list[uploads.CleanFile]:
    """The files sent with added information, cleaned like those sent with the complaint."""
    raw = [(f.filename or "", f.read()) for f in request.files.getlist("photos")]
    try:
        return uploads.clean_files(raw)
    except uploads.Refused as exc:
        raise ValidationFailed.one("info", exc.message_th, exc.message_en) from exc


def _check_action(action: str, text: str | None) -> None:
    """Reopening needs a reason and added information needs the information itself."""
    if action == "reopen" and not text:
        raise ValidationFailed.one(
            "reopen",
            "กรุณาบอกเหตุผลที่ขอเปิดเรื่องใหม่",
            "Please say why you want the case reopened.",
        )
    sent_files = any(f.filename for f in request.files.getlist("photos"))
    if action == "info" and not text and not sent_files:
        raise ValidationFailed.one(
            "info", "กรุณากรอกข้อมูลที่ศูนย์ขอ", "Please write the information the center asked for."
        )
    if action == "withdraw" and request.form.get("confirm") != "yes":
        raise ValidationFailed.one(
            "withdraw",
            "กรุณายืนยันว่าต้องการถอนเรื่อง",
            "Please confirm that you want to withdraw the complaint.",
        )
