"""Staff sign-in with a lock-out, password changes, and a user's own API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import tokens
from engine.errors import NotFound, SignInLocked, Unauthenticated, ValidationFailed
from engine.models import ApiToken, SignInThrottle, User

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 8
_hasher = PasswordHasher()


def _locked_error() -> SignInLocked:
    # The exact unlock time is not shown: it would only help a guesser plan.
    return SignInLocked(
        "Too many wrong passwords: this account is locked for 15 minutes.",
        "ใส่รหัสผ่านผิดเกินกำหนด บัญชีนี้ถูกระงับการเข้าใช้ชั่วคราว 15 นาที",
    )


def sign_in(session: Session, now: datetime, username: str, password: str) -> User:
    """The user with this name and password; counts failures and locks after five in a row."""
    name = (username or "").strip()[:64]
    throttle = session.get(SignInThrottle, name)
    if throttle is not None and throttle.locked_until is not None:
        if throttle.locked_until > now:
            raise _locked_error()
        throttle.failures, throttle.locked_until = 0, None  # the lock has run out
    try:
        user = tokens.check_password(session, name, password or "")
    except Unauthenticated:
        _count_failure(session, throttle, name, now)
        raise
    if throttle is not None:
        session.delete(throttle)
    session.flush()
    return user


def _count_failure(
    session: Session, throttle: SignInThrottle | None, name: str, now: datetime
) -> None:
    if throttle is None:
        throttle = SignInThrottle(username=name, failures=0)
        session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= MAX_FAILURES:
        throttle.locked_until = now + LOCK_FOR
    session.flush()


def password_stamp(user: User) -> str:
    """A short fingerprint of the password hash: a session signed with an old one is void."""
    return user.password_hash[-16:]


def change_password(session: Session, user_id: int, current: str, new: str, repeat: str) -> User:
    """Change one's own password after proving the current one."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("No such user.", "ไม่พบผู้ใช้")
    try:
        _hasher.verify(user.password_hash, current or "")
    except VerificationError as exc:
        raise ValidationFailed.one(
            "current_password", "รหัสผ่านปัจจุบันไม่ถูกต้อง", "The current password is wrong."
        ) from exc
    problems: dict[str, tuple[str, str]] = {}
    if len(new or "") < MIN_PASSWORD:
        problems["new_password"] = (
            f"รหัสผ่านใหม่ต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร",
            f"The new password needs {MIN_PASSWORD} characters or more.",
        )
    elif new == current:
        problems["new_password"] = (
            "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม",
            "The new password must differ from the current one.",
        )
    if new != repeat:
        problems["repeat_password"] = ("รหัสผ่านที่ยืนยันไม่ตรงกัน", "The two new passwords differ.")
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = _hasher.hash(new)
    session.flush()
    return user


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
    return tokens.issue_token(session, now, user, name)


def revoke_token(session: Session, now: datetime, user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token is 'not found'."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such token.", "ไม่พบโทเคนนี้")
    if row.revoked_at is None:
        row.revoked_at = now
    session.flush()
