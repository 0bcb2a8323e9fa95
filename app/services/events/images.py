"""Row images: the form in which a versioned update's event records its entity, turned
into the API form (SEMANTICS §14.1) when the event is read.

Building the API form in SQL (rows.row_json_sql: to_char per instant, api_decimal and
api_json per column) cost the write about as much as the rest of the event together, and
the `old` form travelled to the client and back. The write now stores each of `old` and
`new` as the row itself (`row_to_json`, secret columns taken out) in `event.images` and
names its table in `event.payload_table`; a reader renders such a payload with exactly the
SQL the write used before, over the row read back from its image (`json_populate_record`
of the table's row type: every column type round-trips through JSON unchanged), so a
client reads the very same document whether it asks before or after any delivery. Events
whose `payload_table` is NULL carry the API form already (every other writer) and are read
as they are.

The images are `json`, the row's text, not `jsonb` (migration 0024): they are only ever
read whole, here, and building, parsing and storing jsonb's binary form was the larger
part of the event's database work. Image events written before that migration hold their
images as jsonb in `payload` (`images` NULL); the renderer reads either.

A migration that renames or drops a column of a table with stored images must render that
table's stored payloads first (`UPDATE event SET payload = <render>, payload_table = NULL,
images = NULL`): an image names the columns of its time, and a missing column is read back
as NULL.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from tortoise import Tortoise
from tortoise.models import Model

from app.services.events.payloads import is_secret_column
from app.services.events.record import Connection, fetch_rows
from app.services.events.rows import row_json_sql


@cache
def image_sql(model: type[Model], alias: str = "r") -> str:
    """SQL for the image (json) of the `model` row named `alias`: its columns as stored,
    keyed by column name, without the columns that hold secrets (never copied, SEMANTICS
    §14.1, not even in a form no reader shows)."""
    secret = sorted(
        field.source_field or name
        for name, field in model._meta.fields_map.items()
        if field.has_db_field and is_secret_column(name)
    )
    if not secret:
        return f"row_to_json({alias})"
    # json has no operator that removes keys; the few tables with a secret column pay for
    # the detour through jsonb.
    return f"(to_jsonb({alias}) - '{{{','.join(secret)}}}'::text[])::json"


@cache
def _render_sql(model: type[Model]) -> str:
    # Each key of the stored images (`old`, `new`) holds an image of a `model` row; before
    # migration 0024 they were stored as jsonb in `payload`.
    return f"""
SELECT e.id, (SELECT jsonb_object_agg(p.key, {row_json_sql(model, "i")})
              FROM json_each(coalesce(e.images, e.payload::json)) AS p,
                   json_populate_record(NULL::{model._meta.db_table}, p.value) AS i) AS payload
FROM event AS e WHERE e.organization_id = $1 AND e.id = ANY($2::uuid[])"""


def _model_of(table: str) -> type[Model]:
    return _models_by_table()[table]


@cache
def _models_by_table() -> dict[str, type[Model]]:
    return {model._meta.db_table: model for app in Tortoise.apps.values() for model in app.values()}


async def rendered_payloads(
    connection: Connection, stored: Iterable[tuple[uuid.UUID, uuid.UUID, str | None]]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The API form of the payloads stored as row images, by event id, for (organization
    id, event id, payload_table) triples; events whose payload_table is None are left out
    (their payload is the API form already). One statement per organization and table."""
    ids_by_table: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    for organization_id, event_id, table in stored:
        if table is not None:
            ids_by_table[(organization_id, table)].append(event_id)
    rendered: dict[uuid.UUID, dict[str, Any]] = {}
    for (organization_id, table), ids in ids_by_table.items():
        for row in await fetch_rows(connection, _render_sql(_model_of(table)), [organization_id, ids]):
            payload = row["payload"]
            rendered[row["id"]] = json.loads(payload) if isinstance(payload, str) else payload
    return rendered
