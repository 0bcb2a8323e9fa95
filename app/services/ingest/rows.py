"""A batch's items checked and encoded as COPY rows, one batch at a time.

A group of batches (see `process`) is prepared batch by batch: each is decoded, checked
and encoded before the next is decoded, so only one batch's decoded items are alive at
once. With the decoded items of a whole group of 8 alive (8,000 items and their
dicts), the same work took about 15 % longer per item: they no longer fit the caches.

What a valid item leaves is its uid, its account code, its row in binary COPY
format (fields in `MEASUREMENTS_COLUMNS` order) without the first two fields: the
organization, the same for every row, and the account id, known only once the group's
accounts are looked up or created; and its uid as a COPY field, which the uid's claim
(`store.claim_uids`) takes too. A row's pieces are encoded once into one bytes
object, which the garbage collector does not track.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.domain.measurement_values import Rejection
from app.domain.measurements import BatchChecks, MeterSchema
from app.models.ingest import MEASUREMENTS_COLUMNS
from app.services.ingest import binary_copy as bc
from app.services.ingest.store import LockedBatch
from app.services.ingest.wire import MeasurementIn, encode

# uid, account code, the row after its account field, the uid's field
Row = tuple[str | None, str, bytes, bytes]
Failure = tuple[int, str | None, str, str]  # index in the batch, uid, code, reason


@dataclass
class PreparedBatch:
    batch: LockedBatch
    item_count: int
    valid: list[Row] = field(default_factory=list)  # in batch order
    failures: list[Failure] = field(default_factory=list)


def prepare_batch(batch: LockedBatch, items: list[MeasurementIn], schemas: dict[str, MeterSchema]) -> PreparedBatch:
    """Each item checked against its meter: a failure, or its row."""
    prepared = PreparedBatch(batch, len(items))
    valid, failures = prepared.valid, prepared.failures
    checks = BatchChecks(batch.accepted_at)
    meter_fields = {code: bc.uuid_field(schema.meter_id) for code, schema in schemas.items()}
    batch_field, received_field = bc.uuid_field(batch.id), bc.timestamptz_field(batch.accepted_at)
    timestamptz, text, jsonb, indexes, null, join = (
        bc.timestamptz_field,
        bc.text_field,
        bc.jsonb_field,
        bc.BATCH_INDEXES,
        bc.NULL,
        b"".join,
    )
    for index, item in enumerate(items):
        schema = schemas.get(item.meter)
        try:
            if schema is None:
                raise Rejection("UNKNOWN_METER", f"no meter with code {item.meter!r}")
            values = checks.prepare(item, schema)
        except Rejection as rejection:
            failures.append((index, item.uid, rejection.code, rejection.reason))
            continue
        uid, ets = item.uid, item.ets
        uid_field = text(uid)
        row = join(
            (
                meter_fields[item.meter],
                timestamptz(item.ts),
                null if ets is None else timestamptz(ets),
                uid_field,
                batch_field,
                indexes[index],
                received_field,
                jsonb(encode(values)),
            )
        )
        valid.append((uid, item.account, row, uid_field))
    return prepared


def without_duplicates(valid: list[Row], claimed: set[str], seen: set[str]) -> list[Row]:
    """The rows to store: one whose uid was not claimed, or that an earlier item (of this
    batch or of an earlier batch of the group: `seen`) carried, is a duplicate and is
    left out."""
    kept = []
    for row in valid:
        uid = row[0]
        if uid is not None:
            if uid not in claimed or uid in seen:
                continue
            seen.add(uid)
        kept.append(row)
    return kept


def copy_data(organization_id: uuid.UUID, rows: Iterable[list[Row]], accounts: dict[str, uuid.UUID]) -> bytes:
    """Binary COPY data of the rows, with the organization and account fields in front,
    one account after another: each account's rows together, in batch order.

    The table keeps the order rows are written in. Stored in arrival order, one account's
    month of measurements lay on as many heap pages as it had measurements, and reading it
    back through the index (`usage`, a preview, a chunk of a bill job) read a page per
    measurement. Written one account at a time, the rows of an account that one group of
    batches carries share pages (about 40 rows to a page)."""
    start = bc.row_start(len(MEASUREMENTS_COLUMNS)) + bc.uuid_field(organization_id)
    by_account: dict[str, list[bytes]] = {}
    for batch_rows in rows:
        for _, account, row, _ in batch_rows:
            found = by_account.get(account)
            if found is None:
                found = by_account[account] = []
            found.append(row)
    parts = [bc.HEADER]
    for account, account_rows in by_account.items():
        head = start + bc.uuid_field(accounts[account])
        parts += (head, head.join(account_rows))  # every row behind its head, in one join
    parts.append(bc.TRAILER)
    return b"".join(parts)
