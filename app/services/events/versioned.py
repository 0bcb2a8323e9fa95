"""The event of a versioned update (app.services.versioning) recorded by the update's own
statements: the row lock that reads the version also reads the row's API form (`old`), and
the statement that reads the row back after the UPDATE also records the event, its `new`
the same SQL form (rows.row_json_sql). No statement and no JSON on the client is added to
the write: the event costs the database's work alone.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, TypeVar

from tortoise.models import Model

from app.services.events.changes import entity_name, event_type
from app.services.events.record import Connection, fetch_rows, recording_ctes
from app.services.events.rows import row_json_sql

M = TypeVar("M", bound=Model)


@cache
def _lock_sql(model: type[Model]) -> str:
    return (
        f"SELECT ({row_json_sql(model)})::text AS old FROM {model._meta.db_table} AS r"
        " WHERE r.organization_id = $1 AND r.id = $2 AND r.version = $3 FOR UPDATE OF r"
    )


@cache
def _reread_sql(model: type[Model]) -> str:
    # $3 the event's id, $4 its type, $5 the entity type, $6 the row's id, $7 `old` (text).
    table = model._meta.db_table
    input_rows = f"""
    SELECT $3::uuid AS id, $4::text AS type, $5::text AS entity_type, r.id AS entity_id,
           jsonb_build_object('old', $7::text::jsonb, 'new', {row_json_sql(model)}) AS payload, 1 AS ord
    FROM {table} AS r WHERE r.organization_id = $1 AND r.id = $6"""
    return recording_ctes(input_rows) + (
        f"\nSELECT r.* FROM {table} AS r, notified WHERE r.organization_id = $1 AND r.id = $6 AND notified.recorded = 1"
    )


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
    args = [organization_id, None, uuid.uuid4(), event_type(model, "updated"), entity_name(model), id_, old]
    [row] = await fetch_rows(connection, _reread_sql(model), args)
    return model._init_from_db(**dict(row))
