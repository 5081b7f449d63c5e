"""Staff accounts: argon2 passwords and the rules they follow, sign-in with a lock-out, and
password changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound, SignInLocked, Unauthenticated, ValidationFailed
from engine.models import ROLES, OrgUnit, SignInThrottle, User

MIN_PASSWORD = 8  # characters: the one rule every password form and the command line follow
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
_hasher = PasswordHasher()


def is_long_enough(password: str) -> bool:
    """Whether a new password has at least MIN_PASSWORD characters."""
    return len(password or "") >= MIN_PASSWORD


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
    if not is_long_enough(password):
        raise ValidationFailed.one(
            "password",
            f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร",
            f"Passwords need {MIN_PASSWORD} characters or more.",
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
        user = check_password(session, name, password or "")
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
    if not is_long_enough(new):
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
