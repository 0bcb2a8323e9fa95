"""Reading what the meter, aggregation and compound checks need, as the domain's refs,
and stored entities back as the plain input an update is merged into."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model

from app.domain.catalog.meters import meter_ref
from app.domain.catalog.meters.drafts import AggregationDraft, CompoundDraft, MeterDraft
from app.domain.catalog.refs import AggregationRef, MeterRef
from app.domain.ids import as_uuid
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Product
from app.services.errors import ErrorCode, ProblemCollector, fail

M = TypeVar("M", bound=Model)


async def resolve_product(
    organization_id: uuid.UUID, raw: Any, at: ProblemCollector, key: str = "productId"
) -> uuid.UUID | None:
    """The product id named by `raw` (None: global); NOT_FOUND unless it is the org's."""
    if raw is None:
        return None
    product_id = as_uuid(raw)
    if product_id is None or not await Product.filter(organization_id=organization_id, id=product_id).exists():
        at.add(key, ErrorCode.NOT_FOUND, f"no product with id {raw}")
        return None
    return product_id


async def locked(model: type[M], organization_id: uuid.UUID, raw_id: Any, path: str = "id") -> M:
    """The entity, locked until the transaction ends; NOT_FOUND (REQUIRED when absent)."""
    if raw_id is None:
        raise fail(("input", path), ErrorCode.REQUIRED, "is required")
    id_ = as_uuid(raw_id)
    found = None
    if id_ is not None:
        found = await model.filter(organization_id=organization_id, id=id_).select_for_update().first()
    if found is None:
        raise fail(("input", path), ErrorCode.NOT_FOUND, f"no {model.__name__} with id {raw_id}")
    return found


def meter_ref_of(meter: Meter) -> MeterRef:
    return meter_ref(meter.id, meter.code, meter.product_id, meter.data_fields, meter.derived_fields)


def aggregation_ref_of(aggregation: Aggregation) -> AggregationRef:
    return AggregationRef(
        id=aggregation.id,
        code=aggregation.code,
        product_id=aggregation.product_id,
        segmented_fields=tuple(aggregation.segmented_fields),
        segments=tuple(aggregation.segments),
    )


async def usable_aggregations(
    organization_id: uuid.UUID, product_id: uuid.UUID | None, codes: Iterable[str]
) -> dict[str, AggregationRef]:
    """Of `codes`, the aggregations a compound of `product_id` may use (its product's and
    global ones; only global ones for a global compound), locked so that they cannot be
    deleted or renamed before the compound is written."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return {}
    scope = Q(product_id__isnull=True) | Q(product_id=product_id) if product_id else Q(product_id__isnull=True)
    rows = await Aggregation.filter(scope, organization_id=organization_id, code__in=wanted).select_for_update()
    return {row.code: aggregation_ref_of(row) for row in rows}


# Of each draft, the fields a stored row holds under the same name (what an update
# merges its changes into); the owner (meter, product) is not among them.
METER_COLUMNS = ("code", "name", "data_fields", "derived_fields", "custom_fields")
AGGREGATION_COLUMNS = (
    "code",
    "name",
    "target_field",
    "aggregation",
    "quantity_per_unit",
    "rounding",
    "unit",
    "segmented_fields",
    "segments",
    "default_value",
    "custom_fields",
)
COMPOUND_COLUMNS = (
    "code",
    "name",
    "calculation",
    "quantity_per_unit",
    "rounding",
    "unit",
    "evaluate_null_aggregations",
    "custom_fields",
)


def meter_data(meter: Meter) -> MeterDraft:
    return MeterDraft(**{name: getattr(meter, name) for name in METER_COLUMNS})


def aggregation_data(a: Aggregation) -> AggregationDraft:
    return AggregationDraft(**{name: getattr(a, name) for name in AGGREGATION_COLUMNS})


def compound_data(c: CompoundAggregation) -> CompoundDraft:
    return CompoundDraft(**{name: getattr(c, name) for name in COMPOUND_COLUMNS})
