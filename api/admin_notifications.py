"""Notification endpoints: admins' dead letters, templates with preview and agency webhooks;
each staff member's instant/digest choice; a complainant's channels or opt-out."""

from __future__ import annotations

from flask import request

from api.edge import blueprint, current_actor, int_arg, json_body, reading, services, writing
from api.track import guarded
from engine.access.rules import Actor
from engine.cases.tracking import find_own_case
from notifications import admin, preferences

ADMIN = "/admin/notifications"
TEMPLATE = ADMIN + "/templates/<audience>/<event>/<lang>"


@blueprint.get(ADMIN + "/dead-letters")
def dead_letters():  # type: ignore[no-untyped-def]
    """Messages that gave up, with their error and attempts."""
    actor = current_actor()
    limit = int_arg("limit", 100, 1, 500)
    with reading() as session:
        return {"items": admin.list_dead_letters(session, actor, limit)}


@blueprint.get(ADMIN + "/messages")
def messages():  # type: ignore[no-untyped-def]
    """Recent messages with attempts and errors; ?case_id= and ?state= narrow them."""
    actor = current_actor()
    case_id = int_arg("case_id", 0, 0, 10**18) or None
    state = (request.args.get("state") or "").strip()[:16] or None
    with reading() as session:
        return {"items": admin.list_messages(session, actor, case_id, state)}


@blueprint.post(ADMIN + "/dead-letters/<id:message_id>/retry")
def retry_dead_letter(message_id: int):  # type: ignore[no-untyped-def]
    """Queue a dead message again, with the same idempotency key."""
    actor = current_actor()
    with writing() as session:
        return admin.retry_dead_letter(session, services().clock, actor, message_id)


@blueprint.get(ADMIN + "/templates")
def templates_list():  # type: ignore[no-untyped-def]
    """Every template and language, and which ones administrators changed."""
    actor = current_actor()
    with reading() as session:
        return {"items": admin.list_templates(session, actor)}


@blueprint.get(TEMPLATE)
def template_get(audience: str, event: str, lang: str):  # type: ignore[no-untyped-def]
    """The template in force and the shipped text."""
    actor = current_actor()
    with reading() as session:
        return admin.get_template(session, actor, f"{audience}/{event}", lang)


@blueprint.put(TEMPLATE)
def template_put(audience: str, event: str, lang: str):  # type: ignore[no-untyped-def]
    """Save an administrator's version (it must render against the sample data)."""
    actor = current_actor()
    data = json_body()
    with writing() as session:
        return admin.save_template(
            session, services().clock, actor, f"{audience}/{event}", lang, data
        )


@blueprint.delete(TEMPLATE)
def template_delete(audience: str, event: str, lang: str):  # type: ignore[no-untyped-def]
    """Go back to the shipped template."""
    actor = current_actor()
    with writing() as session:
        return admin.reset_template(session, services().clock, actor, f"{audience}/{event}", lang)


@blueprint.post(TEMPLATE + "/preview")
def template_preview(audience: str, event: str, lang: str):  # type: ignore[no-untyped-def]
    """Render the template in force, or a draft in the body, against sample data."""
    actor = current_actor()
    data = request.get_json(silent=True) or None
    with reading() as session:
        return admin.preview(session, actor, f"{audience}/{event}", lang, data)


@blueprint.put(ADMIN + "/agencies/<code>/endpoint")
def agency_endpoint(code: str):  # type: ignore[no-untyped-def]
    """Register an agency's webhook URL; the answer carries its new signing secret, once."""
    actor = current_actor()
    data = json_body()
    active = data.get("active", True) is not False
    with writing() as session:
        return admin.set_agency_endpoint(
            session, services().clock, actor, code, data.get("url"), active
        )


@blueprint.get("/me/notifications")
def my_notifications():  # type: ignore[no-untyped-def]
    """The signed-in staff member's choice: instant or a daily digest."""
    actor = current_actor()
    with reading() as session:
        return {"mode": preferences.staff_mode(session, actor)}


@blueprint.put("/me/notifications")
def my_notifications_put():  # type: ignore[no-untyped-def]
    """Choose instant notices or a daily digest."""
    actor = current_actor()
    data = json_body()
    with writing() as session:
        return {
            "mode": preferences.set_staff_mode(session, services().clock, actor, data.get("mode"))
        }


def _citizen_secret() -> str | None:
    return request.headers.get("X-Citizen-Secret") or request.args.get("secret")


@blueprint.get("/track/<code>/notifications")
def citizen_notifications(code: str):  # type: ignore[no-untyped-def]
    """How the complainant is told about their case."""

    def lookup() -> dict:
        with reading() as session:
            case = find_own_case(session, code, _citizen_secret())
            return preferences.complainant_preference(session, Actor.citizen(case.id), case.id)

    return guarded(lookup)  # the tracking endpoint's guess limit


@blueprint.put("/track/<code>/notifications")
def citizen_notifications_put(code: str):  # type: ignore[no-untyped-def]
    """Choose channels, or opt out of messages about this case."""
    data = json_body()

    def change() -> dict:
        with writing() as session:
            case = find_own_case(session, code, _citizen_secret())
            return preferences.set_complainant_preference(
                session,
                services().clock,
                Actor.citizen(case.id),
                case.id,
                data.get("channels", []),
                data.get("opted_out", False),
            )

    return guarded(change)  # the tracking endpoint's guess limit
