"""Committed events → deliveries (SEMANTICS §14.2): one per matching active destination.

The dispatcher never runs in the writing transaction: it reads events once they are
committed, those a commit's notification names (by id), or by scanning recent events (a
notification without ids, or commits made while no dispatcher listened). Each event it
handles gets a `webhook_dispatches` row, and each delivery is unique per (event,
destination), both inserted with ON CONFLICT DO NOTHING in one transaction: two
dispatchers, or one that crashed half-way, never make a duplicate, and a crash only
delays delivery.

A destination receives the events that occurred while it was active: from its creation, or
from the update that last made it active again (`active_since`), never those of a spell
when it was inactive, not even later (SEMANTICS §14.3). Events are looked
at for `LOOKBACK` after they occurred: a worker down for longer loses deliveries (the
events stay listable, and `redeliverWebhook` can still send them). Scanning three days of
events at every commit would cost more than the commit, so a commit's notification names
its events, a scan woken by one without names looks back minutes
(`app.services.webhooks.listener`), and a full pass runs every few minutes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.db import connection

LOOKBACK = timedelta(days=3)
BATCH = 2_000

Enqueue = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Target:
    id: uuid.UUID
    event_types: tuple[str, ...]
    since: datetime  # active from then on (see the module's docstring)

    def wants(self, event_type: str, occurred_at: datetime) -> bool:
        return occurred_at >= self.since and matches(self.event_types, event_type)


def matches(patterns: Sequence[str], event_type: str) -> bool:
    """Empty or `*`: every type; `prefix.*`: types under that prefix; else the exact type."""
    if not patterns:
        return True
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


_TARGETS = """
SELECT id, event_types, coalesce(active_since, dt_created) AS since FROM webhook_destinations
WHERE organization_id = $1 AND active
"""
_UNDISPATCHED = """
SELECT e.id, e.type, e.occurred_at FROM event e
WHERE e.organization_id = $1 AND e.occurred_at >= $2
  AND NOT EXISTS (SELECT 1 FROM webhook_dispatches d WHERE d.organization_id = $1 AND d.event_id = e.id)
ORDER BY e.occurred_at LIMIT $3
"""
# Looked up by primary key alone (the CTE is materialized so the organization's own
# indexes are not used instead, testing each of its events against the list), then kept to
# the organization. Already dispatched ones are left to _MARK's ON CONFLICT: named events
# are fresh, so it is rare.
_NAMED = """
WITH named AS MATERIALIZED (SELECT id, organization_id, type, occurred_at FROM event WHERE id = ANY($3::uuid[]))
SELECT id, type, occurred_at FROM named WHERE organization_id = $1 AND occurred_at >= $2
"""
_MARK = """
INSERT INTO webhook_dispatches (id, organization_id, version, dt_created, dt_last_modified, event_id, deliveries)
SELECT gen_random_uuid(), $1, 1, $2, $2, t.event_id, t.n FROM unnest($3::uuid[], $4::int[]) AS t(event_id, n)
ON CONFLICT (organization_id, event_id) DO NOTHING
RETURNING event_id
"""
_DELIVER = """
INSERT INTO webhook_deliveries (id, organization_id, version, dt_created, dt_last_modified, event_id, destination_id,
    event_type, occurred_at, redelivery, status, attempts, next_attempt_at)
SELECT gen_random_uuid(), $1, 1, $2, $2, t.event_id, t.destination_id, t.event_type, t.occurred_at, 0, 'PENDING', 0, $2
FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[])
    AS t(event_id, destination_id, event_type, occurred_at)
