"""Aggregations: pricing metrics over one field of a meter (SEMANTICS §3.3).

Concepts
- The function must suit the target field's category: string fields can only be counted
  (COUNT, UNIQUE), number fields also summed, bounded, averaged or sampled (LATEST).
- Segments split one aggregation by the values of up to 5 segmentable fields (WHO, WHAT,
  WHERE, OTHER). A segment is a map field code → value, `*` matching anything.

Invariants
- Segments are stored normalized: one entry per segmented field, in the order of
  `segmentedFields`, a key the client left out stored as `*`. So `{"region": "eu"}` and
  `{"region": "eu", "tier": "*"}` are the same segment (a duplicate), and a Pricing's
  segment is compared after `normalize_segment`.
- quantityPerUnit > 0; defaultValue, when given, ≥ 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from app.domain.calc import ValueType
from app.domain.catalog.meters.drafts import AggregationDraft
from app.domain.catalog.meters.meter import CATEGORY_TYPES, SEGMENTABLE
from app.domain.catalog.meters.shape import (
    choice,
    custom_fields,
    exact_decimal,
    item_list,
    optional_label,
    required_text,
)
from app.domain.catalog.refs import AggregationRef, FieldRef, MeterRef
from app.domain.given import Given, as_fields
from app.domain.naming import identifier_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector
from app.domain.units import UnitRounding

FUNCTIONS = ("SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN", "UNIQUE")
FUNCTIONS_BY_TYPE = {
    ValueType.STRING: ("COUNT", "UNIQUE"),
    ValueType.NUMBER: ("SUM", "MIN", "MAX", "COUNT", "LATEST", "MEAN"),
}
ROUNDINGS = tuple(r.value for r in UnitRounding)
WILDCARD = "*"
MAX_SEGMENTED_FIELDS = 5
MAX_SEGMENTS = 1000
MAX_SEGMENT_VALUE = 256  # the longest string a measurement field may carry (METADATA)


def functions_for(category: str) -> tuple[str, ...]:
    """Aggregation functions allowed over a field of `category` (none for an unknown one)."""
    value_type = CATEGORY_TYPES.get(category)
    return FUNCTIONS_BY_TYPE.get(value_type, ()) if value_type else ()


def check_aggregation(
    data: AggregationDraft | Mapping[str, Any],
    at: ProblemCollector,
    *,
    meter: MeterRef,
    aggregation_id: uuid.UUID | None = None,
) -> tuple[dict[str, Any], AggregationRef]:
    """An aggregation input over `meter` → (model values with `id`, the aggregation as
    pricings and compound aggregations see it). The product follows the meter."""
    data = as_fields(AggregationDraft, data)
    values: dict[str, Any] = {
        "id": aggregation_id or uuid.uuid4(),
        "product_id": meter.product_id,
        "meter_id": meter.id,
        "code": required_text(data, "code", at, identifier_code_problem),
        "name": required_text(data, "name", at, name_problem),
        "target_field": _target_field(data, at, meter),
        "aggregation": choice(data, "aggregation", at, FUNCTIONS),
    }
    _check_function(values["target_field"], values["aggregation"], meter, at)
    values["quantity_per_unit"] = exact_decimal(data, "quantityPerUnit", at, default=Decimal(1), positive=True)
    values["rounding"] = choice(data, "rounding", at, ROUNDINGS, default=UnitRounding.NONE.value)
    values["unit"] = optional_label(data, "unit", at)
    segmented = _segmented_fields(data, at, meter)
    values["segmented_fields"] = segmented
    values["segments"] = _segments(data, at, segmented)
    values["default_value"] = exact_decimal(data, "defaultValue", at, default=None, positive=False)
    values["custom_fields"] = custom_fields(data, at)
    ref = AggregationRef(
        id=values["id"],
        code=values["code"],
        product_id=meter.product_id,
        segmented_fields=tuple(segmented),
        segments=tuple(values["segments"]),
    )
    return values, ref


def _target_field(data: Given, at: ProblemCollector, meter: MeterRef) -> Any:
    target = data.get("targetField")
    if target is None:
        at.add("targetField", ErrorCode.REQUIRED, "is required")
    elif not isinstance(target, str) or target not in meter.fields:
        at.add("targetField", ErrorCode.INVALID, f"meter {meter.code!r} has no field {target!r}")
    return target


def _check_function(target: Any, function: Any, meter: MeterRef, at: ProblemCollector) -> None:
    field = meter.fields.get(target) if isinstance(target, str) else None
    allowed = functions_for(field.category) if field else ()
    # Unknown fields, categories and functions are reported where they occur.
    if allowed and function in FUNCTIONS and function not in allowed:
        at.add(
            "aggregation",
            ErrorCode.INVALID,
            f"{function} cannot aggregate the {cast(FieldRef, field).category} field {target!r}; "  # allowed: a field
            f"use one of {', '.join(allowed)}",
        )


def _segmented_fields(data: Given, at: ProblemCollector, meter: MeterRef) -> list[Any]:
    codes = item_list(data, "segmentedFields", at, minimum=0, maximum=MAX_SEGMENTED_FIELDS, noun="fields")
    seen: set[str] = set()
    for index, code in enumerate(codes):
        field = meter.fields.get(code) if isinstance(code, str) else None
        if field is None:
            at.add(("segmentedFields", index), ErrorCode.INVALID, f"meter {meter.code!r} has no field {code!r}")
        elif field.category not in SEGMENTABLE:
            at.add(
                ("segmentedFields", index),
                ErrorCode.INVALID,
                f"{code!r} is a {field.category} field; only WHO, WHAT, WHERE and OTHER fields can be segmented",
            )
        elif code in seen:
            at.add(("segmentedFields", index), ErrorCode.DUPLICATE, f"{code!r} is listed twice")
        else:
            seen.add(code)
    return codes


def _segments(data: Given, at: ProblemCollector, segmented: Sequence[Any]) -> list[Any]:
    segments = item_list(data, "segments", at, minimum=0, maximum=MAX_SEGMENTS, noun="segments")
    if segments and not segmented:
        at.add("segments", ErrorCode.INVALID, "segments need segmentedFields")
        return segments
    if segmented and not data.get("segments"):
        # With segmented fields every measurement must match a segment to be billed: no
        # segment at all would silently bill nothing.
        at.add("segments", ErrorCode.REQUIRED, "at least one segment is required when segmentedFields are given")
    first_seen: dict[tuple[str, ...], int] = {}
    normalized = []
    for index, segment in enumerate(segments):
        item = _segment(segment, segmented, at.under("segments", index))
        normalized.append(item if item is not None else segment)
        if item is not None:
            key = tuple(item.values())
            if key in first_seen:
                at.add(("segments", index), ErrorCode.DUPLICATE, f"is the same segment as segments[{first_seen[key]}]")
            first_seen.setdefault(key, index)
    return normalized


def _segment(segment: Any, segmented: Sequence[Any], at: ProblemCollector) -> dict[str, str] | None:
    if not isinstance(segment, Mapping):
        at.add((), ErrorCode.INVALID, "must be an object of field code → value")
        return None
    fine = True
    for key, value in segment.items():
        if key not in segmented:
            at.add(str(key), ErrorCode.INVALID, f"{key!r} is not one of the segmentedFields")
            fine = False
        elif not isinstance(value, str) or not 1 <= len(value) <= MAX_SEGMENT_VALUE:
            at.add(
                str(key),
                ErrorCode.INVALID,
                f"must be a string of 1–{MAX_SEGMENT_VALUE} characters ({WILDCARD!r} matches anything)",
            )
            fine = False
    return normalize_segment(segment, segmented) if fine else None


def normalize_segment(segment: Mapping[str, Any], segmented_fields: Sequence[str]) -> dict[str, str] | None:
    """The stored form of `segment`: one entry per segmented field, in order, `*` for a
    field left out. None when it names a field that is not segmented."""
    if any(key not in segmented_fields for key in segment):
        return None
    return {code: segment.get(code, WILDCARD) for code in segmented_fields}
