"""Bearer tokens: HS256-signed JWTs carrying organization, principal, key and expiry.

A token is self-contained so that checking one costs no database round trip; what may
change after issue (a key made INACTIVE, policies) is re-read through the principal cache.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
ISSUER = "metergraph"


class TokenError(Exception):
    """The token is missing, malformed, tampered with or expired."""


@dataclass(frozen=True)
class TokenClaims:
    organization_id: uuid.UUID
    principal_type: str  # USER | SERVICE_USER
    principal_id: uuid.UUID
    access_key_id: str | None
    expires_at: datetime
    # The credential's `token_generation` at issue: a token of an earlier generation was
    # revoked by a deactivation. Tokens issued before the claim existed read as 0.
    generation: int = 0


def issue_token(
    secret_key: str,
    *,
    organization_id: uuid.UUID,
    principal_type: str,
    principal_id: uuid.UUID,
    access_key_id: str | None,
    now: datetime,
    lifetime_seconds: int,
    generation: int,
) -> str:
    payload = {
        "iss": ISSUER,
        "org": str(organization_id),
        "typ": principal_type,
        "sub": str(principal_id),
        "key": access_key_id,
        "gen": generation,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=lifetime_seconds)).timestamp()),
    }
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


# Verified tokens by (key, token): a client sends the same token with every request until
# it expires, and checking its signature and claims again each time was about a seventh
# of a trivial query's cost. The claims cannot change for a given token and key; only
# time can make them invalid, so the expiry is checked on every use. Bounded: when full,
# the whole cache is dropped (tokens are re-verified, nothing is trusted longer).
_VERIFIED_KEPT = 10_000
_verified: dict[tuple[str, str], TokenClaims] = {}


def verify_token(secret_key: str, token: str, *, now: datetime | None = None) -> TokenClaims:
    """The token's claims, or TokenError (malformed, tampered with, expired)."""
    claims = _verified.get((secret_key, token))
    if claims is None:
        claims = _verify(secret_key, token)
        if len(_verified) >= _VERIFIED_KEPT:
            _verified.clear()
        _verified[(secret_key, token)] = claims
    # PyJWT refuses a token at or after its `exp` second; the same here for a kept one.
    if (now or datetime.now(UTC)) >= claims.expires_at:
        raise TokenError("token expired")
    return claims


def _verify(secret_key: str, token: str) -> TokenClaims:
    try:
        payload = jwt.decode(
            token,
            secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "org", "sub", "typ"]},
        )
        return TokenClaims(
            organization_id=uuid.UUID(payload["org"]),
            principal_type=payload["typ"],
            principal_id=uuid.UUID(payload["sub"]),
            access_key_id=payload.get("key"),
            expires_at=datetime.fromtimestamp(payload["exp"], tz=UTC),
            generation=_generation(payload.get("gen", 0)),
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("token expired") from exc
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as exc:
        raise TokenError("invalid token") from exc


def _generation(claim: object) -> int:
    # Signed by us, so always an int in practice; anything else is not a token we issued.
    if type(claim) is not int:
        raise TypeError("gen claim is not an integer")
    return claim


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
