"""Bill events (SEMANTICS §14.1): `billing.bill.created|updated|approved|locked`, written
set-based from the `bills` rows themselves, so a bill job's chunk pays one statement for
all its bill events (and one more to read the rows it is about to change, for `old`).

The payload is the bill without line items, built by SQL generated from the `Bill` model
so that it has exactly the form `payloads.entity_snapshot` gives a Bill instance: camelCase
keys, ids and decimals as strings, dates ISO, instants ISO in UTC with `Z` (microseconds
only when not zero, as Python's isoformat writes them).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from tortoise import fields
from tortoise.fields.data import JSONField

from app.models.billing import Bill
from app.services.events.payloads import camel, entity_snapshot, is_secret_column
from app.services.events.record import Connection, fetch_rows, recording_sql

CREATED, UPDATED, APPROVED, LOCKED = (f"billing.bill.{a}" for a in ("created", "updated", "approved", "locked"))


def _column_json(column: str, field: Any, alias: str) -> str:
    ref = f"{alias}.{column}"
    if isinstance(field, fields.DatetimeField):
        utc = f"({ref} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN extract(microseconds FROM {utc})::bigint"
            f" % 1000000 = 0 THEN '' ELSE '.' || to_char({utc}, 'US') END || 'Z'"
        )
    if isinstance(field, fields.DateField):
        return f"to_char({ref}, 'YYYY-MM-DD')"
    if isinstance(field, (fields.UUIDField, fields.DecimalField)):
        return f"{ref}::text"
    if isinstance(field, JSONField):
        return f"{ref}::jsonb"
    return f"to_jsonb({ref})"


@cache
def bill_json_sql(alias: str = "b") -> str:
    """SQL for the API form of the bill row `alias` (a jsonb value)."""
    pairs = []
    for name, field in Bill._meta.fields_map.items():
        if name == "organization_id" or is_secret_column(name) or not field.has_db_field:
            continue
        column = field.source_field or name
        pairs.append(f"'{camel(name)}', {_column_json(column, field, alias)}")
    # jsonb_build_object takes at most 100 arguments: build it in parts.
    parts = [", ".join(pairs[i : i + 40]) for i in range(0, len(pairs), 40)]
    return " || ".join(f"jsonb_build_object({part})" for part in parts)


def bill_snapshot(bill: Bill) -> dict[str, Any]:
    return entity_snapshot(bill)


async def bill_snapshots(
    connection: Connection, organization_id: uuid.UUID, bill_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The API form (JSON text) of these bills as stored now: the `old` of events about to
    be recorded. One statement."""
    ids = list(dict.fromkeys(bill_ids))
    if not ids:
        return {}
    rows = await fetch_rows(
        connection,
        f"SELECT b.id, ({bill_json_sql()})::text AS snapshot FROM bills AS b"
        " WHERE b.organization_id = $1 AND b.id = ANY($2::uuid[])",
        [organization_id, ids],
    )
    return {row["id"]: row["snapshot"] for row in rows}


async def bill_snapshots_by_key(
    connection: Connection, organization_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, Any, str]]
) -> dict[uuid.UUID, str]:
    """Like `bill_snapshots`, for the bills that exist with these (account, bill date,
    frequency) keys."""
    if not keys:
        return {}
    accounts, dates, frequencies = (list(column) for column in zip(*keys))
    rows = await fetch_rows(
        connection,
        f"""SELECT b.id, ({bill_json_sql()})::text AS snapshot FROM bills AS b
            JOIN unnest($2::uuid[], $3::date[], $4::varchar[]) AS k(account_id, bill_date, billing_frequency)
              ON b.account_id = k.account_id AND b.bill_date = k.bill_date
             AND b.billing_frequency = k.billing_frequency
            WHERE b.organization_id = $1""",
        [organization_id, accounts, dates, frequencies],
    )
    return {row["id"]: row["snapshot"] for row in rows}


# $3 bill ids, $4 types, $5 old snapshots (NULL for created): the new form read from the row.
_BILL_INPUT = f"""
    SELECT gen_random_uuid() AS id, t.type, 'bill'::text AS entity_type, b.id AS entity_id,
           CASE WHEN t.old IS NULL THEN jsonb_build_object('new', {bill_json_sql()})
                ELSE jsonb_build_object('old', t.old::jsonb, 'new', {bill_json_sql()}) END AS payload,
           t.ord
    FROM unnest($3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY AS t(bill_id, type, old, ord)
    JOIN bills AS b ON b.organization_id = $1 AND b.id = t.bill_id
"""


@cache
def _bill_events_sql() -> str:
    return recording_sql(_BILL_INPUT)


async def record_bill_events(
    connection: Connection,
    organization_id: uuid.UUID,
    changes: Sequence[tuple[str, uuid.UUID, str | dict[str, Any] | None]],
) -> int:
    """Record (type, bill id, old snapshot or None) events with the bills' current rows as
    `new`, in one statement on `connection` (inside the change's transaction)."""
    if not changes:
        return 0
    olds = [old if old is None or isinstance(old, str) else json.dumps(old) for _, _, old in changes]
    rows = await fetch_rows(
        connection,
        _bill_events_sql(),
        [organization_id, None, [bill_id for _, bill_id, _ in changes], [t for t, _, _ in changes], olds],
    )
    return int(rows[0]["recorded"])
