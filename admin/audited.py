"""The administration's base views: admins only, and every change audited in its transaction."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, g, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from sqlalchemy import inspect

from admin.edge import load_user, services
from engine import journal
from engine.sla import policies

SECRET_COLUMNS = {"password_hash", "token_hash", "secret_hash"}


class AdminOnly:
    """Only a signed-in official holding the admin role may open these pages."""

    def is_accessible(self) -> bool:
        load_user()
        return g.user is not None and "admin" in g.user.roles

    def inaccessible_callback(self, name, **kwargs):  # type: ignore[no-untyped-def]
        if g.get("user") is None:
            return redirect(url_for("staff.signin", next=request.full_path.rstrip("?")))
        return abort(403)


def plain(value: object) -> object:
    """A value as JSON can hold it in the audit log."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | dict):
        return value
    return str(value)


def _changes(model: object) -> dict[str, list]:
    """What an edit changed: {column: [before, after]}, secrets left out."""
    state = inspect(model)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SECRET_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            out[attr.key] = [plain(before), plain(after)]
    return out


def _key(model: object) -> str:
    return "/".join(str(v) for v in inspect(model).identity or ())


class AuditedView(AdminOnly, ModelView):
    """A model view whose every create, edit and delete is audited in the same transaction."""

    form_base_class = SecureForm
    can_view_details = True
    page_size = 50

    def _record(self, action: str, model: object, changes: dict) -> None:
        self.session.flush()  # a new row gets its key
        journal.record(
            self.session,
            None,
            g.actor,
            action,
            services().clock(),
            detail={"table": model.__tablename__, "key": _key(model), "changes": changes},
        )

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        changes = _changes(model)
        self._record("admin_created" if is_created else "admin_updated", model, changes)

    def on_model_delete(self, model):  # type: ignore[no-untyped-def]
        self._record("admin_deleted", model, {})

    def after_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        policies.forget_cached()  # policies and holidays are cached for 30 s

    def after_model_delete(self, model):  # type: ignore[no-untyped-def]
        policies.forget_cached()


class ReadOnlyView(AdminOnly, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50
