"""Commands of the catalog use cases: what a caller (a resolver, a script) asks for, typed.

Each command is a frozen dataclass with snake_case fields. A field that carries client
input keeps the input's name in its metadata (see `PricingDraft`), so the service reports
every problem at the path the client sent it under.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.billing.counters_checks import CounterDraft, CounterPricingDraft
from app.domain.catalog.meters.drafts import AggregationDraft, CompoundDraft, MeterDraft
from app.domain.catalog.pricing import PlanDraft, PlanTemplateDraft, PricingDraft
from app.domain.given import NOT_GIVEN, Fields


@dataclass(frozen=True, slots=True)
class ProductFields(Fields):
    """A product's own fields as sent; on update only those given change."""

    code: str | None = NOT_GIVEN
    name: str | None = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class CreateProduct:
    """A product with its whole catalog: meters (with aggregations), compound aggregations
    and plan templates (with pricings and plans), all or nothing."""

    product: ProductFields
    meters: Sequence[MeterDraft] = ()
    compound_aggregations: Sequence[CompoundDraft] = ()
    plan_templates: Sequence[PlanTemplateDraft] = ()
    counters: Sequence[CounterDraft] = ()  # SEMANTICS §8.1
    counter_pricings: Sequence[CounterPricingDraft] = ()

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> CreateProduct:
        """From plain data named as the input names its fields (a resolver's input, the demo's catalog)."""
        return cls(
            ProductFields.from_input(data),
            meters=[MeterDraft.from_input(m) for m in data.get("meters") or ()],
            compound_aggregations=[CompoundDraft.from_input(c) for c in data.get("compoundAggregations") or ()],
            plan_templates=[PlanTemplateDraft.from_input(t) for t in data.get("planTemplates") or ()],
            counters=[CounterDraft.from_input(c) for c in data.get("counters") or ()],
            counter_pricings=[CounterPricingDraft.from_input(p) for p in data.get("counterPricings") or ()],
        )


@dataclass(frozen=True, slots=True)
class UpdateProduct:
    product_id: uuid.UUID
    version: int
    changes: ProductFields


@dataclass(frozen=True, slots=True)
class CreateMeter:
    """A meter with its nested aggregations."""

    meter: MeterDraft


@dataclass(frozen=True, slots=True)
class UpdateMeter:
    meter_id: uuid.UUID
    version: int
    changes: MeterDraft


@dataclass(frozen=True, slots=True)
class CreateAggregation:
    aggregation: AggregationDraft


@dataclass(frozen=True, slots=True)
class UpdateAggregation:
    aggregation_id: uuid.UUID
    version: int
    changes: AggregationDraft


@dataclass(frozen=True, slots=True)
class CreateCompound:
    compound: CompoundDraft


@dataclass(frozen=True, slots=True)
class UpdateCompound:
    compound_id: uuid.UUID
    version: int
    changes: CompoundDraft


@dataclass(frozen=True, slots=True)
class CreatePlanTemplate:
    """A plan template with its nested pricings and plans (each with pricings)."""

    template: PlanTemplateDraft


@dataclass(frozen=True, slots=True)
class UpdatePlanTemplate:
    template_id: uuid.UUID
    version: int
    changes: PlanTemplateDraft


@dataclass(frozen=True, slots=True)
class CreatePlan:
    """A plan of the template the draft names, with its nested pricings."""

    plan: PlanDraft


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    plan_id: uuid.UUID
    version: int
    changes: PlanDraft


@dataclass(frozen=True, slots=True)
class CreatePricing:
    """A pricing of the plan or plan template the draft names (`planId` / `planTemplateId`)."""

    pricing: PricingDraft


@dataclass(frozen=True, slots=True)
class UpdatePricing:
    """The fields of `changes` that were sent, over the stored pricing at `version`."""

    pricing_id: uuid.UUID
    version: int
    changes: PricingDraft
