"""Aggregations (SEMANTICS §3.3): create, update, delete.

Compound aggregations name aggregations by code inside their calculation, so a rename or
a delete is refused while a compound uses the code; pricings point at an aggregation by
id and may name one of its segments, so a delete, or a change dropping a priced segment,
is refused while they do.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.catalog.meters import check_aggregation, compound_references, normalize_segment
from app.domain.catalog.meters.compound import PREFIX
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Pricing
from app.services import events
from app.services.catalog.commands import CreateAggregation, UpdateAggregation
from app.services.catalog.entities import Dependants, delete_versioned, refuse_if_in_use
from app.services.catalog.meters.guards import columns, refuse_owner_change, refuse_taken
from app.services.catalog.meters.loading import aggregation_data, locked, meter_ref_of
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, refuse_stale, update_versioned


async def create_aggregation(organization_id: uuid.UUID, command: CreateAggregation, *, actor: str) -> Aggregation:
    """An aggregation over the meter `meterId`; its product follows the meter."""
    data = command.aggregation
    try:
        async with in_transaction():
            meter = await locked(Meter, organization_id, data.get("meterId"), path="meterId")
            at = ProblemCollector()
            values, _ = check_aggregation(data, at, meter=meter_ref_of(meter))
            at.raise_if_any()
            await refuse_taken(Aggregation, organization_id, values["code"], "aggregation")
            aggregation = await Aggregation.create(
                organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
            )
            await events.created(aggregation)
            return aggregation
    except IntegrityError as exc:
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, f"an aggregation with code {data.get('code')!r} exists"
        ) from exc


async def update_aggregation(organization_id: uuid.UUID, command: UpdateAggregation, *, actor: str) -> Aggregation:
    """Change an aggregation (its meter never changes)."""
    aggregation_id, version, changes = command.aggregation_id, command.version, command.changes
    try:
        async with in_transaction():
            current = await get_owned(Aggregation, organization_id, aggregation_id)
            # Meter first, then the aggregation: the order every path here locks them in.
            meter = await locked(Meter, organization_id, current.meter_id)
            current = await locked(Aggregation, organization_id, aggregation_id)
            refuse_stale(current, version)
            at = ProblemCollector()
            refuse_owner_change(changes, at, "meterId", "productId")
            values, _ = check_aggregation(
                aggregation_data(current).merged(changes), at, meter=meter_ref_of(meter), aggregation_id=current.id
            )
            at.raise_if_any()
            await refuse_taken(Aggregation, organization_id, values["code"], "aggregation", exclude_id=aggregation_id)
            await _refuse_breaking_dependants(organization_id, current, values)
            return await update_versioned(Aggregation, organization_id, aggregation_id, version, columns(values), actor)
    except IntegrityError as exc:
        raise fail(
            ("input", "code"), ErrorCode.DUPLICATE, f"an aggregation with code {changes.get('code')!r} exists"
        ) from exc


async def _refuse_breaking_dependants(
    organization_id: uuid.UUID, current: Aggregation, values: Mapping[str, Any]
) -> None:
    if values["code"] != current.code:
        await refuse_if_in_use(
            organization_id, await compounds_using(organization_id, current.code), path=("input", "code")
        )
    if (values["segmented_fields"], values["segments"]) != (current.segmented_fields, current.segments):
        stranded = await _pricings_losing_segment(organization_id, current.id, values)
        await refuse_if_in_use(organization_id, stranded, path=("input", "segments"))


async def _pricings_losing_segment(
    organization_id: uuid.UUID, aggregation_id: uuid.UUID, values: Mapping[str, Any]
) -> list[Dependants]:
    """Pricings whose segment the new segments no longer define (an unsegmented pricing
    fits only an aggregation without segments)."""
    segments, fields = values["segments"], values["segmented_fields"]
    rows = await Pricing.filter(organization_id=organization_id, aggregation_id=aggregation_id).values("id", "segment")
    lost = [
        row["id"]
        for row in rows
        if (bool(segments) if row["segment"] is None else normalize_segment(row["segment"], fields) not in segments)
    ]
    return [Dependants("pricings of removed segments", Pricing, {"id__in": lost})] if lost else []


async def compounds_using(organization_id: uuid.UUID, code: str) -> list[Dependants]:
    """Compound aggregations whose calculation uses `aggregation.<code>`."""
    # LIKE narrows the rows (it also matches longer codes and '_' wildcards); parsing
    # each calculation decides exactly.
    rows = await CompoundAggregation.filter(
        organization_id=organization_id, calculation__contains=PREFIX + code
    ).values("id", "calculation")
    ids = [row["id"] for row in rows if code in compound_references(row["calculation"])]
    return [Dependants("compound aggregations", CompoundAggregation, {"id__in": ids})] if ids else []


async def delete_aggregation(organization_id: uuid.UUID, aggregation_id: uuid.UUID, *, version: int) -> None:
    """Delete an aggregation; refused while pricings or compound aggregations use it."""
    async with in_transaction():
        # Locked: a compound being created over this aggregation waits, then misses it.
        current = await locked(Aggregation, organization_id, aggregation_id)
        await delete_versioned(
            Aggregation,
            organization_id,
            aggregation_id,
            version,
            [
                Dependants("pricings", Pricing, {"aggregation_id": aggregation_id}),
                *await compounds_using(organization_id, current.code),
            ],
        )
