"""Staff passwords are argon2 hashes; a wrong password and an unknown user look the same."""

from __future__ import annotations

import pytest

from engine.access import accounts
from engine.errors import Unauthenticated, ValidationFailed


def test_sign_in_checks_the_argon2_hash(factory, clock):
    with factory.begin() as session:
        user = accounts.create_user(
            session, clock(), "somsri", "correct horse", "c5001", ["intake"]
        )
        assert user.password_hash.startswith("$argon2")
    with factory() as session:
        assert accounts.check_password(session, "somsri", "correct horse").username == "somsri"
        for name, password in (("somsri", "wrong"), ("nobody", "correct horse")):
            with pytest.raises(Unauthenticated) as caught:
                accounts.check_password(session, name, password)
            assert caught.value.message_th == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


def test_short_passwords_and_unknown_roles_are_refused(factory, clock):
    with factory.begin() as session:
        with pytest.raises(ValidationFailed) as short:
            accounts.create_user(session, clock(), "a", "short", "c5001", ["intake"])
        assert "password" in short.value.fields
        with pytest.raises(ValidationFailed) as role:
            accounts.create_user(session, clock(), "b", "long enough", "c5001", ["boss"])
        assert "roles" in role.value.fields
