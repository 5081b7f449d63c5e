"""Webhook URLs reach only what they should (issue 13, finding 17): https to public addresses
unless an administrator allows more, the address checked again at connect time and connected to
as checked, a government CA file honoured, and the receiver's answer never kept."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from notifications import addresses
from notifications.addresses import Allowance
from notifications.channels import DeliveryFailed, post_json
from notifications.models import AgencyEndpoint

ADMIN = "/api/v1/admin/notifications"
REFUSED = [
    "http://hook.mol.example/events",  # plain http
    "https://127.0.0.1/hook",
    "https://localhost:8443/hook",  # a name for loopback
    "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "https://10.0.0.5/hook",
    "https://192.168.1.1/hook",
    "https://100.64.0.1/hook",  # carrier-grade NAT (shared address space)
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "https://[fe80::1]/hook",
    "https://240.0.0.1/hook",  # reserved
    "ftp://mol.example/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_registering_a_private_or_plain_http_webhook_is_refused(client, tokens, factory, url):
    put = client.put(ADMIN + "/agencies/mol/endpoint", json={"url": url}, headers=tokens["admin"])
    assert put.status_code == 422, put.get_json()
    field = put.get_json()["error"]["fields"]["url"]
    assert field and "url" in put.get_json()["error"]["fields"]
    with factory() as session:
        assert session.scalar(select(AgencyEndpoint)) is None


def test_an_administrator_allows_named_hosts_and_ranges(monkeypatch, client, tokens):
    monkeypatch.setenv("DAMRONG_WEBHOOK_ALLOW", "10.20.0.0/16, hook.mol.go.th")
    url = ADMIN + "/agencies/mol/endpoint"
    for allowed in ("https://10.20.1.5/hook", "http://hook.mol.go.th/events"):
        put = client.put(url, json={"url": allowed}, headers=tokens["admin"])
        assert put.status_code == 200 and put.get_json()["url"] == allowed
    outside = client.put(url, json={"url": "https://10.21.0.1/hook"}, headers=tokens["admin"])
    assert outside.status_code == 422
    assert "DAMRONG_WEBHOOK_ALLOW" in outside.get_json()["error"]["fields"]["url"]


class Receiver:
    """A real HTTP(S) server on loopback answering with a set status, body and headers."""

    def __init__(self, status: int = 200, body: bytes = b"{}", headers: dict | None = None):
        self.calls: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # type: ignore[no-untyped-def]  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.calls.append(dict(self.headers.items()))
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # type: ignore[no-untyped-def]
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


LOOPBACK = Allowance.parse("127.0.0.1/32")


def test_a_name_that_resolves_to_loopback_at_send_time_is_not_contacted():
    with Receiver() as receiver:
        with pytest.raises(DeliveryFailed) as failed:
            post_json(f"https://localhost:{receiver.port}/hook", b"{}", {}, 3, Allowance())
        assert failed.value.permanent and "address refused" in str(failed.value)
        assert receiver.calls == []


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """DNS rebinding: the first answer is checked, a second lookup would say something else."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "10.9.9.9"])  # checked, then the rebinding answer

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "rebind.test":
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with Receiver() as receiver:
        url = f"http://rebind.test:{receiver.port}/hook"
        allowed = Allowance(frozenset({"rebind.test"}), LOOPBACK.networks)
        assert post_json(url, b"{}", {}, 3, allowed) == 200
        assert [call["Host"] for call in receiver.calls] == [f"rebind.test:{receiver.port}"]


def test_the_receivers_answer_is_never_kept_and_redirects_are_not_followed():
    secret_body = b'{"error": "db password hunter2 at 10.0.0.9"}'
    with Receiver(500, secret_body) as receiver, pytest.raises(DeliveryFailed) as failed:
        post_json(f"http://127.0.0.1:{receiver.port}/", b"{}", {}, 3, LOOPBACK)
    assert str(failed.value) == "HTTP 500" and not failed.value.permanent
    moved = {"Location": "http://169.254.169.254/latest/meta-data/"}
    with Receiver(302, b"", moved) as receiver, pytest.raises(DeliveryFailed) as redirected:
        post_json(f"http://127.0.0.1:{receiver.port}/", b"{}", {}, 3, LOOPBACK)
    assert redirected.value.permanent and "redirect" in str(redirected.value)
    assert len(receiver.calls) == 1


@pytest.fixture(scope="module")
def government_ca(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("ca")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def test_a_ca_file_lets_webhooks_reach_a_server_with_a_private_certificate(government_ca):
    cert, key = government_ca
    with Receiver() as receiver:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
        url = f"https://127.0.0.1:{receiver.port}/hook"
        with pytest.raises(DeliveryFailed, match="SSL"):
            post_json(url, b"{}", {}, 3, LOOPBACK)
        assert post_json(url, b"{}", {}, 3, LOOPBACK, ca_file=cert) == 200
        assert len(receiver.calls) == 1


def test_allowance_parsing_and_address_rules():
    allowance = Allowance.parse("hook.mol.go.th. 10.20.0.0/16,fd00::/8")
    assert allowance.allows_host("HOOK.mol.go.th")
    assert not allowance.allows_host("mol.go.th")
    with pytest.raises(addresses.UnsafeAddress):
        addresses.check_url("https://[fe80::1]/", allowance)
    assert addresses.check_url("https://[fd00::5]/", allowance).hostname == "fd00::5"
