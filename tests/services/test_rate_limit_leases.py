"""Rate-limit leases: under a high limit a process takes several requests at once from
Redis and admits the next ones locally; under a low limit (every default) each request
goes to Redis, exactly as before."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from app.services import principals, rate_limits
from app.services.rate_limits import RateLimited
from tests.http.test_rate_limits import set_limits


class CountedRedis:
    """The application's Redis client, counting the limiter's script calls."""

    def __init__(self, redis) -> None:
        self.redis, self.calls = redis, 0

    async def evalsha(self, *args):
        self.calls += 1
        return await self.redis.evalsha(*args)

    async def eval(self, *args):
        self.calls += 1
        return await self.redis.eval(*args)


@pytest.fixture
def counted(app):
    rate_limits._leases.clear()
    return CountedRedis(app.state.redis)


async def test_a_high_limit_costs_one_redis_call_per_lease(tenant, counted):
    await set_limits(tenant, graphqlPerOrganization=(10_000, 10_000), graphqlPerAccessKey=(10_000, 10_000))
    principal = await principals.principal_from_token(tenant.token)
    limits = rate_limits.Limiter(counted, rate_limits.namespace())
    for _ in range(2 * rate_limits.MAX_LEASE):
        await rate_limits.check_graphql(limits, principal)
    assert counted.calls == 2


async def test_concurrent_requests_share_one_refill_of_the_lease(tenant, counted):
    """Requests arriving together when the lease has run out wait for the first one's
    refill instead of each taking a lease of its own from Redis."""
    await set_limits(tenant, graphqlPerOrganization=(10_000, 10_000), graphqlPerAccessKey=(10_000, 10_000))
    principal = await principals.principal_from_token(tenant.token)
    limits = rate_limits.Limiter(counted, rate_limits.namespace())
    await asyncio.gather(*(rate_limits.check_graphql(limits, principal) for _ in range(2 * rate_limits.MAX_LEASE)))
    assert counted.calls == 2
    assert not rate_limits._refills


async def test_a_low_limit_asks_redis_for_every_request_and_refuses_past_the_burst(tenant, counted):
    await set_limits(tenant, graphqlPerAccessKey=(1, 5))
    principal = await principals.principal_from_token(tenant.token)
    limits = rate_limits.Limiter(counted, rate_limits.namespace())
    for _ in range(5):
        await rate_limits.check_graphql(limits, principal)
    with pytest.raises(RateLimited, match="access key"):
        await rate_limits.check_graphql(limits, principal)
    assert counted.calls == 6


async def test_several_requests_taken_at_once_spend_as_many_and_are_refused_whole(app):
    """What a lease takes: `weight` requests or none (a bucket that refills too slowly to
    matter during the test, burst 3)."""
    limits = rate_limits.limiter(app.state.redis)
    bucket = rate_limits.Bucket(limits.key("test", uuid.uuid4().hex), rate_limits.Rate(1 / 3600, 3), "thing")
    await limits.take([bucket], weight=2)
    with pytest.raises(RateLimited):
        await limits.take([bucket], weight=2)  # one left: the lease does not fit, nothing spent
    await limits.take([bucket])
    with pytest.raises(RateLimited):
        await limits.take([bucket])
