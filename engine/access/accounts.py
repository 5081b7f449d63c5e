"""Staff accounts: argon2 passwords and the rules they follow, checking a password, and
password changes. Signing in, with its growing delays, is engine/access/signin.py."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound, Unauthenticated, ValidationFailed
from engine.models import ROLES, OrgUnit, User

MIN_PASSWORD = 10  # characters: the one rule every password form and the command line follow
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")  # source: its .md beside it
_hasher = PasswordHasher()


def is_long_enough(password: str) -> bool:
    """Whether a new password has at least MIN_PASSWORD characters."""
    return len(password or "") >= MIN_PASSWORD


@cache
def _common() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def is_common(password: str) -> bool:
    """Whether a password is among the 10,000 most common (letter case ignored)."""
    return (password or "").strip().casefold() in _common()


def password_problem(password: str) -> tuple[str, str] | None:
    """Why a new password is refused (Thai, English), or None when it may be used."""
    if not is_long_enough(password):
        return (
            f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร",
            f"Passwords need {MIN_PASSWORD} characters or more.",
        )
    if is_common(password):
        return (
            "รหัสผ่านนี้เป็นรหัสที่มีผู้ใช้กันมาก เดาได้ง่าย กรุณาตั้งรหัสอื่น",
            "This password is one of the most common ones and easy to guess; choose another.",
        )
    return None


@cache
def _unknown_user_hash() -> str:
    # Made once per process: a name that does not exist costs the same argon2 check as one that
    # does, so the time taken does not tell which names exist.
    return _hasher.hash("no such user: this hash matches no password typed")


def hash_password(password: str) -> str:
    """The argon2 hash kept for a password."""
    return _hasher.hash(password)


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
    problem = password_problem(password)
    if problem is not None:
        raise ValidationFailed.one("password", *problem)
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
    known = user is not None and user.active
    try:
        _hasher.verify(user.password_hash if known else _unknown_user_hash(), password)
        if not known:
            raise VerificationError
    except (VerificationError, InvalidHashError) as exc:
        raise Unauthenticated("Wrong username or password.", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง") from exc
    return user


def change_password(session: Session, user_id: int, current: str, new: str, repeat: str) -> User:
    """Change one's own password after proving the current one."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("No such user.", "ไม่พบผู้ใช้")
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError) as exc:
        raise ValidationFailed.one(
            "current_password", "รหัสผ่านปัจจุบันไม่ถูกต้อง", "The current password is wrong."
        ) from exc
    problems: dict[str, tuple[str, str]] = {}
    problem = password_problem(new)
    if problem is not None:
        problems["new_password"] = problem
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
