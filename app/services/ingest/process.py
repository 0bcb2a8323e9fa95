"""Processing a batch: from the raw body to stored measurements and per-item failures.

Exactly once: everything a batch writes (auto-created accounts, uid claims, the COPY of
its measurements, its failures, its PROCESSED status) is one transaction that starts by
locking the batch row while it is still PENDING. A crash anywhere before the commit
leaves nothing behind and the batch PENDING; a retry, a second job or the sweep then
does the whole batch again, and a batch already PROCESSED (or locked by another worker)
is left alone. A uid is claimed in `measurement_uids` in the same transaction, so two
batches carrying the same uid store it once, whatever their timing.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from app.db import connection
from app.domain.measurement_values import Rejection
from app.domain.measurements import BatchChecks, MeterSchema, meter_schema
from app.models.ingest import MEASUREMENTS_COLUMNS
from app.services.events.ingest import record_validation_failure
from app.services.failures import internal_failure
from app.services.ingest import binary_copy as bc
from app.services.ingest import store
from app.services.ingest.wire import MeasurementIn, decode_batch, encode

log = logging.getLogger("metergraph.ingest")
_SCHEMA_CACHE: dict[tuple[uuid.UUID, int], MeterSchema] = {}
_SCHEMA_CACHE_SIZE = 1024


@dataclass(frozen=True)
class BatchOutcome:
    batch_id: uuid.UUID
    processed: bool  # False: already processed, or being processed by another worker
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0


_Valid = tuple[int, MeasurementIn, dict[str, Any]]  # index in the batch, item, stored values


@dataclass
class _Sorted:
    """The items of a batch after validation: what to store and what failed."""

    valid: list[_Valid] = field(default_factory=list)
    failures: list[tuple[int, str | None, str, str]] = field(default_factory=list)


async def process_measurement_batch(batch_id: uuid.UUID) -> BatchOutcome:
    async with connection() as conn:
        try:
            async with conn.transaction():
                # The raw batch is durable and this transaction replays from it: if a
                # database crash loses this commit, it loses the measurements, uid claims
                # and PROCESSED status together and the sweep processes the batch again.
                # So the commit need not wait for its WAL flush (WAL order keeps any later
                # durable commit, e.g. a bill, from surviving without it).
                await conn.execute("SET LOCAL synchronous_commit = off")
                return await _process_locked(conn, batch_id)
        except Exception as exc:
            # Outside the rolled-back transaction: what went wrong stays visible, and the
            # sweep backs off by the number of attempts.
            await _record_failed_attempt(conn, batch_id, exc)
            raise


async def _record_failed_attempt(conn: asyncpg.Connection, batch_id: uuid.UUID, exc: Exception) -> None:
    try:
        # Clients read lastError: the exception's own text stays in the log.
        safe = internal_failure(log, "processing failed", exc, about=f"batch {batch_id}", level=logging.WARNING)
        await store.record_failed_attempt(conn, batch_id, safe)
    except Exception:  # noqa: BLE001 - e.g. the connection died; the original error matters
        log.warning("could not record the failed attempt of batch %s", batch_id, exc_info=True)


async def _process_locked(conn: asyncpg.Connection, batch_id: uuid.UUID) -> BatchOutcome:
    batch = await store.lock_pending_batch(conn, batch_id)
    if batch is None:
        return BatchOutcome(batch_id, processed=False)
    items = decode_batch(batch.body)
    # PostgreSQL text cannot hold NUL: such a code names no meter, and must not reach SQL.
    schemas = await _schemas(conn, batch.organization_id, {item.meter for item in items if "\x00" not in item.meter})
    checked = sort_items(items, schemas, batch.accepted_at)
    accounts = await store.account_ids(conn, batch.organization_id, sorted({i.account for _, i, _ in checked.valid}))
    uids = {item.uid for _, item, _ in checked.valid if item.uid is not None}
    claimed = await store.claim_uids(conn, batch.organization_id, batch.id, list(uids))
    kept = _without_duplicates(checked.valid, claimed)
    if kept:
        meter_ids = {code: schema.meter_id for code, schema in schemas.items()}
        await store.copy_measurements(conn, _copy_data(batch, kept, meter_ids, accounts))
    await store.insert_failures(conn, batch.organization_id, batch.id, checked.failures)
    stored, duplicates = len(kept), len(checked.valid) - len(kept)
    await store.mark_processed(conn, batch.id, stored, duplicates, len(checked.failures))
    await record_validation_failure(
        conn,
        batch.organization_id,
        batch.id,
        item_count=len(items),
        stored=stored,
        duplicates=duplicates,
        rejections=checked.failures,
    )
    return BatchOutcome(batch_id, True, stored, duplicates, len(checked.failures))


def sort_items(items: list[MeasurementIn], schemas: dict[str, MeterSchema], accepted_at: datetime) -> _Sorted:
    result = _Sorted()
    checks = BatchChecks(accepted_at)
    for index, item in enumerate(items):
        schema = schemas.get(item.meter)
        try:
            if schema is None:
                raise Rejection("UNKNOWN_METER", f"no meter with code {item.meter!r}")
            result.valid.append((index, item, checks.prepare(item, schema)))
        except Rejection as rejection:
            result.failures.append((index, item.uid, rejection.code, rejection.reason))
    return result


def _without_duplicates(valid: list[_Valid], claimed: set[str]) -> list[_Valid]:
    """The valid items to store: one whose uid this batch did not claim, or that an earlier
    item of the batch carried, is a duplicate and is left out."""
    kept = []
    seen: set[str] = set()
    for entry in valid:
        uid = entry[1].uid
        if uid is not None:
            if uid not in claimed or uid in seen:
                continue
            seen.add(uid)
        kept.append(entry)
    return kept


def _copy_data(
    batch: store.LockedBatch, kept: list[_Valid], meter_ids: dict[str, uuid.UUID], accounts: dict[str, uuid.UUID]
) -> bytes:
    """The kept items as binary COPY data, fields in `MEASUREMENTS_COLUMNS` order. The
    fields every row shares are encoded once; a row is a list of bytes, which the garbage
    collector does not track (a thousand row tuples it would walk on every collection)."""
    first = bc.row_start(len(MEASUREMENTS_COLUMNS)) + bc.uuid_field(batch.organization_id)
    account_fields = {code: bc.uuid_field(account_id) for code, account_id in accounts.items()}
    meter_fields = {code: bc.uuid_field(meter_id) for code, meter_id in meter_ids.items()}
    batch_field, received_field = bc.uuid_field(batch.id), bc.timestamptz_field(batch.accepted_at)
    timestamptz, text, jsonb, indexes, null = (
        bc.timestamptz_field,
        bc.text_field,
        bc.jsonb_field,
        bc.BATCH_INDEXES,
        bc.NULL,
    )
    parts = [bc.HEADER]
    add = parts.extend
    for index, item, values in kept:
        ets = item.ets
        add(
            (
                first,
                account_fields[item.account],
                meter_fields[item.meter],
                timestamptz(item.ts),
                null if ets is None else timestamptz(ets),
                text(item.uid),
                batch_field,
                indexes[index],
                received_field,
                jsonb(encode(values)),
            )
        )
    parts.append(bc.TRAILER)
    return b"".join(parts)


async def _schemas(conn: asyncpg.Connection, organization_id: uuid.UUID, codes: set[str]) -> dict[str, MeterSchema]:
    """Meters by code, compiled once per (meter id, version) in this process."""
    schemas = {}
    for row in await store.meters_by_code(conn, organization_id, codes):
        key = (row["id"], row["version"])
        schema = _SCHEMA_CACHE.get(key)
        if schema is None:
            if len(_SCHEMA_CACHE) >= _SCHEMA_CACHE_SIZE:
                _SCHEMA_CACHE.clear()
            schema = meter_schema(
                row["id"], row["code"], json.loads(row["data_fields"]), json.loads(row["derived_fields"])
            )
            _SCHEMA_CACHE[key] = schema
        schemas[row["code"]] = schema
    return schemas
