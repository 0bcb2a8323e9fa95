"""MEASUREMENTS exports: each stored measurement with its meter's and account's codes and
its fields as `section.code` (SEMANTICS §15.1). The order follows the measurements index
(account, meter, ts), then ingestion order: deterministic, and read without a sort of the
whole range."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from app.domain.exports.records import field_columns, measurement_csv_row, measurement_record, meter_field_names
from app.services.exports.snapshot import chunks

# Numbers in measurement data are exact decimals (never floats), ints included.
_DECODE = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal).decode
_METERS = """SELECT id, code, data_fields::text, derived_fields::text FROM meters
             WHERE organization_id = $1 {where} ORDER BY code"""
_ROWS = """SELECT m.uid, m.meter_id, a.code, m.ts, m.ets, m.data::text
           FROM measurements m
           JOIN accounts a ON a.organization_id = m.organization_id AND a.id = m.account_id
           WHERE m.organization_id = $1 {where}
           ORDER BY m.account_id, m.meter_id, m.ts, m.received_at, m.batch_id, m.batch_index"""


class MeasurementSource:
    def __init__(
        self,
        conn: asyncpg.Connection,
        organization_id: uuid.UUID,
        start: datetime | None,
        end: datetime | None,
        account_ids: tuple[uuid.UUID, ...] | None,
        meter_ids: tuple[uuid.UUID, ...] | None,
    ) -> None:
        self.conn, self.organization_id = conn, organization_id
        self.start, self.end, self.account_ids, self.meter_ids = start, end, account_ids, meter_ids
        self.meters: dict[uuid.UUID, tuple[str, dict[str, str]]] = {}
        self.fields: list[str] = []

    async def columns(self) -> tuple[str, ...]:
        args: list[Any] = [self.organization_id]
        where = ""
        if self.meter_ids is not None:
            args.append(list(self.meter_ids))
            where = "AND id = ANY($2::uuid[])"
        for row in await self.conn.fetch(_METERS.format(where=where), *args):
            meter = {"data_fields": json.loads(row[2]), "derived_fields": json.loads(row[3])}
            self.meters[row[0]] = (row[1], meter_field_names(meter))
        self.fields = field_columns(names for _, names in self.meters.values())
        return ("uid", "meter", "account", "ts", "ets", *self.fields)

    def csv_rows(self, record: dict[str, Any]) -> list[list[Any]]:
        return [measurement_csv_row(record, self.fields)]

    def _where(self, args: list[Any]) -> str:
        clauses = []
        for column, value in (("ts >=", self.start), ("ts <", self.end)):
            if value is not None:
                args.append(value)
                clauses.append(f"m.{column} ${len(args)}")
        for column, ids in (("account_id", self.account_ids), ("meter_id", self.meter_ids)):
            if ids is not None:
                args.append(list(ids))
                clauses.append(f"m.{column} = ANY(${len(args)}::uuid[])")
        return "".join(f" AND {clause}" for clause in clauses)

    async def records(self) -> AsyncIterator[dict[str, Any]]:
        args: list[Any] = [self.organization_id]
        sql = _ROWS.format(where=self._where(args))
        async for rows in chunks(self.conn, sql, *args):
            for uid, meter_id, account, ts, ets, data in rows:
                code, names = self.meters.get(meter_id, (None, {}))
                values = _DECODE(data)
                head = {"uid": uid, "meter": code, "account": account, "ts": ts, "ets": ets}
                yield measurement_record(head, values, names)
