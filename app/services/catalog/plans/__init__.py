"""Use cases of plan templates, plans and pricings (SEMANTICS §4).

Each loads what the pure checks (`app.domain.catalog.pricing`) need, calls them, checks
codes against the database and writes in one transaction under the organization's plan
catalog lock. The nested `createProduct` reuses the pieces in `lookups`
(`target_resolver`, `report_taken_codes`, `insert_rows`, `lock_plan_catalog`) with the
domain's `check_template_tree` / `check_collisions`.
"""

from app.services.catalog.plans.lookups import (
    currency_codes,
    insert_rows,
    lock_plan_catalog,
    report_taken_codes,
    target_resolver,
)
from app.services.catalog.plans.plans import create_plan, delete_plan, update_plan
from app.services.catalog.plans.pricings import create_pricing, delete_pricing, update_pricing
from app.services.catalog.plans.templates import create_plan_template, delete_plan_template, update_plan_template

__all__ = [
    "create_plan",
    "create_plan_template",
    "create_pricing",
    "currency_codes",
    "delete_plan",
    "delete_plan_template",
    "delete_pricing",
    "insert_rows",
    "lock_plan_catalog",
    "report_taken_codes",
    "target_resolver",
    "update_plan",
    "update_plan_template",
    "update_pricing",
]
