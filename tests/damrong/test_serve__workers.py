"""`damrong serve --workers 2`: two real worker processes on one database.

Every request is answered (no request lost to a busy SQLite file), case numbers stay unique
and gap-free, and a staff member signed in by one worker stays signed in on the other.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from engine.access.tokens import issue_token
from engine.models import Case, User
from tests.conftest import intake_data

REQUESTS = 40
CLIENTS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(database_url):  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {**os.environ, "DAMRONG_DATABASE_URL": database_url}
    env.pop("DAMRONG_SECRET_KEY", None)  # the master makes one key for both workers
    process = subprocess.Popen(
        [sys.executable, "-m", "damrong.cli", "serve", "--workers", "2", "--no-scheduler"]
        + ["--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api")
            if conn.getresponse().status == 200:
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(process.stdout.read().decode()[-2000:])
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_two_workers_answer_every_request_and_number_cases_without_gaps(
    server, factory, staff, clock
):
    with factory.begin() as session:
        user = session.scalar(select(User).where(User.username == "intake"))
        token = issue_token(session, clock(), user)
    body = json.dumps(intake_data(), ensure_ascii=False).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    statuses: list[int] = []
    numbers: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=60)
        for _ in range(REQUESTS // CLIENTS):
            conn.request("POST", "/api/v1/cases", body=body, headers=headers)
            response = conn.getresponse()
            data = json.loads(response.read())
            with lock:
                statuses.append(response.status)
                numbers.append(data.get("registration_number", ""))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * REQUESTS
    running = sorted(int(re.search(r"-(\d+)/", n).group(1)) for n in numbers)
    assert running == list(range(running[0], running[0] + REQUESTS))
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == REQUESTS


def test_a_sign_in_made_by_one_worker_holds_on_the_other(server, factory, staff):
    password = "damrong1567"
    with factory.begin() as session:
        session.execute(
            update(User)
            .where(User.username == "screener")
            .values(password_hash=PasswordHasher().hash(password))
        )
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
    conn.request("GET", "/staff/signin")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = SimpleCookie(response.getheader("Set-Cookie"))
    jar = "; ".join(f"{k}={v.value}" for k, v in cookie.items())
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urlencode({"username": "screener", "password": password, "csrf_token": csrf})
    conn.request(
        "POST",
        "/staff/signin",
        body=form,
        headers={"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status in (302, 303)
    cookie = SimpleCookie(response.getheader("Set-Cookie"))
    jar = "; ".join(f"{k}={v.value}" for k, v in cookie.items())

    # Fresh connections, in parallel, land on both workers: each must know the session.
    results: list[int] = []

    def inbox() -> None:
        c = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        c.request("GET", "/staff/inbox", headers={"Cookie": jar})
        r = c.getresponse()
        r.read()
        results.append(r.status)

    threads = [threading.Thread(target=inbox) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 12
