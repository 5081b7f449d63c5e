"""The administration's dead letters: messages the dispatcher gave up on, retried here."""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.form import SecureForm

from admin.audited import AdminOnly
from admin.edge import reading, services, writing
from engine.errors import DamrongError
from notifications import admin as notification_admin


class DeadLetterView(AdminOnly, BaseView):
    """Messages the dispatcher gave up on, with their error and a retry button."""

    @expose("/")
    def index(self):  # type: ignore[no-untyped-def]
        actor = g.actor
        with reading() as session:
            letters = notification_admin.list_dead_letters(session, actor)
        return self.render(
            "admin/dead_letters.html",
            letters=letters,
            form=SecureForm(),
            notice=request.args.get("notice"),
            error=request.args.get("error"),
        )

    @expose("/<int:message_id>/retry", methods=["POST"])
    def retry(self, message_id: int):  # type: ignore[no-untyped-def]
        form = SecureForm(request.form)
        if not form.validate():
            return redirect(url_for(".index", error="แบบฟอร์มหมดอายุ กรุณาลองอีกครั้ง"))
        actor = g.actor
        try:
            with writing() as session:
                notification_admin.retry_dead_letter(session, services().clock, actor, message_id)
        except DamrongError as exc:
            return redirect(url_for(".index", error=exc.message_th))
        return redirect(url_for(".index", notice=f"ข้อความ {message_id} เข้าคิวส่งใหม่แล้ว"))
