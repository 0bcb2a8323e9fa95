"""Plan templates (SEMANTICS §4.1), created alone or with their pricings and plans.

A template's currency, frequency and intervals are read live by its plans: updating the
template changes them, with nothing to copy. Its product never changes."""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.catalog.pricing import (
    NOT_GIVEN,
    TEMPLATE_COLUMNS,
    CatalogRows,
    PlanTemplateDraft,
    changed_columns,
    check_collisions,
    check_plan_template,
    check_template_tree,
    pricing_inputs,
    stored,
)
from app.domain.ids import as_uuid
from app.models.catalog import Plan, PlanTemplate, Pricing, Product
from app.models.counters import CounterPricing
from app.services.catalog.commands import CreatePlanTemplate, UpdatePlanTemplate
from app.services.catalog.entities import Dependants, delete_versioned, taken_codes
from app.services.catalog.plans.group_links import report_broken_group_links
from app.services.catalog.plans.lookups import (
    currency_codes,
    insert_rows,
    lock_plan_catalog,
    report_taken_codes,
    report_unknown_accounts,
    target_resolver,
)
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned

DUPLICATE_CODE = "a plan template or plan with this code exists"


async def create_plan_template(organization_id: uuid.UUID, command: CreatePlanTemplate, actor: str) -> PlanTemplate:
    """A template with its nested `pricings` and `plans` (each with `pricings`), all or
    nothing. Pricing targets are named by aggregation/compound aggregation id or code."""
    data = command.template
    try:
        async with in_transaction() as connection:
            await lock_plan_catalog(connection, organization_id)
            rows = await _checked_tree(organization_id, data)
            await insert_rows(organization_id, rows, actor)
    except IntegrityError as exc:  # a writer that skipped the lock took a code meanwhile
        raise fail(("input", "code"), ErrorCode.DUPLICATE, DUPLICATE_CODE) from exc
    return await PlanTemplate.get(organization_id=organization_id, id=rows.templates[0]["id"])


async def _checked_tree(organization_id: uuid.UUID, data: PlanTemplateDraft) -> CatalogRows:
    at = ProblemCollector()
    product_id = await _product_id(organization_id, data, at)
    rows = check_template_tree(
        data,
        at,
        product_id=product_id,
        currency_codes=await currency_codes(organization_id),
        resolve_target=await target_resolver(organization_id, pricing_inputs(data)),
    )
    check_collisions(rows, at)
    await report_taken_codes(organization_id, rows, at)
    await report_unknown_accounts(organization_id, rows, at)
    at.raise_if_any()
    return rows


async def _product_id(organization_id: uuid.UUID, data: PlanTemplateDraft, at: ProblemCollector) -> uuid.UUID | None:
    value = data.get("productId")
    if value is None:
        at.add("productId", ErrorCode.REQUIRED, "is required")
        return None
    product_id = as_uuid(value)
    if product_id is None or not await Product.filter(organization_id=organization_id, id=product_id).exists():
        at.add("productId", ErrorCode.NOT_FOUND, f"no product with id {value}")
        return None
    return product_id


async def update_plan_template(organization_id: uuid.UUID, command: UpdatePlanTemplate, actor: str) -> PlanTemplate:
    """`command.changes` holds only the fields the client sent; the product cannot change."""
    changes = command.changes
    try:
        async with in_transaction() as connection:
            await lock_plan_catalog(connection, organization_id)
            row = await get_owned(PlanTemplate, organization_id, command.template_id)
            at = ProblemCollector()
            values, _ = check_plan_template(
                stored(PlanTemplateDraft, row, TEMPLATE_COLUMNS).merged(changes),
                at,
                product_id=row.product_id,
                currency_codes=await currency_codes(organization_id),
                template_id=row.id,
            )
            if (
                changes.code is not NOT_GIVEN
                and values["code"]
                and await taken_codes(PlanTemplate, organization_id, [values["code"]], exclude_id=row.id)
            ):
                at.add("code", ErrorCode.DUPLICATE, f"a plan template with code {values['code']!r} exists")
            await report_broken_group_links(organization_id, row, values, at)
            at.raise_if_any()
            return await update_versioned(
                PlanTemplate,
                organization_id,
                row.id,
                command.version,
                changed_columns(values, changes, TEMPLATE_COLUMNS),
                actor,
            )
    except IntegrityError as exc:
        raise fail(("input", "code"), ErrorCode.DUPLICATE, DUPLICATE_CODE) from exc


async def delete_plan_template(organization_id: uuid.UUID, template_id: uuid.UUID, *, version: int) -> None:
    """Refused while plans or pricings of the template exist (they are named)."""
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        await delete_versioned(
            PlanTemplate,
            organization_id,
            template_id,
            version,
            [
                Dependants("plans", Plan, {"plan_template_id": template_id}),
                Dependants("pricings", Pricing, {"plan_template_id": template_id}),
                Dependants("counter pricings", CounterPricing, {"plan_template_id": template_id}),
            ],
        )
