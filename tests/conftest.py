"""Fixtures: a database per run (SQLite, or PostgreSQL when DAMRONG_TEST_DATABASE_URL is set),
emptied of cases and users before each test, a movable clock, and small factories."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from agency.models import FeedEvent
from damrong.migrate import upgrade
from damrong.wiring import install, make_sessionmaker
from engine.access.rules import Actor
from engine.clock import MovableClock
from engine.db import make_engine
from engine.models import (
    AgencyCaseText,
    ApiToken,
    AuditEvent,
    AuditHead,
    Case,
    CaseAttachment,
    CaseNote,
    CaseRedaction,
    ForwardRequest,
    IdempotencyRecord,
    IdentityView,
    Letterhead,
    OrgUnit,
    OutboxMessage,
    RateLimit,
    Referral,
    RegistrationCounter,
    SignInDelay,
    SlaRecord,
    StaffSession,
    Task,
    Timer,
    User,
    WorkflowInstance,
)
from engine.reference import loader
from engine.workflow import definitions, versions
from importer.models import ImportedRecord
from notifications.models import (
    AgencyEndpoint,
    ComplainantPreference,
    NotificationTemplate,
    StaffPreference,
)
from open311.models import Open311Key, Open311Request
from portal.models import LineLinkCode
from tests.browser import launch_chromium
from tests.logscan import pytest_configure, pytest_runtest_call  # noqa: F401  (no PII in logs)
from tests.resets import reset_processes

# Children before parents, so deleting never trips a foreign key.
MUTABLE_TABLES = [
    ComplainantPreference,
    StaffPreference,
    AgencyEndpoint,
    NotificationTemplate,
    Task,
    SlaRecord,
    Timer,
    AuditEvent,
    AuditHead,
    OutboxMessage,
    Referral,
    CaseNote,
    FeedEvent,
    ForwardRequest,
    CaseAttachment,
    LineLinkCode,
    CaseRedaction,
    AgencyCaseText,
    IdentityView,
    WorkflowInstance,
    IdempotencyRecord,
    RegistrationCounter,
    Letterhead,
    Open311Request,
    ImportedRecord,
    Case,
    Open311Key,
    RateLimit,
    ApiToken,
    StaffSession,
    User,
    SignInDelay,
]


@pytest.fixture(scope="session", autouse=True)
def wired() -> None:
    """The hooks every entry point installs (damrong/wiring.py), for tests that build no app."""
    install()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium under Playwright, one per test process (tests/browser.py)."""
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """SQLite in a temporary folder, or DAMRONG_TEST_DATABASE_URL; with pytest-xdist each
    worker gets its own PostgreSQL database beside the given one (created and dropped here)."""
    url = os.environ.get("DAMRONG_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    if worker_id == "master":
        yield url
        return
    base, _, name = url.rpartition("/")
    own = f"{name}_{worker_id}"
    driver = base.replace("postgresql://", "postgresql+psycopg://", 1)  # psycopg 3, as the app
    admin = create_engine(f"{driver}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        connection.execute(
            text(
                f"CREATE DATABASE \"{own}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                "LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            )
        )
    yield f"{base}/{own}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def db_engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        loader.load_all(session)
        versions.install_shipped(session, MovableClock()())
    yield engine
    engine.dispose()


@pytest.fixture
def factory(db_engine) -> Iterator[sessionmaker[Session]]:  # type: ignore[no-untyped-def]
    """A write-session factory on a database emptied of cases and users."""
    factory = make_sessionmaker(db_engine)
    with factory.begin() as session:
        for model in MUTABLE_TABLES:
            session.execute(delete(model))
        reset_processes(session)
    definitions.forget_all()
    yield factory


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def make_user(session: Session, username: str, unit_code: str, roles: list[str]) -> User:
    """A staff user without argon2's deliberate slowness (password sign-in is tested apart)."""
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code))
    user = User(
        username=username,
        display_name=username,
        password_hash="!",
        org_unit_id=unit.id,
        roles=roles,
        active=True,
        language="th",
        created_at=MovableClock()(),
    )
    session.add(user)
    session.flush()
    return user


STAFF = {
    "intake": ("c5001", ["intake"]),
    "screener": ("c5001", ["screener"]),
    "supervisor": ("c5001", ["supervisor", "screener"]),
    "screener_bkk": ("c10", ["screener"]),
    "labour": ("mol", ["agency_officer"]),
    "labour2": ("mol", ["agency_officer"]),
    "local": ("dla", ["agency_officer"]),
    "police": ("rtp", ["agency_officer"]),
    "executive": ("c50", ["executive"]),
    "admin": ("central", ["admin"]),
}


@pytest.fixture
def staff(factory) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    """One actor per demo role, at the Chiang Mai centers and two agencies."""
    with factory.begin() as session:
        return {
            name: Actor.for_user(make_user(session, name, unit, roles))
            for name, (unit, roles) in STAFF.items()
        }


def intake_data(**overrides: object) -> dict:
    """A valid walk-in complaint in Mueang Chiang Mai; override any field."""
    data = {
        "title": "นายจ้างค้างจ่ายค่าจ้าง",
        "description": "นายจ้างไม่จ่ายค่าจ้างเดือนที่แล้ว ขอให้ตรวจสอบด้วย 🙏",
        "category": "labour",
        "area_code": "500101",
        "channel": "walk_in",
        "consent": True,
        "complainant": {"name": "สมหญิง รักงาน", "phone": "0812345678"},
    }
    data.update(overrides)
    return data
