"""Where webhooks may go: https to public addresses, unless an administrator allows more.

A webhook URL is typed by an administrator but fetched by the server, so without a check it
reaches what only the server can: loopback, the cloud metadata service (169.254.169.254), the
private network. Agencies' servers often sit on government networks behind their own CA, so
DAMRONG_WEBHOOK_ALLOW names the hosts and address ranges that may be private (and plain http).
The address is checked when the URL is saved and again, resolved, when connecting; the sender
then connects to that checked address, so a DNS answer that changes in between (rebinding) does
not reach anything else.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeAddress(ValueError):
    """A webhook URL or address that is not allowed; says why in Thai and English."""

    def __init__(self, message_th: str, message_en: str, unresolved: bool = False) -> None:
        super().__init__(message_en)
        self.message_th, self.message_en = message_th, message_en
        self.unresolved = unresolved  # the name has no address (yet): nothing was checked


@dataclass(frozen=True)
class Allowance:
    """Hosts (by name) and address ranges an administrator allows beyond public https."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Allowance:
        """From `"hook.mol.go.th, 10.20.0.0/16"`: names and CIDR ranges, commas or spaces."""
        hosts, networks = set(), []
        for entry in text.replace(",", " ").split():
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        """Whether the host name is allowed by name (then any of its addresses may be used)."""
        return host.lower().rstrip(".") in self.hosts

    def allows_address(self, address: Address) -> bool:
        """Whether a public address, or one inside an allowed range."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if any(address in network for network in self.networks):
            return True
        return address.is_global and not address.is_multicast


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_url(url: object, allowance: Allowance) -> SplitResult:
    """The URL's parts if a webhook may be sent there; UnsafeAddress saying why not."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeAddress("ต้องเป็นที่อยู่ https:// ที่ถูกต้อง", "Must be a valid https:// URL.")
    try:
        parts.port  # noqa: B018  (a port out of range raises here)
    except ValueError as exc:
        raise UnsafeAddress("หมายเลขพอร์ตไม่ถูกต้อง", "The port number is not valid.") from exc
    host = parts.hostname
    literal = _literal(host)
    named = allowance.allows_host(host)
    in_range = literal is not None and any(literal in n for n in allowance.networks)
    if parts.scheme == "http" and not (named or in_range):
        raise UnsafeAddress(
            "ต้องใช้ https:// (http:// ใช้ได้เฉพาะปลายทางที่ผู้ดูแลระบบอนุญาต)",
            "Use https:// (plain http:// only for hosts an administrator allows).",
        )
    if literal is not None and not allowance.allows_address(literal):
        raise _private(host)
    return parts


def _private(host: str) -> UnsafeAddress:
    return UnsafeAddress(
        f"ที่อยู่ {host} เป็นเครือข่ายภายในหรือสงวนไว้ ผู้ดูแลระบบต้องอนุญาตก่อน (DAMRONG_WEBHOOK_ALLOW)",
        f"{host} is a loopback, private, link-local or reserved address; an administrator must "
        "allow it first (DAMRONG_WEBHOOK_ALLOW).",
    )


def resolve(host: str, port: int, allowance: Allowance) -> str:
    """The address to connect to: the first the host resolves to that may be used."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeAddress("หาที่อยู่ปลายทางไม่พบ", f"Cannot resolve {host}.", True) from exc
    named = allowance.allows_host(host)
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if named or allowance.allows_address(address):
            return str(address)
    raise _private(host)
