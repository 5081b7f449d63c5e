"""Without DAMRONG_SECRET_KEY an installation keeps one key, so restarts sign nobody out."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from damrong.config import Config


def test_the_key_is_made_once_kept_private_and_read_by_every_later_start(tmp_path):
    env = {"DAMRONG_SECRET_KEY_FILE": str(tmp_path / "var" / "secret_key")}
    first = Config.from_env(env).secret_key
    again = Config.from_env(env).secret_key
    assert first == again and len(first) == 64
    mode = stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_a_key_given_in_the_environment_wins(tmp_path):
    env = {"DAMRONG_SECRET_KEY": "from-env", "DAMRONG_SECRET_KEY_FILE": str(tmp_path / "k")}
    assert Config.from_env(env).secret_key == "from-env"
    assert not (tmp_path / "k").exists()


def test_an_unwritable_place_still_starts_with_a_key_for_the_process(tmp_path, caplog):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    env = {"DAMRONG_SECRET_KEY_FILE": str(blocked / "secret_key")}
    key = Config.from_env(env).secret_key
    assert len(key) == 64
    assert "set DAMRONG_SECRET_KEY" in caplog.text


def test_processes_starting_together_all_take_the_same_key(tmp_path):
    env = {**os.environ, "DAMRONG_SECRET_KEY_FILE": str(tmp_path / "secret_key")}
    env.pop("DAMRONG_SECRET_KEY", None)
    code = "from damrong.config import Config; print(Config.from_env().secret_key)"
    starts = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in starts}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind
