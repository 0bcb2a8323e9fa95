"""Pricings (SEMANTICS §4.3) of a plan or a plan template, created, changed and deleted
one at a time (nested ones come with their template or plan).

Overlaps are judged against the owner's stored pricings under the organization's plan
catalog lock (`lookups.lock_plan_catalog`), so two concurrent writers cannot both pass."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.catalog.pricing import (
    PRICING_COLUMNS,
    TARGET_KEYS,
    CatalogRows,
    add_pricing,
    check_collisions,
    check_pricing,
    overlapping,
    target_reference,
)
from app.domain.catalog.pricing.values import as_uuid
from app.models.catalog import Plan, PlanTemplate, Pricing
from app.services.catalog.entities import delete_versioned, taken_codes
from app.services.catalog.plans.lookups import (
    changed_columns,
    existing_windows,
    insert_rows,
    lock_plan_catalog,
    report_taken_codes,
    stored_data,
    target_resolver,
)
from app.services.errors import ErrorCode, ProblemCollector
from app.services.versioning import get_owned, update_versioned


@dataclass(frozen=True)
class _Owner:
    plan_id: uuid.UUID | None = None
    plan_template_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None


async def create_pricing(organization_id: uuid.UUID, data: Mapping[str, Any], actor: str) -> Pricing:
    """A pricing of `planId` or `planTemplateId` for the target named by
    `aggregationId`/`aggregationCode`/`compoundAggregationId`/`compoundAggregationCode`."""
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


async def _owner(organization_id: uuid.UUID, data: Mapping[str, Any], at: ProblemCollector) -> _Owner:
    """The plan or template the input names; none when it names both or neither (the
    check reports that) or one that is not the organization's (reported here)."""
    given = [
        (key, model) for key, model in (("planId", Plan), ("planTemplateId", PlanTemplate)) if data.get(key) is not None
    ]
    if len(given) != 1:
        return _Owner()
    key, model = given[0]
    owner_id = as_uuid(data[key])
    row = await model.filter(organization_id=organization_id, id=owner_id).first() if owner_id else None
    if row is None:
        at.add(key, ErrorCode.NOT_FOUND, f"no {'plan' if model is Plan else 'plan template'} with id {data[key]}")
        return _Owner()
    if model is Plan:
        return _Owner(plan_id=row.id, product_id=row.product_id)
    return _Owner(plan_template_id=row.id, product_id=row.product_id)


async def update_pricing(
    organization_id: uuid.UUID, pricing_id: uuid.UUID, *, version: int, changes: Mapping[str, Any], actor: str
) -> Pricing:
    """`changes` holds only the fields the client sent. A new target is named like on
    create; the owner never changes. Overlaps are checked against the owner's other
    pricings."""
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        row = await get_owned(Pricing, organization_id, pricing_id)
        data = _merged(row, changes)
        at = ProblemCollector()
        reference = target_reference(data)
        target = (await target_resolver(organization_id, [data]))(*reference) if reference else None
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
        if changes.get("code") is not None and await taken_codes(
            Pricing, organization_id, [values["code"]], exclude_id=row.id
        ):
            at.add("code", ErrorCode.DUPLICATE, f"a pricing with code {values['code']!r} exists")
        at.raise_if_any()
        return await update_versioned(Pricing, organization_id, row.id, version, _changed(values, changes), actor)


def _merged(row: Pricing, changes: Mapping[str, Any]) -> dict[str, Any]:
    data = {**stored_data(row, PRICING_COLUMNS), "planId": row.plan_id, "planTemplateId": row.plan_template_id}
    if not any(key in changes for key in TARGET_KEYS):  # a new target replaces the stored one
        data.update(aggregationId=row.aggregation_id, compoundAggregationId=row.compound_aggregation_id)
    return {**data, **changes}


def _changed(values: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    columns = changed_columns(values, changes, PRICING_COLUMNS)
    if any(key in changes for key in TARGET_KEYS):
        columns.update(
            aggregation_id=values["aggregation_id"], compound_aggregation_id=values["compound_aggregation_id"]
        )
    return columns


async def delete_pricing(organization_id: uuid.UUID, pricing_id: uuid.UUID, *, version: int) -> None:
    async with in_transaction() as connection:
        await lock_plan_catalog(connection, organization_id)
        await delete_versioned(Pricing, organization_id, pricing_id, version)
