"""Row ids in URLs: a number the database's integer columns can hold, else no such page.

Case, task and most other ids are 32-bit integers: a larger number in a URL reached the
database and failed there (a 500 on PostgreSQL). Above the bound the route does not match: 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, ValidationError

MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """An unsigned integer of at most 10 digits that fits a 32-bit column."""

    regex = r"\d{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ROW_ID:
            raise ValidationError()
        return number
