"""Input types of plan templates, plans and pricings, list filters, and the conversion of
inputs into the plain camelCase data the services take.

`CreatePlanTemplateInput` (with nested `pricings` and `plans`), `CreatePlanInput` (with
nested `pricings`) and `CreatePricingInput` are reusable inside other inputs (a product's
`planTemplates`): owner and product ids are optional in the types because a nested input
takes them from its parent; the services require them where they are not implied.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import UNSET
from strawberry.scalars import JSON

from app.graphql.catalog.filters import CatalogFilter
from app.graphql.catalog.plans.types import BillFrequency, PricingType
from app.graphql.inputs import plain_data


input_data = plain_data


def template_input_data(input: CreatePlanTemplateInput) -> dict[str, Any]:
    """The service's data for `createPlanTemplate`, nested plans and pricings included."""
    return input_data(input)


def plan_input_data(input: CreatePlanInput) -> dict[str, Any]:
    return input_data(input)


def pricing_input_data(input: CreatePricingInput) -> dict[str, Any]:
    return input_data(input)


def _opt(description: str) -> Any:
    return strawberry.field(default=UNSET, description=description)


@strawberry.input(description="A pricing band.")
class PricingBandInput:
    lower_limit: Decimal = strawberry.field(description="Units from which the band applies; the first band's is 0, then strictly increasing.")
    unit_price: Decimal = strawberry.field(description="Price of each unit in the band.")
    fixed_price: Decimal | None = _opt("Price charged once the band is entered; default 0.")


