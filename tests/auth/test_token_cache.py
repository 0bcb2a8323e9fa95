"""Verified bearer tokens are kept per (key, token), and expiry is still checked on every use."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.auth import tokens
from app.auth.tokens import TokenError, issue_token, verify_token

KEY = "token-cache-test-key-" + "k" * 32


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def token(lifetime: int = 60, key: str = KEY, now: datetime | None = None) -> str:
    # Issued when the test runs, not when the module is imported: a long suite reaches a
    # test minutes after its import, and a token issued then has expired.
    return issue_token(
        key,
        organization_id=uuid.uuid4(),
        principal_type="SERVICE_USER",
        principal_id=uuid.uuid4(),
        access_key_id="AK",
        now=now or _now(),
        lifetime_seconds=lifetime,
        generation=0,
    )


def test_a_token_is_verified_once_then_read_from_the_cache(monkeypatch):
    calls = []
    real = jwt.decode

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    sent = token(lifetime=86_400)
    first, second = verify_token(KEY, sent), verify_token(KEY, sent)
    assert first == second and len(calls) == 1


def test_a_kept_token_still_expires():
    issued = _now()
    sent = token(lifetime=60, now=issued)
    assert verify_token(KEY, sent, now=issued + timedelta(seconds=59)).expires_at == issued + timedelta(seconds=60)
    with pytest.raises(TokenError, match="expired"):
        verify_token(KEY, sent, now=issued + timedelta(seconds=60))


def test_another_key_or_a_changed_token_is_verified_on_its_own():
    sent = token()
    verify_token(KEY, sent)
    with pytest.raises(TokenError, match="invalid"):
        verify_token("another-key-" + "x" * 40, sent)
    head, payload, signature = sent.split(".")
    with pytest.raises(TokenError, match="invalid"):
        verify_token(KEY, f"{head}.{payload}.{signature[:-2]}AA")


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(tokens, "_VERIFIED_KEPT", 3)
    tokens._verified.clear()
    for _ in range(5):
        verify_token(KEY, token())
    assert len(tokens._verified) <= 3
