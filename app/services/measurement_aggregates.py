"""Measurement aggregates: usage computed from stored measurements the way billing computes it
(SEMANTICS §3.3–3.4).

`aggregate_usage` is the set-based query of one aggregation for a set of accounts (a
preview, a chunk's window its job did not prepare): GROUP BY account and segment over
`measurements`, whose index leads with (organization, account, meter, ts).
`aggregate_meter_usage` computes several aggregations of one meter in one pass over the
same rows (a bill job reads all its accounts' usage with it, once). `account_usage`
answers the `usage` GraphQL query for one account with the same functions.

Result keys of `aggregate_usage`: `(account_id, segment key)` where the key is
`app.domain.aggregate.UNSEGMENTED` ("") for an aggregation without segments, else the
canonical JSON of the matched segment (`segment_key` of the normalized segment, one
entry per segmented field, `*` for a wildcard), or `UNMATCHED` ("__unmatched__") for
measurements of that account that match no segment (not billed; reported). Accounts
without measurements carrying the target field in [start, end) are absent: the caller
applies `defaultValue`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.db import connection
from app.domain.aggregate import (
    NUMERIC_FUNCTIONS,
    UNMATCHED,
    UNSEGMENTED,
    mean,
    normalize_segment,
    segment_key,
    segment_order,
)
from app.models.catalog import Aggregation

# LATEST: the greatest ts; ties go to the last ingested (acceptance time, then position).
_LATEST_ORDER = "ts DESC, received_at DESC, batch_id DESC, batch_index DESC"
_LATEST = f"(array_agg(v ORDER BY {_LATEST_ORDER}))[1]"
_FUNCTIONS = {
    "SUM": "sum(v)",
    "MIN": "min(v)",
    "MAX": "max(v)",
    "COUNT": "count(*)",
    "UNIQUE": "count(DISTINCT v)",
    "MEAN": "sum(v), count(*)",
    "LATEST": _LATEST,
}
# The same functions over all of a meter's rows (`aggregate_meter_usage`): {v} is the
# value, {field} the target field; COUNT is the count of rows carrying the field, which
# is also MEAN's divisor. Absent values are NULL, which every aggregate but LATEST skips.
_MANY = {
    "SUM": "sum({v})",
    "MIN": "min({v})",
    "MAX": "max({v})",
    "UNIQUE": "count(DISTINCT {v})",
    "MEAN": "sum({v})",
    "LATEST": f"(array_agg({{v}} ORDER BY {_LATEST_ORDER}) FILTER (WHERE data ? {{field}}))[1]",
}
# Functions that need sorted input: PostgreSQL cannot hash-aggregate them, so a caller
# reads them in a query of their own rather than slow down the others.
ORDERED_FUNCTIONS = frozenset({"LATEST", "UNIQUE"})


async def aggregate_usage(
    organization_id: uuid.UUID,
    aggregation: Aggregation,
    account_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    whole: bool = False,
    together: bool = False,
) -> dict[tuple[uuid.UUID | None, str], Decimal | None]:
    """Raw quantity per (account, segment key) for the measurements with start ≤ ts < end.

    `whole`: the aggregation over all its measurements, ignoring its segments (key "").
    `together`: the accounts as one block (account None): MAX, UNIQUE and MEAN of a block
    are not sums of its members', so a block is aggregated in one GROUP BY."""
    segments = [] if whole else segments_of(aggregation)
    return await _aggregate(organization_id, aggregation, account_ids, start, end, segments, together=together)


def segments_of(aggregation: Aggregation) -> list[dict[str, str]]:
    fields = list(aggregation.segmented_fields or [])
    return [normalize_segment(s, fields) for s in (aggregation.segments or [])] if fields else []


