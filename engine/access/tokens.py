"""Staff accounts: argon2 passwords, roles, and API tokens stored as hashes."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import identity
from engine.access.rules import Actor
from engine.errors import Unauthenticated, ValidationFailed
from engine.models import ROLES, ApiToken, OrgUnit, User

_hasher = PasswordHasher()


def create_user(
    session: Session,
    now: datetime,
    username: str,
    password: str,
    org_unit_code: str,
    roles: list[str],
    display_name: str | None = None,
) -> User:
    """Add a staff member to an org unit with the given roles."""
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationFailed.one(
            "roles", f"ไม่รู้จักบทบาท {', '.join(unknown)}", f"Unknown roles: {', '.join(unknown)}"
        )
    if len(password) < 8:
        raise ValidationFailed.one(
            "password", "รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร", "Passwords need 8 characters or more."
        )
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == org_unit_code))
    if unit is None:
        raise ValidationFailed.one(
            "org_unit", f"ไม่พบหน่วยงาน {org_unit_code}", f"Unknown org unit {org_unit_code}."
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed.one(
            "username", f"มีชื่อผู้ใช้ {username} แล้ว", f"The username {username} is taken."
        )
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        org_unit_id=unit.id,
        roles=list(roles),
        active=True,
        language="th",
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def check_password(session: Session, username: str, password: str) -> User:
    """The active user with this username and password, or Unauthenticated."""
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None or not user.active:
            raise VerificationError
        _hasher.verify(user.password_hash, password)
    except VerificationError as exc:
        raise Unauthenticated("Wrong username or password.", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง") from exc
    return user


def issue_token(session: Session, now: datetime, user: User, name: str = "") -> str:
    """Create an API token for a user; the plain token is returned once and never stored."""
    token = identity.new_api_token()
    session.add(
        ApiToken(user_id=user.id, token_hash=identity.hash_token(token), name=name, created_at=now)
    )
    session.flush()
    return token


def actor_for_token(session: Session, token: str) -> Actor:
    """The actor behind a bearer token, in one query (every API request asks this)."""
    row = session.execute(
        select(User.id, User.username, User.roles, OrgUnit.id, OrgUnit.kind, OrgUnit.area_code)
        .join(ApiToken, ApiToken.user_id == User.id)
        .join(OrgUnit, OrgUnit.id == User.org_unit_id)
        .where(
            ApiToken.token_hash == identity.hash_token(token),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).first()
    if row is None:
        raise Unauthenticated(
            "The API token is missing, wrong or revoked.", "โทเคนไม่ถูกต้องหรือถูกเพิกถอนแล้ว"
        )
    user_id, username, roles, unit_id, unit_kind, area_code = row
    return Actor(
        kind="staff",
        label=username,
        user_id=user_id,
        roles=frozenset(roles),
        org_unit_id=unit_id,
        org_unit_kind=unit_kind,
        area_code=area_code,
    )


def user_for_token(session: Session, token: str) -> User:
    """The active user a bearer token belongs to, or Unauthenticated."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == identity.hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        raise Unauthenticated(
            "The API token is missing, wrong or revoked.", "โทเคนไม่ถูกต้องหรือถูกเพิกถอนแล้ว"
        )
    return row.user
