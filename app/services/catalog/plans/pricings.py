"""Pricings (SEMANTICS §4.3) of a plan or a plan template, created, changed and deleted
one at a time (nested ones come with their template or plan).

Overlaps are judged against the owner's stored pricings under the organization's plan
catalog lock (`lookups.lock_plan_catalog`), so two concurrent writers cannot both pass."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.catalog.pricing import (
    CatalogRows,
    PricingDraft,
    add_pricing,
    check_collisions,
    check_pricing,
    overlapping,
)
from app.domain.catalog.pricing.draft import input_name
from app.domain.given import NOT_GIVEN
from app.domain.ids import as_uuid
from app.models.catalog import Plan, PlanTemplate, Pricing
from app.services.catalog.commands import CreatePricing, UpdatePricing
from app.services.catalog.entities import delete_versioned, taken_codes
from app.services.catalog.plans.lookups import (
    existing_windows,
    insert_rows,
    lock_plan_catalog,
    report_taken_codes,
    target_resolver,
)
from app.services.errors import ErrorCode, ProblemCollector
from app.services.versioning import get_owned, update_versioned


@dataclass(frozen=True)
class _Owner:
    plan_id: uuid.UUID | None = None
    plan_template_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None


async def create_pricing(organization_id: uuid.UUID, command: CreatePricing, actor: str) -> Pricing:
    """A pricing of `planId` or `planTemplateId` for the target named by
    `aggregationId`/`aggregationCode`/`compoundAggregationId`/`compoundAggregationCode`."""
    data = command.pricing
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        at = ProblemCollector()
        owner = await _owner(organization_id, data, at)
        rows = CatalogRows()
        add_pricing(
            rows,
            data,
            at,
            owner_product_id=owner.product_id,
            plan_id=owner.plan_id,
            plan_template_id=owner.plan_template_id,
            resolve_target=await target_resolver(organization_id, [data]),
        )
        owner_id = owner.plan_id or owner.plan_template_id
        check_collisions(rows, at, await existing_windows(organization_id, owner_id) if owner_id else ())
        await report_taken_codes(organization_id, rows, at)
        at.raise_if_any()
        await insert_rows(organization_id, rows, actor)
    return await Pricing.get(organization_id=organization_id, id=rows.pricings[0]["id"])


async def _owner(organization_id: uuid.UUID, data: PricingDraft, at: ProblemCollector) -> _Owner:
    """The plan or template the input names; none when it names both or neither (the
    check reports that) or one that is not the organization's (reported here)."""
    named = {"plan_id": (data.plan_id, Plan), "plan_template_id": (data.plan_template_id, PlanTemplate)}
    given = [(name, value, model) for name, (value, model) in named.items() if data.get(input_name(name)) is not None]
    if len(given) != 1:
        return _Owner()
    name, value, model = given[0]
    owner_id = as_uuid(value)
    row: Any = await model.filter(organization_id=organization_id, id=owner_id).first() if owner_id else None
    if row is None:
        label = "plan" if model is Plan else "plan template"
        at.add(input_name(name), ErrorCode.NOT_FOUND, f"no {label} with id {value}")
        return _Owner()
    if model is Plan:
        return _Owner(plan_id=row.id, product_id=row.product_id)
    return _Owner(plan_template_id=row.id, product_id=row.product_id)


async def update_pricing(organization_id: uuid.UUID, command: UpdatePricing, actor: str) -> Pricing:
    """`command.changes` holds only the fields the client sent. A new target is named like
    on create; the owner never changes. Overlaps are checked against the owner's other
    pricings."""
    changes = command.changes
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        row = await get_owned(Pricing, organization_id, command.pricing_id)
        data = PricingDraft.stored(row).merged(changes)
        at = ProblemCollector()
        named = data.target()
        resolve = await target_resolver(organization_id, [data])
        target = resolve(named.input_name, named.value) if named is not None else None
        values, window = check_pricing(
            data,
            at,
            owner_product_id=row.product_id,
            plan_id=row.plan_id,
            plan_template_id=row.plan_template_id,
            target=target,
            pricing_id=row.id,
        )
        if window is not None and (
            other := overlapping(window, await existing_windows(organization_id, window.owner_id))
        ):
            at.add("startDate", ErrorCode.INVALID, f"overlaps pricing {other.id} of the same aggregation and segment")
        if changes.code not in (None, NOT_GIVEN) and await taken_codes(
            Pricing, organization_id, [values["code"]], exclude_id=row.id
        ):
            at.add("code", ErrorCode.DUPLICATE, f"a pricing with code {values['code']!r} exists")
        at.raise_if_any()
        columns = changes.changed_columns(values)
        return await update_versioned(Pricing, organization_id, row.id, command.version, columns, actor)


async def delete_pricing(organization_id: uuid.UUID, pricing_id: uuid.UUID, *, version: int) -> None:
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        await delete_versioned(Pricing, organization_id, pricing_id, version)
