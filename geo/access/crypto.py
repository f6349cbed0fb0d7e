"""Personal data at rest: ID numbers and phones sealed with AES-256-GCM, found again by a keyed hash.

One master key (WANGGE_DATA_KEY: 32 bytes, urlsafe base64; outside production generated once into
WANGGE_HOME/data_key) gives three keys through HKDF: one encrypts, one keys the audit log's chain, one computes
the HMAC-SHA256 lookup
hash that lets "the resident with this ID number" be found (and kept unique) without decrypting
anything. A sealed value is: version byte 1, 12-byte random nonce, ciphertext with its tag; the
database never sees the key or a plaintext. The library is `cryptography` (pyca).
"""

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from geo.core.private_files import read_or_create
from geo.core.settings import get_settings

VERSION = b"\x01"
NONCE_BYTES = 12


def _master_key() -> bytes:
    settings = get_settings()
    if settings.data_key:
        return _decode_key(settings.data_key)
    # development only: production refuses to start without WANGGE_DATA_KEY
    return _decode_key(read_or_create(settings.home / "data_key", new_key))


def _decode_key(text: str) -> bytes:
    key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(key) != 32:
        raise ValueError("WANGGE_DATA_KEY must be 32 bytes in urlsafe base64 (e.g. from `wangge keys new`)")
    return key


def _derive(info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(_master_key())


@lru_cache
def _keys() -> tuple[AESGCM, bytes]:
    return AESGCM(_derive(b"wangge personal data: encryption")), _derive(b"wangge personal data: lookup")


@lru_cache
def audit_key() -> bytes:
    """The key of the audit log's chain (geo.access.audit): kept outside the database, so its owner cannot forge entries."""
    return _derive(b"wangge audit chain")


def seal(value: str | None) -> bytes | None:
    """The value encrypted (None stays None)."""
    if value is None:
        return None
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + _keys()[0].encrypt(nonce, value.encode(), None)


def reveal(blob: bytes | memoryview | str | None) -> str | None:
    """A sealed value back in clear (a str is taken as base64, as json_agg gives bytea)."""
    if blob is None:
        return None
    data = base64.b64decode(blob) if isinstance(blob, str) else bytes(blob)
    if data[:1] != VERSION:
        raise ValueError("not a sealed value of a known version")
    return _keys()[0].decrypt(data[1:1 + NONCE_BYTES], data[1 + NONCE_BYTES:], None).decode()


def lookup(value: str | None) -> bytes | None:
    """The keyed hash to find a value by (None stays None); equal values give equal hashes."""
    if value is None:
        return None
    return hmac.new(_keys()[1], value.strip().upper().encode(), hashlib.sha256).digest()


def new_key() -> str:
    """A fresh master key, as WANGGE_DATA_KEY takes it."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
