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

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg

from app.db import connection
from app.domain.measurements import MeterSchema, meter_schema
from app.services.events.ingest import record_validation_failure
from app.services.failures import internal_failure
from app.services.ingest import rows, store
from app.services.ingest.wire import MeasurementIn, decode_batch

log = logging.getLogger("metergraph.ingest")
_SCHEMA_CACHE: dict[tuple[uuid.UUID, int], MeterSchema] = {}
_SCHEMA_CACHE_SIZE = 1024
# Batches processed in one transaction when a backlog exists: a transaction costs about a
# dozen round trips and an arq job per batch, which a group shares; a COPY of 16,000 rows
# (~3.2 MB) still holds its locks briefly. Groups of 16 stored 74,073-76,687 measurements/s
# in bench/ingest.py against 70,255-70,691 for groups of 8, alternating, and groups of 32
# no more than 16 (75,680 / 75,996).
GROUP_LIMIT = 16


@dataclass(frozen=True)
class BatchOutcome:
    batch_id: uuid.UUID
    processed: bool  # False: already processed, or being processed by another worker
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0


# Told the other batches of a group as soon as they are locked (see process_measurement_batch).
OnGroup = Callable[[Sequence[uuid.UUID]], Awaitable[None]]


async def process_measurement_batch(
    batch_id: uuid.UUID, group_limit: int = GROUP_LIMIT, on_group: OnGroup | None = None
) -> BatchOutcome:
    """Process the batch, and with it other PENDING batches of its organization when a
    backlog exists, `group_limit` batches at most (one transaction, one COPY: the fixed
    costs of a batch are shared). The outcome is the batch's own; a batch processed in
    another's group has `processed` False when its own job comes.

    If such a group fails, each of its batches is processed again on its own: a batch that
    cannot be processed then fails alone (its attempt recorded) and holds up no other.

    `on_group`, if given, is awaited with the group's other batches once they are locked, before
    they are processed (a worker takes their queued jobs off the queue then:
    `accept.taking_jobs_off`). It must not raise."""
    try:
        return await _process(batch_id, group_limit, on_group)
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


async def _process(batch_id: uuid.UUID, limit: int, on_group: OnGroup | None = None) -> BatchOutcome:
    locked: list[uuid.UUID] = []
    async with connection() as conn:
        try:
            async with conn.transaction():
                batches = await store.lock_pending_batches(conn, batch_id, limit)
                if not batches:
                    return BatchOutcome(batch_id, processed=False)
                locked = [batch.id for batch in batches]
                if on_group is not None and len(locked) > 1:
                    await on_group(locked[1:])
                # The raw batch is durable and this transaction replays from it: if a
                # database crash loses this commit, it loses the measurements, uid claims
                # and PROCESSED status together and the sweep processes the batch again.
                # So the commit need not wait for its WAL flush (WAL order keeps any later
                # durable commit, e.g. a bill, from surviving without it).
                await conn.execute("SET LOCAL synchronous_commit = off")
                outcome = (await _process_locked(conn, batches))[0]
            return outcome
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
    schemas: dict[str, MeterSchema] = {}
    asked: set[str] = set()
    prepared = []
    for batch in batches:
        items = decode_batch(batch.body)
        codes = meter_codes(items) - asked
        if codes:
            schemas.update(await _schemas(conn, organization_id, codes))
            asked |= codes
        prepared.append(rows.prepare_batch(batch, items, schemas))
        del items  # before the next batch is decoded (see `rows`)
        # A batch is ~10 ms of CPU: between two, the worker's other jobs send what they
        # have ready (a COPY, a commit), so the database works while this one computes.
        await asyncio.sleep(0)
    accounts = await store.account_ids(conn, organization_id, sorted(account_codes(prepared)))
    uids = group_uids(prepared)
    claimed = await store.claim_uids(conn, organization_id, uids.owners, uids.fields)
    if len(claimed) == len(uids.owners) == uids.carried:
        kept = [p.valid for p in prepared]  # every uid new, none twice: no duplicate to leave out
    else:
        seen: set[str] = set()
        kept = [rows.without_duplicates(p.valid, claimed, seen) for p in prepared]
    if any(kept):
        await store.copy_measurements(conn, rows.copy_data(organization_id, kept, accounts))
    await store.insert_failures(
        conn, organization_id, [(p.batch.id, *failure) for p in prepared for failure in p.failures]
    )
    outcomes = [
        BatchOutcome(p.batch.id, True, len(k), len(p.valid) - len(k), len(p.failures))
        for p, k in zip(prepared, kept, strict=True)
    ]
    await store.mark_processed(conn, [(o.batch_id, o.stored, o.duplicates, o.rejected) for o in outcomes])
    for outcome, p in zip(outcomes, prepared, strict=True):
        await record_validation_failure(
            conn,
            organization_id,
            outcome.batch_id,
            item_count=p.item_count,
            stored=outcome.stored,
            duplicates=outcome.duplicates,
            rejections=p.failures,
        )
    return outcomes


def meter_codes(items: list[MeasurementIn]) -> set[str]:
    """The meter codes the items name. PostgreSQL text cannot hold NUL: such a code names
    no meter, and must not reach SQL."""
    return {item.meter for item in items if "\x00" not in item.meter}


def account_codes(prepared: list[rows.PreparedBatch]) -> set[str]:
    """The account codes of the group's valid items."""
    return {account for p in prepared for _, account, _, _ in p.valid}


@dataclass
class GroupUids:
    owners: dict[str, uuid.UUID]  # each uid, with the first batch (in group order) carrying it
    fields: dict[str, bytes]  # each uid as a binary COPY field (encoded once, for its row)
    carried: int  # valid items carrying a uid: more than len(owners) if some uid came twice


def group_uids(prepared: list[rows.PreparedBatch]) -> GroupUids:
    owners: dict[str, uuid.UUID] = {}
    fields: dict[str, bytes] = {}
    carried = 0
    for p in prepared:
        batch_id = p.batch.id
        for uid, _, _, field in p.valid:
            if uid is not None:
                carried += 1
                if uid not in owners:
                    owners[uid] = batch_id
                    fields[uid] = field
    return GroupUids(owners, fields, carried)


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
