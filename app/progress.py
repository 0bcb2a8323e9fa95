"""Bill-job progress over Redis pub/sub (SEMANTICS §7.4, DESIGN §4 "Progress subscription").

The database row is the truth; messages only say "the row changed, here is its gist".
Pub/sub is lossy (a subscriber that is not listening at that instant misses a message,
a publish after a commit may fail), so a subscriber:
1. subscribes first and waits for Redis to confirm,
2. then reads the row and sends it,
3. then, for each message newer than what it sent (by the row's `version`), reads the row
   again and sends it; it also re-reads the row every few seconds without a message, so a
   lost message only delays an update,
4. and stops after a terminal status, or when the connection's time cap is reached.
`job_updates` is that sequence, so a GraphQL resolver stays a few lines.

Each subscription holds a Redis pub/sub connection, so their number is capped per
websocket connection and per principal (`reserve_slot`, before anything is subscribed).

A message is a small JSON object (`progress_fields`): never the list of bill ids, which
can be long; a subscriber that wants them reads the row.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from app.services.rate_limits import namespace

log = logging.getLogger("metergraph.progress")

TERMINAL_STATUSES = frozenset({"COMPLETE", "CANCELLED", "FAILED"})
POLL_SECONDS = 5.0
_CONFIRM_SECONDS = 5.0


def channel(job_id: Any) -> str:
    return f"metergraph:billjob:{job_id}"


def progress_fields(job: Any) -> dict[str, Any]:
    """The progress a message carries: status, counters and the row version."""
    return {
        "id": str(job.id),
        "status": job.status,
        "total": job.total,
        "pending": job.pending,
        "failed": job.failed,
        "billCount": job.bill_count,
        "version": job.version,
    }


async def publish_progress(redis: Any, job: Any) -> None:
    """Best effort: the row is already committed, so a failed publish loses nothing a
    subscriber cannot read again."""
    try:
        await redis.publish(channel(job.id), json.dumps(progress_fields(job)))
    except Exception:  # noqa: BLE001 - progress is advisory; the row is the truth
        log.warning("could not publish progress of bill job %s", job.id, exc_info=True)


class ProgressSubscription:
    """Messages of one job's channel, as dicts; an async iterator and context manager."""

    def __init__(self, pubsub: Any) -> None:
        self._pubsub = pubsub

    async def next(self, timeout: float | None) -> dict[str, Any] | None:
        """The next message, or None when `timeout` seconds pass without one."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - loop.time())
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
            if message is not None and message.get("type") == "message":
                return _decode(message["data"])
            if deadline is not None and loop.time() >= deadline:
                return None

    def __aiter__(self) -> ProgressSubscription:
        return self

    async def __anext__(self) -> dict[str, Any]:
        message = await self.next(None)
        if message is None:
            raise StopAsyncIteration
        return message

    async def aclose(self) -> None:
        try:
            await self._pubsub.aclose()
        except Exception:  # noqa: BLE001 - closing a broken connection
            log.debug("closing a progress subscription failed", exc_info=True)

    async def __aenter__(self) -> ProgressSubscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _decode(data: Any) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


async def subscribe_progress(redis: Any, job_id: Any) -> ProgressSubscription:
    """Subscribe to the job's channel and return once Redis has confirmed the subscription,
    so that every message published after this returns is delivered."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel(job_id))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _CONFIRM_SECONDS
    while loop.time() < deadline:
        message = await pubsub.get_message(timeout=max(0.0, deadline - loop.time()))
        if message is not None and message.get("type") == "subscribe":
            break
    return ProgressSubscription(pubsub)


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


async def job_updates(
    redis: Any,
    load_row: Callable[[], Awaitable[Any]],
    job_id: Any,
    max_seconds: float,
    *,
    poll_seconds: float = POLL_SECONDS,
    slot: SubscriptionSlot | None = None,
) -> AsyncIterator[Any]:
    """Yield the job's row (whatever `load_row` returns: a BillJob, or a dict with
    `status` and `version`) now and after each change, until a terminal status or
    `max_seconds`. Ends at once when the row does not exist. `slot` (from `reserve_slot`)
    is kept alive while this runs and released when it ends."""
    try:
        subscription = await subscribe_progress(redis, job_id)
    except BaseException:
        if slot is not None:
            await slot.release()
        raise
    try:
        row = await load_row()
        if row is None:
            return
        yield row
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_seconds
        while _get(row, "status") not in TERMINAL_STATUSES:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            message = await subscription.next(min(poll_seconds, remaining))
            if message is not None and message.get("version", 0) <= _get(row, "version"):
                continue  # older than what was sent
            fresh = await load_row()
            if fresh is not None and message is not None and message.get("version", 0) > _get(fresh, "version"):
                fresh = await load_row()  # a shared read that began before this message: read again
            if fresh is None:
                return
            if _get(fresh, "version") != _get(row, "version"):
                row = fresh
                yield row
            if slot is not None:
                await slot.renew()
    finally:
        await subscription.aclose()
        if slot is not None:
            await slot.release()


