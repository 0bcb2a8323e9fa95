"""Events built from stored rows in SQL, for writers that work on raw connections and sets
of rows (bill jobs, the scheduler): one statement reads the rows as they are now and
records all their events.

The JSON of a row is SQL generated from its Tortoise model, with exactly the form
`payloads.entity_snapshot` gives an instance of it: camelCase keys, ids and decimals as
strings (decimals and JSON numbers through the functions of migration 0017), dates ISO,
instants ISO in UTC with `Z` (microseconds only when not zero, as
Python's isoformat writes them), secret columns left out.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from tortoise import fields
from tortoise.fields.data import JSONField
from tortoise.models import Model

from app.services.events.payloads import camel, is_secret_column
from app.services.events.record import Connection, fetch_rows, recording_sql

# (type, row id, old snapshot as JSON text or dict, None for none)
RowChange = tuple[str, uuid.UUID, str | dict[str, Any] | None]


def _column_json(column: str, field: Any, alias: str) -> str:
    ref = f"{alias}.{column}"
    if isinstance(field, fields.DatetimeField):
        # isoformat leaves out a zero fraction; `.000000` can be nothing else in this text
        return f"replace(to_char({ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || 'Z'"
    if isinstance(field, fields.DateField):
        return f"to_char({ref}, 'YYYY-MM-DD')"
    if isinstance(field, fields.DecimalField):
        return f"api_decimal({ref})"  # str(Decimal): `1E-7` below 1e-6 (migration 0017)
    if isinstance(field, fields.UUIDField):
        return f"{ref}::text"
    if isinstance(field, JSONField):
        return f"api_json({ref}::jsonb)"  # its numbers with a fraction as api_value shows a float
    if isinstance(field, _AS_IS):
        # json(b)_build_object converts text, integers and booleans exactly as to_jsonb
        # does; without the call, one function less per column in every snapshot.
        return ref
    return f"to_jsonb({ref})"


# Columns whose SQL value the JSON builders take as they are: text as a JSON string,
# integers as numbers, booleans as true/false.
_AS_IS = (
    fields.CharField,
    fields.TextField,
    fields.IntField,
    fields.BigIntField,
    fields.SmallIntField,
    fields.BooleanField,
)


def _pairs(model: type[Model], alias: str) -> list[str]:
    pairs = []
    for name, field in model._meta.fields_map.items():
        if name == "organization_id" or is_secret_column(name) or not field.has_db_field:
            continue
        pairs.append(f"'{camel(name)}', {_column_json(field.source_field or name, field, alias)}")
    return pairs


@cache
def row_json_sql(model: type[Model], alias: str = "r") -> str:
    """SQL for the API form of the `model` row named `alias` (a jsonb value)."""
    pairs = _pairs(model, alias)
    # jsonb_build_object takes at most 100 arguments: built in parts.
    parts = [", ".join(pairs[i : i + 40]) for i in range(0, len(pairs), 40)]
    return " || ".join(f"jsonb_build_object({part})" for part in parts)


async def row_snapshots(
    connection: Connection,
    organization_id: uuid.UUID,
    model: type[Model],
    ids: Iterable[uuid.UUID],
    *,
    lock: bool = False,
) -> dict[uuid.UUID, str]:
    """The API form (JSON text) of these rows as stored now: the `old` of events about to be
    recorded. One statement; `lock` also locks the rows (in id order, the order every
    writer of them locks in) so that `old` stays what the change replaces."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = await fetch_rows(
        connection,
        f"SELECT r.id, ({row_json_sql(model)})::text AS snapshot FROM {model._meta.db_table} AS r"
        " WHERE r.organization_id = $1 AND r.id = ANY($2::uuid[])" + (" ORDER BY r.id FOR UPDATE OF r" if lock else ""),
        [organization_id, wanted],
    )
    return {row["id"]: row["snapshot"] for row in rows}


@cache
def _row_events_sql(model: type[Model], entity_type: str) -> str:
    # $3 row ids, $4 types, $5 old snapshots (NULL: a created row, payload {new}).
    # Each row is read through its key (LATERAL, OFFSET 0 keeps it a nested lookup): joined,
    # a planner without statistics on the table (never analyzed) hashed every row of the
    # organization for a chunk's hundred bills, a job's cost growing with its bills squared.
    new = row_json_sql(model)
    return recording_sql(
        f"""
    SELECT gen_random_uuid() AS id, t.type, '{entity_type}'::text AS entity_type, r.id AS entity_id,
           CASE WHEN t.old IS NULL THEN jsonb_build_object('new', {new})
                ELSE jsonb_build_object('old', t.old::jsonb, 'new', {new}) END AS payload,
           t.ord
    FROM unnest($3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY AS t(row_id, type, old, ord)
    CROSS JOIN LATERAL (SELECT * FROM {model._meta.db_table}
                        WHERE organization_id = $1 AND id = t.row_id OFFSET 0) AS r
"""
    )


async def record_row_events(
    connection: Connection,
    organization_id: uuid.UUID,
    model: type[Model],
    changes: Sequence[RowChange],
    *,
    entity_type: str | None = None,
) -> int:
    """Record (type, row id, old) events with the rows' current form as `new`, in one
    statement on `connection`, inside the change's transaction. `entity_type` defaults to
    the model's name in lower case."""
    if not changes:
        return 0
    olds = [old if old is None or isinstance(old, str) else json.dumps(old) for _, _, old in changes]
    sql = _row_events_sql(model, entity_type or model.__name__.lower())
    rows = await fetch_rows(
        connection, sql, [organization_id, None, [row_id for _, row_id, _ in changes], [t for t, _, _ in changes], olds]
    )
    return int(rows[0]["recorded"])
