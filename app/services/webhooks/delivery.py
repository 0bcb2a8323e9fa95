"""Sending due deliveries (SEMANTICS §14.4): claim with a lease, sign, POST, record.

A worker claims due PENDING deliveries by setting `lease_until` (FOR UPDATE SKIP LOCKED,
so concurrent workers share them out). If the worker dies mid-delivery, the lease runs
out and the delivery is claimed again: delivery is at least once, and receivers dedupe
on `webhook-id` (the event id, the same on every attempt and redelivery).

Deliveries run concurrently, up to `concurrency` at once per organization and process: a
slow or failing receiver never holds back the others, and nothing orders them (§14.4.6).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.db import connection
from app.services.webhooks import outcomes
from app.services.webhooks.destinations import disable_destination
from app.services.webhooks.schedule import DEFAULT_SCHEDULE, RetrySchedule
from app.services.webhooks.secrets import decrypt_secret
from app.services.webhooks.sender import TIMEOUT_SECONDS, Client, Outcome, send
from app.services.webhooks.signing import body_of, event_record, headers_of
from app.settings import get_settings

# How long the attempts ending together are gathered before their outcomes are written.
RECORD_WINDOW_SECONDS = 0.02


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DeliveryOptions:
    """How a worker delivers. `clock` is the scheduling clock (claims, leases, the retry
    schedule, the log's `sentAt`); the `webhook-timestamp` header always carries the real
    time, since receivers check it against theirs. Tests move `clock` forward to reach
    the next scheduled attempt without waiting."""

    schedule: RetrySchedule = DEFAULT_SCHEDULE
    lease: timedelta = timedelta(seconds=60)
    # Attempts in flight per organization and process, and to one destination at a time
    # (a slow receiver never holds every slot). A receiver gets at most `per_destination`
    # attempts per claim round trip, so a small cap limits one destination's rate (8 made
    # it ~400/s); the sender's pool keeps as many connections per host.
    concurrency: int = 64
    per_destination: int = 32
    timeout: float = TIMEOUT_SECONDS
    clock: Callable[[], datetime] = field(default=_utcnow)
    allow_private: bool | None = None  # None: the deployment's setting

    def private_allowed(self) -> bool:
        return get_settings().webhook_allow_private if self.allow_private is None else self.allow_private


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    event_id: uuid.UUID
    destination_id: uuid.UUID
    attempt: int  # the number of the attempt about to be made
    created: datetime


# Due deliveries, oldest first, at most `per_destination` of each destination and none of
# the destinations already that busy ($5): one slow receiver cannot take every slot. The
# window looks at a bounded prefix of the due list so a long backlog costs no full sort.
_CLAIM = """
WITH due AS (
    SELECT id, destination_id, next_attempt_at FROM webhook_deliveries
    WHERE organization_id = $1 AND status = 'PENDING' AND next_attempt_at <= $2
      AND (lease_until IS NULL OR lease_until < $2) AND NOT (destination_id = ANY($5::uuid[]))
    ORDER BY next_attempt_at LIMIT $4 * 8
), capped AS (
    SELECT id FROM (
        SELECT id, next_attempt_at, row_number() OVER (PARTITION BY destination_id ORDER BY next_attempt_at) AS n
        FROM due) ranked
    WHERE n <= $6 ORDER BY next_attempt_at LIMIT $4
)
UPDATE webhook_deliveries d SET lease_until = $3
WHERE d.id IN (
    SELECT id FROM webhook_deliveries
    WHERE organization_id = $1 AND id IN (SELECT id FROM capped) AND status = 'PENDING'
      AND (lease_until IS NULL OR lease_until < $2)
    FOR UPDATE SKIP LOCKED)
RETURNING d.id, d.event_id, d.destination_id, d.attempts, d.dt_created
"""
_EVENTS = """
SELECT id, organization_id, type, entity_type, entity_id, sequence, occurred_at, payload
FROM event WHERE organization_id = $1 AND id = ANY($2::uuid[])
"""
_DESTINATIONS = """
SELECT id, url, secret_encrypted, previous_secret_encrypted, previous_secret_expires_at
FROM webhook_destinations WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND active
"""
_CANCEL = """
UPDATE webhook_deliveries SET status = 'CANCELLED', lease_until = NULL, next_attempt_at = NULL
WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND status = 'PENDING'
"""


async def claim(
    organization_id: uuid.UUID,
    limit: int,
    now: datetime,
    lease: timedelta,
    *,
    per_destination: int = 1_000_000,
    busy: Collection[uuid.UUID] = (),
) -> list[Claimed]:
    async with connection() as conn:
        rows = await conn.fetch(_CLAIM, organization_id, now, now + lease, limit, list(busy), per_destination)
    return [Claimed(r["id"], r["event_id"], r["destination_id"], r["attempts"] + 1, r["dt_created"]) for r in rows]


@dataclass(frozen=True)
class Prepared:
    """What a claimed batch needs to send: bodies per event, url and secrets per destination."""

    bodies: dict[uuid.UUID, bytes]
    targets: dict[uuid.UUID, tuple[str, list[str]]]


async def prepare(organization_id: uuid.UUID, batch: list[Claimed], now: datetime) -> Prepared:
    key = get_settings().secret_key
    async with connection() as conn:
        events = await conn.fetch(_EVENTS, organization_id, list({c.event_id for c in batch}))
        destinations = await conn.fetch(_DESTINATIONS, organization_id, list({c.destination_id for c in batch}))
        prepared = Prepared(
            {e["id"]: body_of(e["type"], e["occurred_at"], event_record(e)) for e in events},
            {d["id"]: (d["url"], _secrets(key, d, now)) for d in destinations},
        )
        # The event was pruned, or the destination deleted or deactivated since: nothing to send.
        orphans = [c.id for c in batch if c.event_id not in prepared.bodies or c.destination_id not in prepared.targets]
        if orphans:
            await conn.execute(_CANCEL, organization_id, orphans)
    return prepared


def _secrets(key: str, row: Any, now: datetime) -> list[str]:
    secrets = [decrypt_secret(key, row["secret_encrypted"])]
    expires = row["previous_secret_expires_at"]
    if row["previous_secret_encrypted"] and expires is not None and expires > now:
        secrets.append(decrypt_secret(key, row["previous_secret_encrypted"]))
    return secrets


async def attempt(
    client: Client, claimed: Claimed, prepared: Prepared, options: DeliveryOptions
) -> outcomes.Finished | None:
    body = prepared.bodies.get(claimed.event_id)
    target = prepared.targets.get(claimed.destination_id)
    if body is None or target is None:
        return None
    url, secrets = target
    sent_at = options.clock()
    headers = headers_of(secrets, claimed.event_id, datetime.now(UTC), body)
    try:
        outcome = await send(
            client, url, headers, body, allow_private=options.private_allowed(), timeout=options.timeout
        )
    except Exception as exc:  # noqa: BLE001 - whatever went wrong is this attempt's failure, logged
        outcome = Outcome(0, error=f"ERROR: {type(exc).__name__}: {exc}"[:500])
    status, next_at = outcomes.next_state(claimed.attempt, outcome, options.clock(), claimed.created, options.schedule)
    return outcomes.Finished(
        claimed.id, claimed.event_id, claimed.destination_id, claimed.attempt, sent_at, outcome, status, next_at
    )


async def finish(organization_id: uuid.UUID, done: list[outcomes.Finished], now: datetime) -> None:
    for destination_id in await outcomes.record(organization_id, done, now):
        await disable_destination(organization_id, destination_id, outcomes.disable_reason(done, destination_id))


class DeliveryRunner:
    """Delivers one organization's due deliveries until none is left. One run per
    organization per process: a second request while one runs only asks it to look again."""

    def __init__(self, client: Client, options: DeliveryOptions | None = None) -> None:
        self.client = client
        self.options = options or DeliveryOptions()
        self._running: dict[uuid.UUID, asyncio.Event] = {}
        self._targets: dict[asyncio.Task, uuid.UUID] = {}  # attempt in flight → its destination

    async def deliver(self, organization_id: uuid.UUID) -> int:
        """Attempts made by this run (0 when another run of this process took the request)."""
        if organization_id in self._running:
            self._running[organization_id].set()
            return 0
        poke = self._running[organization_id] = asyncio.Event()
        try:
            return await self._run(organization_id, poke)
        finally:
            del self._running[organization_id]

    async def _run(self, organization_id: uuid.UUID, poke: asyncio.Event) -> int:
        inflight: set[asyncio.Task] = set()
        # Outcomes are written while the next attempts are sent (one write at a time); the
        # leases of attempts not yet written keep them from being claimed twice.
        writing: asyncio.Task | None = None
        made = 0
        try:
            while True:
                poke.clear()
                # Refill when a quarter of the slots are free: fewer, larger claims.
                free = self.options.concurrency - len(inflight)
                if free >= max(1, self.options.concurrency // 4) or not inflight:
                    inflight |= await self._start(organization_id, free, inflight)
                if not inflight:
                    if writing is not None:
                        await writing
                        writing = None
                        continue  # what it wrote may have been the last thing holding work back
                    if poke.is_set():
                        continue
                    return made
                # Attempts ending within one window are recorded together: a few statements per
                # window rather than per attempt, for at most the window of added latency.
                done, inflight = await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
                if inflight:
                    more, inflight = await asyncio.wait(inflight, timeout=RECORD_WINDOW_SECONDS)
                    done |= more
                finished = [f for f in (t.result() for t in done) if f is not None]
                for task in done:
                    del self._targets[task]
                if writing is not None:
                    await writing
                writing = asyncio.create_task(finish(organization_id, finished, self.options.clock()))
                made += len(finished)
        finally:
            if writing is not None:
                await writing
            for task in inflight:  # cancelled mid-flight: their leases run out and they are retried
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(*inflight, return_exceptions=True)
            for task in inflight:
                self._targets.pop(task, None)

    async def _start(self, organization_id: uuid.UUID, free: int, inflight: set[asyncio.Task]) -> set[asyncio.Task]:
        now, cap = self.options.clock(), self.options.per_destination
        busy = Counter(self._targets[t] for t in inflight)
        full = [destination for destination, n in busy.items() if n >= cap]
        batch = await claim(organization_id, free, now, self.options.lease, per_destination=cap, busy=full)
        if not batch:
            return set()
        prepared = await prepare(organization_id, batch, now)
        tasks = set()
        for claimed in batch:
            task = asyncio.create_task(attempt(self.client, claimed, prepared, self.options))
            self._targets[task] = claimed.destination_id
            tasks.add(task)
        return tasks
