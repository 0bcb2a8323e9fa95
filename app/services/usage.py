"""Usage: aggregated measurements, computed the way billing computes them (SEMANTICS §3.3–3.4).

`aggregate_usage` is the one set-based query a bill run makes per aggregation and chunk
of accounts: GROUP BY account and segment over `measurements`, whose index leads with
(organization, account, meter, ts). `usage_for` answers the `usage` GraphQL query for one
account with the same functions, then applies quantityPerUnit and rounding.

Result keys of `aggregate_usage`: `(account_id, segment key)` where the key is
`app.domain.aggregate.UNSEGMENTED` ("") for an aggregation without segments, else the
canonical JSON of the matched segment (`segment_key` of the normalized segment, one
entry per segmented field, `*` for a wildcard), or `UNMATCHED` ("__unmatched__") for
measurements of that account that match no segment (not billed; reported). Accounts
without measurements carrying the target field in [start, end) are absent: the caller
applies `defaultValue`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.aggregate import (
    NUMERIC_FUNCTIONS,
    UNMATCHED,
    UNSEGMENTED,
    compound_quantity,
    mean,
    normalize_segment,
    segment_key,
    segment_order,
)
from app.domain.bands import UnitRounding, to_units
from app.domain.calc import CalcError, Expression, ValueType, compile_expression
from app.models.accounts import Account
from app.models.catalog import Aggregation, CompoundAggregation
from app.services.errors import ErrorCode, fail
from app.services.ingest.store import connection

_REFERENCE = re.compile(r"aggregation\.([A-Za-z_$][A-Za-z0-9_$]*)")
_COMPOUND_CACHE: dict[tuple[uuid.UUID, int], Expression] = {}
# LATEST: the greatest ts; ties go to the last ingested (acceptance time, then position).
_LATEST = "(array_agg(v ORDER BY ts DESC, received_at DESC, batch_id DESC, batch_index DESC))[1]"
_FUNCTIONS = {
    "SUM": "sum(v)", "MIN": "min(v)", "MAX": "max(v)", "COUNT": "count(*)", "UNIQUE": "count(DISTINCT v)",
    "MEAN": "sum(v), count(*)", "LATEST": _LATEST,
}


@dataclass(frozen=True)
class UsageResult:
    quantity: Decimal | None  # raw aggregated quantity; None: no usage and no defaultValue
    units: Decimal | None  # quantity / quantityPerUnit, rounded as configured


async def aggregate_usage(organization_id: uuid.UUID, aggregation: Aggregation, account_ids: Sequence[uuid.UUID],
                          start: datetime, end: datetime) -> dict[tuple[uuid.UUID, str], Decimal | None]:
    """Raw quantity per (account, segment key) for the measurements with start ≤ ts < end."""
    return await _aggregate(organization_id, aggregation, account_ids, start, end, _segments_of(aggregation))


def _segments_of(aggregation: Aggregation) -> list[dict[str, str]]:
    fields = list(aggregation.segmented_fields or [])
    return [normalize_segment(s, fields) for s in (aggregation.segments or [])] if fields else []


async def _aggregate(organization_id: uuid.UUID, aggregation: Aggregation, account_ids: Sequence[uuid.UUID],
                     start: datetime, end: datetime, segments: list[dict[str, str]]) -> dict[tuple[uuid.UUID, str], Decimal | None]:
    function = aggregation.aggregation
    if function not in _FUNCTIONS:
        raise ValueError(f"unknown aggregation function {function!r}")
    params: list[Any] = [organization_id, list(account_ids), aggregation.meter_id, start, end, aggregation.target_field]
    value = "(data->>$6)::numeric" if function in NUMERIC_FUNCTIONS else "data->>$6"
    case, keys = _segment_case(segments, params)
    sql = f"""SELECT account_id, seg, {_FUNCTIONS[function]} FROM (
                SELECT account_id, ts, received_at, batch_id, batch_index, {value} AS v, {case} AS seg
                FROM measurements
                WHERE organization_id = $1 AND account_id = ANY($2::uuid[]) AND meter_id = $3
                  AND ts >= $4 AND ts < $5 AND data ? $6) m
              GROUP BY account_id, seg"""
    async with connection() as conn:
        rows = await conn.fetch(sql, *params)
    return {(row[0], keys[row[1]]): _quantity(function, row) for row in rows}


def _segment_case(segments: list[dict[str, str]], params: list[Any]) -> tuple[str, dict[int, str]]:
    """SQL giving each measurement the index of its segment (-1: none) and the keys by
    index. WHEN branches are in `segment_order`: the first true one is the most specific
    match, ties going to the segment listed first."""
    if not segments:
        return "0", {0: UNSEGMENTED}

    def param(value: str) -> str:
        params.append(value)
        return f"${len(params)}::text"

    branches = []
    for index in segment_order(segments):
        tests = [f"data->>{param(code)} = {param(value)}" for code, value in segments[index].items() if value != "*"]
        branches.append(f"WHEN {' AND '.join(tests) or 'true'} THEN {index}")
    keys = {index: segment_key(segment) for index, segment in enumerate(segments)} | {-1: UNMATCHED}
    return f"CASE {' '.join(branches)} ELSE -1 END", keys


def _quantity(function: str, row: Any) -> Decimal | None:
    if function == "MEAN":
        return mean(row[2], row[3])
    value = row[2]
    return Decimal(value) if isinstance(value, int) else value


async def usage_for(organization_id: uuid.UUID, account_id: uuid.UUID, target: Aggregation | CompoundAggregation,
                    start: datetime, end: datetime, segment: Mapping[str, Any] | None = None) -> UsageResult:
    """One account's usage of an aggregation (optionally one of its segments) or of a
    compound aggregation, with units. Raises InputErrors for a segment the aggregation
    does not define."""
    if isinstance(target, CompoundAggregation):
        if segment:
            raise fail(("segment",), ErrorCode.INVALID, "compound aggregations are not segmented")
        quantity = await _compound(organization_id, account_id, target, start, end)
    else:
        quantity = await _aggregation_quantity(organization_id, account_id, target, start, end, segment)
    return UsageResult(quantity, to_units(quantity, target.quantity_per_unit, UnitRounding(target.rounding)))


async def _aggregation_quantity(organization_id: uuid.UUID, account_id: uuid.UUID, aggregation: Aggregation,
                                start: datetime, end: datetime, segment: Mapping[str, Any] | None) -> Decimal | None:
    """Without a segment (decision) the quantity is over all the account's measurements,
    whatever their segment; with one, over that segment's measurements only."""
    if segment:
        segments = _segments_of(aggregation)
        wanted = segment_key(normalize_segment(segment, list(aggregation.segmented_fields or [])))
        if set(segment) - set(aggregation.segmented_fields or []) or wanted not in {segment_key(s) for s in segments}:
            raise fail(("segment",), ErrorCode.INVALID, f"aggregation {aggregation.code!r} has no segment {dict(segment)!r}")
        found = await _aggregate(organization_id, aggregation, [account_id], start, end, segments)
        quantity = found.get((account_id, wanted))
    else:
        found = await _aggregate(organization_id, aggregation, [account_id], start, end, [])
        quantity = found.get((account_id, UNSEGMENTED))
    return aggregation.default_value if quantity is None else quantity


