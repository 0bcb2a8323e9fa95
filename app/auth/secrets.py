"""API secrets and one-time tokens: generated with 32+ random bytes, stored as keyed hashes.

A keyed hash (HMAC-SHA256 under the server key) rather than a slow password hash: clients
may exchange credentials before every request, the secret has 256 bits of entropy so
brute force is hopeless anyway, and a leaked table is useless without the server key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_BYTES = 32


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def new_access_key_id() -> str:
    # Upper-case hex reads well in consoles and never needs URL escaping.
    return secrets.token_hex(12).upper()


def keyed_hash(server_key: str, secret: str) -> str:
    return hmac.new(server_key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def verify_keyed_hash(server_key: str, secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(keyed_hash(server_key, secret), stored_hash)
