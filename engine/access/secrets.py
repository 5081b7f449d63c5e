"""Secrets and keys: citizen secrets (scrypt), API tokens and partner keys (SHA-256), signed
tracking links, and the Crockford base32 that citizens read out and type.

The check character is the Damm algorithm over GF(32) (quasigroup x∘y = 2·(x ⊕ y)), which
catches every single-character substitution and every adjacent transposition, the check
character included. Tracking codes (engine/cases/codes.py) and LINE link codes use it too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_READ_AS = str.maketrans("OILU๐๑๒๓๔๕๖๗๘๙", "011V0123456789")  # Crockford's reading rules too
SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")
SECRET_CHARS = 8
TRACKING_CODE_CHARS = 11  # 10 random characters and a check character, grouped 4-4-3

# About 1.5 ms and 1 MiB: with 40-bit secrets an offline guesser still needs ~50,000 CPU-years,
# while opening a case stays cheap. The stored hash names its own parameters.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**10, 8, 1
_TOKEN_CONTEXT = b"damrong-tracking-link\0"  # keeps these MACs apart from other uses of the key
_TOKEN_MAC_BYTES = 16  # 128 bits is plenty and keeps links short enough for an SMS
_CLOCK_SKEW_S = 300


def compact(text: str) -> str:
    """Upper-case, drop separators, read O as 0, I and L as 1, U as V; Thai digits as ASCII."""
    text = unicodedata.normalize("NFKC", text or "")
    return SEPARATORS.sub("", text).upper().translate(_READ_AS)


def _damm(chars: str) -> int:
    """Fold characters through x∘y = 2·(x ⊕ y) in GF(2⁵) mod x⁵+x²+1; zero means 'checks out'."""
    interim = 0
    for char in chars:
        interim ^= _VALUE[char]
        interim <<= 1  # multiply by 2, i.e. by the polynomial x ...
        if interim & 0b100000:
            interim ^= 0b100101  # ... reduced by the primitive polynomial x⁵ + x² + 1
    return interim


def check_character(data: str) -> str:
    """The check character that makes the Damm fold of `data` + it come out zero."""
    return ALPHABET[_damm(data)]


def is_checked_code(text: str, length: int) -> bool:
    """Whether the text (typed any way) is `length` base32 characters whose check matches."""
    code = compact(text)
    if len(code) != length or not all(c in _VALUE for c in code):
        return False
    return _damm(code) == 0


def group_tracking_code(code: str) -> str:
    """A compact tracking code displayed as XXXX-XXXX-XXX."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def new_citizen_secret() -> str:
    """A fresh 8-character Crockford base32 secret (40 bits), easy to read out by phone."""
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_CHARS))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(secret: str) -> str:
    """A salted scrypt hash of a citizen secret: scrypt$n$r$p$salt_b64$hash_b64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        compact(secret).encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, hashed: str) -> bool:
    """Whether the secret (typed any way) matches the stored hash; constant-time comparison."""
    try:
        scheme, n, r, p, salt, expected = hashed.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        expected_bytes = _unb64(expected)
        if scheme != "scrypt" or n_ > 2**20 or r_ > 16 or p_ > 4 or len(expected_bytes) < 16:
            return False
        digest = hashlib.scrypt(
            compact(secret).encode(),
            salt=_unb64(salt),
            n=n_,
            r=r_,
            p=p_,
            dklen=len(expected_bytes),
            maxmem=2**31 - 1,
        )
        return hmac.compare_digest(digest, expected_bytes)
    except (ValueError, TypeError):  # a malformed stored hash never verifies
        return False


def _token_mac(body: str, key: bytes) -> bytes:
    mac = hmac.new(key, _TOKEN_CONTEXT + body.encode("ascii"), hashlib.sha256).digest()
    return mac[:_TOKEN_MAC_BYTES]


def make_tracking_token(tracking_code: str, key: bytes, issued_at: int) -> str:
    """A signed, URL-safe token for a tracking link: CODE.issued_at.mac."""
    code = compact(tracking_code)
    if not is_checked_code(code, TRACKING_CODE_CHARS):
        raise ValueError(f"not a tracking code: {tracking_code!r}")
    body = f"{code}.{int(issued_at)}"
    return f"{body}.{_b64(_token_mac(body, key))}"


def read_tracking_token(token: str, key: bytes, now: int, max_age_s: int) -> str | None:
    """The tracking code a token carries, or None if it was tampered with or has expired."""
    parts = (token or "").split(".")
    if not (token or "").isascii() or len(parts) != 3 or not parts[1].isdigit():
        return None
    if len(parts[1]) > 12:  # seconds since 1970 fit in 11 digits for millennia
        return None
    code, issued, mac = parts
    try:
        given = _unb64(mac)
    except ValueError:
        return None
    if not hmac.compare_digest(given, _token_mac(f"{code}.{issued}", key)):
        return None
    age = now - int(issued)
    if age > max_age_s or age < -_CLOCK_SKEW_S or not is_checked_code(code, TRACKING_CODE_CHARS):
        return None
    return group_tracking_code(code)


def hash_token(token: str) -> str:
    """SHA-256 hex of a high-entropy token (API tokens, partner keys): enough without salt."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_api_token() -> str:
    """A fresh API token: `dmr_` and 256 random bits, URL-safe."""
    return "dmr_" + secrets.token_urlsafe(32)
