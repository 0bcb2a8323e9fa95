"""Sending due deliveries (SEMANTICS §14.4): claim with a lease, sign, POST, record.

A worker claims due PENDING deliveries by setting `lease_until` (FOR UPDATE SKIP LOCKED,
so concurrent workers share them out). If the worker dies mid-delivery, the lease runs
out and the delivery is claimed again: delivery is at least once, and receivers dedupe
on `webhook-id` (the event id, the same on every attempt and redelivery).

Deliveries run concurrently (`app.services.webhooks.runner`), up to `concurrency` at once
per organization and process: a slow or failing receiver never holds back the others, and
nothing orders them (§14.4.6).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.db import connection
from app.services.events.images import rendered_payloads
from app.services.webhooks import outcomes
from app.services.webhooks.destinations import disable_destination
from app.services.webhooks.schedule import DEFAULT_SCHEDULE, RetrySchedule
from app.services.webhooks.secrets import decrypt_secret
from app.services.webhooks.sender import TIMEOUT_SECONDS, Client, Outcome, send
from app.services.webhooks.signing import body_of, event_record, headers_of
from app.settings import get_settings


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
    # (a slow receiver never holds every slot). One destination's rate is at most
    # `per_destination` / its response time; the sender's pool keeps as many connections
    # per host.
    concurrency: int = 64
    per_destination: int = 32
    timeout: float = TIMEOUT_SECONDS
    clock: Callable[[], datetime] = field(default=_utcnow)
    allow_private: bool | None = None  # None: the deployment's setting

    def private_allowed(self) -> bool:
        return get_settings().webhook_allow_private if self.allow_private is None else self.allow_private


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease of, with what its attempt sends: the body
    (None when the event was pruned since) and the destination's url and secrets (None
    when it was deleted or deactivated since)."""

    id: uuid.UUID
    event_id: uuid.UUID
    destination_id: uuid.UUID
    attempt: int  # the number of the attempt about to be made
    created: datetime
    body: bytes | None = None
    target: tuple[str, list[str]] | None = None


