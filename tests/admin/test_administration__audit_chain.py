"""An administrator's change, made in the web administration, joins the chain of events without
a case: verify passes, and an edit of that record afterwards is found."""

from __future__ import annotations

from sqlalchemy import select, text

from engine import audit, auditchain
from engine.models import AuditEvent, User
from tests.admin.test_administration__every_change import admin, fields_of  # noqa: F401

NEW_NAME = "สมศรี ผู้ดูแลระบบ"


def test_an_administration_change_is_chained_and_a_later_edit_of_it_is_found(admin, factory):  # noqa: F811
    with factory() as session:
        user = session.scalar(select(User).order_by(User.username))
        ident, before = user.id, user.display_name
    address = f"/staff/admin/admin_users/edit/?id={ident}"
    form = fields_of(admin.get(address).text)
    try:
        assert admin.post(address, data=form | {"display_name": [NEW_NAME]}).status_code == 302
        with factory() as session:
            (event,) = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "admin_updated")
            )
            assert event.case_id is None and event.chain_seq is not None
            assert NEW_NAME in str(event.detail)
            assert NEW_NAME not in auditchain.canonical(auditchain.digest(event)).decode(
                "unicode_escape"
            )
            assert audit.verify(session).ok
        with factory.begin() as session:
            session.execute(
                text("UPDATE audit_events SET actor_label = 'someone_else' WHERE id = :i"),
                {"i": event.id},
            )
        with factory() as session:
            (finding,) = audit.verify(session).findings
        assert (finding.chain, finding.event_id, finding.problem) == (
            "global",
            event.id,
            "detail_changed",
        )
    finally:
        with factory.begin() as session:
            session.get(User, ident).display_name = before
