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
from app.services.events.ids import event_id
from app.services.events.images import image_sql
from app.services.events.record import Connection, fetch_rows, selecting_patterns, wanted_by_patterns

M = TypeVar("M", bound=Model)


@cache
def _lock_sql(model: type[Model]) -> str:
    return (
        f"SELECT {image_sql(model)}::text AS old FROM {model._meta.db_table} AS r"
        " WHERE r.organization_id = $1 AND r.id = $2 AND r.version = $3 FOR UPDATE OF r"
    )


# The read-back's column that is not the row's: the event's sequence number.
_SEQUENCE = "event_sequence"


def _text(value: str) -> str:
    """`value` as an SQL string literal (standard_conforming_strings, on by default)."""
    return "'" + value.replace("'", "''") + "'"


@cache
def _reread_sql(model: type[Model]) -> str:
    # $1 organization, $2 the row's id, $3 `old` (the image as JSON text), $4 the event's id.
    # One event of one entity, no batch bookkeeping (record.recording_ctes numbers and
    # orders many): the function of migration 0024 counts, inserts and notifies (the
    # channel, NULL when no destination of the organization wants the type). `event.images`
    # holds the two images, marked as such by their table's name. What depends on the model
    # alone (the type, the entity, the table, the patterns that select the type) is written
    # into the statement rather than sent with each write: measured alternating write by
    # write on a loaded machine, ~7 us less backend CPU for the read-back and ~20 us less
    # client CPU per write (encoding the patterns' text[] the most). The event's id stays a
    # parameter: gen_random_uuid() in the statement cost the server 10-18 us more.
    table = model._meta.db_table
    type_ = event_type(model, "updated")
    patterns = "ARRAY[" + ", ".join(_text(p) for p in selecting_patterns(type_)) + "]::text[]"
    return f"""
SELECT r.*, record_versioned_event(
    $1, $4, {_text(type_)}, {_text(entity_name(model))}, r.id,
    json_build_object('old', $3::json, 'new', {image_sql(model)}), {_text(table)},
    CASE WHEN {wanted_by_patterns(patterns)} THEN '{EVENTS_CHANNEL}' END) AS {_SEQUENCE}
FROM {table} AS r WHERE r.organization_id = $1 AND r.id = $2"""


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
    [row] = await fetch_rows(connection, _reread_sql(model), [organization_id, id_, old, event_id()])
    columns = dict(row)
    del columns[_SEQUENCE]
    return model._init_from_db(**columns)
