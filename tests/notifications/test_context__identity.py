"""What staff and agency messages and webhooks may use carries no confidential complainant, in
any format: every message the case's life writes to the outbox is built as its template and
webhook would see it (issue 13, finding 2)."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.models import OutboxMessage
from notifications.context import build, webhook_body
from tests.agency.conftest import referred_case
from tests.engine.access.formats import EMAIL, NAME, NID, PHONE, text_with_every_format
from tests.engine.helpers import complete
from tests.web.test_identity__every_route import leaks


def test_no_staff_message_or_webhook_carries_the_complainant(factory, clock, staff):
    case_id = referred_case(
        factory,
        clock,
        staff,
        confidential=True,
        title=f"นายจ้างค้างจ่าย {NAME} โทร {PHONE} บัตร {NID}",
        description=text_with_every_format(),
        complainant={"name": NAME, "phone": PHONE, "email": EMAIL, "national_id": NID},
    )
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    with factory() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        staff_rows = [r for r in rows if not r.recipient.startswith("complainant:")]
        assert staff_rows, "the case's life wrote no message to staff or agencies"
        for row in staff_rows:
            context = build(session, case_id, row.event, row.payload, "staff", "th", "https://x")
            webhook = webhook_body(session, case_id, row.event, row.payload, "k")
            text = json.dumps([context, webhook], ensure_ascii=False, default=str)
            assert not leaks(text), (row.recipient, row.event, leaks(text))
        # The complainant's own messages still greet them by name.
        citizen = build(session, case_id, "case_received", {}, "citizen", "th", "https://x")
        assert citizen["name"] == NAME and NAME in citizen["case"]["title"]
