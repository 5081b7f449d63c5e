"""API tokens: issued to a user, stored only as a hash, listed and revoked by their owner, and
turned back into the acting user on every API request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import secrets
from engine.access.rules import Actor
from engine.errors import NotFound, Unauthenticated, ValidationFailed
from engine.models import ApiToken, OrgUnit, User


def issue_token(session: Session, now: datetime, user: User, name: str = "") -> str:
    """Create an API token for a user; the plain token is returned once and never stored."""
    token = secrets.new_api_token()
    session.add(
        ApiToken(user_id=user.id, token_hash=secrets.hash_token(token), name=name, created_at=now)
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
            ApiToken.token_hash == secrets.hash_token(token),
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
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == secrets.hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        raise Unauthenticated(
            "The API token is missing, wrong or revoked.", "โทเคนไม่ถูกต้องหรือถูกเพิกถอนแล้ว"
        )
    return row.user


@dataclass(frozen=True)
class TokenInfo:
    """An API token as its owner sees it (never the token itself)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(session: Session, user_id: int) -> list[TokenInfo]:
    """A user's API tokens, newest first, revoked ones included."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    )
    return [TokenInfo(r.id, r.name, r.created_at, r.last_used_at, r.revoked_at) for r in rows]


def create_token(session: Session, now: datetime, user_id: int, name: str) -> str:
    """A new API token for the user; the plain token is shown once."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed.one(
            "name", "กรุณาตั้งชื่อโทเคน (ไม่เกิน 100 ตัวอักษร)", "Name the token (100 characters at most)."
        )
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("No such user.", "ไม่พบผู้ใช้")
    return issue_token(session, now, user, name)


def revoke_token(session: Session, now: datetime, user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token is 'not found'."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such token.", "ไม่พบโทเคนนี้")
    if row.revoked_at is None:
        row.revoked_at = now
    session.flush()
