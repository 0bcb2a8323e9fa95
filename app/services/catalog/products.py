"""Products: containers of pricing configuration (SEMANTICS §3.1).

Creating a product with its whole catalog in one input is `catalog.nested.create_product`.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from app.domain.given import NOT_GIVEN
from app.domain.naming import custom_fields_problem, entity_code_problem, name_problem
from app.models.accounts import Commitment
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Plan, PlanTemplate, Pricing, Product
from app.models.counters import Counter
from app.services.catalog.commands import ProductFields, UpdateProduct
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import update_versioned


def check_product(fields: ProductFields, at: ProblemCollector, *, partial: bool = False) -> dict[str, Any]:
    """Shape rules of a product input → model values (`partial`: only the fields given)."""
    values: dict[str, Any] = {}
    for name, rule in (("code", entity_code_problem), ("name", name_problem)):
        value = getattr(fields, name)
        if value is NOT_GIVEN and partial:
            continue
        value = None if value is NOT_GIVEN else value
        if value is None:
            at.add(name, ErrorCode.REQUIRED, "is required")
        elif msg := rule(value):
            at.add(name, ErrorCode.INVALID, msg)
        values[name] = value
    if fields.custom_fields is not NOT_GIVEN:
        if msg := custom_fields_problem(fields.custom_fields or {}):
            at.add("customFields", ErrorCode.INVALID, msg)
        values["custom_fields"] = fields.custom_fields or {}
    return values


async def update_product(organization_id: uuid.UUID, command: UpdateProduct, *, actor: str) -> Product:
    product_id, version = command.product_id, command.version
    problems = ProblemCollector()
    values = check_product(command.changes, problems, partial=True)
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
            Dependants("counters", Counter, {"product_id": product_id}),
            Dependants("commitments", Commitment, {"product_ids__contains": [str(product_id)]}),
        ],
    )
