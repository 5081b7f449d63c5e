"""Agency fixtures: the API app and tokens (from tests/api), and a case referred to an agency."""

from __future__ import annotations

import pytest

from tests.api.conftest import app, client, tokens  # noqa: F401  (fixtures)
from tests.conftest import intake_data
from tests.engine.helpers import complete, open_case


def referred_case(factory, clock, staff, agency: str = "mol", **overrides) -> int:  # type: ignore[no-untyped-def]
    """Open a labour complaint and have the screener refer it to an agency; returns its id."""
    case_id, _, _ = open_case(factory, clock, staff["intake"], **overrides)
    status = complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "refer", "agency": agency},
    )
    assert status == "referred"
    return case_id


@pytest.fixture
def case_id(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    """A case referred to the Ministry of Labour (mol), waiting for its acknowledgement."""
    return referred_case(factory, clock, staff)


__all__ = ["intake_data", "referred_case"]
