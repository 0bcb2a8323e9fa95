"""Meters, aggregations and compound aggregations (SEMANTICS §3.2–3.4): types, root
queries, mutations, and the inputs `createProduct` nests."""

from app.graphql.catalog.meters.inputs import (
    CreateAggregationInput,
    CreateCompoundAggregationInput,
    CreateMeterInput,
    DataFieldInput,
    DerivedFieldInput,
    UpdateAggregationInput,
    UpdateCompoundAggregationInput,
    UpdateMeterInput,
)
from app.graphql.catalog.meters.mutations import (
    AggregationPayload,
    CompoundAggregationPayload,
    MeterMutation,
    MeterPayload,
)
from app.graphql.catalog.meters.queries import MeterQuery
from app.graphql.catalog.meters.types import (
    Aggregation,
    AggregationFunction,
    CompoundAggregation,
    DataField,
    DataFieldCategory,
    DerivedField,
    Meter,
    Rounding,
)

__all__ = [
    "Aggregation",
    "AggregationFunction",
    "AggregationPayload",
    "CompoundAggregation",
    "CompoundAggregationPayload",
    "CreateAggregationInput",
    "CreateCompoundAggregationInput",
    "CreateMeterInput",
    "DataField",
    "DataFieldCategory",
    "DataFieldInput",
    "DerivedField",
    "DerivedFieldInput",
    "Meter",
    "MeterMutation",
    "MeterPayload",
    "MeterQuery",
    "Rounding",
    "UpdateAggregationInput",
    "UpdateCompoundAggregationInput",
    "UpdateMeterInput",
]