async def _compound(organization_id: uuid.UUID, account_id: uuid.UUID, compound: CompoundAggregation,
                    start: datetime, end: datetime) -> Decimal | None:
    """The calculation over the raw values (defaultValue when no usage, before their own
    quantityPerUnit and rounding) of the aggregations it references."""
    codes = sorted(set(_REFERENCE.findall(compound.calculation)))
    referenced = {a.code: a for a in await Aggregation.filter(organization_id=organization_id, code__in=codes)}
    expression = _compiled(compound, referenced)
    values: dict[str, Decimal | None] = {}
    for name in sorted(expression.names_used):
        aggregation = referenced.get(name.removeprefix("aggregation."))
        if aggregation is None:  # deleted or renamed since the calculation was compiled
            raise fail(("compoundAggregationId",), ErrorCode.INVALID, f"{name} no longer exists")
        values[aggregation.code] = await _aggregation_quantity(organization_id, account_id, aggregation, start, end, None)
    return compound_quantity(expression, values, compound.evaluate_null_aggregations)


def _compiled(compound: CompoundAggregation, referenced: Mapping[str, Aggregation]) -> Expression:
    key = (compound.id, compound.version)
    expression = _COMPOUND_CACHE.get(key)
    if expression is None:
        names = {f"aggregation.{code}": ValueType.NUMBER for code in referenced}
        try:
            expression = compile_expression(compound.calculation, names)
        except CalcError as exc:
            raise fail(("compoundAggregationId",), ErrorCode.INVALID,
                       f"compound aggregation {compound.code!r} cannot be evaluated: {exc}") from exc
        if len(_COMPOUND_CACHE) > 1024:
            _COMPOUND_CACHE.clear()
        _COMPOUND_CACHE[key] = expression
    return expression


async def usage_of(organization_id: uuid.UUID, account_id: uuid.UUID, *, aggregation_id: uuid.UUID | None,
                   compound_aggregation_id: uuid.UUID | None, start: datetime, end: datetime,
                   segment: Mapping[str, Any] | None = None) -> UsageResult | None:
    """`usage_for` by ids, as the API names things; None when the account or the
    (compound) aggregation is not one of the organization's."""
    if (aggregation_id is None) == (compound_aggregation_id is None):
        raise fail(("aggregationId",), ErrorCode.INVALID, "give exactly one of aggregationId and compoundAggregationId")
    if not end > start:
        raise fail(("to",), ErrorCode.INVALID, "must be after from")
    model = Aggregation if aggregation_id is not None else CompoundAggregation
    target = await model.filter(organization_id=organization_id, id=aggregation_id or compound_aggregation_id).first()
    if target is None or not await Account.filter(organization_id=organization_id, id=account_id).exists():
        return None
    return await usage_for(organization_id, account_id, target, start, end, segment)
