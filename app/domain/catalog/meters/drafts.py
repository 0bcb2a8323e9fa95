"""Meter, aggregation and compound aggregation inputs, typed: what the checks take.

Each draft has one field per input field (snake_case; the input's name, the path a
problem is reported at, is its camelCase). A field left out is `NOT_GIVEN`, which reads
as None; an update's draft is the stored values merged with the fields sent. Data and
derived fields stay as the documents the meter stores ({code, name, category, ...}).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.given import NOT_GIVEN, Fields, nested


@dataclass(frozen=True, slots=True)
class AggregationDraft(Fields):
    meter_id: Any = NOT_GIVEN
    product_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    target_field: Any = NOT_GIVEN
    aggregation: Any = NOT_GIVEN
    quantity_per_unit: Any = NOT_GIVEN
    rounding: Any = NOT_GIVEN
    unit: Any = NOT_GIVEN
    segmented_fields: Any = NOT_GIVEN
    segments: Any = NOT_GIVEN
    default_value: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class MeterDraft(Fields):
    product_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    data_fields: Any = NOT_GIVEN
    derived_fields: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN
    aggregations: Any = nested(lambda: AggregationDraft)


@dataclass(frozen=True, slots=True)
class CompoundDraft(Fields):
    product_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    calculation: Any = NOT_GIVEN
    quantity_per_unit: Any = NOT_GIVEN
    rounding: Any = NOT_GIVEN
    unit: Any = NOT_GIVEN
    evaluate_null_aggregations: Any = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN
