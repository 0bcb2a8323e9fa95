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

A message is a small JSON object (`progress_fields`): never the list of bill ids, which
can be long; a subscriber that wants them reads the row.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

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
        "billCount": len(job.result_bill_ids or []),
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


async def job_updates(redis: Any, load_row: Callable[[], Awaitable[Any]], job_id: Any, max_seconds: float,
                      *, poll_seconds: float = POLL_SECONDS) -> AsyncIterator[Any]:
    """Yield the job's row (whatever `load_row` returns: a BillJob, or a dict with
    `status` and `version`) now and after each change, until a terminal status or
    `max_seconds`. Ends at once when the row does not exist."""
    subscription = await subscribe_progress(redis, job_id)
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
            if fresh is None:
                return
            if _get(fresh, "version") != _get(row, "version"):
                row = fresh
                yield row
    finally:
        await subscription.aclose()
