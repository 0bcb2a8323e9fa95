"""Generating and storing a bill's statements (SEMANTICS §12.2).

- `generate_statement(org, bill_id, formats)`: on demand (`generateBillStatement`), for any
  bill, PENDING included; the formats asked for and every format stored before are
  written, so no stale document is left beside a fresh one **(decision)**. The bill's
  `jsonStatementGenerated` / `csvStatementGenerated` are set and `statementStale` cleared.
- `generate_due_statements(org, bill_ids)`: the worker job after bills became APPROVED or
  locked (by a person, auto-approval or the lock date): the organization's
  `autoGenerateStatementMode` formats, for each bill still APPROVED or locked, unless a
  current statement (every configured format stored, not stale) exists.

The bill row is locked `FOR UPDATE` while its lines are read and the documents written, so
a statement shows exactly one version of the bill (`billVersion`), and a recalculation or
memo change committed after it marks it stale.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg

from app.db import connection
from app.services.errors import ErrorCode, fail
from app.services.statements.document import Measured, csv_document, json_document

JSON, CSV = "JSON", "CSV"
MODES: dict[str, tuple[str, ...]] = {"NONE": (), "JSON": (JSON,), "JSON_AND_CSV": (JSON, CSV)}
_FLAGS = {JSON: "json_statement_generated", CSV: "csv_statement_generated"}
_BUILD = {JSON: json_document, CSV: csv_document}


async def generate_statement(
    organization_id: uuid.UUID, bill_id: uuid.UUID, formats: Sequence[str], *, actor: str | None
) -> None:
    async with connection() as conn, conn.transaction():
        bill = await _locked_bill(conn, organization_id, bill_id)
        if bill is None:
            raise fail(("input", "billId"), ErrorCode.NOT_FOUND, f"no bill with id {bill_id}")
        await _write(conn, organization_id, bill, _with_stored(bill, formats), actor)


async def generate_due_statements(organization_id: uuid.UUID, bill_ids: Iterable[uuid.UUID | str]) -> int:
    """Statements the organization's mode asks for, of bills approved or locked; how many bills got one."""
    async with connection() as conn:
        mode = await conn.fetchval(
            "SELECT auto_generate_statement_mode FROM organization_configs WHERE organization_id = $1", organization_id
        )
    formats = MODES.get(mode or "NONE", ())
    made = 0
    for bill_id in bill_ids if formats else ():
        async with connection() as conn, conn.transaction():
            bill = await _locked_bill(conn, organization_id, uuid.UUID(str(bill_id)))
            # PENDING bills never get one automatically (set back to PENDING meanwhile).
            if bill is None or not (bill["status"] == "APPROVED" or bill["locked"]) or _current(bill, formats):
                continue
            await _write(conn, organization_id, bill, _with_stored(bill, formats), None)
            made += 1
    return made


def _current(bill: Any, formats: Sequence[str]) -> bool:
    return not bill["statement_stale"] and all(bill[_FLAGS[f]] for f in formats)


def _with_stored(bill: Any, formats: Sequence[str]) -> list[str]:
    return [f for f in (JSON, CSV) if f in formats or bill[_FLAGS[f]]]


async def _locked_bill(conn: asyncpg.Connection, organization_id: uuid.UUID, bill_id: uuid.UUID) -> Any:
    return await conn.fetchrow(
        "SELECT * FROM bills WHERE organization_id = $1 AND id = $2 FOR UPDATE", organization_id, bill_id
    )


async def _write(
    conn: asyncpg.Connection, organization_id: uuid.UUID, bill: Any, formats: list[str], actor: str | None
) -> None:
    lines = [
        _decoded(row)
        for row in await conn.fetch(
            "SELECT * FROM bill_line_items WHERE organization_id = $1 AND bill_id = $2 ORDER BY position, id",
            organization_id,
            bill["id"],
        )
    ]
    measured = await _measured(conn, organization_id, lines)
    for fmt in formats:
        await conn.execute(
            """INSERT INTO bill_statements (id, organization_id, version, dt_created, dt_last_modified, created_by,
                   last_modified_by, bill_id, format, bill_version, document)
               VALUES ($1, $2, 1, now(), now(), $3, $3, $4, $5, $6, $7)
               ON CONFLICT (organization_id, bill_id, format) DO UPDATE
               SET bill_version = EXCLUDED.bill_version, document = EXCLUDED.document,
                   version = bill_statements.version + 1, dt_last_modified = now(),
                   last_modified_by = EXCLUDED.last_modified_by""",
            uuid.uuid4(),
            organization_id,
            actor,
            bill["id"],
            fmt,
            bill["version"],
            _BUILD[fmt](bill, lines, measured),
        )
    # Flags only: generating a document does not change the bill (no new version).
    await conn.execute(
        """UPDATE bills SET json_statement_generated = json_statement_generated OR $3,
               csv_statement_generated = csv_statement_generated OR $4, statement_stale = false
           WHERE organization_id = $1 AND id = $2""",
        organization_id,
        bill["id"],
        JSON in formats,
        CSV in formats,
    )


def _decoded(row: Any) -> dict[str, Any]:
    """A line row with its JSON columns as data (asyncpg returns jsonb as text)."""
    line = dict(row)
    for name in ("segment", "usage_per_pricing_band"):
        if isinstance(line.get(name), str):
            line[name] = json.loads(line[name])
    return line


async def _measured(conn: asyncpg.Connection, organization_id: uuid.UUID, lines: list[dict[str, Any]]) -> Measured:
    def ids(name: str) -> list[Any]:
        return list({line[name] for line in lines if line.get(name) is not None})

    async def rows(sql: str, wanted: list[Any]) -> list[Any]:
        return await conn.fetch(sql, organization_id, wanted) if wanted else []

    aggregations = await rows(
        "SELECT id, code, aggregation, quantity_per_unit, rounding FROM aggregations"
        " WHERE organization_id = $1 AND id = ANY($2::uuid[])",
        ids("aggregation_id"),
    )
    compounds = await rows(
        "SELECT id, code, calculation, quantity_per_unit, rounding FROM compound_aggregations"
        " WHERE organization_id = $1 AND id = ANY($2::uuid[])",
        ids("compound_aggregation_id"),
    )
    meters = await rows(
        "SELECT id, code FROM meters WHERE organization_id = $1 AND id = ANY($2::uuid[])", ids("meter_id")
    )
    # Counter lines exist only where the counters' migration added the column and table.
    counters = await rows(
        "SELECT id, code FROM counters WHERE organization_id = $1 AND id = ANY($2::uuid[])", ids("counter_id")
    )
    return Measured(
        aggregations={r["id"]: dict(r) for r in aggregations},
        compounds={r["id"]: dict(r) for r in compounds},
        meters={r["id"]: r["code"] for r in meters},
        counters={r["id"]: r["code"] for r in counters},
    )
