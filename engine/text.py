"""Free text checks shared by services that take text outside a form."""

from __future__ import annotations

import re

from engine.errors import ValidationFailed

_BAD = re.compile("[\x00\ud800-\udfff]")


def check_text(field: str, value: object, limit: int, *, required: bool = True) -> str | None:
    """Stripped text within `limit` characters, free of NUL and lone surrogates."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationFailed.one(
            field, f"กรุณากรอก «{field}» เป็นข้อความ", f"«{field}» must be non-empty text."
        )
    if len(value) > limit:
        raise ValidationFailed.one(
            field,
            f"«{field}» ยาวเกิน {limit:,} ตัวอักษร (ส่งมา {len(value):,})",
            f"«{field}» is longer than {limit:,} characters (got {len(value):,}).",
        )
    if _BAD.search(value):
        raise ValidationFailed.one(
            field, f"«{field}» มีอักขระที่ไม่อนุญาต", f"«{field}» contains characters not allowed."
        )
    return value.strip()
