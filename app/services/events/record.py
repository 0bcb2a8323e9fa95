"""Writing events: one statement per call, inside the caller's transaction (SEMANTICS §14.2).

The statement upserts the per-entity counters in `event_sequence`, inserts the events
with their sequence numbers and notifies `metergraph_events` (with their ids) when a
webhook destination of the organization wants one of them. Because the counter row is
updated with `INSERT … ON CONFLICT DO UPDATE`, a concurrent writer of the same entity waits
on its row lock until the first transaction ends: sequences come out 1, 2, 3 … with no gap,
and a rolled-back change takes back both its event and its counter increment. Counters are
upserted in (entity_type, entity_id) order so two batches touching the same entities lock
them in the same order and cannot deadlock each other.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, TypeAlias

import asyncpg
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from app.models.events import EVENTS_CHANNEL
from app.services.events.ids import event_id

# A notification names the events of its statement, `<organization>:<id>,<id>…`, when there
# are at most this many (PostgreSQL caps a payload at 8,000 bytes; an id takes 37), so the
# dispatcher looks them up by id; a larger statement notifies `<organization>` alone and
# the dispatcher scans the organization's recent events instead.
MAX_NOTIFIED_IDS = 100

# A Tortoise client (transaction), a raw asyncpg connection (COPY paths) or None for the
# Tortoise connection of the current `in_transaction()` block.
Connection: TypeAlias = BaseDBAsyncClient | asyncpg.Connection | Any | None


@dataclass(frozen=True)
class NewEvent:
    """One event to record; `payload` is already the API form (see payloads.py)."""

    type: str
    entity_type: str
    entity_id: uuid.UUID
    payload: dict[str, Any]
    id: uuid.UUID = field(default_factory=event_id)


# Feeds the tail below with rows (id, type, entity_type, entity_id, payload jsonb, ord):
# $1 organization, $2 occurred_at (NULL = the statement's clock), $3… one array per column.
# `ord` keeps the caller's order for events of the same entity within one call.
_ARRAY_INPUT = """
    SELECT t.id, t.type, t.entity_type, t.entity_id, t.payload::jsonb AS payload, t.ord
    FROM unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[])
        WITH ORDINALITY AS t(id, type, entity_type, entity_id, payload, ord)
"""


# The organization has an active destination that wants one of the statement's events (the
# dispatcher's `matches`: no patterns or `*` is every type, `prefix.*` a prefix, else exact).
# Only then does the statement notify: a notification nobody wants still costs the commit a
# lock on the notification queue and wakes every dispatcher for a pass that finds nothing.
# A destination created or changed while such a statement runs is not seen by it: the
# destination's own write notifies a scan of the organization (`notify_scan`), and the
# dispatcher's periodic full pass takes what committed after that scan.
# Written here for every statement that records events: this one (the types of its
# inserted rows) and versioned.reread_updated (its one type's selecting patterns, a parameter).


def pattern_selects(type_sql: str) -> str:
    """SQL: the destination's pattern `p.pattern` selects the event type `type_sql`."""
    return (
        f"p.pattern IN ('*', {type_sql})"
        f" OR (right(p.pattern, 2) = '.*' AND starts_with({type_sql}, left(p.pattern, -1)))"
    )


def _a_destination_wants(patterns_select: str) -> str:
    """SQL: an active destination `d` of organization $1 takes every type (no patterns) or
    its patterns select what `patterns_select` (SQL over `d.event_types`) says they do."""
    return f"""EXISTS (
    SELECT 1 FROM webhook_destinations d
    WHERE d.organization_id = $1 AND d.active
      AND (jsonb_array_length(d.event_types) = 0 OR {patterns_select}))"""


def wanted(types_from: str, type_sql: str) -> str:
    """SQL: an active destination of organization $1 wants one of the types `type_sql`
    ranges over (`types_from`, a FROM item joined to the patterns, or '' for one type)."""
    return _a_destination_wants(f"""EXISTS (
          SELECT 1 FROM jsonb_array_elements_text(d.event_types) AS p(pattern){types_from}
          WHERE {pattern_selects(type_sql)})""")


# The types of the statement's inserted rows, named `inserted`.
WANTED = wanted(", inserted AS i", "i.type")


@cache
def selecting_patterns(event_type: str) -> tuple[str, ...]:
    """Every pattern that selects `event_type` by pattern_selects' rule, turned around: `*`,
    the type itself, and `<prefix>.*` for each of its prefixes that ends at a dot."""
    prefixes = (event_type[: i + 1] + "*" for i, char in enumerate(event_type) if char == ".")
    return ("*", event_type, *prefixes)


def wanted_by_patterns(patterns_sql: str) -> str:
    """SQL: an active destination of organization $1 wants the one type whose
    selecting_patterns are the text[] `patterns_sql` (an array literal or a parameter). One jsonb operator per
    destination instead of a scan of its patterns (a function scan per destination, ~25 µs
    of database CPU in a single-event write, versioned.reread_updated, when measured)."""
    return _a_destination_wants(f"d.event_types ?| {patterns_sql}")


