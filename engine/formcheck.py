"""Validate submitted data against a form's JSON Schema before any workflow is touched."""

from __future__ import annotations

from collections.abc import Mapping

from engine.errors import ValidationFailed
from forms.loader import shared_schema
from forms.validation import validate


def check_form(form: str | dict, data: object, context: Mapping[str, object] | None = None) -> dict:
    """Raise ValidationFailed (every field, Thai and English) unless `data` fits the form."""
    if not isinstance(data, dict):
        raise ValidationFailed.one(
            "", "ข้อมูลต้องอยู่ในรูปแบบออบเจ็กต์ JSON", "The data must be a JSON object."
        )
    errors = validate(shared_schema(form), data, context=context)
    if errors:
        raise ValidationFailed({e.field: (e.message_th, e.message_en) for e in errors})
    return data
