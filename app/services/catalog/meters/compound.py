"""Compound aggregations (SEMANTICS §3.4): create, update, delete.

A product compound may use its product's and global aggregations, a global compound only
global ones. The aggregations a calculation names are locked while it is written, so a
concurrent delete or rename of one of them either waits or is seen.
"""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.catalog.meters import check_compound, mentioned_codes
from app.domain.catalog.meters.drafts import CompoundDraft
from app.models.catalog import CompoundAggregation, Pricing
from app.services import events
from app.services.catalog.commands import CreateCompound, UpdateCompound
from app.services.catalog.entities import Dependants, delete_versioned
from app.services.catalog.meters.guards import columns, refuse_owner_change, refuse_taken
from app.services.catalog.meters.loading import compound_data, locked, resolve_product, usable_aggregations
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import refuse_stale, update_versioned


async def create_compound_aggregation(
    organization_id: uuid.UUID, command: CreateCompound, *, actor: str
) -> CompoundAggregation:
    """A compound aggregation of the product `productId` (absent: global)."""
    data = command.compound
    try:
        async with in_transaction():
            at = ProblemCollector()
            product_id = await resolve_product(organization_id, data.get("productId"), at)
            usable = await usable_aggregations(organization_id, product_id, _mentioned(data))
            values, _ = check_compound(data, at, product_id=product_id, usable=usable)
            at.raise_if_any()
            await refuse_taken(CompoundAggregation, organization_id, values["code"], "compound aggregation")
            compound = await CompoundAggregation.create(
                organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
            )
            await events.created(compound)
            return compound
    except IntegrityError as exc:
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, f"a compound aggregation with code {data.get('code')!r} exists"
        ) from exc


def _mentioned(data: CompoundDraft) -> frozenset[str]:
    calculation = data.get("calculation")
    return mentioned_codes(calculation) if isinstance(calculation, str) else frozenset()


async def update_compound_aggregation(
    organization_id: uuid.UUID, command: UpdateCompound, *, actor: str
) -> CompoundAggregation:
    """Change a compound aggregation (its product never changes)."""
    compound_id, version, changes = command.compound_id, command.version, command.changes
    try:
        async with in_transaction():
            current = await locked(CompoundAggregation, organization_id, compound_id)
            refuse_stale(current, version)
            at = ProblemCollector()
            refuse_owner_change(changes, at, "productId")
            data = compound_data(current).merged(changes)
            usable = await usable_aggregations(organization_id, current.product_id, _mentioned(data))
            values, _ = check_compound(data, at, product_id=current.product_id, usable=usable, compound_id=current.id)
            at.raise_if_any()
            await refuse_taken(
                CompoundAggregation, organization_id, values["code"], "compound aggregation", exclude_id=compound_id
            )
            return await update_versioned(
                CompoundAggregation, organization_id, compound_id, version, columns(values), actor
            )
    except IntegrityError as exc:
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, f"a compound aggregation with code {changes.get('code')!r} exists"
        ) from exc


async def delete_compound_aggregation(organization_id: uuid.UUID, compound_id: uuid.UUID, *, version: int) -> None:
    """Delete a compound aggregation; refused while pricings use it."""
    await delete_versioned(
        CompoundAggregation,
        organization_id,
        compound_id,
        version,
        [
            Dependants("pricings", Pricing, {"compound_aggregation_id": compound_id}),
        ],
    )
