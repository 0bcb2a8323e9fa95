"""The event of a versioned update (app.services.versioning) recorded by the update's own
statements: the row lock that reads the version also reads the row's image (`old`), and
the statement that reads the row back after the UPDATE also records the event, its `new`
the row's image too. Images are rendered into the API form when the event is read
(images.py): the write skips that rendering, its costliest part. No statement and no
JSON work on the client is added to the write: the event costs the database's work alone,
and notifies only when a destination of the organization wants it.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, TypeVar

from tortoise.models import Model

from app.models.events import EVENTS_CHANNEL
from app.services.events.changes import entity_name, event_type
from app.services.events.images import image_sql
from app.services.events.record import Connection, fetch_rows, selecting_patterns, wanted_by_patterns

M = TypeVar("M", bound=Model)


@cache
def _lock_sql(model: type[Model]) -> str:
    return (
        f"SELECT {image_sql(model)}::text AS old FROM {model._meta.db_table} AS r"
        " WHERE r.organization_id = $1 AND r.id = $2 AND r.version = $3 FOR UPDATE OF r"
    )


# The entity's counter, one more. Its row exists once the entity has had an event (any
# entity created through the API has): a plain UPDATE then, cheaper than the upsert's
# speculative insertion and tuple lock. Concurrent writers of the entity wait on the row's
# lock and each adds one to what the other committed, as with the upsert.
_NEXT = """UPDATE event_sequence AS s SET last_sequence = s.last_sequence + 1
    WHERE s.organization_id = $1 AND s.entity_type = $4 AND s.entity_id = $5
    RETURNING s.last_sequence"""
# The entity's first event: no row to update yet (a concurrent first event waits on the
# key and then adds one to it).
_FIRST = """INSERT INTO event_sequence AS s (organization_id, entity_type, entity_id, last_sequence)
    VALUES ($1, $4, $5, 1)
    ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET last_sequence = s.last_sequence + 1
    RETURNING s.last_sequence"""


@cache
def _reread_sql(model: type[Model], first: bool) -> str:
    # $1 organization, $2 the event's id, $3 its type, $4 the entity type, $5 the row's id,
    # $6 `old` (the image as JSON text), $7 the patterns that select $3. One event of one
    # entity, no batch bookkeeping (record.recording_ctes numbers and orders many). Without
    # a counter row (`first` false and the entity's first event) it changes nothing and
    # returns no row. The
    # payload holds the two images, marked as such by `payload_table`, and the
    # notification rule looks the one type's patterns ($7) up in the destinations' lists.
    table = model._meta.db_table
    return f"""
WITH counter AS (
    {_FIRST if first else _NEXT}
), inserted AS (
    INSERT INTO event (id, organization_id, type, entity_type, entity_id, sequence, occurred_at, payload,
                       payload_table)
    SELECT $2, $1, $3, $4, r.id, c.last_sequence, clock_timestamp(),
           jsonb_build_object('old', $6::jsonb, 'new', {image_sql(model)}), '{table}'
    FROM {table} AS r, counter AS c WHERE r.organization_id = $1 AND r.id = $5
    RETURNING id
), notified AS (
    SELECT CASE WHEN {wanted_by_patterns("$7::text[]")}
                THEN pg_notify('{EVENTS_CHANNEL}', $1::text || ':' || e.id::text) END AS notify
    FROM inserted AS e
)
SELECT r.* FROM {table} AS r, notified WHERE r.organization_id = $1 AND r.id = $5"""


async def lock_versioned(
    connection: Connection, model: type[Model], organization_id: uuid.UUID, id_: uuid.UUID, version: int
) -> str | None:
    """Lock the row if it is at `version` and return its image (the event's `old`, as JSON
    text); None when it is not at that version (or does not exist). Locked, so `old` stays
    what the UPDATE replaces."""
    rows = await fetch_rows(connection, _lock_sql(model), [organization_id, id_, version])
    return rows[0]["old"] if rows else None


async def reread_updated(
    connection: Connection, model: type[M], organization_id: uuid.UUID, id_: uuid.UUID, old: Any
) -> M:
    """The row as updated, read back by the statement that records its `.updated` event."""
    type_ = event_type(model, "updated")
    args = [organization_id, uuid.uuid4(), type_, entity_name(model), id_, old, selecting_patterns(type_)]
    rows = await fetch_rows(connection, _reread_sql(model, False), args)
    if not rows:  # the entity's first event: its counter row is created
        rows = await fetch_rows(connection, _reread_sql(model, True), args)
    return model._init_from_db(**dict(rows[0]))
