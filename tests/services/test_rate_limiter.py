"""The GCRA limiter against the real Redis: bursts, all-or-nothing over several buckets,
handing a request back, and keys that never meet another test session's."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from app.services import rate_limits
from app.services.rate_limits import Bucket, Rate, RateLimited
from app.settings import get_settings

SLOW = Rate(per_second=1 / 3600, burst=3)  # nothing refills during a test


@pytest.fixture
def limiter(app):
    return rate_limits.limiter(app.state.redis)


def _bucket(limiter, rate: Rate = SLOW, what: str = "thing") -> Bucket:
    return Bucket(limiter.key("test", uuid.uuid4().hex), rate, what)


async def test_a_burst_is_admitted_then_refused_with_the_wait(limiter):
    bucket = _bucket(limiter)
    for _ in range(3):
        await limiter.take([bucket])
    with pytest.raises(RateLimited) as refused:
        await limiter.take([bucket])
    assert 3500 <= refused.value.retry_after <= 3600
    assert refused.value.extensions == {"code": "RATE_LIMITED", "retryAfter": refused.value.retry_after}


async def test_a_refusal_consumes_nothing_of_the_other_buckets(limiter):
    roomy, tight = _bucket(limiter, what="organization"), _bucket(limiter, Rate(1 / 3600, 1), "access key")
    await limiter.take([roomy, tight])
    for _ in range(3):
        with pytest.raises(RateLimited, match="access key"):
            await limiter.take([roomy, tight])
    # The roomy bucket spent one request, not four: two more fit.
    await limiter.take([roomy])
    await limiter.take([roomy])
    with pytest.raises(RateLimited, match="organization"):
        await limiter.take([roomy])


async def test_a_request_handed_back_is_available_again(limiter):
    bucket = _bucket(limiter)
    for _ in range(3):
        await limiter.take([bucket])
    await limiter.give([bucket])
    await limiter.take([bucket])
    with pytest.raises(RateLimited):
        await limiter.take([bucket])


def test_keys_live_under_this_sessions_database(limiter):
    """Each test session has its own database, hence its own keys (parallel runs never meet)."""
    database = urlsplit(get_settings().database_url).path.strip("/")
    assert database.startswith("metergraph_test_")
    assert limiter.key("graphql", "org", "x") == f"metergraph:{database}:rl:graphql:org:x"


async def test_without_redis_requests_are_admitted(app):
    """Fail open: the API keeps serving while Redis is unreachable (a warning is logged)."""
    import redis.asyncio as aioredis

    unreachable = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        limits = rate_limits.limiter(unreachable)
        bucket = Bucket(limits.key("test", uuid.uuid4().hex), Rate(1 / 3600, 1), "thing")
        for _ in range(3):
            await limits.take([bucket])
    finally:
        await unreachable.aclose()
