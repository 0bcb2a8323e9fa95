"""GraphQL surface of plan templates, plans and pricings (SEMANTICS §4, CONTRACT §3–4)."""

from app.graphql.catalog.plans.inputs import (
    CreatePlanInput,
    CreatePlanTemplateInput,
    CreatePricingInput,
    PlanFilter,
    PricingBandInput,
    PricingFilter,
    UpdatePlanInput,
    UpdatePlanTemplateInput,
    UpdatePricingInput,
)
from app.graphql.catalog.plans.mutations import PlanMutation, PlanPayload, PlanTemplatePayload, PricingPayload
from app.graphql.catalog.plans.queries import PlanQuery
from app.graphql.catalog.plans.types import BillFrequency, Plan, PlanTemplate, Pricing, PricingBand, PricingType

__all__ = [
    "BillFrequency",
    "CreatePlanInput",
    "CreatePlanTemplateInput",
    "CreatePricingInput",
    "Plan",
    "PlanFilter",
    "PlanMutation",
    "PlanPayload",
    "PlanQuery",
    "PlanTemplate",
    "PlanTemplatePayload",
    "Pricing",
    "PricingBand",
    "PricingBandInput",
    "PricingFilter",
    "PricingPayload",
    "PricingType",
    "UpdatePlanInput",
    "UpdatePlanTemplateInput",
    "UpdatePricingInput",
]
