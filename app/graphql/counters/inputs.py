"""Inputs of the counter mutations (SEMANTICS §8.1) and the list filters."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import strawberry

from app.domain.billing.counters_checks import CounterAdjustmentDraft, CounterDraft, CounterPricingDraft
from app.graphql.catalog.plans.inputs import PricingBandInput
from app.graphql.inputs import command_fields, optional, parse_id
from app.services.counters.commands import (
    CreateCounter,
    CreateCounterAdjustment,
    CreateCounterPricing,
    UpdateCounter,
    UpdateCounterAdjustment,
    UpdateCounterPricing,
)


@strawberry.input(description="A new counter.")
class CreateCounterInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name (1–200 characters).")
    unit: str = strawberry.field(description="Unit printed on its bill lines (1–80 characters), e.g. seats.")
    product_id: strawberry.ID | None = optional("The product; none: a global counter.")

    def to_command(self) -> CreateCounter:
        return CreateCounter(CounterDraft(**command_fields(CounterDraft, self)))


@strawberry.input(description="Changes to a counter; its product never changes.")
class UpdateCounterInput:
    id: strawberry.ID = strawberry.field(description="The counter.")
    version: int = strawberry.field(description="The version you read.")
    code: str | None = optional("Unique code.")
    name: str | None = optional("Display name.")
    unit: str | None = optional("Unit printed on its bill lines.")

    def to_command(self) -> UpdateCounter:
        return UpdateCounter(parse_id(self.id), self.version, CounterDraft(**command_fields(CounterDraft, self)))


@strawberry.input(description="A new counter pricing of a plan or a plan template (give exactly one).")
class CreateCounterPricingInput:
    counter_id: strawberry.ID = strawberry.field(description="The counter: of the plan's product, or global.")
    start_date: datetime = strawberry.field(description="First instant it applies (inclusive).")
    pricing_bands: list[PricingBandInput] = strawberry.field(description="At least one band, the first at 0.")
    plan_id: strawberry.ID | None = optional("The plan priced.")
    plan_template_id: strawberry.ID | None = optional("The plan template priced.")
    end_date: datetime | None = optional("Instant it stops applying (exclusive); none: open-ended.")
    cumulative: bool | None = optional("Tiered (true, default) or volume (false) pricing.")
    running_total_bill_in_advance: bool | None = optional("Running totals in advance (default true).")
    pro_rate_running_total: bool | None = optional("Prorate running totals by days (default true).")
    pro_rate_adjustment_debit: bool | None = optional("Prorate debit adjustments by days (default true).")
    pro_rate_adjustment_credit: bool | None = optional("Prorate credit adjustments by days (default true).")
    code: str | None = optional("Optional code, unique among counter pricings.")
    description: str | None = optional("Text of its bill lines.")

    def to_command(self) -> CreateCounterPricing:
        return CreateCounterPricing(CounterPricingDraft(**command_fields(CounterPricingDraft, self)))


@strawberry.input(description="Changes to a counter pricing; its owner and counter never change.")
class UpdateCounterPricingInput:
    id: strawberry.ID = strawberry.field(description="The counter pricing.")
    version: int = strawberry.field(description="The version you read.")
    start_date: datetime | None = optional("First instant (inclusive).")
    end_date: datetime | None = optional("Last instant (exclusive); null: open-ended.")
    pricing_bands: list[PricingBandInput] | None = optional("At least one band.")
    cumulative: bool | None = optional("Tiered (true) or volume (false).")
    running_total_bill_in_advance: bool | None = optional("Running totals in advance.")
    pro_rate_running_total: bool | None = optional("Prorate running totals.")
    pro_rate_adjustment_debit: bool | None = optional("Prorate debit adjustments.")
    pro_rate_adjustment_credit: bool | None = optional("Prorate credit adjustments.")
    code: str | None = optional("Unique code; null: none.")
    description: str | None = optional("Text of its bill lines.")

    def to_command(self) -> UpdateCounterPricing:
        draft = CounterPricingDraft(**command_fields(CounterPricingDraft, self))
        return UpdateCounterPricing(parse_id(self.id), self.version, draft)


@strawberry.input(description="The absolute count of a counter for an account from a date on.")
class CreateCounterAdjustmentInput:
    counter_id: strawberry.ID = strawberry.field(description="The counter.")
    account_id: strawberry.ID = strawberry.field(description="The account.")
    date: dt.date = strawberry.field(description="Effective from this date's local midnight.")
    value: int = strawberry.field(description="The new absolute count (≥ 0), not a delta.")
    purchase_order_number: str | None = optional("Purchase order number (≤ 100 characters).")

    def to_command(self) -> CreateCounterAdjustment:
        return CreateCounterAdjustment(CounterAdjustmentDraft(**command_fields(CounterAdjustmentDraft, self)))


@strawberry.input(description="Changes to an adjustment; its counter and account never change.")
class UpdateCounterAdjustmentInput:
    id: strawberry.ID = strawberry.field(description="The adjustment.")
    version: int = strawberry.field(description="The version you read.")
    date: dt.date | None = optional("New effective date.")
    value: int | None = optional("New absolute count (≥ 0).")
    purchase_order_number: str | None = optional("Purchase order number; null: none.")

    def to_command(self) -> UpdateCounterAdjustment:
        draft = CounterAdjustmentDraft(**command_fields(CounterAdjustmentDraft, self))
        return UpdateCounterAdjustment(parse_id(self.id), self.version, draft)


@strawberry.input(description="Narrows the counter list; every given criterion must hold.")
class CounterFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="Only this product's counters.")


@strawberry.input(description="Narrows the counter pricing list; every given criterion must hold.")
class CounterPricingFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    counter_id: strawberry.ID | None = strawberry.field(default=None, description="Only this counter's pricings.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="Only this plan's pricings.")
    plan_template_id: strawberry.ID | None = strawberry.field(default=None, description="Only this template's.")


@strawberry.input(description="Narrows the adjustment list; every given criterion must hold.")
class CounterAdjustmentFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    counter_id: strawberry.ID | None = strawberry.field(default=None, description="Only this counter's adjustments.")
    account_id: strawberry.ID | None = strawberry.field(default=None, description="Only this account's adjustments.")
    date_from: dt.date | None = strawberry.field(default=None, description="Only dates on or after this day.")
    date_to: dt.date | None = strawberry.field(default=None, description="Only dates before this day.")


@strawberry.input(description="A counter created with its product (productId left out: the product is implied).")
class NestedCounterInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Display name (1–200 characters).")
    unit: str = strawberry.field(description="Unit printed on its bill lines (1–80 characters).")


@strawberry.input(
    description="A counter pricing created with its product: its owner is a plan template or plan of the same input "
    "(planTemplateCode or planCode, exactly one), its counter one of the same input or a global one (counterCode)."
)
class NestedCounterPricingInput:
    counter_code: str = strawberry.field(description="The counter, by code: of this input, or a global one.")
    start_date: datetime = strawberry.field(description="First instant it applies (inclusive).")
    pricing_bands: list[PricingBandInput] = strawberry.field(description="At least one band, the first at 0.")
    plan_template_code: str | None = optional("The plan template of this input priced.")
    plan_code: str | None = optional("The plan of this input priced.")
    end_date: datetime | None = optional("Instant it stops applying (exclusive); none: open-ended.")
    cumulative: bool | None = optional("Tiered (true, default) or volume (false) pricing.")
    running_total_bill_in_advance: bool | None = optional("Running totals in advance (default true).")
    pro_rate_running_total: bool | None = optional("Prorate running totals by days (default true).")
    pro_rate_adjustment_debit: bool | None = optional("Prorate debit adjustments by days (default true).")
    pro_rate_adjustment_credit: bool | None = optional("Prorate credit adjustments by days (default true).")
    code: str | None = optional("Optional code, unique among counter pricings.")
    description: str | None = optional("Text of its bill lines.")
