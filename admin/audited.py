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
from web.edge import is_same_site_path

# Secrets and their hashes: never listed, shown, exported, searched, filtered or edited.
SECRET_COLUMNS = frozenset(
    {"password_hash", "token_hash", "secret_hash", "key_hash", "code_hash", "secret"}
    | {"pending_form"}  # what an official typed before their session ran out
)


def _is_secret(column: object) -> bool:
    name = column if isinstance(column, str) else getattr(column, "key", str(column))
    return str(name).rsplit(".", 1)[-1] in SECRET_COLUMNS


class NoSecrets:
    """A model view that never renders a secret or its hash, whatever its column lists say."""

    def get_column_names(self, only_columns, excluded_columns):  # type: ignore[no-untyped-def]
        kept = [c for c in only_columns if not _is_secret(c)]
        return super().get_column_names(kept, excluded_columns)  # type: ignore[misc]

    def scaffold_form(self):  # type: ignore[no-untyped-def]
        form_class = super().scaffold_form()  # type: ignore[misc]
        for name in SECRET_COLUMNS:
            if hasattr(form_class, name):
                delattr(form_class, name)
        return form_class

    def init_search(self) -> bool:
        """Search never matches a secret (a hash prefix would be an oracle)."""
        searchable = self.column_searchable_list or ()  # type: ignore[attr-defined]
        self.column_searchable_list = [c for c in searchable if not _is_secret(c)]
        return super().init_search()  # type: ignore[misc]

    def scaffold_filters(self, name):  # type: ignore[no-untyped-def]
        return None if _is_secret(name) else super().scaffold_filters(name)  # type: ignore[misc]


class AdminOnly:
    """Only a signed-in official holding the admin role may open these pages."""

    def is_accessible(self) -> bool:
        load_user()
        return g.user is not None and "admin" in g.user.roles

    def _handle_view(self, name, **kwargs):  # type: ignore[no-untyped-def]
        """Flask-Admin's return address (?url=) goes through the one redirect check too."""
        target = request.values.get("url")
        if target is not None and not is_same_site_path(target):
            return abort(400)
        return super()._handle_view(name, **kwargs)  # type: ignore[misc]

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


class AuditedView(AdminOnly, NoSecrets, ModelView):
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


class ReadOnlyView(AdminOnly, NoSecrets, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50
