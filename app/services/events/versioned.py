"""The event of a versioned update (app.services.versioning) recorded by the update's own
statements: the row lock that reads the version also reads the row's API form (`old`), and
the statement that reads the row back after the UPDATE also records the event, its `new`
the same SQL form (rows.row_json_sql, exactly payloads.entity_snapshot's). No statement
and no JSON work on the client is added to the write: the event costs the database's work
alone, and notifies only when a destination of the organization wants it.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, TypeVar

from tortoise.models import Model

from app.models.events import EVENTS_CHANNEL
from app.services.events.changes import entity_name, event_type
from app.services.events.record import Connection, fetch_rows, wanted
from app.services.events.rows import row_json_sql, row_json_text_sql

M = TypeVar("M", bound=Model)


@cache
def _lock_sql(model: type[Model]) -> str:
    return (
        f"SELECT {row_json_text_sql(model)} AS old FROM {model._meta.db_table} AS r"
        " WHERE r.organization_id = $1 AND r.id = $2 AND r.version = $3 FOR UPDATE OF r"
    )


@cache
def _reread_sql(model: type[Model]) -> str:
    # $1 organization, $2 the event's id, $3 its type, $4 the entity type, $5 the row's id,
    # $6 `old` (JSON text). One event of one entity: the counter is upserted by value, no
    # batch bookkeeping (record.recording_ctes numbers and orders many). The payload is
    # built as jsonb (only `old` is parsed; `new` is never text), and the notification rule
    # reads the one type from $3 rather than from the inserted row.
    table = model._meta.db_table
    return f"""
WITH counter AS (
    INSERT INTO event_sequence AS s (organization_id, entity_type, entity_id, last_sequence) VALUES ($1, $4, $5, 1)
    ON CONFLICT (organization_id, entity_type, entity_id) DO UPDATE SET last_sequence = s.last_sequence + 1
    RETURNING last_sequence
), inserted AS (
    INSERT INTO event (id, organization_id, type, entity_type, entity_id, sequence, occurred_at, payload)
    SELECT $2, $1, $3, $4, r.id, c.last_sequence, clock_timestamp(),
           jsonb_build_object('old', $6::jsonb, 'new', {row_json_sql(model)})
    FROM {table} AS r, counter AS c WHERE r.organization_id = $1 AND r.id = $5
    RETURNING id
), notified AS (
    SELECT CASE WHEN {wanted("", "$3::text")}
                THEN pg_notify('{EVENTS_CHANNEL}', $1::text || ':' || e.id::text) END AS notify
    FROM inserted AS e
)
SELECT r.* FROM {table} AS r, notified WHERE r.organization_id = $1 AND r.id = $5"""


async def lock_versioned(
    connection: Connection, model: type[Model], organization_id: uuid.UUID, id_: uuid.UUID, version: int
) -> str | None:
    """Lock the row if it is at `version` and return its API form (the event's `old`, as
    JSON text); None when it is not at that version (or does not exist). Locked, so `old`
    stays what the UPDATE replaces."""
    rows = await fetch_rows(connection, _lock_sql(model), [organization_id, id_, version])
    return rows[0]["old"] if rows else None


async def reread_updated(
    connection: Connection, model: type[M], organization_id: uuid.UUID, id_: uuid.UUID, old: Any
) -> M:
    """The row as updated, read back by the statement that records its `.updated` event."""
    type_ = event_type(model, "updated")
    args = [organization_id, uuid.uuid4(), type_, entity_name(model), id_, old]
    [row] = await fetch_rows(connection, _reread_sql(model), args)
    return model._init_from_db(**dict(row))