def recording_ctes(input_rows: str) -> str:
    """`WITH …` recording the events `input_rows` (a SELECT) yields, ending in the CTE
    `notified` (one row: `recorded`, how many) that the statement's main query must read
    for the events to be counted and notified; $1 is the organization and $2 the
    occurred_at override, both used here."""
    return f"""
WITH input AS ({input_rows}
), counts AS (
    SELECT entity_type, entity_id, count(*) AS n FROM input GROUP BY entity_type, entity_id
), counters AS (
    INSERT INTO event_sequence AS s (organization_id, entity_type, entity_id, last_sequence)
    SELECT $1::uuid, entity_type, entity_id, n FROM counts ORDER BY entity_type, entity_id
    ON CONFLICT (organization_id, entity_type, entity_id)
    DO UPDATE SET last_sequence = s.last_sequence + EXCLUDED.last_sequence
    RETURNING s.entity_type, s.entity_id, s.last_sequence
), inserted AS (
    INSERT INTO event (id, organization_id, type, entity_type, entity_id, sequence, occurred_at, payload)
    SELECT i.id, $1::uuid, i.type, i.entity_type, i.entity_id,
           c.last_sequence - n.n
             + row_number() OVER (PARTITION BY i.entity_type, i.entity_id ORDER BY i.ord),
           coalesce($2::timestamptz, clock_timestamp()), i.payload
    FROM input i
    JOIN counters c ON c.entity_type = i.entity_type AND c.entity_id = i.entity_id
    JOIN counts n ON n.entity_type = i.entity_type AND n.entity_id = i.entity_id
    RETURNING id, type
), notified AS (
    SELECT n.recorded, CASE WHEN {WANTED} THEN pg_notify('{EVENTS_CHANNEL}', $1::text
        || CASE WHEN n.recorded <= {MAX_NOTIFIED_IDS} THEN ':' || coalesce(n.ids, '') ELSE '' END) END AS notify
    FROM (SELECT count(*) AS recorded, string_agg(id::text, ',') AS ids FROM inserted) n
)"""


def recording_sql(input_rows: str) -> str:
    """The one statement that records the events `input_rows` (a SELECT) yields; its one
    row's `recorded` says how many."""
    return recording_ctes(input_rows) + "\nSELECT recorded FROM notified"


_RECORD_SQL = recording_sql(_ARRAY_INPUT)


async def fetch_rows(connection: Connection, sql: str, args: list[Any]) -> list[Any]:
    """Rows of `sql` on a Tortoise client, a raw asyncpg connection or (None) the current
    Tortoise transaction."""
    if hasattr(connection, "copy_records_to_table"):  # asyncpg, maybe behind a pool proxy
        return list(await connection.fetch(sql, *args))  # type: ignore[union-attr]
    client = connection if connection is not None else connections.get("default")
    _, rows = await client.execute_query(sql, args)
    return list(rows)


def _default(value: Any) -> Any:
    # Payloads are normally built by payloads.py already; this keeps a stray Decimal or
    # UUID from failing the caller's transaction.
    return str(value)


async def record_events(
    connection: Connection,
    organization_id: uuid.UUID,
    events: Sequence[NewEvent],
    *,
    occurred_at: datetime | None = None,
) -> int:
    """Record `events` of one organization in one statement on `connection` (a Tortoise
    transaction client, a raw asyncpg connection inside a transaction, or None for the
    Tortoise connection of the current `in_transaction()` block). Returns how many."""
    if not events:
        return 0
    args = [
        organization_id,
        occurred_at,
        [e.id for e in events],
        [e.type for e in events],
        [e.entity_type for e in events],
        [e.entity_id for e in events],
        [json.dumps(e.payload, default=_default, separators=(",", ":")) for e in events],
    ]
    rows = await fetch_rows(connection, _RECORD_SQL, args)
    return int(rows[0]["recorded"])


async def record_event(
    connection: Connection,
    organization_id: uuid.UUID,
    type: str,
    entity_type: str,
    entity_id: uuid.UUID,
    payload: dict[str, Any],
    *,
    occurred_at: datetime | None = None,
) -> uuid.UUID:
    """Record one event in the caller's transaction; returns its id."""
    event = NewEvent(type=type, entity_type=entity_type, entity_id=entity_id, payload=payload)
    await record_events(connection, organization_id, [event], occurred_at=occurred_at)
    return event.id


async def notify_scan(connection: Connection, organization_id: uuid.UUID) -> None:
    """Have the dispatchers scan the organization's recent events once this transaction
    commits: a write that creates or changes a webhook destination calls it, for the events
    committed meanwhile by statements that did not see the destination and so notified nobody."""
    await fetch_rows(connection, f"SELECT pg_notify('{EVENTS_CHANNEL}', $1::uuid::text)", [organization_id])
