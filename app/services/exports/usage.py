"""USAGE exports: one row per (account, aggregation or compound aggregation, segment,
period) with `quantity`, `units` and `measurementCount` (SEMANTICS §15.1 rule 2).

Each row is computed on its own, with the aggregation's function (the SQL of
`app.services.measurement_aggregates`), its quantityPerUnit and rounding (`to_units`); a
compound aggregation evaluates its calculation over the raw values of the aggregations it
references (`compound_quantity`), each falling back to its defaultValue as on a bill.
Units are never summed across rows. Accounts are read in chunks (by code), and a chunk's
usage in one GROUP BY per meter and segmentation, so memory is bounded by the chunk.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from app.domain.aggregate import UNMATCHED, UNSEGMENTED, compound_quantity
from app.domain.exports.records import USAGE_COLUMNS, usage_csv_row
from app.domain.units import UnitRounding, to_units
from app.services.account_usage import _compiled
from app.services.errors import ErrorCode, fail
from app.services.exports.catalog import Target, load_targets
from app.services.exports.periods import PeriodPlan
from app.services.exports.snapshot import chunks
from app.services.measurement_aggregates import _meter_columns, _segment_case, segments_of

_ACCOUNTS = "SELECT id, code, bill_epoch FROM accounts WHERE organization_id = $1 {where} ORDER BY code, id"
PERIOD_CELLS = 20_000  # (account, period) pairs per chunk of accounts
MAX_CHUNK_ACCOUNTS = 200
Key = tuple[uuid.UUID, datetime, datetime]  # account, period start, period end


class UsageSource:
    def __init__(
        self,
        conn: asyncpg.Connection,
        organization_id: uuid.UUID,
        start: datetime,
        end: datetime,
        account_ids: tuple[uuid.UUID, ...] | None,
        target_ids: tuple[uuid.UUID, ...] | None,
        periods: PeriodPlan,
    ) -> None:
        self.conn, self.organization_id = conn, organization_id
        self.start, self.end, self.account_ids, self.target_ids, self.periods = (
            start,
            end,
            account_ids,
            target_ids,
            periods,
        )
        self.targets: list[Target] = []
        self.by_code: dict[str, Target] = {}
        self.groups: list[list[Target]] = []

    async def columns(self) -> tuple[str, ...]:
        """Loads the catalog (compiling every compound calculation, so a broken one is
        refused before the first byte)."""
        everything = await load_targets(self.conn, self.organization_id)
        self.by_code = {t.code: t for t in everything if t.compound is None}
        wanted = set(self.target_ids) if self.target_ids is not None else None
        self.targets = [t for t in everything if wanted is None or t.id in wanted]
        for target in self.targets:
            if target.compound is not None:
                target.expression = _compiled(target.compound, {c: t.aggregation for c, t in self.by_code.items()})
                target.referenced = [self._referenced(target, name) for name in sorted(target.expression.names_used)]
        self.groups = _groups([t for t in self.targets if t.compound is None])
        return USAGE_COLUMNS

    def _referenced(self, compound: Target, name: str) -> Target:
        found = self.by_code.get(name.removeprefix("aggregation."))
        if found is None:  # deleted or renamed since the calculation was compiled
            raise fail(("aggregationIds",), ErrorCode.INVALID, f"{compound.code}: {name} no longer exists")
        return found

    def csv_rows(self, record: dict[str, Any]) -> list[list[Any]]:
        return [usage_csv_row(record)]

    async def records(self) -> AsyncIterator[dict[str, Any]]:
        args: list[Any] = [self.organization_id]
        where = ""
        if self.account_ids is not None:
            args.append(list(self.account_ids))
            where = "AND id = ANY($2::uuid[])"
        size = max(1, min(MAX_CHUNK_ACCOUNTS, PERIOD_CELLS // self.periods.estimate))
        async for accounts in chunks(self.conn, _ACCOUNTS.format(where=where), *args, size=size):
            await self.periods.prepare(self.conn, accounts)
            rows: list[dict[str, Any]] = []
            for group in self.groups:
                rows.extend(await self._aggregation_rows(group, accounts))
            for target in self.targets:
                if target.compound is not None:
                    rows.extend(await self._compound_rows(target, accounts))
            order = {row[0]: index for index, row in enumerate(accounts)}
            rows.sort(key=lambda r: (order[r["accountId"]], r["code"], str(r["_target"]), r["_seg"], r["periodStart"]))
            for row in rows:
                del row["_target"], row["_seg"]
                yield row

    async def _aggregation_rows(self, group: list[Target], accounts: Sequence[Any]) -> list[dict[str, Any]]:
        """The rows of aggregations of one meter split by the same segments: one query."""
        first = group[0]
        aggregations = [target.aggregation for target in group]
        segments = segments_of(first.aggregation)
        found = await self._query(first.aggregation.meter_id, aggregations, segments, accounts, first.product_id)
        codes = {row[0]: row[1] for row in accounts}
        by_id = {target.id: target for target in group}
        rows = []
        for (account_id, start, end, aggregation_id, seg), (value, count) in found.values_by_key():
            if seg == UNMATCHED:  # matched no segment: never billed, so not usage of one
                continue
            segment = None if seg == UNSEGMENTED else json.loads(seg)
            target = by_id[aggregation_id]
            rows.append(self._row(target, account_id, codes[account_id], start, end, segment, seg, value, count))
        return rows

    async def _compound_rows(self, target: Target, accounts: Sequence[Any]) -> list[dict[str, Any]]:
        expression, referenced = target.expression, target.referenced
        raw: dict[Key, dict[str, Decimal | None]] = defaultdict(dict)
        counts: dict[Key, int] = defaultdict(int)
        by_meter: dict[uuid.UUID, list[Target]] = defaultdict(list)
        for ref in referenced:
            by_meter[ref.aggregation.meter_id].append(ref)
        for meter_id, refs in by_meter.items():
            aggregations = [r.aggregation for r in refs]
            found = await self._query(meter_id, aggregations, [], accounts, target.product_id, any_fields=True)
            for (account_id, start, end, aggregation_id, _), (value, _count) in found.values_by_key():
                raw[(account_id, start, end)][_code_of(refs, aggregation_id)] = value
            for key, count in found.any_counts.items():
                counts[key] += count
        codes = {row[0]: row[1] for row in accounts}
        rows = []
        for key, count in counts.items():
            if not count:
                continue
            values = {ref.code: raw[key].get(ref.code, ref.aggregation.default_value) for ref in referenced}
            for ref in referenced:  # carried the field with a null value (LATEST of null): its default
                if values[ref.code] is None:
                    values[ref.code] = ref.aggregation.default_value
            quantity = compound_quantity(expression, values, target.compound.evaluate_null_aggregations)
            account_id, start, end = key
            rows.append(self._row(target, account_id, codes[account_id], start, end, None, "", quantity, count))
        return rows

    def _row(
        self,
        target: Target,
        account_id: uuid.UUID,
        code: str,
        start: datetime,
        end: datetime,
        segment: Any,
        seg: str,
        quantity: Decimal | None,
        count: int,
    ) -> dict[str, Any]:
        compound = target.compound is not None
        return {
            "accountId": account_id,
            "accountCode": code,
            "aggregationId": None if compound else target.id,
            "compoundAggregationId": target.id if compound else None,
            "code": target.code,
            "segment": segment,
            "periodStart": start,
            "periodEnd": end,
            "quantity": quantity,
            "units": to_units(quantity, target.quantity_per_unit, UnitRounding(target.rounding)),
            "unit": target.unit,
            "measurementCount": count,
            "_target": target.id,
            "_seg": seg,
        }

    async def _query(
        self,
        meter_id: uuid.UUID,
        aggregations: list[Any],
        segments: list[dict[str, str]],
        accounts: Sequence[Any],
        product_id: uuid.UUID | None,
        *,
        any_fields: bool = False,
    ) -> Found:
        params: list[Any] = [self.organization_id, meter_id, self.start, self.end, [row[0] for row in accounts]]
        source, period_columns = self.periods.sql(params, accounts, product_id)
        case, keys = _segment_case(segments, params)
        columns, read = _meter_columns(aggregations, params)
        extra = []
        for aggregation in aggregations:
            params.append(aggregation.target_field)
            extra.append(f"count(*) FILTER (WHERE data ? ${len(params)}::text)")
        if any_fields:
            params.append([a.target_field for a in aggregations])
            extra.append(f"count(*) FILTER (WHERE data ?| ${len(params)}::text[])")
        selected = ["m.account_id", f"{case} AS seg", *columns, *extra, *period_columns]
        groups = ", ".join(str(i) for i in (1, 2, *range(len(selected) - len(period_columns) + 1, len(selected) + 1)))
        sql = f"""SELECT {", ".join(selected)} FROM {source}
                  WHERE m.organization_id = $1 AND m.meter_id = $2 AND m.ts >= $3 AND m.ts < $4
                    AND m.account_id = ANY($5::uuid[]) GROUP BY {groups}"""
        found = Found()
        first_count = 2 + len(columns)
        async for rows in chunks(self.conn, sql, *params):
            for row in rows:
                start, end = self.periods.period_of(row, len(period_columns))
                for index, aggregation in enumerate(aggregations):
                    carried, value = read[aggregation.id](row)
                    if carried:
                        key = (row[0], start, end, aggregation.id, keys[row[1]])
                        found.values[key] = (value, row[first_count + index])
                if any_fields:
                    found.any_counts[(row[0], start, end)] += row[first_count + len(aggregations)]
        return found


class Found:
    def __init__(self) -> None:
        self.values: dict[tuple[uuid.UUID, datetime, datetime, uuid.UUID, str], tuple[Decimal | None, int]] = {}
        self.any_counts: dict[Key, int] = defaultdict(int)

    def values_by_key(self) -> list[Any]:
        return list(self.values.items())


def _groups(aggregations: list[Target]) -> list[list[Target]]:
    """Aggregations read in one query: same meter, same product (whose billing periods
    they follow) and same segments."""
    groups: dict[tuple[Any, Any, str], list[Target]] = {}
    for target in aggregations:
        segments = json.dumps(segments_of(target.aggregation), sort_keys=True)
        key = (target.aggregation.meter_id, target.product_id, segments)
        groups.setdefault(key, []).append(target)
    return list(groups.values())


def _code_of(refs: list[Target], aggregation_id: uuid.UUID) -> str:
    return next(ref.code for ref in refs if ref.id == aggregation_id)
