"""Aggregation rules that do not depend on where measurements are stored (SEMANTICS §3.3–3.4).

Concepts
- Functions: SUM, MIN, MAX, COUNT, LATEST, MEAN, UNIQUE over the values of the
  measurements that carry the target field. The database computes them in one
  set-based query (`app.services.measurement_aggregates`); ``aggregate_values`` is the same definition in
  Python, the reference the SQL is tested against.
- Segments: a measurement belongs to the most specific segment it matches (fewest
  ``*``), ties going to the segment listed first; ``segment_order`` is that order of
  trial, ``match_segment`` the rule itself. A segment's key is ``segment_key``: canonical
  JSON (sorted keys, no spaces), the same text pricings use for their segment.
  Measurements matching no segment are reported under ``UNMATCHED``.
- Compound aggregations evaluate their calculation over the raw values of the
  aggregations they reference (``compound_quantity``).

Invariants
- Decimal only. MEAN is SUM / COUNT to 50 significant digits (the calculation
  language's precision); every other function is exact.
- A wildcard ``*`` matches any value, including a field the measurement does not carry
  (decision).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Context, Decimal
from typing import Any

from app.domain.calc import Expression

FUNCTIONS = ("SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN", "UNIQUE")
NUMERIC_FUNCTIONS = frozenset({"SUM", "MIN", "MAX", "LATEST", "MEAN"})
WILDCARD = "*"
UNMATCHED = "__unmatched__"
UNSEGMENTED = ""
_MEAN_CONTEXT = Context(prec=50)


def segment_key(segment: Mapping[str, Any] | None) -> str:
    """Canonical text of a segment, equal for equal maps whatever their key order."""
    if not segment:
        return UNSEGMENTED
    return json.dumps(dict(segment), sort_keys=True, separators=(",", ":"), default=str)


def normalize_segment(segment: Mapping[str, Any], segmented_fields: Sequence[str]) -> dict[str, str]:
    """One entry per segmented field, in order, ``*`` for a field left out."""
    return {code: segment.get(code, WILDCARD) for code in segmented_fields}


def specificity(segment: Mapping[str, Any]) -> int:
    return sum(1 for value in segment.values() if value == WILDCARD)


def segment_order(segments: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indices of ``segments`` in the order they are tried: fewest ``*`` first, then as listed."""
    return sorted(range(len(segments)), key=lambda i: (specificity(segments[i]), i))


def match_segment(values: Mapping[str, Any], segments: Sequence[Mapping[str, Any]]) -> int | None:
    """Index of the segment a measurement with ``values`` belongs to, None for none."""
    for index in segment_order(segments):
        if all(v == WILDCARD or values.get(code) == v for code, v in segments[index].items()):
            return index
    return None


def mean(total: Decimal, count: int) -> Decimal:
    return _MEAN_CONTEXT.divide(total, Decimal(count))


def aggregate_values(function: str, rows: Sequence[tuple[datetime, int, Any]]) -> Decimal | None:
    """``function`` over ``rows`` of (ts, ingestion order, value); None when there are none.

    The ingestion order breaks LATEST ties: the last ingested wins."""
    if not rows:
        return None
    values = [value for _, _, value in rows]
    if function == "COUNT":
        return Decimal(len(values))
    if function == "UNIQUE":
        return Decimal(len(set(values)))
    if function == "SUM":
        return sum(values, Decimal(0))
    if function == "MEAN":
        return mean(sum(values, Decimal(0)), len(values))
    # The numeric functions' values are Decimals (`NUMERIC_FUNCTIONS`).
    result: Decimal
    if function == "MIN":
        result = min(values)
    elif function == "MAX":
        result = max(values)
    elif function == "LATEST":
        result = max(rows, key=lambda row: (row[0], row[1]))[2]
    else:
        raise ValueError(f"unknown aggregation function {function!r}")
    return result


def compound_quantity(
    expression: Expression, values: Mapping[str, Decimal | None], evaluate_null_aggregations: bool
) -> Decimal | None:
    """A compound aggregation's quantity from the raw values of the aggregations it reads
    (keyed by aggregation code). Any null without ``evaluate_null_aggregations`` → null."""
    if not evaluate_null_aggregations and any(value is None for value in values.values()):
        return None
    result = expression.evaluate({f"aggregation.{code}": value for code, value in values.items()})
    return result if type(result) is Decimal else None
