"""GCRA (generic cell rate algorithm) buckets in Redis, checked all-or-nothing.

A bucket admits `burst` requests at once and then one every `1 / per_second` seconds; it
is one Redis string, the bucket's "theoretical arrival time" (TAT, in microseconds of the
Redis server's clock), expiring when the bucket is full again. One Lua script checks
every bucket a request is subject to (its organization's, its access key's) and updates
them only when all admit it: a refused request consumes nothing anywhere, and the
`retryAfter` it gets is the longest wait among the buckets that refused it.

Why a script and not the `limits` library: `limits` offers fixed, moving and sliding
windows (no token bucket or GCRA), and checks one limit per call, so a request refused
by its key's limit would already have consumed its organization's. The script is one
round trip, uses the Redis server's clock (several API processes never disagree on
"now"), and needs nothing beyond redis-py.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.exceptions import NoScriptError, RedisError

log = logging.getLogger("metergraph.rate_limits")

# ARGV[1] is TAKE (admit and consume, or refuse) or GIVE (hand one request back, e.g. a
# password guess that turned out right). Then per bucket: microseconds per request, burst.
# The result is {0, 0} when admitted, else {microseconds to wait, index of that bucket}.
_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local give = ARGV[1] == 'GIVE'
local tats, wait, worst = {}, 0, 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  if give then
    tats[i] = tat - interval
  else
    tats[i] = tat + interval
    local over = tats[i] - now - burst * interval
    if over > wait then wait, worst = over, i end
  end
end
if wait > 0 then return {math.ceil(wait), worst} end
for i, key in ipairs(KEYS) do
  local ttl = math.ceil((tats[i] - now) / 1000)
  if ttl > 0 then
    redis.call('SET', key, string.format('%.0f', tats[i]), 'PX', ttl)
  else
    redis.call('DEL', key)
  end
end
return {0, 0}
"""
_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()


@dataclass(frozen=True)
class Rate:
    """`per_second` requests on average, `burst` of them at once."""

    per_second: float
    burst: int

    @property
    def interval_us(self) -> float:
        return 1_000_000 / self.per_second


@dataclass(frozen=True)
class Bucket:
    key: str
    rate: Rate
    what: str  # named in the refusal, e.g. "organization", "access key"


class RateLimited(Exception):
    """Too many requests (HTTP 429 / GraphQL RATE_LIMITED); `retry_after` in whole seconds."""

    def __init__(self, retry_after: int, what: str) -> None:
        super().__init__(f"rate limit of the {what} exceeded; retry after {retry_after} s")
        self.retry_after = retry_after
        # GraphQL copies an exception's `extensions` onto the error a client sees (CONTRACT §5).
        self.extensions = {"code": "RATE_LIMITED", "retryAfter": retry_after}


class Limiter:
    """Buckets under one key namespace in one Redis."""

    def __init__(self, redis: Any, namespace: str) -> None:
        self.redis = redis
        self.namespace = namespace

    def key(self, *parts: str) -> str:
        return ":".join((self.namespace, "rl", *parts))

    async def take(self, buckets: Sequence[Bucket], weight: int = 1) -> None:
        """Admit one request (`weight` requests at once) into every bucket, or raise
        RateLimited and change nothing."""
        wait_us, index = await self._run("TAKE", buckets, weight)
        if wait_us > 0:
            raise RateLimited(max(1, math.ceil(wait_us / 1_000_000)), buckets[index - 1].what)

    async def give(self, buckets: Sequence[Bucket]) -> None:
        """Hand back one request taken from each bucket."""
        await self._run("GIVE", buckets)

    async def _run(self, mode: str, buckets: Sequence[Bucket], weight: int = 1) -> tuple[int, int]:
        if not buckets:
            return 0, 0
        keys = [bucket.key for bucket in buckets]
        args: list[Any] = [mode]
        for bucket in buckets:
            # `weight` requests at once are one request `weight` times as long, in a bucket
            # holding `weight` times fewer: the script's arithmetic is then unchanged.
            args += [repr(bucket.rate.interval_us * weight), repr(bucket.rate.burst / weight)]
        try:
            try:
                wait_us, index = await self.redis.evalsha(_SHA, len(keys), *keys, *args)
            except NoScriptError:
                wait_us, index = await self.redis.eval(_SCRIPT, len(keys), *keys, *args)
            return int(wait_us), int(index)
        except RedisError:
            # Fail open: without Redis the API keeps serving (ingest batches are durable
            # and the workers' sweep enqueues them later); limits resume with Redis.
            log.warning("rate limits unavailable (Redis error); request admitted", exc_info=True)
            return 0, 0
