"""Meter, Aggregation and CompoundAggregation as clients read them, with their enums."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.graphql.context import Info
from app.graphql.loaders import children_by, load_then, one_by_id
from app.graphql.pagination import Connection, connection_of_list
from app.graphql.prefetch import lookahead
from app.graphql.prefetch.nodes import RowNode, enum_column, enum_member, from_row, id_from_row, row_type
from app.models import catalog as m

AGGREGATIONS_BY_METER = children_by(m.Aggregation, "meter_id", ("code", "id"))
METER_BY_ID = one_by_id(m.Meter)
PRICINGS_BY_AGGREGATION = children_by(m.Pricing, "aggregation_id", ("start_date", "id"))
PRICINGS_BY_COMPOUND = children_by(m.Pricing, "compound_aggregation_id", ("start_date", "id"))
PLANS = "app.graphql.catalog.plans"

lookahead.children(m.Meter, "aggregations", AGGREGATIONS_BY_METER, m.Aggregation)
lookahead.children(m.Aggregation, "pricings", PRICINGS_BY_AGGREGATION, m.Pricing)
lookahead.children(m.CompoundAggregation, "pricings", PRICINGS_BY_COMPOUND, m.Pricing)
lookahead.parent(m.Aggregation, ["meter"], METER_BY_ID, m.Meter, "meter_id")


@strawberry.enum(description="Where a measurement carries a field's value, and what the value is.")
class DataFieldCategory(Enum):
    WHO = "WHO"
    WHAT = "WHAT"
    WHERE = "WHERE"
    OTHER = "OTHER"
    METADATA = "METADATA"
    MEASURE = "MEASURE"
    INCOME = "INCOME"
    COST = "COST"


@strawberry.enum(description="How an aggregation turns a field's values in a period into one quantity.")
class AggregationFunction(Enum):
    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"
    LATEST = "LATEST"
    MEAN = "MEAN"
    UNIQUE = "UNIQUE"


@strawberry.enum(description="How quantity / quantityPerUnit becomes billable units.")
class Rounding(Enum):
    UP = "UP"
    DOWN = "DOWN"
    NEAREST = "NEAREST"
    NONE = "NONE"


_category = enum_member(DataFieldCategory)


@strawberry.type(description="A field of a meter, read from each measurement.")
class DataField:
    category: DataFieldCategory = strawberry.field(
        description="Where the value is read from and what it may be used for."
    )
    code: str = strawberry.field(description="Code, unique within the meter across data and derived fields.")
    name: str = strawberry.field(description="Display name.")
    unit: str | None = strawberry.field(description="Unit label.")

    @classmethod
    def of(cls, f: dict[str, Any]) -> DataField:
        return cls(category=_category(f["category"]), code=f["code"], name=f["name"], unit=f.get("unit"))


@strawberry.type(description="A field of a meter computed from the data fields once per measurement at ingest.")
class DerivedField:
    category: DataFieldCategory = strawberry.field(description="What the value is and what it may be used for.")
    code: str = strawberry.field(description="Code, unique within the meter across data and derived fields.")
    name: str = strawberry.field(description="Display name.")
    unit: str | None = strawberry.field(description="Unit label.")
    calculation: str = strawberry.field(description="Expression over the meter's data fields and ts.")

    @classmethod
    def of(cls, f: dict[str, Any]) -> DerivedField:
        return cls(
            category=_category(f["category"]),
            code=f["code"],
            name=f["name"],
            unit=f.get("unit"),
            calculation=f["calculation"],
        )


# Fields every catalog type here shows as its row holds them.
@row_type(description="Defines the fields of the measurements one kind of usage sends.")
class Meter(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the meter.")
    version: int = from_row(description="Incremented by every update; send it back to update.")
    product_id: strawberry.ID | None = id_from_row(description="Product of the meter; null for a global meter.")
    code: str = from_row(description="Unique code; measurements name their meter by it.")
    name: str = from_row(description="Display name.")
    data_fields: list[DataField] = from_row(
        lambda row: [DataField.of(f) for f in row.data_fields], description="Fields read from each measurement (1–15)."
    )
    derived_fields: list[DerivedField] = from_row(
        lambda row: [DerivedField.of(f) for f in row.derived_fields], description="Fields computed at ingest (0–15)."
    )
    custom_fields: JSON = from_row(description="Custom name → string or number map.")
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[m.Meter]

    @strawberry.field(description="Aggregations over this meter's fields.")
    def aggregations(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Aggregation]:
        return load_then(
            info,
            AGGREGATIONS_BY_METER,
            self._row.id,
            lambda rows: connection_of_list(rows, first, after, Aggregation.of),
        )


@row_type(description="A pricing metric: one field of a meter aggregated over a period.")
class Aggregation(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the aggregation.")
    version: int = from_row(description="Incremented by every update; send it back to update.")
    product_id: strawberry.ID | None = id_from_row(description="Product (the meter's); null for a global aggregation.")
    meter_id: strawberry.ID = id_from_row(description="Meter whose field is aggregated.")
    code: str = from_row(description="Unique code; compound aggregations use it as aggregation.<code>.")
    name: str = from_row(description="Display name.")
    target_field: str = from_row(description="Code of the data or derived field aggregated.")
    aggregation: AggregationFunction = from_row(
        enum_column(AggregationFunction, "aggregation"), description="How the field's values become one quantity."
    )
    quantity_per_unit: Decimal = from_row(description="Raw quantity per billable unit (> 0).")
    rounding: Rounding = from_row(
        enum_column(Rounding, "rounding"), description="How quantity / quantityPerUnit becomes whole units."
    )
    unit: str | None = from_row(description="Unit label printed on line items.")
    segmented_fields: list[str] = from_row(
        lambda row: list(row.segmented_fields), description="Codes of the fields the aggregation is segmented by."
    )
    segments: list[JSON] = from_row(
        lambda row: list(row.segments),
        description='Segments: each a map of every segmented field → value, "*" matching anything.',
    )
    default_value: Decimal | None = from_row(
        description="Quantity used when a period has no usage; null: no line item."
    )
    custom_fields: JSON = from_row(description="Custom name → string or number map.")
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[m.Aggregation]

    @strawberry.field(description="Pricings of plans and plan templates for this aggregation.")
    def pricings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Pricing, strawberry.lazy(PLANS)]]:
        return load_then(
            info, PRICINGS_BY_AGGREGATION, self._row.id, lambda rows: connection_of_list(rows, first, after, Pricing.of)
        )

    @strawberry.field(description="The meter whose field is aggregated.")
    def meter(self, info: Info) -> Meter | None:
        return load_then(info, METER_BY_ID, self._row.meter_id, Meter.of_or_none)


@row_type(description="A pricing metric computed from other aggregations' values.")
class CompoundAggregation(RowNode):
    id: strawberry.ID = id_from_row(description="Id of the compound aggregation.")
    version: int = from_row(description="Incremented by every update; send it back to update.")
    product_id: strawberry.ID | None = id_from_row(description="Product; null for a global compound aggregation.")
    code: str = from_row(description="Unique code.")
    name: str = from_row(description="Display name.")
    calculation: str = from_row(description="Expression over aggregation.<code> references.")
    quantity_per_unit: Decimal = from_row(description="Calculated quantity per billable unit (> 0).")
    rounding: Rounding = from_row(
        enum_column(Rounding, "rounding"), description="How quantity / quantityPerUnit becomes whole units."
    )
    unit: str | None = from_row(description="Unit label printed on line items.")
    evaluate_null_aggregations: bool = from_row(
        description="Whether the calculation runs when a referenced aggregation is null."
    )
    custom_fields: JSON = from_row(description="Custom name → string or number map.")
    dt_created: datetime = from_row(description="When it was created.")
    dt_last_modified: datetime = from_row(description="When it last changed.")
    created_by: str | None = from_row(description="Principal that created it.")
    last_modified_by: str | None = from_row(description="Principal that last changed it.")
    _row: strawberry.Private[m.CompoundAggregation]

    @strawberry.field(description="Pricings of plans and plan templates for this compound aggregation.")
    def pricings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Pricing, strawberry.lazy(PLANS)]]:
        return load_then(
            info, PRICINGS_BY_COMPOUND, self._row.id, lambda rows: connection_of_list(rows, first, after, Pricing.of)
        )


# Last, as the plan types read these ones: imported once here rather than inside the
# resolvers, which run for every aggregation of a catalog read.
from app.graphql.catalog.plans.types import Pricing  # noqa: E402
