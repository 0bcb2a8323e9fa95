"""Inputs of the meter mutations, and the commands they become (`to_command`).

`CreateMeterInput`, `CreateAggregationInput` and `CreateCompoundAggregationInput` are also
nested in `CreateProductInput`: there `productId` and `meterId` are left out.
"""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import UNSET
from strawberry.scalars import JSON

from app.domain.catalog.meters.drafts import AggregationDraft, CompoundDraft, MeterDraft
from app.graphql.catalog.meters.types import AggregationFunction, DataFieldCategory, Rounding
from app.graphql.inputs import draft_of, parse_id
from app.services.catalog.commands import (
    CreateAggregation,
    CreateCompound,
    CreateMeter,
    UpdateAggregation,
    UpdateCompound,
    UpdateMeter,
)

ID_AND_VERSION = ("id", "version")


@strawberry.input(description="A field read from each measurement.")
class DataFieldInput:
    category: DataFieldCategory = strawberry.field(
        description="Where the value is read from and what it may be used for."
    )
    code: str = strawberry.field(description="Identifier, unique within the meter across data and derived fields.")
    name: str = strawberry.field(description="Display name.")
    unit: str | None = strawberry.field(default=UNSET, description="Unit label.")


@strawberry.input(description="A field computed from the data fields and ts at ingest.")
class DerivedFieldInput:
    category: DataFieldCategory = strawberry.field(
        description="What the value is; a MEASURE/INCOME/COST calculation must yield a number."
    )
    code: str = strawberry.field(description="Identifier, unique within the meter across data and derived fields.")
    name: str = strawberry.field(description="Display name.")
    unit: str | None = strawberry.field(default=UNSET, description="Unit label.")
    calculation: str = strawberry.field(
        description="Expression over the meter's data field codes and ts (SEMANTICS §3.5)."
    )


@strawberry.input(description="A new aggregation. Inside a meter (createMeter, createProduct) meterId is left out.")
class CreateAggregationInput:
    meter_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The meter (required in createAggregation)."
    )
    code: str = strawberry.field(description="Identifier, unique in the organization.")
    name: str = strawberry.field(description="Display name.")
    target_field: str = strawberry.field(description="Code of the meter's data or derived field to aggregate.")
    aggregation: AggregationFunction = strawberry.field(description="Must suit the target field's category.")
    quantity_per_unit: Decimal | None = strawberry.field(
        default=UNSET, description="Raw quantity per billable unit, > 0; default 1."
    )
    rounding: Rounding | None = strawberry.field(default=UNSET, description="Default NONE.")
    unit: str | None = strawberry.field(default=UNSET, description="Unit label printed on line items.")
    segmented_fields: list[str] | None = strawberry.field(
        default=UNSET, description="Up to 5 codes of WHO/WHAT/WHERE/OTHER fields."
    )
    segments: list[JSON] | None = strawberry.field(
        default=UNSET, description='Up to 1000 maps of segmented field → value; a field left out is "*".'
    )
    default_value: Decimal | None = strawberry.field(
        default=UNSET, description="Quantity (≥ 0) used when a period has no usage."
    )
    custom_fields: JSON | None = strawberry.field(default=UNSET, description="Custom name → string or number map.")

    def to_command(self) -> CreateAggregation:
        return CreateAggregation(draft_of(AggregationDraft, self))


@strawberry.input(description="A new meter, optionally with its aggregations (all or nothing).")
class CreateMeterInput:
    product_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Product of the meter; left out: a global meter."
    )
    code: str = strawberry.field(description="Unique code in the organization.")
    name: str = strawberry.field(description="Display name.")
    data_fields: list[DataFieldInput] = strawberry.field(description="1–15 fields read from each measurement.")
    derived_fields: list[DerivedFieldInput] | None = strawberry.field(
        default=UNSET, description="0–15 fields computed at ingest."
    )
    custom_fields: JSON | None = strawberry.field(default=UNSET, description="Custom name → string or number map.")
    aggregations: list[CreateAggregationInput] | None = strawberry.field(
        default=UNSET, description="Aggregations over this meter, created with it."
    )

    def to_command(self) -> CreateMeter:
        return CreateMeter(draft_of(MeterDraft, self))