async def _aggregate(
    organization_id: uuid.UUID,
    aggregation: Aggregation,
    account_ids: Sequence[uuid.UUID],
    start: datetime,
    end: datetime,
    segments: list[dict[str, str]],
    *,
    together: bool = False,
) -> dict[tuple[uuid.UUID | None, str], Decimal | None]:
    function = aggregation.aggregation
    if function not in _FUNCTIONS:
        raise ValueError(f"unknown aggregation function {function!r}")
    params: list[Any] = [organization_id, list(account_ids), aggregation.meter_id, start, end, aggregation.target_field]
    value = "(data->>$6)::numeric" if function in NUMERIC_FUNCTIONS else "data->>$6"
    case, keys = _segment_case(segments, params)
    account, group = ("NULL::uuid", "seg") if together else ("account_id", "account_id, seg")
    sql = f"""SELECT {account}, seg, {_FUNCTIONS[function]} FROM (
                SELECT account_id, ts, received_at, batch_id, batch_index, {value} AS v, {case} AS seg
                FROM measurements
                WHERE organization_id = $1 AND account_id = ANY($2::uuid[]) AND meter_id = $3
                  AND ts >= $4 AND ts < $5 AND data ? $6) m
              GROUP BY {group}"""
    async with connection() as conn:
        rows = await conn.fetch(sql, *params)
    return {(row[0], keys[row[1]]): _quantity(function, row) for row in rows}


async def aggregate_meter_usage(
    organization_id: uuid.UUID,
    meter_id: uuid.UUID,
    aggregations: Sequence[Aggregation],
    account_ids: Sequence[uuid.UUID] | None,
    start: datetime,
    end: datetime,
    segments: list[dict[str, str]],
) -> dict[tuple[uuid.UUID, uuid.UUID, str], Decimal | None]:
    """Several aggregations of one meter, all split by the same `segments` ([]: as a whole),
    in ONE pass over the measurements with start ≤ ts < end: raw quantity per (account,
    aggregation id, segment key), the same values `aggregate_usage` gives one by one.
    `account_ids` None reads every account of the organization (one scan, as a GROUP BY
    over the period does) instead of reading these accounts through the index."""
    params: list[Any] = [organization_id, meter_id, start, end]
    accounts = ""
    if account_ids is not None:
        params.append(list(account_ids))
        accounts = f"AND account_id = ANY(${len(params)}::uuid[])"
    case, keys = _segment_case(segments, params)
    columns, read = _meter_columns(aggregations, params)
    sql = f"""SELECT account_id, {case} AS seg, {", ".join(columns)} FROM measurements
              WHERE organization_id = $1 AND meter_id = $2 AND ts >= $3 AND ts < $4 {accounts}
              GROUP BY 1, 2"""
    async with connection() as conn:
        async with conn.transaction():
            # Planned for this organization and period every time: a cached generic plan,
            # made for an average organization, could read a big one through the index.
            await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            rows = await conn.fetch(sql, *params)
    found: dict[tuple[uuid.UUID, uuid.UUID, str], Decimal | None] = {}
    for row in rows:
        for aggregation in aggregations:
            carried, value = read[aggregation.id](row)
            if carried:  # like `aggregate_usage`, only measurements carrying the field count
                found[(row[0], aggregation.id, keys[row[1]])] = value
    return found


def _meter_columns(aggregations: Sequence[Aggregation], params: list[Any]) -> tuple[list[str], dict]:
    """The aggregate expressions of several aggregations over the same rows, and per
    aggregation a reader of a result row: (carries the field, raw quantity). Each is
    `aggregate_usage`'s aggregate over the rows carrying the target field: the count of
    those rows is a column of its own (COUNT's value, MEAN's divisor, and whether the
    account has usage at all), and LATEST, which takes a JSON null too, is filtered."""
    columns: list[str] = []
    fields: dict[str, str] = {}

    def column(sql: str) -> int:
        if sql not in columns:
            columns.append(sql)
        return 2 + columns.index(sql)  # after account_id and seg

    def field(code: str) -> str:
        if code not in fields:
            params.append(code)
            fields[code] = f"${len(params)}::text"
        return fields[code]

    read = {}
    for aggregation in aggregations:
        function, code = aggregation.aggregation, field(aggregation.target_field)
        if function not in _FUNCTIONS:
            raise ValueError(f"unknown aggregation function {function!r}")
        carried = column(f"count(*) FILTER (WHERE data ? {code})")
        value = f"(data->>{code})::numeric" if function in NUMERIC_FUNCTIONS else f"data->>{code}"
        index = carried if function == "COUNT" else column(_MANY[function].format(v=value, field=code))
        read[aggregation.id] = _reader(function, carried, index)
    return columns, read


def _reader(function: str, carried: int, index: int):
    def read(row: Any) -> tuple[bool, Decimal | None]:
        count = row[carried]
        if not count:
            return False, None
        if function == "MEAN":
            return True, mean(row[index], count)
        value = row[index]
        return True, Decimal(value) if isinstance(value, int) else value

    return read


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
