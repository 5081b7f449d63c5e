"""No personal data in the server log (issue 13, finding 19).

A representative run — the demo data, the portal, the staff web, the API, the notifications
with an SMTP server that refuses a complainant, a webhook that fails, and the scheduler's jobs
a month later — is logged at INFO, as production logs, and the log is searched for every
complainant's name, phone, e-mail and national ID, in the ways they are commonly written.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from damrong import demo, jobs
from damrong.app import create_app
from damrong.config import Config
from engine.access.tokens import issue_token
from engine.models import OutboxMessage, User
from notifications.dispatcher import dispatch_outbox
from notifications.settings import Settings
from tests.notifications.conftest import MailBox, free_port
from tests.portal.conftest import complaint, csrf

NAME, PHONE, EMAIL, NATIONAL_ID = (
    "ประภาพร ทองดี",
    "0891234567",
    "prapa.t@example.com",
    "3101700203456",
)
PERSONAL = [
    NAME,
    "ประภาพร",
    PHONE,
    "089-123-4567",
    EMAIL,
    NATIONAL_ID,
    "3-1017-00203-45-6",
    "สมชาย ใจดี",  # the demo complainant
    "0812345678",
    "1101700230708",
]
# The servers the test runs (aiosmtpd's conversation log) and libraries production logs at WARNING.
NOT_DAMRONG = ("mail.log", "aiosmtpd", "sqlalchemy", "PIL", "asyncio", "faker")


class Refusing(MailBox):
    """An SMTP server that refuses the complainant's address, naming it, as real servers do."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address == EMAIL:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def log_text():  # type: ignore[no-untyped-def]
    """Everything Damrong logs at INFO and above while the test runs, formatted with tracebacks."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.addFilter(lambda record: not record.name.startswith(NOT_DAMRONG))
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream.getvalue
    root.removeHandler(handler)
    root.setLevel(before)


def test_a_representative_run_logs_no_complainants_data(factory, database_url, clock, log_text):
    demo.build(factory, clock)
    app = create_app(Config(database_url=database_url, secret_key="test"), clock=clock)
    web = app.test_client()
    person = {"complainant.name": NAME, "complainant.phone": PHONE, "complainant.email": EMAIL}
    filed = web.post("/portal/complaint", data={**complaint(**person), "_csrf": csrf(web)})
    assert filed.status_code in (200, 302, 303), filed.status_code
    hostile = {**complaint(**person), "complainant.name": NAME + "\x00", "_csrf": csrf(web)}
    assert web.post("/portal/complaint", data=hostile).status_code == 400

    with factory.begin() as session:
        intake = session.scalar(select(User).where(User.username == "intake1"))
        headers = {"Authorization": "Bearer " + issue_token(session, clock(), intake)}
    body = {
        "title": "ถูกเลิกจ้างไม่เป็นธรรม",
        "description": f"ติดต่อ {PHONE} หรือ {EMAIL} เลขประจำตัว {NATIONAL_ID}",
        "category": "labour",
        "area_code": "500101",
        "channel": "phone",
        "consent": True,
        "complainant": {"name": NAME, "phone": PHONE, "email": EMAIL, "national_id": NATIONAL_ID},
    }
    created = web.post("/api/v1/cases", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    web.post("/api/v1/cases", json={**body, "lat": "north"}, headers=headers)  # a 422
    web.get(f"/api/v1/cases?q={PHONE}", headers=headers)

    staff = app.test_client()
    signin = staff.get("/staff/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', signin)[1]
    staff.post("/staff/signin", data={"username": "intake1", "password": "x", "csrf_token": token})
    staff.post(
        "/staff/signin",
        data={"username": "intake1", "password": demo.PASSWORD, "csrf_token": token},
    )
    staff.get(f"/staff/cases/{created.get_json()['id']}")
    staff.get(f"/staff/search?q={NAME}")

    box, port = Refusing(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = Settings(smtp_url=f"smtp://127.0.0.1:{port}", batch_size=500, timeout_seconds=3)
        dispatch_outbox(factory, clock, settings)
    finally:
        controller.stop()
    with factory() as session:
        refused = session.scalars(select(OutboxMessage).where(OutboxMessage.address == EMAIL))
        errors = [row.last_error or "" for row in refused]
    assert any("refused" in e for e in errors), errors  # the refusal happened, and was recorded
    assert not any(EMAIL in e for e in errors)

    clock.advance(days=40)
    jobs.run_once(factory, clock, jobs.job_list(30))

    text = log_text()
    assert text, "the run logged nothing: the capture is not working"
    found = [value for value in PERSONAL if value in text]
    assert not found, f"personal data in the log: {found}\n{text[:3000]}"


@pytest.mark.logs_personal_data
def test_the_capture_would_notice_personal_data(log_text):
    logging.getLogger("notifications.dispatcher").warning("refused %s", EMAIL)
    assert EMAIL in log_text()  # the scan above is not vacuous


def test_the_dispatchers_error_texts_are_scrubbed():
    from notifications.logsafe import describe, scrub

    said = f"550 <{EMAIL}> refused; call {PHONE} or 089-123-4567; ID 3-1017-00203-45-6"
    assert not [v for v in PERSONAL if v in scrub(said)]
    try:
        raise KeyError(EMAIL)
    except KeyError as exc:
        assert EMAIL not in describe(exc) and describe(exc).startswith("KeyError")