@strawberry.input(description="Meter fields to change; left out: unchanged. Field lists are replaced whole.")
class UpdateMeterInput:
    id: strawberry.ID = strawberry.field(description="The meter.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = strawberry.field(default=UNSET, description="New code.")
    name: str | None = strawberry.field(default=UNSET, description="New display name.")
    data_fields: list[DataFieldInput] | None = strawberry.field(
        default=UNSET, description="All data fields, replacing the current ones."
    )
    derived_fields: list[DerivedFieldInput] | None = strawberry.field(
        default=UNSET, description="All derived fields, replacing the current ones."
    )
    custom_fields: JSON | None = strawberry.field(default=UNSET, description="New custom fields (replaces the map).")

    def to_command(self) -> UpdateMeter:
        return UpdateMeter(parse_id(self.id), self.version, draft_of(MeterDraft, self, ID_AND_VERSION))


@strawberry.input(description="Aggregation fields to change; left out: unchanged, null: the default.")
class UpdateAggregationInput:
    id: strawberry.ID = strawberry.field(description="The aggregation.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = strawberry.field(
        default=UNSET, description="New code (refused while compound aggregations use the old one)."
    )
    name: str | None = strawberry.field(default=UNSET, description="New display name.")
    target_field: str | None = strawberry.field(default=UNSET, description="Code of the meter's field to aggregate.")
    aggregation: AggregationFunction | None = strawberry.field(
        default=UNSET, description="Must suit the target field's category."
    )
    quantity_per_unit: Decimal | None = strawberry.field(
        default=UNSET, description="Raw quantity per billable unit, > 0."
    )
    rounding: Rounding | None = strawberry.field(
        default=UNSET, description="How quantity / quantityPerUnit becomes units."
    )
    unit: str | None = strawberry.field(default=UNSET, description="Unit label printed on line items.")
    segmented_fields: list[str] | None = strawberry.field(
        default=UNSET, description="Up to 5 codes of WHO/WHAT/WHERE/OTHER fields."
    )
    segments: list[JSON] | None = strawberry.field(
        default=UNSET, description="All segments, replacing the current ones."
    )
    default_value: Decimal | None = strawberry.field(
        default=UNSET, description="Quantity (≥ 0) used when a period has no usage."
    )
    custom_fields: JSON | None = strawberry.field(default=UNSET, description="New custom fields (replaces the map).")

    def to_command(self) -> UpdateAggregation:
        return UpdateAggregation(parse_id(self.id), self.version, draft_of(AggregationDraft, self, ID_AND_VERSION))


@strawberry.input(description="A new compound aggregation.")
class CreateCompoundAggregationInput:
    product_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Product; left out: global (may then use only global aggregations)."
    )
    code: str = strawberry.field(description="Identifier, unique in the organization.")
    name: str = strawberry.field(description="Display name.")
    calculation: str = strawberry.field(description="Expression over aggregation.<code> references.")
    quantity_per_unit: Decimal | None = strawberry.field(
        default=UNSET, description="Calculated quantity per billable unit, > 0; default 1."
    )
    rounding: Rounding | None = strawberry.field(default=UNSET, description="Default NONE.")
    unit: str | None = strawberry.field(default=UNSET, description="Unit label printed on line items.")
    evaluate_null_aggregations: bool | None = strawberry.field(
        default=UNSET, description="Run the calculation even when a referenced aggregation is null; default false."
    )
    custom_fields: JSON | None = strawberry.field(default=UNSET, description="Custom name → string or number map.")

    def to_command(self) -> CreateCompound:
        return CreateCompound(draft_of(CompoundDraft, self))


@strawberry.input(description="Compound aggregation fields to change; left out: unchanged, null: the default.")
class UpdateCompoundAggregationInput:
    id: strawberry.ID = strawberry.field(description="The compound aggregation.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = strawberry.field(default=UNSET, description="New code.")
    name: str | None = strawberry.field(default=UNSET, description="New display name.")
    calculation: str | None = strawberry.field(
        default=UNSET, description="Expression over aggregation.<code> references."
    )
    quantity_per_unit: Decimal | None = strawberry.field(
        default=UNSET, description="Calculated quantity per billable unit, > 0."
    )
    rounding: Rounding | None = strawberry.field(
        default=UNSET, description="How quantity / quantityPerUnit becomes units."
    )
    unit: str | None = strawberry.field(default=UNSET, description="Unit label printed on line items.")
    evaluate_null_aggregations: bool | None = strawberry.field(
        default=UNSET, description="Run the calculation even when a referenced aggregation is null."
    )
    custom_fields: JSON | None = strawberry.field(default=UNSET, description="New custom fields (replaces the map).")

    def to_command(self) -> UpdateCompound:
        return UpdateCompound(parse_id(self.id), self.version, draft_of(CompoundDraft, self, ID_AND_VERSION))
