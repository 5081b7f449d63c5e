"""Every route that takes a secret shares one guess limit per address: the tracking code and
secret (API and portal), the kept link's token, the LINE code and signature, Open311's tokens
and api_key. The routes are read from the url_map, so a new one cannot skip the limiter."""

from __future__ import annotations

import inspect
import json
import re

import pytest

from damrong.app import create_app
from damrong.config import Config
from engine.access.rules import Actor
from engine.cases.intake import open_case
from engine.models import RateLimit
from tests.conftest import intake_data

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
NEIGHBOUR = {"REMOTE_ADDR": "203.0.113.67"}
LINE_SECRET = "line-channel-secret"
# A view that touches any of these checks a secret.
SECRET_MARKERS = re.compile(
    r"find_own_case|case_id_for_token|request_for_token|use_key|X-Line-Signature|redeem_code"
    r"|_secret\(\)|get\(\"api_key\"\)"
)
# Path variables named code or token that are no secret: an agency's code, an Open311 service.
NOT_SECRETS = {"api.agency_endpoint", "open311.service_definition", "api.bind_category"}
# endpoint -> (method, path, what else the request needs)
WRONG_GUESSES: dict[str, tuple[str, str, str]] = {
    "api.track": ("GET", "/api/v1/track/0000-0000-000", "secret"),
    "api.citizen_message": ("POST", "/api/v1/track/0000-0000-000/messages/withdraw", "secret"),
    "api.citizen_notifications": ("GET", "/api/v1/track/0000-0000-000/notifications", "secret"),
    "api.citizen_notifications_put": ("PUT", "/api/v1/track/0000-0000-000/notifications", "secret"),
    "portal.track_lookup": ("POST", "/portal/track", "csrf"),
    "portal.case_page": ("GET", "/portal/t/0000000000.1.AAAA", ""),
    "portal.case_action": ("POST", "/portal/t/0000000000.1.AAAA/withdraw", "csrf"),
    "portal.line_code": ("POST", "/portal/t/0000000000.1.AAAA/line", "csrf"),
    "portal.line_webhook": ("POST", "/portal/line/webhook", "signature"),
    "open311.token": ("GET", "/open311/v2/tokens/not-a-token.json", ""),
    "open311.create_request": ("POST", "/open311/v2/requests.json", "api_key"),
}


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    config = Config(database_url=database_url, secret_key="test", line_channel_secret=LINE_SECRET)
    return create_app(config, clock=clock)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def _takes_secret(app, rule) -> bool:  # type: ignore[no-untyped-def]
    if rule.arguments & {"code", "token", "secret"}:
        return True
    view = app.view_functions[rule.endpoint]
    try:
        return bool(SECRET_MARKERS.search(inspect.getsource(view)))
    except (OSError, TypeError):
        return False


def test_every_secret_taking_route_is_in_the_table(app):
    found = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(("staff.", "admin"))  # staff sign in: its own throttle
        and _takes_secret(app, rule)
    }
    assert found == set(WRONG_GUESSES) | NOT_SECRETS


def _send(client, endpoint: str, environ: dict):  # type: ignore[no-untyped-def]
    method, path, extra = WRONG_GUESSES[endpoint]
    kwargs: dict = {"environ_base": environ}
    if extra == "secret":
        kwargs["headers"] = {"X-Citizen-Secret": "WRONG000"}
        kwargs["json"] = {"text": "x"} if method != "GET" else None
    elif extra == "csrf":
        page = client.get("/portal/track", environ_base=environ).get_data(as_text=True)
        token = re.search(r'name="_csrf" value="([^"]+)"', page)[1]
        kwargs["data"] = {"_csrf": token, "code": "0000-0000-000", "secret": "WRONG000"}
    elif extra == "signature":
        kwargs["data"] = json.dumps({"events": []})
        kwargs["headers"] = {"X-Line-Signature": "AAAA", "Content-Type": "application/json"}
    elif extra == "api_key":
        kwargs["data"] = {"api_key": "guessed-key", "service_code": "labour", "lat": "18.79"}
    return client.open(path, method=method, **kwargs)


@pytest.mark.parametrize("endpoint", sorted(WRONG_GUESSES))
def test_each_route_slows_a_guesser_and_no_one_else(client, endpoint):
    answers = [_send(client, endpoint, ATTACKER).status_code for _ in range(6)]
    assert all(status in (403, 404) for status in answers), answers
    refused = _send(client, endpoint, ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert _send(client, endpoint, NEIGHBOUR).status_code in (403, 404)


def test_guesses_on_different_routes_count_together(client):
    for endpoint in ("api.track", "portal.case_page", "open311.token"):
        for _ in range(2):
            assert _send(client, endpoint, ATTACKER).status_code in (403, 404)
    # Six wrong guesses over three routes: a fourth and a fifth route wait too.
    assert _send(client, "api.citizen_notifications", ATTACKER).status_code == 429
    assert _send(client, "portal.track_lookup", ATTACKER).status_code == 429


def test_the_right_secret_is_not_counted(client, factory, clock):
    with factory.begin() as session:
        opened = open_case(session, clock, Actor.system(), intake_data(channel="web"))
        code, secret = opened.case.tracking_code, opened.citizen_secret
    for _ in range(20):  # a complainant checking often is never slowed down
        answer = client.get(
            f"/api/v1/track/{code}/notifications",
            headers={"X-Citizen-Secret": secret},
            environ_base=ATTACKER,
        )
        assert answer.status_code == 200
    with factory() as session:
        assert session.get(RateLimit, "guess:203.0.113.66").hits == 0
