"""What an attempt's outcome does (SEMANTICS §14.4.2–4): the delivery's next state, the
attempt's log row, and the destination's health.

Outcomes are written in batches (one statement for every attempt that finished together),
so delivering a thousand events a second costs a few statements, not thousands.

A destination that fails continuously is disabled: when no attempt to it has succeeded
for `DISABLE_AFTER` since the first failure (longer than a delivery's whole retry
schedule of 75 h 35 min, so at least one delivery has run out of attempts and FAILED).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.db import connection
from app.models.webhooks import CANCELLED, FAILED, PENDING, SUCCEEDED
from app.services.webhooks.schedule import RetrySchedule, later, retry_after_seconds
from app.services.webhooks.sender import Outcome

DISABLE_AFTER = timedelta(days=5)
# No attempt is scheduled later than this after the delivery was created (SEMANTICS §14.4.3).
LAST_ATTEMPT_WITHIN = timedelta(hours=84)
GONE = 410


@dataclass(frozen=True)
class Finished:
    """One attempt that ended: what was sent, what came back, what happens next."""

    delivery_id: uuid.UUID
    event_id: uuid.UUID
    destination_id: uuid.UUID
    attempt: int
    sent_at: datetime
    outcome: Outcome
    status: str
    next_attempt_at: datetime | None


def next_state(
    attempt: int, outcome: Outcome, now: datetime, created: datetime, schedule: RetrySchedule
) -> tuple[str, datetime | None]:
    if outcome.succeeded:
        return SUCCEEDED, None
    if outcome.status == GONE:
        return CANCELLED, None
    retry_after = retry_after_seconds(outcome.retry_after, now) if outcome.status in (429, 503) else None
    delay = schedule.delay_after(attempt, retry_after)
    if delay is None:
        return FAILED, None
    when = min(later(now, delay), created + LAST_ATTEMPT_WITHIN)
    return (PENDING, when) if when > now else (FAILED, None)


# One statement (atomic on its own): log the attempts, move the deliveries on, clear the
# failure streak of destinations that answered, start it for those that only failed, and
# name those failing for longer than DISABLE_AFTER. Data-modifying CTEs share one snapshot:
# the final SELECT sees streaks as they were, and a streak started now is never too long.
# $1 organization, $2 now, $3–$12 one array per attempt column, $13 statuses, $14 healthy
# destinations, $15 failing ones, $16 the cutoff.
_RECORD = """
WITH attempts AS (
    SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::timestamptz[], $8::int[], $9::int[],
        $10::text[], $11::text[], $12::timestamptz[], $13::text[])
        AS t(delivery_id, event_id, destination_id, attempt, sent_at, duration_ms, response_status, error, excerpt,
             next_at, status)
), logged AS (
    INSERT INTO webhook_attempts (id, organization_id, version, dt_created, dt_last_modified, delivery_id, event_id,
        destination_id, attempt_number, sent_at, duration_ms, response_status, error, response_excerpt, next_attempt_at)
    SELECT gen_random_uuid(), $1, 1, $2, $2, delivery_id, event_id, destination_id, attempt, sent_at, duration_ms,
        response_status, error, excerpt, next_at FROM attempts
), moved AS (
    UPDATE webhook_deliveries d
    SET status = a.status, attempts = a.attempt, last_attempt_at = a.sent_at, next_attempt_at = a.next_at,
        lease_until = NULL, version = d.version + 1, dt_last_modified = $2
    FROM attempts a
    -- by primary key: with only the organization's conditions a planner short of statistics
    -- hashes every pending delivery of the organization
    WHERE d.id = ANY($3::uuid[]) AND d.id = a.delivery_id AND d.organization_id = $1 AND d.status = 'PENDING'
), healthy AS (
    UPDATE webhook_destinations SET failing_since = NULL
    WHERE organization_id = $1 AND id = ANY($14::uuid[]) AND failing_since IS NOT NULL
), failing AS (
    UPDATE webhook_destinations SET failing_since = $2
    WHERE organization_id = $1 AND id = ANY($15::uuid[]) AND failing_since IS NULL
)
SELECT id FROM webhook_destinations
WHERE organization_id = $1 AND id = ANY($15::uuid[]) AND active AND failing_since < $16
"""


def _columns(items: list[Finished]) -> list[list[Any]]:
    return [
        [f.delivery_id for f in items],
        [f.event_id for f in items],
        [f.destination_id for f in items],
        [f.attempt for f in items],
        [f.sent_at for f in items],
        [f.outcome.duration_ms for f in items],
        [f.outcome.status for f in items],
        [f.outcome.error for f in items],
        [f.outcome.excerpt for f in items],
        [f.next_attempt_at for f in items],
    ]


async def record(organization_id: uuid.UUID, items: list[Finished], now: datetime) -> list[uuid.UUID]:
    """Log the attempts, move the deliveries on and track each destination's health, in
    one transaction. Returns the destinations to disable (gone, or failing too long)."""
    if not items:
        return []
    healthy = {f.destination_id for f in items if f.outcome.succeeded}
    failing = {f.destination_id for f in items if not f.outcome.succeeded} - healthy
    async with connection() as conn:
        too_long = await conn.fetch(
            _RECORD,
            organization_id,
            now,
            *_columns(items),
            [f.status for f in items],
            list(healthy),
            list(failing),
            now - DISABLE_AFTER,
        )
    gone = {f.destination_id for f in items if f.outcome.status == GONE}
    return sorted(gone | {r["id"] for r in too_long})


def disable_reason(items: list[Finished], destination_id: uuid.UUID) -> str:
    if any(f.destination_id == destination_id and f.outcome.status == GONE for f in items):
        return "the receiver answered 410 Gone"
    return f"every attempt failed for {DISABLE_AFTER.days} days"
