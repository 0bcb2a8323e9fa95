"""Rate limits (CONTRACT §5): per organization and per access key for GraphQL and ingest,
and per identity and client address for credential guesses (login, /oauth/token).

Buckets are GCRA in Redis (`gcra`); which limits apply, and an organization's own, are in
`config`. Keys live under a namespace named after the database, so that every API process
of one deployment shares its buckets, and two deployments (or two test sessions) sharing
one Redis never meet.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from app.services.errors import AuthError
from app.services.rate_limits import config
from app.services.rate_limits.gcra import Bucket, Limiter, Rate, RateLimited
from app.settings import get_settings

__all__ = [
    "Bucket",
    "Limiter",
    "Rate",
    "RateLimited",
    "check_credentials",
    "check_graphql",
    "check_ingest",
    "limiter",
    "namespace",
]

T = TypeVar("T")


@functools.lru_cache(maxsize=8)
def _namespace_of(database_url: str | None) -> str:
    name = urlsplit(database_url or "").path.strip("/") or "default"
    return f"metergraph:{name}"


def namespace() -> str:
    """The Redis key prefix of this deployment's rate-limit and subscription state."""
    return _namespace_of(get_settings().database_url)


def limiter(redis: Any) -> Limiter:
    return Limiter(redis, namespace())


def _digest(value: str) -> str:
    """Emails and key ids as they appear in Redis keys: fixed length, not readable."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _tells_clients_apart(address: str | None) -> bool:
    """Whether guesses from `address` may be throttled together. A loopback address is a
    local proxy that did not pass the client on (or the process itself): throttling it
    would lock every client out at once, so only the identity's budget applies then."""
    if not address:
        return False
    try:
        return not ipaddress.ip_address(address).is_loopback
    except ValueError:
        return True


def _principal_key(principal: Any) -> str:
    return principal.access_key_id or f"principal:{principal.principal_id}"


async def _check_api(limits: Limiter, family: str, principal: Any) -> None:
    rates = await config.organization_rates(principal.organization_id)
    org = str(principal.organization_id)
    await limits.take(
        [
            Bucket(limits.key(family, "org", org), rates[f"{family}PerOrganization"], "organization"),
            Bucket(
                limits.key(family, "key", org, _principal_key(principal)), rates[f"{family}PerAccessKey"], "access key"
            ),
        ]
    )


async def check_graphql(limits: Limiter, principal: Any) -> None:
    """Admit one GraphQL operation of `principal`, or raise RateLimited."""
    await _check_api(limits, "graphql", principal)


async def check_ingest(limits: Limiter, principal: Any) -> None:
    """Admit one ingest request of `principal`, or raise RateLimited (before the body is read)."""
    await _check_api(limits, "ingest", principal)


async def check_credentials(
    limits: Limiter | None, kind: str, identity: str, address: str | None, verify: Callable[[], Awaitable[T]]
) -> T:
    """Run `verify` (a credential check) if the guess budget of `identity` (an email, a key
    id) and of the client `address` allows one more, else raise RateLimited.

    The guess is counted before it is checked, so concurrent guesses cannot overrun the
    budget; it is handed back unless `verify` raised AuthError (a wrong guess)."""
    if limits is None:
        return await verify()
    buckets = [Bucket(limits.key("guess", kind, _digest(identity)), config.GUESSES_PER_IDENTITY, kind)]
    if _tells_clients_apart(address):
        buckets.append(
            Bucket(
                limits.key("guess", "address", _digest(cast(str, address))),
                config.GUESSES_PER_ADDRESS,
                "client address",
            )
        )
    await limits.take(buckets)
    try:
        result = await verify()
    except AuthError:
        raise
    except Exception:
        await limits.give(buckets)
        raise
    await limits.give(buckets)
    return result
