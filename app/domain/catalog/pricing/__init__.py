"""Pure rules of plan templates, plans and pricings (SEMANTICS §4).

Checks take plain data (camelCase keys, as clients send them) and the references they need,
already loaded (`app.domain.catalog.refs`). They return model column values, with a new
`id` for a create, and report every problem into the collector at its input path. An
update runs the same check over the stored values merged with the changes.

- `plans`: `check_plan_template`, `check_plan` (overrides read through to the template).
- `pricings`: `check_pricing` (owner, target, dates, bands, overage, type, segment).
- `windows`: `overlapping` (half-open intervals) and `segment_key`.
- `tree`: nested inputs (a template with pricings and plans) checked as one.
"""

from app.domain.catalog.pricing.plans import (
    OVERRIDE_COLUMNS,
    PLAN_COLUMNS,
    TEMPLATE_COLUMNS,
    check_plan,
    check_plan_template,
)
from app.domain.catalog.pricing.pricings import (
    OWNER_KEYS,
    PRICING_COLUMNS,
    TARGET_KEYS,
    PricingType,
    check_pricing,
    target_reference,
)
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

__all__ = [
    "OVERRIDE_COLUMNS",
    "OWNER_KEYS",
    "PLAN_COLUMNS",
    "PRICING_COLUMNS",
    "TARGET_KEYS",
    "TEMPLATE_COLUMNS",
    "CatalogRows",
    "PricingType",
    "ResolveTarget",
    "add_pricing",
    "check_collisions",
    "check_plan",
    "check_plan_template",
    "check_pricing",
    "check_plan_tree",
    "check_template_tree",
    "overlapping",
    "pricing_inputs",
    "segment_key",
    "target_reference",
]
