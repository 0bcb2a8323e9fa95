"""Reading what ingest stored: batches with their counts and failures, and measurements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import msgspec

from app.db import connection
from app.models.ingest import PENDING, IngestFailure, MeasurementBatch

_BATCH_FIELDS = (
    "id",
    "organization_id",
    "version",
    "status",
    "source",
    "item_count",
    "stored",
    "duplicates",
    "rejected",
    "attempts",
    "last_error",
    "dt_last_attempt",
    "dt_created",
    "dt_processed",
    "dt_last_modified",
    "created_by",
)
_data_decoder = msgspec.json.Decoder(dict[str, Any], float_hook=Decimal)


async def get_batch(organization_id: uuid.UUID, batch_id: uuid.UUID) -> MeasurementBatch | None:
    """The batch without its body (up to 512 kB that readers never need)."""
    return await MeasurementBatch.filter(organization_id=organization_id, id=batch_id).only(*_BATCH_FIELDS).first()


async def batch_failures(organization_id: uuid.UUID, batch_id: uuid.UUID) -> list[IngestFailure]:
    return await IngestFailure.filter(organization_id=organization_id, batch_id=batch_id).order_by("batch_index")


async def pending_batch_ids(organization_id: uuid.UUID, accepted_before: datetime | None = None) -> list[uuid.UUID]:
    """Batches not processed yet, oldest first: a bill run processes them before it reads
    usage (SEMANTICS §6, "A bill run includes every batch accepted before the run")."""
    query = MeasurementBatch.filter(organization_id=organization_id, status=PENDING)
    if accepted_before is not None:
        query = query.filter(dt_created__lt=accepted_before)
    return cast(list[uuid.UUID], list(await query.order_by("dt_created").values_list("id", flat=True)))


@dataclass(frozen=True)
class MeasurementFilter:
    account_id: uuid.UUID | None = None
    account_code: str | None = None
    meter_id: uuid.UUID | None = None
    meter_code: str | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    uid: str | None = None
    batch_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MeasurementRow:
    uid: str | None
    meter_id: uuid.UUID
    meter_code: str | None
    account_id: uuid.UUID
    account_code: str | None
    ts: datetime
    ets: datetime | None
    batch_id: uuid.UUID
    batch_index: int
    received_at: datetime
    data: dict[str, Decimal | str]


def _where(organization_id: uuid.UUID, flt: MeasurementFilter) -> tuple[str, list[Any]]:
    params: list[Any] = [organization_id]
    clauses = ["m.organization_id = $1"]

    def add(sql: str, value: Any) -> None:
        params.append(value)
        clauses.append(sql.replace("?", f"${len(params)}"))

    for sql, value in (
        ("m.account_id = ?", flt.account_id),
        ("m.account_id = (SELECT id FROM accounts WHERE organization_id = $1 AND code = ?)", flt.account_code),
        ("m.meter_id = ?", flt.meter_id),
        ("m.meter_id = (SELECT id FROM meters WHERE organization_id = $1 AND code = ?)", flt.meter_code),
        ("m.ts >= ?", flt.start),
        ("m.ts < ?", flt.end),
        ("m.uid = ?", flt.uid),
        ("m.batch_id = ?", flt.batch_id),
    ):
        if value is not None:
            add(sql, value)
    return " AND ".join(clauses), params


async def list_measurements(
    organization_id: uuid.UUID, flt: MeasurementFilter, offset: int, limit: int
) -> list[MeasurementRow]:
    """A page of measurements in time order (ties in ingestion order)."""
    where, params = _where(organization_id, flt)
    sql = f"""SELECT m.uid, m.meter_id, mt.code AS meter_code, m.account_id, a.code AS account_code, m.ts, m.ets,
                     m.batch_id, m.batch_index, m.received_at, m.data::text AS data
              FROM measurements m
              LEFT JOIN meters mt ON mt.organization_id = m.organization_id AND mt.id = m.meter_id
              LEFT JOIN accounts a ON a.organization_id = m.organization_id AND a.id = m.account_id
              WHERE {where}
              ORDER BY m.ts, m.received_at, m.batch_id, m.batch_index
              OFFSET ${len(params) + 1} LIMIT ${len(params) + 2}"""
    async with connection() as conn:
        rows = await conn.fetch(sql, *params, offset, limit)
    return [MeasurementRow(**{**dict(row), "data": _exact(_data_decoder.decode(row["data"]))}) for row in rows]


async def count_measurements(organization_id: uuid.UUID, flt: MeasurementFilter) -> int:
    where, params = _where(organization_id, flt)
    async with connection() as conn:
        return await conn.fetchval(f"SELECT count(*) FROM measurements m WHERE {where}", *params)


def _exact(data: dict[str, Any]) -> dict[str, Decimal | str]:
    return {code: Decimal(value) if type(value) is int else value for code, value in data.items()}
