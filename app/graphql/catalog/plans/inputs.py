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

import strawberry
from strawberry.scalars import JSON

from app.domain.catalog.pricing import PlanDraft, PlanTemplateDraft, PricingDraft
from app.graphql.catalog.filters import CatalogFilter
from app.graphql.catalog.plans.types import BillFrequency, PricingType
from app.graphql.inputs import command_fields, draft_of, optional, parse_id
from app.services.catalog.commands import (
    CreatePlan,
    CreatePlanTemplate,
    CreatePricing,
    UpdatePlan,
    UpdatePlanTemplate,
    UpdatePricing,
)

# Fields of an update input that name what changes, not how.
UNCHANGED = ("id", "version")


@strawberry.input(description="A pricing band.")
class PricingBandInput:
    lower_limit: Decimal = strawberry.field(
        description="Units from which the band applies; the first band's is 0, then strictly increasing."
    )
    unit_price: Decimal = strawberry.field(description="Price of each unit in the band.")
    fixed_price: Decimal | None = optional("Price charged once the band is entered; default 0.")


@strawberry.input(
    description="A new pricing. Give planId or planTemplateId (not inside a plan or template input, which implies "
    "it) and one of aggregationId, aggregationCode, compoundAggregationId, compoundAggregationCode."
)
class CreatePricingInput:
    start_date: datetime = strawberry.field(description="First instant the pricing applies (inclusive).")
    pricing_bands: list[PricingBandInput] = strawberry.field(
        description="At least one band, ascending lowerLimit, the first at 0."
    )
    plan_id: strawberry.ID | None = optional("The plan priced.")
    plan_template_id: strawberry.ID | None = optional("The plan template priced.")
    aggregation_id: strawberry.ID | None = optional("The aggregation priced, by id.")
    aggregation_code: str | None = optional("The aggregation priced, by code.")
    compound_aggregation_id: strawberry.ID | None = optional("The compound aggregation priced, by id.")
    compound_aggregation_code: str | None = optional("The compound aggregation priced, by code.")
    code: str | None = optional("Optional code, unique among pricings.")
    description: str | None = optional("Line item text.")
    end_date: datetime | None = optional("Instant the pricing stops applying (exclusive); none: open-ended.")
    overage_pricing_bands: list[PricingBandInput] | None = optional(
        "Bands beyond a commitment; only with cumulative true and tiersSpanPlan false."
    )
    cumulative: bool | None = optional("Tiered (true, default) or volume (false) pricing.")
    tiers_span_plan: bool | None = optional("Band positions count earlier periods' units; default false.")
    type: PricingType | None = optional("Default DEBIT.")
    segment: JSON | None = optional("One of the aggregation's segments; required for a segmented aggregation.")
    minimum_spend: Decimal | None = optional("Minimum spend per bill period (≥ 0); default 0.")
    minimum_spend_description: str | None = optional("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = optional("Minimum spend timing; none: the organization's default.")

    def to_command(self) -> CreatePricing:
        return CreatePricing(PricingDraft(**command_fields(PricingDraft, self)))


@strawberry.input(description="A new plan. Overrides left out read through to the template.")
class CreatePlanInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name.")
    plan_template_id: strawberry.ID | None = optional("The template (required unless nested in a template input).")
    account_id: strawberry.ID | None = optional(
        "Makes the plan bespoke to this account (only checked to be an id until accounts exist)."
    )
    standing_charge: Decimal | None = optional("Overrides the template's standing charge (≥ 0).")
    standing_charge_description: str | None = optional("Overrides the template's standing-charge description.")
    standing_charge_bill_in_advance: bool | None = optional("Overrides the template's standing-charge timing.")
    minimum_spend: Decimal | None = optional("Overrides the template's minimum spend (≥ 0).")
    minimum_spend_description: str | None = optional("Overrides the template's minimum-spend description.")
    minimum_spend_bill_in_advance: bool | None = optional("Overrides the template's minimum-spend timing.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")
    pricings: list[CreatePricingInput] | None = optional("Pricings of the new plan (no planId / planTemplateId).")

    def to_command(self) -> CreatePlan:
        return CreatePlan(draft_of(PlanDraft, self))


@strawberry.input(description="A new plan template, optionally with its pricings and plans, all or nothing.")
class CreatePlanTemplateInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name.")
    currency: str = strawberry.field(description="Pricing currency code (an organization currency).")
    bill_frequency: BillFrequency = strawberry.field(description="DAILY, WEEKLY, MONTHLY or ANNUALLY.")
    product_id: strawberry.ID | None = optional("The product (required unless nested in a product input).")
    bill_frequency_interval: int | None = optional("1–365, default 1.")
    standing_charge: Decimal | None = optional("≥ 0, default 0.")
    standing_charge_description: str | None = optional("Line item text of the standing charge.")
    standing_charge_interval: int | None = optional("1–365, default 1.")
    standing_charge_offset: int | None = optional("0–364, default 0.")
    standing_charge_bill_in_advance: bool | None = optional("Standing-charge timing; none: the organization's default.")
    minimum_spend: Decimal | None = optional("≥ 0, default 0.")
    minimum_spend_description: str | None = optional("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = optional("Minimum-spend timing; none: the organization's default.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")
    pricings: list[CreatePricingInput] | None = optional("Pricings of the template (no planId / planTemplateId).")
    plans: list[CreatePlanInput] | None = optional("Plans of the template, each with its pricings (no planTemplateId).")

    def to_command(self) -> CreatePlanTemplate:
        return CreatePlanTemplate(draft_of(PlanTemplateDraft, self))


@strawberry.input(description="Plan template fields to change; the product cannot change.")
class UpdatePlanTemplateInput:
    id: strawberry.ID = strawberry.field(description="The plan template.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Display name.")
    currency: str | None = optional("Pricing currency code; plans follow.")
    bill_frequency: BillFrequency | None = optional("Bill frequency; plans follow.")
    bill_frequency_interval: int | None = optional("1–365; null: 1.")
    standing_charge: Decimal | None = optional("≥ 0; null: 0.")
    standing_charge_description: str | None = optional("Line item text of the standing charge.")
    standing_charge_interval: int | None = optional("1–365; null: 1.")
    standing_charge_offset: int | None = optional("0–364; null: 0.")
    standing_charge_bill_in_advance: bool | None = optional("null: the organization's default.")
    minimum_spend: Decimal | None = optional("≥ 0; null: 0.")
    minimum_spend_description: str | None = optional("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = optional("null: the organization's default.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")

    def to_command(self) -> UpdatePlanTemplate:
        return UpdatePlanTemplate(parse_id(self.id), self.version, draft_of(PlanTemplateDraft, self, UNCHANGED))


@strawberry.input(
    description="Plan fields to change; an override set to null reads through to the template again. "
    "The template cannot change."
)
class UpdatePlanInput:
    id: strawberry.ID = strawberry.field(description="The plan.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Display name.")
    account_id: strawberry.ID | None = optional("Bespoke account; null: any account.")
    standing_charge: Decimal | None = optional("Override (≥ 0); null: the template's.")
    standing_charge_description: str | None = optional("Override; null: the template's.")
    standing_charge_bill_in_advance: bool | None = optional("Override; null: the template's.")
    minimum_spend: Decimal | None = optional("Override (≥ 0); null: the template's.")
    minimum_spend_description: str | None = optional("Override; null: the template's.")
    minimum_spend_bill_in_advance: bool | None = optional("Override; null: the template's.")
    custom_fields: JSON | None = optional("Custom name → string or number map.")

    def to_command(self) -> UpdatePlan:
        return UpdatePlan(parse_id(self.id), self.version, draft_of(PlanDraft, self, UNCHANGED))


@strawberry.input(
    description="Pricing fields to change; the plan or template cannot change. "
    "Naming a target replaces the current one."
)
class UpdatePricingInput:
    id: strawberry.ID = strawberry.field(description="The pricing.")
    version: int = strawberry.field(description="The version you read.")
    aggregation_id: strawberry.ID | None = optional("New target aggregation, by id.")
    aggregation_code: str | None = optional("New target aggregation, by code.")
    compound_aggregation_id: strawberry.ID | None = optional("New target compound aggregation, by id.")
    compound_aggregation_code: str | None = optional("New target compound aggregation, by code.")
    code: str | None = optional("Unique code; null: none.")
    description: str | None = optional("Line item text.")
    start_date: datetime | None = optional("First instant (inclusive).")
    end_date: datetime | None = optional("Last instant (exclusive); null: open-ended.")
    pricing_bands: list[PricingBandInput] | None = optional("At least one band.")
    overage_pricing_bands: list[PricingBandInput] | None = optional("Bands beyond a commitment.")
    cumulative: bool | None = optional("Tiered (true) or volume (false).")
    tiers_span_plan: bool | None = optional("Band positions count earlier periods' units.")
    type: PricingType | None = optional("DEBIT, PRODUCT_CREDIT or GLOBAL_CREDIT.")
    segment: JSON | None = optional("One of the aggregation's segments.")
    minimum_spend: Decimal | None = optional("≥ 0.")
    minimum_spend_description: str | None = optional("Line item text of the minimum spend.")
    minimum_spend_bill_in_advance: bool | None = optional("null: the organization's default.")

    def to_command(self) -> UpdatePricing:
        changes = PricingDraft(**command_fields(PricingDraft, self))
        return UpdatePricing(parse_id(self.id), self.version, changes)


@strawberry.input(description="Narrows the plan list; every given criterion must hold.")
class PlanFilter(CatalogFilter):
    plan_template_id: strawberry.ID | None = strawberry.field(default=None, description="Only plans of this template.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only plans bespoke to this account.")


@strawberry.input(description="Narrows the pricing list; every given criterion must hold.")
class PricingFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Only pricings of this plan.")
    plan_template_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only pricings of this plan template."
    )
    aggregation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only pricings of this aggregation."
    )
    compound_aggregation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only pricings of this compound aggregation."
    )
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only pricings of plans or templates of this product."
    )
