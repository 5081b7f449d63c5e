"""A pytest plugin: every test's server log is searched for the test complainants' data.

Every record Damrong's code logs at WARNING and above (what a production server keeps by
default) during a test is formatted, with its traceback, and searched for the names, phones,
e-mails and national IDs the tests give their complainants (issue 13, finding 19). A test that
logs such a value on purpose carries `@pytest.mark.logs_personal_data`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

PERSONAL = (
    "สมหญิง",  # tests/conftest.py, the portal's and Open311's test complainants
    "รักงาน",
    "สมชาย ใจดี",  # the demo complainant
    "0812345678",
    "081-234-5678",
    "+66 81 234 5678",
    "somying@example.com",
    "somchai@example.com",
    "1101700230708",
)
# Test servers (aiosmtpd's conversation log) are not Damrong's log.
NOT_DAMRONG = ("mail.log", "aiosmtpd", "asyncio")


class Collector(logging.Handler):
    """Keeps the formatted text of every record, tracebacks included."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's text (a record that cannot be formatted is kept as its template)."""
        if record.name.startswith(NOT_DAMRONG):
            return
        try:
            self.texts.append(self.format(record))
        except Exception:  # noqa: BLE001  (a bad record must not break the test run)
            self.texts.append(str(record.msg))


COLLECTOR = Collector()


def pytest_configure(config: pytest.Config) -> None:
    """Listen on the root logger for the whole run."""
    config.addinivalue_line("markers", "logs_personal_data: the test logs personal data on purpose")
    logging.getLogger().addHandler(COLLECTOR)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose run put a complainant's data into the log."""
    start = len(COLLECTOR.texts)
    result = yield
    logged = COLLECTOR.texts[start:]
    del COLLECTOR.texts[start:]
    if item.get_closest_marker("logs_personal_data") is None:
        found = sorted({value for value in PERSONAL for text in logged if value in text})
        if found:
            shown = "\n".join(text for text in logged if any(v in text for v in found))[:2000]
            pytest.fail(f"personal data in the server log: {found}\n{shown}", pytrace=False)
    return result