WHERE t.event_id IN (SELECT unnest($7::uuid[]))
ON CONFLICT (organization_id, event_id, destination_id, redelivery) DO NOTHING
"""


def _targets(rows: Sequence[Any]) -> list[Target]:
    return [
        Target(
            r["id"],
            tuple(json.loads(r["event_types"]) if isinstance(r["event_types"], str) else r["event_types"]),
            r["since"],
        )
        for r in rows
    ]


async def dispatch_organization(
    organization_id: uuid.UUID, *, now: datetime | None = None, since: datetime | None = None
) -> int:
    """Turn this organization's undispatched committed events into deliveries; returns how
    many deliveries were created. Loops until no event is left. `since` narrows the look
    back to events that occurred from then on (the dispatcher's frequent passes)."""
    created = 0
    while True:
        made, handled = await _dispatch_batch(organization_id, now or datetime.now(UTC), since, None)
        created += made
        if handled < BATCH:
            return created


async def dispatch_events(organization_id: uuid.UUID, event_ids: Collection[uuid.UUID], *, now: datetime) -> int:
    """The same for the events named (a commit's notification carries their ids): a
    lookup by id instead of a scan of the recent window, so a pass costs what it finds."""
    created, ids = 0, list(event_ids)
    for first in range(0, len(ids), BATCH):
        created += (await _dispatch_batch(organization_id, now, None, ids[first : first + BATCH]))[0]
    return created


async def _dispatch_batch(
    organization_id: uuid.UUID, now: datetime, since: datetime | None, event_ids: list[uuid.UUID] | None
) -> tuple[int, int]:
    async with connection() as conn, conn.transaction():
        # One dispatcher per organization at a time: the others wait rather than redo its work.
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('webhooks:dispatch:' || $1::uuid::text))", organization_id
        )
        targets = _targets(await conn.fetch(_TARGETS, organization_id))
        if not targets:
            return 0, 0
        start = max(now - LOOKBACK, min(t.since for t in targets), since or now - LOOKBACK)
        if event_ids is None:
            events = await conn.fetch(_UNDISPATCHED, organization_id, start, BATCH)
        else:
            events = await conn.fetch(_NAMED, organization_id, start, event_ids)
        if not events:
            return 0, 0
        if event_ids is not None and not any(t.wants(e["type"], e["occurred_at"]) for e in events for t in targets):
            # Named events no destination wants stay unmarked: the pass writes nothing (its
            # commit waits for no WAL flush beside the writers'), and the next full pass
            # marks them in bulk.
            return 0, len(events)
        return await _mark_and_deliver(conn, organization_id, now, targets, events), len(events)


async def _mark_and_deliver(
    conn: Any, organization_id: uuid.UUID, now: datetime, targets: list[Target], events: list
) -> int:
    pairs = [(e, t.id) for e in events for t in targets if t.wants(e["type"], e["occurred_at"])]
    counts: dict[uuid.UUID, int] = {}
    for event, _ in pairs:
        counts[event["id"]] = counts.get(event["id"], 0) + 1
    ids = [e["id"] for e in events]
    marked = [
        r["event_id"] for r in await conn.fetch(_MARK, organization_id, now, ids, [counts.get(i, 0) for i in ids])
    ]
    if not (pairs and marked):
        return 0
    status = await conn.execute(
        _DELIVER,
        organization_id,
        now,
        [e["id"] for e, _ in pairs],
        [d for _, d in pairs],
        [e["type"] for e, _ in pairs],
        [e["occurred_at"] for e, _ in pairs],
        marked,
    )
    return int(status.split()[-1])


async def organizations_with_destinations() -> list[uuid.UUID]:
    async with connection() as conn:
        rows = await conn.fetch("SELECT DISTINCT organization_id FROM webhook_destinations WHERE active")
    return [r["organization_id"] for r in rows]


async def organizations_with_due_deliveries(now: datetime | None = None) -> list[uuid.UUID]:
    async with connection() as conn:
        rows = await conn.fetch(
            """SELECT DISTINCT organization_id FROM webhook_deliveries
               WHERE status = 'PENDING' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)""",
            now or datetime.now(UTC),
        )
    return [r["organization_id"] for r in rows]
