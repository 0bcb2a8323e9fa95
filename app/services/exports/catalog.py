"""What a USAGE export reads of the catalog, from the export's own snapshot: the
aggregations and compound aggregations, as the shapes the usage functions take."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg

_AGGREGATIONS = """SELECT id, code, meter_id, product_id, target_field, aggregation, quantity_per_unit, rounding, unit,
                          segmented_fields::text, segments::text, default_value, version
                   FROM aggregations WHERE organization_id = $1"""
_COMPOUNDS = """SELECT id, code, product_id, calculation, quantity_per_unit, rounding, unit, evaluate_null_aggregations,
                       version
                FROM compound_aggregations WHERE organization_id = $1"""


@dataclass(frozen=True)
class AggregationRow:
    """The attributes of `app.models.catalog.Aggregation` the usage SQL reads."""

    id: uuid.UUID
    code: str
    meter_id: uuid.UUID
    target_field: str
    aggregation: str
    segmented_fields: list[str]
    segments: list[dict[str, Any]]
    default_value: Decimal | None


@dataclass(frozen=True)
class CompoundRow:
    """The attributes of `app.models.catalog.CompoundAggregation` its compilation reads."""

    id: uuid.UUID
    code: str
    calculation: str
    version: int
    evaluate_null_aggregations: bool


@dataclass
class Target:
    """One aggregation or compound aggregation a USAGE export reports."""

    id: uuid.UUID
    code: str
    product_id: uuid.UUID | None
    quantity_per_unit: Decimal
    rounding: str
    unit: str | None
    aggregation: Any = None  # AggregationRow
    compound: Any = None  # CompoundRow
    expression: Any = None  # compiled calculation of a compound
    referenced: list[Target] = field(default_factory=list)


async def load_targets(conn: asyncpg.Connection, organization_id: uuid.UUID) -> list[Target]:
    """Every aggregation and compound aggregation of the organization, by code then id."""
    targets = []
    for row in await conn.fetch(_AGGREGATIONS, organization_id):
        aggregation = AggregationRow(
            id=row["id"],
            code=row["code"],
            meter_id=row["meter_id"],
            target_field=row["target_field"],
            aggregation=row["aggregation"],
            segmented_fields=json.loads(row["segmented_fields"] or "[]"),
            segments=json.loads(row["segments"] or "[]"),
            default_value=row["default_value"],
        )
        targets.append(_target(row, aggregation=aggregation))
    for row in await conn.fetch(_COMPOUNDS, organization_id):
        compound = CompoundRow(
            id=row["id"],
            code=row["code"],
            calculation=row["calculation"],
            version=row["version"],
            evaluate_null_aggregations=row["evaluate_null_aggregations"],
        )
        targets.append(_target(row, compound=compound))
    return sorted(targets, key=lambda t: (t.code, str(t.id)))


def _target(row: Any, **kind: Any) -> Target:
    return Target(
        id=row["id"],
        code=row["code"],
        product_id=row["product_id"],
        quantity_per_unit=row["quantity_per_unit"],
        rounding=row["rounding"],
        unit=row["unit"],
        **kind,
    )
