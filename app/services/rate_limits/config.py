"""Which limits apply: the defaults, an organization's overrides, and their validation.

An organization's overrides live in `organization_configs.rate_limits` (JSON, only the
limits an administrator changed). Every API process reads them at most once per
`CACHE_SECONDS` per organization, so a change takes effect everywhere within that time
(at once in the process that made it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any, cast

from app.models.organization import OrganizationConfig
from app.services.errors import ErrorCode, ProblemCollector
from app.services.rate_limits.gcra import Rate

CACHE_SECONDS = 10.0
MAX_REQUESTS_PER_SECOND = 100_000
MAX_BURST = 100_000

# Per organization and per access key (a user's login token counts as its own key).
# Generous enough for a console and a busy integration, small enough that one tenant
# cannot take a shared API process for itself. Ingest counts requests (batches of up to
# 1,000 measurements): 100 batches/s is 100,000 measurements/s.
DEFAULTS: dict[str, Rate] = {
    "graphqlPerOrganization": Rate(per_second=200, burst=1000),
    "graphqlPerAccessKey": Rate(per_second=100, burst=500),
    "ingestPerOrganization": Rate(per_second=100, burst=200),
    "ingestPerAccessKey": Rate(per_second=100, burst=200),
}

# Credential guesses (login, /oauth/token), before any organization is known, so the
# same for all. Only wrong guesses count (a right one is handed back): 10 in a row per
# email or key id, then one a minute; 100 per client address, then one a second.
GUESSES_PER_IDENTITY = Rate(per_second=1 / 60, burst=10)
GUESSES_PER_ADDRESS = Rate(per_second=1, burst=100)

_cache: dict[uuid.UUID, tuple[float, dict[str, Rate]]] = {}


def effective(stored: Mapping[str, Any] | None) -> dict[str, Rate]:
    """The defaults with an organization's stored overrides applied."""
    rates = dict(DEFAULTS)
    for name, value in (stored or {}).items():
        if name in rates and isinstance(value, Mapping):
            rates[name] = Rate(per_second=value["requestsPerSecond"], burst=value["burst"])
    return rates


async def organization_rates(organization_id: uuid.UUID) -> dict[str, Rate]:
    now = time.monotonic()
    cached = _cache.get(organization_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    query = OrganizationConfig.filter(organization_id=organization_id).limit(1)
    stored = await query.values_list("rate_limits", flat=True)
    rates = effective(cast(Mapping[str, Any] | None, stored[0] if stored else None))  # a JSON column
    _cache[organization_id] = (now + CACHE_SECONDS, rates)
    return rates


def forget(organization_id: uuid.UUID) -> None:
    """Drop this process's copy after a change, so the next request reads the new limits."""
    _cache.pop(organization_id, None)


def checked_overrides(
    current: Mapping[str, Any] | None, changes: Mapping[str, Any], problems: ProblemCollector
) -> dict[str, Any]:
    """The stored overrides after `changes` ({name: {"requestsPerSecond", "burst"} or None
    for the default}); problems are added under `rateLimits`."""
    stored = dict(current or {})
    at = problems.under("rateLimits")
    for name, value in changes.items():
        if name not in DEFAULTS:
            at.add(name, ErrorCode.INVALID, f"unknown limit; one of {', '.join(DEFAULTS)}")
        elif value is None:
            stored.pop(name, None)
        else:
            _check_rate(value, at.under(name))
            stored[name] = {"requestsPerSecond": value.get("requestsPerSecond"), "burst": value.get("burst")}
    return stored


def _check_rate(value: Mapping[str, Any], problems: ProblemCollector) -> None:
    for field, ceiling in (("requestsPerSecond", MAX_REQUESTS_PER_SECOND), ("burst", MAX_BURST)):
        number = value.get(field)
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= ceiling:
            problems.add(field, ErrorCode.INVALID, f"must be a whole number from 1 to {ceiling}")