# Due deliveries, oldest first, each destination up to its room (`per_destination` less
# what this worker already has in flight to it, $5/$7): one slow receiver cannot take every
# slot. The window looks at a bounded prefix of the due list so a long backlog costs no
# full sort. The same statement reads what the attempts send (the events, the destinations)
# so a claim is one round trip.
_CLAIM = """
WITH busy AS (
    SELECT * FROM unnest($5::uuid[], $7::int[]) AS b(destination_id, n)
), due AS (
    SELECT id, destination_id, next_attempt_at FROM webhook_deliveries
    WHERE organization_id = $1 AND status = 'PENDING' AND next_attempt_at <= $2
      AND (lease_until IS NULL OR lease_until < $2)
      AND NOT (destination_id = ANY(SELECT destination_id FROM busy WHERE n >= $6))
    ORDER BY next_attempt_at LIMIT $4 * 8
), capped AS (
    SELECT id FROM (
        SELECT due.id, due.next_attempt_at, coalesce(busy.n, 0)
            + row_number() OVER (PARTITION BY due.destination_id ORDER BY due.next_attempt_at) AS n
        FROM due LEFT JOIN busy USING (destination_id)) ranked
    WHERE n <= $6 ORDER BY next_attempt_at LIMIT $4
), claimed AS (
    -- the rows locked by primary key (`= ANY(ARRAY(…))`): a planner short of statistics
    -- would otherwise test every due row of the organization against the chosen ones
    UPDATE webhook_deliveries d SET lease_until = $3
    WHERE d.id IN (
        SELECT id FROM webhook_deliveries
        WHERE id = ANY(ARRAY(SELECT id FROM capped)) AND organization_id = $1 AND status = 'PENDING'
          AND (lease_until IS NULL OR lease_until < $2)
        FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.event_id, d.destination_id, d.attempts, d.dt_created
), events AS MATERIALIZED (
    -- by primary key alone: with the organization in the same WHERE, a planner short of
    -- statistics may scan the organization's events instead, testing each against the list
    SELECT * FROM event WHERE id = ANY(ARRAY(SELECT event_id FROM claimed))
)
SELECT c.id AS delivery_id, c.event_id, c.destination_id, c.attempts, c.dt_created,
    e.id, e.organization_id, e.type, e.entity_type, e.entity_id, e.sequence, e.occurred_at, e.payload, e.payload_table,
    w.url, w.secret_encrypted, w.previous_secret_encrypted, w.previous_secret_expires_at
FROM claimed c
LEFT JOIN events e ON e.id = c.event_id AND e.organization_id = $1
LEFT JOIN webhook_destinations w ON w.organization_id = $1 AND w.id = c.destination_id AND w.active
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
    busy: Mapping[uuid.UUID, int] | Collection[uuid.UUID] = (),
) -> list[Claimed]:
    """Lease up to `limit` due deliveries and read what their attempts send, in one round
    trip. `busy`: attempts already in flight per destination (a bare collection names
    destinations that are full). Deliveries with nothing left to send (event pruned,
    destination gone or inactive) are cancelled, not returned."""
    in_flight = busy if isinstance(busy, Mapping) else dict.fromkeys(busy, per_destination)
    key = get_settings().secret_key
    async with connection() as conn:
        rows = await conn.fetch(
            _CLAIM, organization_id, now, now + lease, limit, list(in_flight), per_destination, list(in_flight.values())
        )
        # Payloads stored as row images (a versioned update's) go out in their API form.
        rendered = await rendered_payloads(conn, ((organization_id, r["event_id"], r["payload_table"]) for r in rows))
        bodies: dict[uuid.UUID, bytes] = {}
        batch = [_claimed(r, key, now, bodies, rendered) for r in rows]
        orphans = [c.id for c in batch if c.body is None or c.target is None]
        if orphans:
            await conn.execute(_CANCEL, organization_id, orphans)
    return [c for c in batch if c.body is not None and c.target is not None]


def _claimed(
    row: Any, key: str, now: datetime, bodies: dict[uuid.UUID, bytes], rendered: Mapping[uuid.UUID, dict[str, Any]]
) -> Claimed:
    body = None
    if row["id"] is not None:  # the event (its columns are what event_record reads)
        body = bodies.get(row["event_id"])
        if body is None:
            data = event_record(row, rendered.get(row["event_id"]))
            body = bodies[row["event_id"]] = body_of(row["type"], row["occurred_at"], data)
    target = (row["url"], _secrets(key, row, now)) if row["url"] is not None else None
    return Claimed(
        row["delivery_id"], row["event_id"], row["destination_id"], row["attempts"] + 1, row["dt_created"], body, target
    )


def _secrets(key: str, row: Any, now: datetime) -> list[str]:
    secrets = [_decrypt(key, row["secret_encrypted"])]
    expires = row["previous_secret_expires_at"]
    if row["previous_secret_encrypted"] and expires is not None and expires > now:
        secrets.append(_decrypt(key, row["previous_secret_encrypted"]))
    return secrets


@functools.lru_cache(maxsize=1024)
def _decrypt(key: str, stored: str) -> str:
    # Claims read the same few destinations all day; decrypting costs more than a signature.
    return decrypt_secret(key, stored)


async def attempt(client: Client, claimed: Claimed, options: DeliveryOptions) -> outcomes.Finished:
    assert claimed.body is not None and claimed.target is not None  # claim() returns only these
    url, secrets = claimed.target
    sent_at = options.clock()
    headers = headers_of(secrets, claimed.event_id, datetime.now(UTC), claimed.body)
    try:
        outcome = await send(
            client, url, headers, claimed.body, allow_private=options.private_allowed(), timeout=options.timeout
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
