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
# Batches processed in one transaction when a backlog exists: per batch of 1000 items a
# transaction costs about a dozen round trips, which a group of 8 shares; a COPY of 8000
# rows (~1.6 MB) still holds its locks briefly.
GROUP_LIMIT = 8


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


async def process_measurement_batch(batch_id: uuid.UUID, group_limit: int = GROUP_LIMIT) -> BatchOutcome:
    """Process the batch, and with it other PENDING batches of its organization when a
    backlog exists, `group_limit` batches at most (one transaction, one COPY: the fixed
    costs of a batch are shared). The outcome is the batch's own; a batch processed in
    another's group has `processed` False when its own job comes.

    If such a group fails, each of its batches is processed again on its own: a batch that
    cannot be processed then fails alone (its attempt recorded) and holds up no other."""
    try:
        return await _process(batch_id, group_limit)
    except _GroupFailed as failed:
        for other in failed.others:
            try:
                await _process(other, 1)
            except Exception:  # noqa: BLE001 - recorded as that batch's failed attempt; its sweep retries it
                pass
        return await _process(batch_id, 1)


class _GroupFailed(Exception):
    def __init__(self, others: list[uuid.UUID]) -> None:
        super().__init__(f"a group of {len(others) + 1} batches failed")
        self.others = others


async def _process(batch_id: uuid.UUID, limit: int) -> BatchOutcome:
    locked: list[uuid.UUID] = []
    async with connection() as conn:
        try:
            async with conn.transaction():
                batches = await store.lock_pending_batches(conn, batch_id, limit)
                if not batches:
                    return BatchOutcome(batch_id, processed=False)
                locked = [batch.id for batch in batches]
                # The raw batch is durable and this transaction replays from it: if a
                # database crash loses this commit, it loses the measurements, uid claims
                # and PROCESSED status together and the sweep processes the batch again.
                # So the commit need not wait for its WAL flush (WAL order keeps any later
                # durable commit, e.g. a bill, from surviving without it).
                await conn.execute("SET LOCAL synchronous_commit = off")
                return (await _process_locked(conn, batches))[0]
        except Exception as exc:
            if len(locked) > 1:
                log.warning("a group of %d measurement batches failed; each goes alone", len(locked), exc_info=True)
                raise _GroupFailed(locked[1:]) from exc
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


async def _process_locked(conn: asyncpg.Connection, batches: list[store.LockedBatch]) -> list[BatchOutcome]:
    """The locked batches (all of one organization) as one unit; their outcomes in order."""
    organization_id = batches[0].organization_id
    decoded = [decode_batch(batch.body) for batch in batches]
    # PostgreSQL text cannot hold NUL: such a code names no meter, and must not reach SQL.
    codes = {item.meter for items in decoded for item in items if "\x00" not in item.meter}
    schemas = await _schemas(conn, organization_id, codes)
    checked = [sort_items(items, schemas, batch.accepted_at) for items, batch in zip(decoded, batches, strict=True)]
    accounts = await store.account_ids(
        conn, organization_id, sorted({item.account for sorted_ in checked for _, item, _ in sorted_.valid})
    )
    claimed = await store.claim_uids(conn, organization_id, _uid_owners(batches, checked))
    seen: set[str] = set()
    kept = [_without_duplicates(sorted_.valid, claimed, seen) for sorted_ in checked]
    if any(kept):
        meter_ids = {code: schema.meter_id for code, schema in schemas.items()}
        await store.copy_measurements(conn, _copy_data(batches, kept, meter_ids, accounts))
    await store.insert_failures(
        conn,
        organization_id,
        [(batch.id, *failure) for batch, sorted_ in zip(batches, checked, strict=True) for failure in sorted_.failures],
    )
    outcomes = [
        BatchOutcome(batch.id, True, len(kept_), len(sorted_.valid) - len(kept_), len(sorted_.failures))
        for batch, sorted_, kept_ in zip(batches, checked, kept, strict=True)
    ]
    await store.mark_processed(conn, [(o.batch_id, o.stored, o.duplicates, o.rejected) for o in outcomes])
    for outcome, items, sorted_ in zip(outcomes, decoded, checked, strict=True):
        await record_validation_failure(
            conn,
            organization_id,
            outcome.batch_id,
            item_count=len(items),
            stored=outcome.stored,
            duplicates=outcome.duplicates,
            rejections=sorted_.failures,
        )
    return outcomes


def _uid_owners(batches: list[store.LockedBatch], checked: list[_Sorted]) -> dict[str, uuid.UUID]:
    """Each uid the valid items carry, with the first batch (in group order) carrying it."""
    owners: dict[str, uuid.UUID] = {}
    for batch, sorted_ in zip(batches, checked, strict=True):
        for _, item, _ in sorted_.valid:
            if item.uid is not None and item.uid not in owners:
                owners[item.uid] = batch.id
    return owners


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


def _without_duplicates(valid: list[_Valid], claimed: set[str], seen: set[str]) -> list[_Valid]:
    """The valid items to store: one whose uid was not claimed, or that an earlier item
    (of this batch or of an earlier batch of the group: `seen`) carried, is a duplicate
    and is left out."""
    kept = []
    for entry in valid:
        uid = entry[1].uid
        if uid is not None:
            if uid not in claimed or uid in seen:
                continue
            seen.add(uid)
        kept.append(entry)
    return kept


def _copy_data(
    batches: list[store.LockedBatch],
    kept: list[list[_Valid]],
    meter_ids: dict[str, uuid.UUID],
    accounts: dict[str, uuid.UUID],
) -> bytes:
    """The kept items of each batch as binary COPY data, fields in `MEASUREMENTS_COLUMNS`
    order. The fields every row shares are encoded once; a row is a list of bytes, which
    the garbage collector does not track (a thousand row tuples it would walk on every
    collection)."""
    start = bc.row_start(len(MEASUREMENTS_COLUMNS)) + bc.uuid_field(batches[0].organization_id)
    account_fields = {code: bc.uuid_field(account_id) for code, account_id in accounts.items()}
    meter_fields = {code: bc.uuid_field(meter_id) for code, meter_id in meter_ids.items()}
    timestamptz, text, jsonb, indexes, null = (
        bc.timestamptz_field,
        bc.text_field,
        bc.jsonb_field,
        bc.BATCH_INDEXES,
        bc.NULL,
    )
    parts = [bc.HEADER]
    add = parts.extend
    for batch, batch_kept in zip(batches, kept, strict=True):
        batch_field, received_field = bc.uuid_field(batch.id), bc.timestamptz_field(batch.accepted_at)
        for index, item, values in batch_kept:
            ets = item.ets
            add(
                (
                    start,
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
