"""No administration page renders a secret or a hash: every view's list, details, edit, new and
export pages, walked from the url_map, against every secret the database holds."""

from __future__ import annotations

from sqlalchemy import select

from engine.access import sessions
from engine.access.tokens import issue_token
from engine.models import ApiToken, StaffSession, User
from open311 import keys as partner_keys
from tests.admin.conftest import sign_in


def _secrets(factory) -> set[str]:  # type: ignore[no-untyped-def]
    """Every stored hash, and each long piece of it (argon2's salt and digest)."""
    with factory() as session:
        values = list(session.scalars(select(User.password_hash)))
        values += list(session.scalars(select(ApiToken.token_hash)))
        values += list(session.scalars(select(StaffSession.token_hash)))
        from open311.models import Open311Key

        values += list(session.scalars(select(Open311Key.key_hash)))
    pieces = {piece for value in values for piece in value.split("$") if len(piece) >= 16}
    return set(values) | pieces


def _pages(app, client, factory) -> list[str]:  # type: ignore[no-untyped-def]
    """Every administration page without a parameter, plus details and edit of each row."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff/admin") and "GET" in rule.methods and not rule.arguments:
            urls.append(rule.rule)
    for url in list(urls):
        if url.endswith("/details/") or url.endswith("/edit/"):
            urls.remove(url)
            for row in range(1, 4):
                urls.append(f"{url}?id={row}")
    for url in [u for u in urls if u.endswith("/export/<export_type>/")]:
        urls.remove(url)
    exports = [r.rule for r in app.url_map.iter_rules() if "export" in r.rule]
    urls += [e.replace("<export_type>", "csv") for e in exports]
    return urls


def test_no_administration_page_shows_a_hash(app, people, factory, clock) -> None:
    with factory.begin() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        issue_token(session, clock(), admin, "ระบบของกรม")
        sessions.start(session, clock(), admin)
        partner_keys.issue_key(session, clock(), "แอปทดสอบ", 60)
    client = app.test_client()
    sign_in(client, "admin")
    secrets_held = _secrets(factory)
    assert len(secrets_held) >= 5  # the users share one hash; tokens, a key, sessions
    walked = 0
    for url in _pages(app, client, factory):
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = response.get_data(as_text=True)
        walked += 1
        assert "$argon2" not in text, url
        leaked = [s for s in secrets_held if s in text]
        assert not leaked, (url, leaked[:1])
    assert walked >= 20
