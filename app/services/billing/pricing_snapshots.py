"""Pricing snapshots (`app.domain.billing.PricingSnapshot`) of a set of plans and templates,
with the aggregation and compound aggregation targets they price, in a fixed number of
queries; part of building a catalog (`snapshots.load_catalog`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from tortoise.expressions import Q

from app.domain.bands import PricingBand
from app.domain.billing import (
    AggregationTarget,
    CompoundTarget,
    PricingOwner,
    PricingSnapshot,
    PricingType,
    Target,
)
from app.domain.units import UnitRounding
from app.models.catalog import Aggregation, CompoundAggregation, Plan, PlanTemplate, Pricing

if TYPE_CHECKING:
    from app.services.billing.snapshots import Organization

_REFERENCE = re.compile(r"aggregation\.([A-Za-z_$][A-Za-z0-9_$]*)")


def first_given(*values: Any) -> Any:
    """The first value that is not None (read-through: plan ?? template ?? organization)."""
    return next((v for v in values if v is not None), None)


async def pricings_of(
    organization_id: uuid.UUID,
    plans: Mapping[uuid.UUID, Plan],
    templates: Mapping[uuid.UUID, PlanTemplate],
    org: Organization,
) -> tuple[dict[tuple[str, uuid.UUID], list[PricingSnapshot]], dict[uuid.UUID, Aggregation]]:
    """Pricings of these plans and templates by owner, and the aggregations they read."""
    if not plans and not templates:
        return {}, {}
    rows = await Pricing.filter(
        Q(plan_id__in=list(plans)) | Q(plan_template_id__in=list(templates)), organization_id=organization_id
    ).order_by("start_date", "id")
    aggregations, compounds = await _targets(organization_id, rows)
    by_owner: dict[tuple[str, uuid.UUID], list[PricingSnapshot]] = {}
    for row in rows:
        target = _target(row, aggregations, compounds)
        if target is None:
            continue
        # A pricing belongs to a plan or else to a plan template (a database constraint).
        owner = (
            ("plan", row.plan_id) if row.plan_id is not None else ("template", cast(uuid.UUID, row.plan_template_id))
        )
        by_owner.setdefault(owner, []).append(_pricing(row, target, owner[0], org))
    return by_owner, aggregations


async def _targets(
    organization_id: uuid.UUID, rows: Sequence[Pricing]
) -> tuple[dict[uuid.UUID, Aggregation], dict[uuid.UUID, tuple[CompoundAggregation, tuple[Aggregation, ...]]]]:
    compound_rows = await CompoundAggregation.filter(
        organization_id=organization_id,
        id__in=list({r.compound_aggregation_id for r in rows if r.compound_aggregation_id}),
    )
    codes = {code for c in compound_rows for code in _REFERENCE.findall(c.calculation)}
    direct = {r.aggregation_id for r in rows if r.aggregation_id}
    found = await Aggregation.filter(
        Q(id__in=list(direct)) | Q(code__in=sorted(codes)), organization_id=organization_id
    )
    by_code = {a.code: a for a in found}
    compounds = {
        c.id: (c, tuple(by_code[code] for code in sorted(set(_REFERENCE.findall(c.calculation))) if code in by_code))
        for c in compound_rows
    }
    return {a.id: a for a in found}, compounds


def _target(row: Pricing, aggregations: Mapping, compounds: Mapping) -> Target | None:
    if row.aggregation_id is not None:
        aggregation = aggregations.get(row.aggregation_id)
        return None if aggregation is None else aggregation_target(aggregation)
    found = compounds.get(row.compound_aggregation_id)
    if found is None:
        return None
    compound, references = found
    # A reference that no longer exists is left out: compiling the calculation then fails
    # and the bill fails with a reason naming it (never a silent zero).
    return CompoundTarget(
        id=compound.id,
        code=compound.code,
        name=compound.name,
        calculation=compound.calculation,
        references=tuple(aggregation_target(a) for a in references),
        unit=compound.unit,
        quantity_per_unit=compound.quantity_per_unit,
        rounding=compound.rounding,
        evaluate_null_aggregations=compound.evaluate_null_aggregations,
    )


def aggregation_target(row: Aggregation) -> AggregationTarget:
    return AggregationTarget(
        id=row.id,
        code=row.code,
        name=row.name,
        unit=row.unit,
        quantity_per_unit=row.quantity_per_unit,
        rounding=UnitRounding(row.rounding),
        default_value=row.default_value,
        segmented_fields=tuple(row.segmented_fields or ()),
        segments=tuple(row.segments or ()),
    )


def _bands(raw: Iterable[Mapping]) -> tuple[PricingBand, ...]:
    return tuple(
        PricingBand(Decimal(str(b["lowerLimit"])), Decimal(str(b["unitPrice"])), Decimal(str(b.get("fixedPrice") or 0)))
        for b in raw
    )


def _pricing(row: Pricing, target: Target, owner: str, org: Organization) -> PricingSnapshot:
    in_advance = first_given(row.minimum_spend_bill_in_advance, org.config.minimum_spend_bill_in_advance)
    return PricingSnapshot(
        id=row.id,
        owner=PricingOwner.PLAN if owner == "plan" else PricingOwner.TEMPLATE,
        target=target,
        start=row.start_date,
        end=row.end_date,
        bands=_bands(row.pricing_bands or []),
        segment=row.segment or None,
        cumulative=row.cumulative,
        tiers_span_plan=row.tiers_span_plan,
        type=PricingType(row.type),
        minimum_spend=row.minimum_spend,
        minimum_spend_description=row.minimum_spend_description,
        minimum_spend_bill_in_advance=in_advance,
        description=row.description,
        code=row.code,
        overage_bands=_bands(row.overage_pricing_bands or []),
    )
