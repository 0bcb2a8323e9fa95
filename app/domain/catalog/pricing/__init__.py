"""Pure rules of plan templates, plans and pricings (SEMANTICS §4).

Checks take the input (a typed `draft.PricingDraft` for pricings; plain data named as
clients name the fields for templates, plans and nested trees) and the references they need,
already loaded (`app.domain.catalog.refs`). They return model column values, with a new
`id` for a create, and report every problem into the collector at its input path. An
update runs the same check over the stored values merged with the changes.

- `plans`: `check_plan_template`, `check_plan` (overrides read through to the template).
- `draft`: `PricingDraft`, a pricing input typed, each field with its input name and column.
- `pricings`: `check_pricing` (owner, target, dates, bands, overage, type, segment).
- `windows`: `overlapping` (half-open intervals) and `segment_key`.
- `tree`: nested inputs (a template with pricings and plans) checked as one.
"""

from app.domain.catalog.pricing.draft import (
    PLAN_COLUMNS,
    TEMPLATE_COLUMNS,
    PlanDraft,
    PlanTemplateDraft,
    PricingDraft,
    TargetName,
    changed_columns,
    stored,
)
from app.domain.catalog.pricing.plans import OVERRIDE_COLUMNS, check_plan, check_plan_template
from app.domain.catalog.pricing.pricings import PricingType, check_pricing
from app.domain.catalog.pricing.tree import (
    CatalogRows,
    ResolveTarget,
    add_pricing,
    check_collisions,
    check_plan_tree,
    check_template_tree,
    pricing_inputs,
)
from app.domain.catalog.pricing.windows import overlapping, segment_key
from app.domain.given import NOT_GIVEN

__all__ = [
    "OVERRIDE_COLUMNS",
    "NOT_GIVEN",
    "PLAN_COLUMNS",
    "TEMPLATE_COLUMNS",
    "CatalogRows",
    "PlanDraft",
    "PlanTemplateDraft",
    "PricingDraft",
    "PricingType",
    "ResolveTarget",
    "add_pricing",
    "changed_columns",
    "check_collisions",
    "check_plan",
    "check_plan_template",
    "check_pricing",
    "check_plan_tree",
    "check_template_tree",
    "overlapping",
    "pricing_inputs",
    "segment_key",
    "stored",
    "TargetName",
]
