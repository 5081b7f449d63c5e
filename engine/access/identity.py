"""Case identity: tracking codes, citizen secrets and tokens, registration numbers, Thai IDs, masks.

Tracking codes are 10 random Crockford base32 characters (50 bits) and one check character
computed with the Damm algorithm over GF(32) (quasigroup x∘y = 2·(x ⊕ y)), which catches every
single-character substitution and every adjacent transposition, the check character included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")  # a Thai keyboard may type these
_READ_AS = str.maketrans("OILU๐๑๒๓๔๕๖๗๘๙", "011V0123456789")  # Crockford's reading rules too
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")
TRACKING_DATA_CHARS = 10
SECRET_CHARS = 8

# About 1.5 ms and 1 MiB: with 40-bit secrets an offline guesser still needs ~50,000 CPU-years,
# while opening a case stays cheap. The stored hash names its own parameters.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**10, 8, 1
_TOKEN_CONTEXT = b"damrong-tracking-link\0"  # keeps these MACs apart from other uses of the key
_TOKEN_MAC_BYTES = 16  # 128 bits is plenty and keeps links short enough for an SMS
_CLOCK_SKEW_S = 300


def _compact(text: str) -> str:
    """Upper-case, drop separators, read O as 0, I and L as 1, U as V; Thai digits as ASCII."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SEPARATORS.sub("", text).upper().translate(_READ_AS)


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


def _group_tracking(compact: str) -> str:
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


def new_tracking_code() -> str:
    """A fresh tracking code for a citizen, displayed as XXXX-XXXX-XXX."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(TRACKING_DATA_CHARS))
    return _group_tracking(data + check_character(data))


def normalize_tracking_code(text: str) -> str:
    """The canonical XXXX-XXXX-XXX form of what a citizen typed (left ungrouped if mis-sized)."""
    compact = _compact(text)
    return _group_tracking(compact) if len(compact) == TRACKING_DATA_CHARS + 1 else compact


def is_valid_tracking_code(text: str) -> bool:
    """Whether the text (typed any way) is a well-formed tracking code with a matching check."""
    compact = _compact(text)
    if len(compact) != TRACKING_DATA_CHARS + 1 or not all(c in _VALUE for c in compact):
        return False
    return _damm(compact) == 0


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
        _compact(secret).encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
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
            _compact(secret).encode(),
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
    compact = _compact(tracking_code)
    if not is_valid_tracking_code(compact):
        raise ValueError(f"not a tracking code: {tracking_code!r}")
    body = f"{compact}.{int(issued_at)}"
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
    if age > max_age_s or age < -_CLOCK_SKEW_S or not is_valid_tracking_code(code):
        return None
    return _group_tracking(code)


def hash_token(token: str) -> str:
    """SHA-256 hex of a high-entropy token (API tokens, partner keys): enough without salt."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_api_token() -> str:
    """A fresh API token: `dmr_` and 256 random bits, URL-safe."""
    return "dmr_" + secrets.token_urlsafe(32)


def buddhist_year(d: date) -> int:
    """The Buddhist Era year of a date (Gregorian + 543)."""
    return d.year + 543


def format_registration_number(center_code: str, running: int, buddhist_year: int) -> str:
    """A center's registration number for a case, e.g. `1001-00042/2569` (ASCII only)."""
    if not center_code or running < 1:
        raise ValueError("a registration number needs a center code and a running number >= 1")
    return f"{center_code}-{running:05d}/{buddhist_year}"


def normalize_national_id(text: str) -> str:
    """A national ID as typed, without spaces or hyphens and with Thai digits made ASCII."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).translate(_THAI_DIGITS)


def national_id_check_digit(first12: str) -> int:
    """The 13th digit of a Thai national ID: (11 - Σ digit[i]·(13 - i) mod 11) mod 10."""
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return (11 - total % 11) % 10


def is_valid_national_id(text: str) -> bool:
    """Whether the text is a 13-digit Thai national ID whose check digit matches."""
    nid = normalize_national_id(text)
    if len(nid) != 13 or not (nid.isascii() and nid.isdigit()):
        return False
    return national_id_check_digit(nid[:12]) == int(nid[12])


def mask_national_id(nid: str) -> str:
    """The ID in its usual 1-4-5-2-1 grouping with all but the last 3 digits hidden.

    `1101700203450` becomes `x-xxxx-xxxxx-45-0`; anything not 13 digits is hidden entirely.
    """
    digits = normalize_national_id(nid)
    if len(digits) != 13 or not digits.isdigit():
        return "x" * len(digits)
    return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"


def mask_phone(phone: str) -> str:
    """A phone number with its first two and last four digits shown: `08x-xxx-5678`."""
    digits = re.sub(r"\D", "", normalize_national_id(phone))
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]  # +66 8x... is 08x... at home
    if len(digits) < 8:
        return "x" * len(digits)
    if len(digits) == 10:  # mobile: 08x-xxx-xxxx
        return f"{digits[:2]}x-xxx-{digits[6:]}"
    if len(digits) == 9:  # Bangkok landline: 02-xxx-xxxx
        return f"{digits[:2]}-xxx-{digits[5:]}"
    return digits[:2] + "x" * (len(digits) - 6) + digits[-4:]


_THAI_LEADING_VOWELS = "เแโใไ"


def mask_name(name: str) -> str:
    """Each word's first letter then `***`: `สมหญิง รักงาน` becomes `ส*** ร***`."""
    masked = []
    for word in (name or "").split():
        # A Thai leading vowel is written before its consonant: show the consonant too.
        keep = 2 if word[0] in _THAI_LEADING_VOWELS and len(word) > 1 else 1
        masked.append(word[:keep] + "***")
    return " ".join(masked)


def mask_email(email: str) -> str:
    """The mailbox's first letter then `***`, with the domain kept: `s***@example.com`."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local:
        return mask_name(email)
    return f"{local[0]}***@{domain}"
