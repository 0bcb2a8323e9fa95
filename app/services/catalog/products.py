"""Products: containers of pricing configuration (SEMANTICS §3.1).

Creating a product with its whole catalog in one input is `catalog.nested.create_product`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from tortoise.exceptions import IntegrityError

from app.domain.naming import custom_fields_problem, entity_code_problem, name_problem
from app.models.accounts import Commitment
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Plan, PlanTemplate, Pricing, Product
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import update_versioned


def check_product(data: Mapping[str, Any], at: ProblemCollector, *, partial: bool = False) -> dict[str, Any]:
    """Shape rules of a product input → model values (`partial`: only the keys present)."""
    values: dict[str, Any] = {}
    for key, column, rule in (("code", "code", entity_code_problem), ("name", "name", name_problem)):
        if key not in data and partial:
            continue
        value = data.get(key)
        if value is None:
            at.add(key, ErrorCode.REQUIRED, "is required")
        elif msg := rule(value):
            at.add(key, ErrorCode.INVALID, msg)
        values[column] = value
    if "customFields" in data:
        if msg := custom_fields_problem(data["customFields"] or {}):
            at.add("customFields", ErrorCode.INVALID, msg)
        values["custom_fields"] = data["customFields"] or {}
    return values


async def update_product(
    organization_id: uuid.UUID, product_id: uuid.UUID, *, version: int, changes: Mapping[str, Any], actor: str
) -> Product:
    problems = ProblemCollector()
    values = check_product(changes, problems, partial=True)
    problems.raise_if_any()
    if "code" in values and await taken_codes(Product, organization_id, [values["code"]], exclude_id=product_id):
        raise fail(("input", "code"), ErrorCode.DUPLICATE, f"a product with code {values['code']!r} exists")
    try:
        return await update_versioned(Product, organization_id, product_id, version, values, actor)
    except IntegrityError as exc:
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, f"a product with code {values.get('code')!r} exists"
        ) from exc


async def delete_product(organization_id: uuid.UUID, product_id: uuid.UUID, *, version: int) -> None:
    await delete_versioned(
        Product,
        organization_id,
        product_id,
        version,
        [
            Dependants("meters", Meter, {"product_id": product_id}),
            Dependants("aggregations", Aggregation, {"product_id": product_id}),
            Dependants("compound aggregations", CompoundAggregation, {"product_id": product_id}),
            Dependants("plan templates", PlanTemplate, {"product_id": product_id}),
            Dependants("plans", Plan, {"product_id": product_id}),
            Dependants("pricings", Pricing, {"product_id": product_id}),
            Dependants("commitments", Commitment, {"product_ids__contains": [str(product_id)]}),
        ],
    )
