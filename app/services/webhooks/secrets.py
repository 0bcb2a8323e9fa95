"""Signing secrets of webhook destinations: generated, and encrypted at rest.

Access-key secrets are stored as keyed hashes (`app.auth.secrets`) because the server only
ever verifies them. A webhook secret is different: the server signs with it, so it must be
readable again. It is encrypted (Fernet: AES-128-CBC with an HMAC-SHA256 tag) under a key
derived from the server key, so a leaked table is as useless as for access keys without
the server key. Changing METERGRAPH_SECRET_KEY therefore makes stored webhook secrets
unreadable: rotate every destination's secret afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# Domain separation: the same server key also signs tokens and hashes access-key secrets.
_KEY_CONTEXT = b"metergraph webhook signing secrets v1\x00"


def new_signing_secret() -> str:
    """`whsec_` + base64 of 32 random bytes (SEMANTICS §14.3)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _fernet(server_key: str) -> Fernet:
    digest = hashlib.sha256(_KEY_CONTEXT + server_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_secret(server_key: str, secret: str) -> str:
    return _fernet(server_key).encrypt(secret.encode()).decode()


class UnreadableSecret(Exception):
    """The stored secret was encrypted under another server key."""


def decrypt_secret(server_key: str, stored: str) -> str:
    try:
        return _fernet(server_key).decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise UnreadableSecret("the webhook secret was encrypted under another METERGRAPH_SECRET_KEY") from exc