@strawberry.input(description="A new pricing. Give planId or planTemplateId (not inside a plan or template input, which implies it) and one of aggregationId, aggregationCode, compoundAggregationId, compoundAggregationCode.")
class CreatePricingInput:
    start_date: datetime = strawberry.field(description="First instant the pricing applies (inclusive).")
    pricing_bands: list[PricingBandInput] = strawberry.field(description="At least one band, ascending lowerLimit, the first at 0.")
    plan_id: strawberry.ID | None = _opt("The plan priced.")
    plan_template_id: strawberry.ID | None = _opt("The plan template priced.")
    aggregation_id: strawberry.ID | None = _opt("The aggregation priced, by id.")
    aggregation_code: str | None = _opt("The aggregation priced, by code.")
    compound_aggregation_id: strawberry.ID | None = _opt("The compound aggregation priced, by id.")
    compound_aggregation_code: str | None = _opt("The compound aggregation priced, by code.")
    code: str | None = _opt("Optional code, unique among pricings.")
    description: str | None = _opt("Line item text.")
    end_date: datetime | None = _opt("Instant the pricing stops applying (exclusive); none: open-ended.")
    overage_pricing_bands: list[PricingBandInput] | None = _opt("Bands beyond a commitment; only with cumulative true and tiersSpanPlan false.")
    cumulative: bool | None = _opt("Tiered (true, default) or volume (false) pricing.")
    tiers_span_plan: bool | None = _opt("Band positions count earlier periods' units; default false.")
    type: PricingType | None = _opt("Default DEBIT.")
    segment: JSON | None = _opt("One of the aggregation's segments; required for a segmented aggregation.")
    minimum_spend: Decimal | None = _opt("Minimum spend per bill period (≥ 0); default 0.")
    minimum_spend_description: str | None = _opt("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = _opt("Minimum spend timing; none: the organization's default.")


@strawberry.input(description="A new plan. Overrides left out read through to the template.")
class CreatePlanInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name.")
    plan_template_id: strawberry.ID | None = _opt("The template (required unless nested in a template input).")
    account_id: strawberry.ID | None = _opt("Makes the plan bespoke to this account (only checked to be an id until accounts exist).")
    standing_charge: Decimal | None = _opt("Overrides the template's standing charge (≥ 0).")
    standing_charge_description: str | None = _opt("Overrides the template's standing-charge description.")
    standing_charge_bill_in_advance: bool | None = _opt("Overrides the template's standing-charge timing.")
    minimum_spend: Decimal | None = _opt("Overrides the template's minimum spend (≥ 0).")
    minimum_spend_description: str | None = _opt("Overrides the template's minimum-spend description.")
    minimum_spend_bill_in_advance: bool | None = _opt("Overrides the template's minimum-spend timing.")
    custom_fields: JSON | None = _opt("Custom name → string or number map.")
    pricings: list[CreatePricingInput] | None = _opt("Pricings of the new plan (no planId / planTemplateId).")


@strawberry.input(description="A new plan template, optionally with its pricings and plans, all or nothing.")
class CreatePlanTemplateInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name.")
    currency: str = strawberry.field(description="Pricing currency code (an organization currency).")
    bill_frequency: BillFrequency = strawberry.field(description="DAILY, WEEKLY, MONTHLY or ANNUALLY.")
    product_id: strawberry.ID | None = _opt("The product (required unless nested in a product input).")
    bill_frequency_interval: int | None = _opt("1–365, default 1.")
    standing_charge: Decimal | None = _opt("≥ 0, default 0.")
    standing_charge_description: str | None = _opt("Line item text of the standing charge.")
    standing_charge_interval: int | None = _opt("1–365, default 1.")
    standing_charge_offset: int | None = _opt("0–364, default 0.")
    standing_charge_bill_in_advance: bool | None = _opt("Standing-charge timing; none: the organization's default.")
    minimum_spend: Decimal | None = _opt("≥ 0, default 0.")
    minimum_spend_description: str | None = _opt("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = _opt("Minimum-spend timing; none: the organization's default.")
    custom_fields: JSON | None = _opt("Custom name → string or number map.")
    pricings: list[CreatePricingInput] | None = _opt("Pricings of the template (no planId / planTemplateId).")
    plans: list[CreatePlanInput] | None = _opt("Plans of the template, each with its pricings (no planTemplateId).")


@strawberry.input(description="Plan template fields to change; the product cannot change.")
class UpdatePlanTemplateInput:
    id: strawberry.ID = strawberry.field(description="The plan template.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = _opt("Unique code.")
    name: str | None = _opt("Display name.")
    currency: str | None = _opt("Pricing currency code; plans follow.")
    bill_frequency: BillFrequency | None = _opt("Bill frequency; plans follow.")
    bill_frequency_interval: int | None = _opt("1–365; null: 1.")
    standing_charge: Decimal | None = _opt("≥ 0; null: 0.")
    standing_charge_description: str | None = _opt("Line item text of the standing charge.")
    standing_charge_interval: int | None = _opt("1–365; null: 1.")
    standing_charge_offset: int | None = _opt("0–364; null: 0.")
    standing_charge_bill_in_advance: bool | None = _opt("null: the organization's default.")
    minimum_spend: Decimal | None = _opt("≥ 0; null: 0.")
    minimum_spend_description: str | None = _opt("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = _opt("null: the organization's default.")
    custom_fields: JSON | None = _opt("Custom name → string or number map.")


@strawberry.input(description="Plan fields to change; an override set to null reads through to the template again. The template cannot change.")
class UpdatePlanInput:
    id: strawberry.ID = strawberry.field(description="The plan.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = _opt("Unique code.")
    name: str | None = _opt("Display name.")
    account_id: strawberry.ID | None = _opt("Bespoke account; null: any account.")
    standing_charge: Decimal | None = _opt("Override (≥ 0); null: the template's.")
    standing_charge_description: str | None = _opt("Override; null: the template's.")
    standing_charge_bill_in_advance: bool | None = _opt("Override; null: the template's.")
    minimum_spend: Decimal | None = _opt("Override (≥ 0); null: the template's.")
    minimum_spend_description: str | None = _opt("Override; null: the template's.")
    minimum_spend_bill_in_advance: bool | None = _opt("Override; null: the template's.")
    custom_fields: JSON | None = _opt("Custom name → string or number map.")


@strawberry.input(description="Pricing fields to change; the plan or template cannot change. Naming a target replaces the current one.")
class UpdatePricingInput:
    id: strawberry.ID = strawberry.field(description="The pricing.")
    version: int = strawberry.field(description="The version you read.")
    aggregation_id: strawberry.ID | None = _opt("New target aggregation, by id.")
    aggregation_code: str | None = _opt("New target aggregation, by code.")
    compound_aggregation_id: strawberry.ID | None = _opt("New target compound aggregation, by id.")
    compound_aggregation_code: str | None = _opt("New target compound aggregation, by code.")
    code: str | None = _opt("Unique code; null: none.")
    description: str | None = _opt("Line item text.")
    start_date: datetime | None = _opt("First instant (inclusive).")
    end_date: datetime | None = _opt("Last instant (exclusive); null: open-ended.")
    pricing_bands: list[PricingBandInput] | None = _opt("At least one band.")
    overage_pricing_bands: list[PricingBandInput] | None = _opt("Bands beyond a commitment.")
    cumulative: bool | None = _opt("Tiered (true) or volume (false).")
    tiers_span_plan: bool | None = _opt("Band positions count earlier periods' units.")
    type: PricingType | None = _opt("DEBIT, PRODUCT_CREDIT or GLOBAL_CREDIT.")
    segment: JSON | None = _opt("One of the aggregation's segments.")
    minimum_spend: Decimal | None = _opt("≥ 0.")
    minimum_spend_description: str | None = _opt("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = _opt("null: the organization's default.")


@strawberry.input(description="Narrows the plan list; every given criterion must hold.")
class PlanFilter(CatalogFilter):
    plan_template_id: strawberry.ID | None = strawberry.field(default=None, description="Only plans of this template.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only plans bespoke to this account.")


@strawberry.input(description="Narrows the pricing list; every given criterion must hold.")
class PricingFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Only pricings of this plan.")
    plan_template_id: strawberry.ID | None = strawberry.field(default=None, description="Only pricings of this plan template.")
    aggregation_id: strawberry.ID | None = strawberry.field(default=None, description="Only pricings of this aggregation.")
    compound_aggregation_id: strawberry.ID | None = strawberry.field(default=None, description="Only pricings of this compound aggregation.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="Only pricings of plans or templates of this product.")