# Caps on live subscriptions (finding: each holds a Redis pub/sub connection).
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10
MAX_SUBSCRIPTIONS_PER_PRINCIPAL = 50
# A principal's slots are leases in Redis, renewed while the subscription runs, so a
# process that dies without releasing them frees them after this long.
SLOT_LEASE_SECONDS = 60.0

# Live subscriptions per websocket connection (the connection's context object) in this
# process; an entry goes when its connection object is collected.
_per_connection: dict[int, int] = {}

# KEYS[1]: the principal's sorted set of slot ids scored by lease expiry (ms, Redis clock).
# ARGV: slot id, cap, lease ms. Returns 1 when the slot was taken, else 0.
_TAKE_SLOT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""


class TooManySubscriptions(Exception):
    """A subscription beyond the cap of its connection or principal; refused before it starts."""

    def __init__(self, scope: str, cap: int) -> None:
        super().__init__(
            f"at most {cap} subscriptions may run at once per {scope}; complete one before starting another"
        )
        self.extensions = {"code": "TOO_MANY_SUBSCRIPTIONS", "scope": scope.upper(), "limit": cap}


class SubscriptionSlot:
    """One running subscription's place under both caps."""

    def __init__(self, redis: Any, key: str, connection_key: int, cap: int) -> None:
        self._redis, self._key, self._connection_key, self._cap = redis, key, connection_key, cap
        self._id = uuid.uuid4().hex
        self._renewed = 0.0
        self._released = False

    async def _take(self) -> bool:
        self._renewed = asyncio.get_running_loop().time()
        lease_ms = int(SLOT_LEASE_SECONDS * 1000)
        try:
            return bool(await self._redis.eval(_TAKE_SLOT, 1, self._key, self._id, self._cap, lease_ms))
        except RedisError:  # the subscription itself needs Redis and will fail on its own
            log.warning("could not take a subscription slot", exc_info=True)
            return True

    async def renew(self) -> None:
        """Extend the lease; cheap to call often (it talks to Redis a few times per lease)."""
        if asyncio.get_running_loop().time() - self._renewed >= SLOT_LEASE_SECONDS / 3:
            await self._take()  # a slot already held is renewed whatever the count

    async def release(self) -> None:
        if self._released:
            return
        self._released = True
        if self._connection_key in _per_connection:
            _per_connection[self._connection_key] -= 1
        try:
            await self._redis.zrem(self._key, self._id)
        except RedisError:  # the lease runs out on its own
            log.debug("could not release a subscription slot", exc_info=True)


async def reserve_slot(
    redis: Any,
    connection: object,
    principal: Any,
    *,
    per_connection: int = MAX_SUBSCRIPTIONS_PER_CONNECTION,
    per_principal: int = MAX_SUBSCRIPTIONS_PER_PRINCIPAL,
) -> SubscriptionSlot:
    """A place for one more subscription of `connection` (any object that lives as long as
    the connection, e.g. its GraphQL context) and of `principal` (across processes), or
    TooManySubscriptions. Pass the slot to `job_updates`, which releases it."""
    connection_key = id(connection)
    if connection_key not in _per_connection:
        _per_connection[connection_key] = 0
        weakref.finalize(connection, _per_connection.pop, connection_key, None)
    if _per_connection[connection_key] >= per_connection:
        raise TooManySubscriptions("connection", per_connection)
    _per_connection[connection_key] += 1
    key = f"{namespace()}:subscriptions:{principal.organization_id}:{principal.principal_id}"
    slot = SubscriptionSlot(redis, key, connection_key, per_principal)
    if not await slot._take():
        _per_connection[connection_key] -= 1
        raise TooManySubscriptions("principal", per_principal)
    return slot
