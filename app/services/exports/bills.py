"""BILLS exports: bills by bill date, account code and id, each with its line items in
bill order (SEMANTICS §15.1). Bills come through a cursor; each chunk's lines are read in
one statement of the same snapshot."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import asyncpg

from app.domain.exports.filters import ExportFilters
from app.domain.exports.records import BILL_COLUMNS, BILL_CSV_HEADER, LINE_COLUMNS, bill_csv_rows
from app.services.exports.snapshot import CHUNK_ROWS, chunks

_BILL = """SELECT id, account_id, account_code, bill_date, due_date, start_date, end_date, billing_frequency,
                  currency, status, locked, bill_job_id, last_calculated_date, purchase_order_number,
                  sequential_invoice_number, bill_total
           FROM bills WHERE organization_id = $1 {where}
           ORDER BY bill_date, account_code, id"""
_LINES = """SELECT bill_id, id, line_item_type, description, product_id, plan_id, pricing_id, aggregation_id,
                   compound_aggregation_id, meter_id, commitment_id, segment::text, child_account_id,
                   child_account_code, quantity, units, unit, subtotal, currency, conversion_rate,
                   converted_subtotal, average_unit_price, service_period_start, service_period_end,
                   usage_per_pricing_band::text
            FROM bill_line_items WHERE organization_id = $1 AND bill_id = ANY($2::uuid[])
            ORDER BY bill_id, position"""
_BILL_NAMES, _LINE_NAMES = BILL_COLUMNS, LINE_COLUMNS
_BAND_DECIMALS = frozenset(("lowerLimit", "unitPrice", "fixedPrice", "bandUnits", "bandQuantity", "bandSubtotal"))


def _where(filters: ExportFilters, args: list[Any]) -> str:
    clauses = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if filters.start is not None:
        clauses.append(f"bill_date >= {arg(filters.start)}")
    if filters.end is not None:
        clauses.append(f"bill_date < {arg(filters.end)}")
    if filters.account_ids is not None:
        clauses.append(f"account_id = ANY({arg(list(filters.account_ids))}::uuid[])")
    if filters.status is not None:
        clauses.append(f"status = {arg(filters.status)}")
    if filters.locked is not None:
        clauses.append(f"locked = {arg(filters.locked)}")
    return "".join(f" AND {clause}" for clause in clauses)


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text, parse_float=Decimal)


def _band(band: dict[str, Any]) -> dict[str, Any]:
    """Billing stores band figures as `str(Decimal)`, which may carry an exponent (`5E-7`,
    `0E-7`): as Decimals they are written as exact plain strings like every other figure."""
    return {
        key: Decimal(value) if key in _BAND_DECIMALS and isinstance(value, str) else value
        for key, value in band.items()
    }


def _line(row: asyncpg.Record) -> dict[str, Any]:
    line = dict(zip(_LINE_NAMES, tuple(row)[1:], strict=True))
    line["segment"] = _json(line["segment"])
    line["usagePerPricingBand"] = [_band(band) for band in _json(line["usagePerPricingBand"]) or []]
    return line


class BillSource:
    """Header and records of a BILLS export; `visible` leaves out bills the reader may
    not see one by one (a DENY on single bills)."""

    def __init__(
        self, conn: asyncpg.Connection, organization_id: uuid.UUID, filters: ExportFilters, visible: Callable | None
    ) -> None:
        self.conn, self.organization_id, self.filters, self.visible = conn, organization_id, filters, visible

    async def columns(self) -> tuple[str, ...]:
        return BILL_CSV_HEADER

    def csv_rows(self, record: dict[str, Any]) -> list[list[Any]]:
        return bill_csv_rows(record)

    async def records(self) -> AsyncIterator[dict[str, Any]]:
        args: list[Any] = [self.organization_id]
        sql = _BILL.format(where=_where(self.filters, args))
        async for rows in chunks(self.conn, sql, *args, size=CHUNK_ROWS // 4):
            bills = [dict(zip(_BILL_NAMES, tuple(row), strict=True)) for row in rows]
            if self.visible is not None:
                bills = [bill for bill in bills if self.visible(bill["id"])]
            lines: dict[uuid.UUID, list[dict[str, Any]]] = {bill["id"]: [] for bill in bills}
            for line in await self.conn.fetch(_LINES, self.organization_id, list(lines)):
                lines[line[0]].append(_line(line))
            for bill in bills:
                bill["lineItems"] = lines[bill["id"]]
                yield bill
