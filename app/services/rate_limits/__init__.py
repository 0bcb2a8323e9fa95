"""Rate limits (CONTRACT §5): per organization and per access key for GraphQL and ingest,
and per identity and client address for credential guesses (login, /oauth/token).

Buckets are GCRA in Redis (`gcra`); which limits apply, and an organization's own, are in
`config`. Keys live under a namespace named after the database, so that every API process
of one deployment shares its buckets, and two deployments (or two test sessions) sharing
one Redis never meet.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import time
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


# Leases: under a high limit, a process takes a few requests at once from Redis and
# admits the next ones from that local allowance, so that a busy client costs one Redis
# round trip per lease instead of one per request. Never more is admitted than was
# taken (the requests are spent in Redis first); a lease left unused when it lapses is
# lost, which errs on the side of refusing. A lease is at most LEASE_WINDOW_SECONDS of
# the rate and a quarter of the burst, so limits of up to 100 requests/s (every default)
# lease one request: exactly as without leases. A lowered limit takes effect here once
# the leases lapse (LEASE_SECONDS) beside `config.CACHE_SECONDS`.
LEASE_WINDOW_SECONDS = 0.01
MAX_LEASE = 64
LEASE_SECONDS = 1.0
_LEASES_KEPT = 10_000
_leases: dict[tuple[str, ...], tuple[float, int]] = {}  # → (lapses at, requests left)
# One refill at a time per lease: when a lease runs out under concurrent requests, the
# first goes to Redis and the others wait for its lease instead of each taking one (and
# all but the last being overwritten, spent in Redis for nothing).
_refills: dict[tuple[str, ...], asyncio.Event] = {}


def _lease_size(rates: list[Rate]) -> int:
    return max(1, min(MAX_LEASE, *(int(min(r.per_second * LEASE_WINDOW_SECONDS, r.burst / 4)) for r in rates)))


def _from_lease(lease_key: tuple[str, ...]) -> bool:
    """Admit one request from the process's lease, if it has one left."""
    lapses, left = _leases.get(lease_key, (0.0, 0))
    if left > 0 and lapses > time.monotonic():
        _leases[lease_key] = (lapses, left - 1)
        return True
    return False


async def _check_api(limits: Limiter, family: str, principal: Any) -> None:
    org, who = str(principal.organization_id), _principal_key(principal)
    lease_key = (limits.namespace, family, org, who)
    if _from_lease(lease_key):
        return
    rates = await config.organization_rates(principal.organization_id)
    buckets = [
        Bucket(limits.key(family, "org", org), rates[f"{family}PerOrganization"], "organization"),
        Bucket(limits.key(family, "key", org, who), rates[f"{family}PerAccessKey"], "access key"),
    ]
    size = _lease_size([bucket.rate for bucket in buckets])
    if size > 1:
        if await _from_lease_after_refills(lease_key) or await _refill(limits, lease_key, buckets, size):
            return
    await limits.take(buckets)


async def _from_lease_after_refills(lease_key: tuple[str, ...]) -> bool:
    """Admit one request from the lease once the refills under way have finished (it may
    also have been refilled while this request read its organization's rates)."""
    while not _from_lease(lease_key):
        refill = _refills.get(lease_key)
        if refill is None:
            return False
        await refill.wait()
    return True


async def _refill(limits: Limiter, lease_key: tuple[str, ...], buckets: list[Bucket], size: int) -> bool:
    """Take a lease of `size` requests, the first for this request; False when the
    buckets have no room for a whole lease (a single request may still fit)."""
    _refills[lease_key] = refill = asyncio.Event()
    try:
        await limits.take(buckets, weight=size)
    except RateLimited:
        return False
    else:
        if len(_leases) >= _LEASES_KEPT:
            _leases.clear()
        _leases[lease_key] = (time.monotonic() + LEASE_SECONDS, size - 1)
        return True
    finally:
        del _refills[lease_key]
        refill.set()


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
