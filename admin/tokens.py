"""The administration's view of every official's API tokens: listed by name, revoked here."""

from __future__ import annotations

from flask import flash
from flask_admin.actions import action
from sqlalchemy import select

from admin.audited import AuditedView, plain
from admin.edge import services
from engine.models import ApiToken


class ApiTokenView(AuditedView):
    """Every official's API tokens by name and date (never the hash); revoke a lost one here."""

    can_create = can_edit = can_delete = False
    column_list = ["user.username", "name", "created_at", "revoked_at"]  # last use is not kept
    column_details_list = column_list
    column_labels = {"user.username": "ผู้ใช้ (User)"}
    column_searchable_list = ["user.username", "name"]
    column_default_sort = ("id", True)

    @action("revoke", "เพิกถอน (Revoke)", "เพิกถอนโทเคนที่เลือก? (Revoke the selected tokens?)")
    def action_revoke(self, ids):  # type: ignore[no-untyped-def]
        """The tokens stop working at once; each revocation is audited."""
        now = services().clock()
        chosen = [int(i) for i in ids if str(i).isdigit()]
        rows = self.session.scalars(
            select(ApiToken).where(ApiToken.id.in_(chosen), ApiToken.revoked_at.is_(None))
        ).all()
        for row in rows:
            row.revoked_at = now
            self._record("admin_updated", row, {"revoked_at": [None, plain(now)]})
        self.session.commit()
        flash(f"เพิกถอนแล้ว {len(rows)} โทเคน (Revoked {len(rows)} token(s))")
