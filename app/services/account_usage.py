"""One account's usage of an aggregation or compound aggregation: the `usage` query.

Computed with the same set-based query billing uses (`measurement_aggregates`), then
quantityPerUnit and rounding applied as on a bill; a compound aggregation evaluates its
calculation over the raw values of the aggregations it references (SEMANTICS §3.3–3.4).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.aggregate import UNSEGMENTED, compound_quantity, normalize_segment, segment_key
from app.domain.calc import CalcError, Expression, ValueType, compile_expression
from app.domain.units import UnitRounding, to_units
from app.models.accounts import Account
from app.models.catalog import Aggregation, CompoundAggregation
from app.services.errors import ErrorCode, fail
from app.services.measurement_aggregates import aggregate_usage, segments_of

_REFERENCE = re.compile(r"aggregation\.([A-Za-z_$][A-Za-z0-9_$]*)")
_COMPOUND_CACHE: dict[tuple[uuid.UUID, int], Expression] = {}


@dataclass(frozen=True)
class UsageResult:
    quantity: Decimal | None  # raw aggregated quantity; None: no usage and no defaultValue
    units: Decimal | None  # quantity / quantityPerUnit, rounded as configured


async def usage_for(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    target: Aggregation | CompoundAggregation,
    start: datetime,
    end: datetime,
    segment: Mapping[str, Any] | None = None,
) -> UsageResult:
    """One account's usage of an aggregation (optionally one of its segments) or of a
    compound aggregation, with units. Raises InputErrors for a segment the aggregation
    does not define."""
    if isinstance(target, CompoundAggregation):
        if segment:
            raise fail(("segment",), ErrorCode.INVALID, "compound aggregations are not segmented")
        quantity = await _compound(organization_id, account_id, target, start, end)
    else:
        quantity = await _aggregation_quantity(organization_id, account_id, target, start, end, segment)
    return UsageResult(quantity, to_units(quantity, target.quantity_per_unit, UnitRounding(target.rounding)))


async def _aggregation_quantity(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    aggregation: Aggregation,
    start: datetime,
    end: datetime,
    segment: Mapping[str, Any] | None,
) -> Decimal | None:
    """Without a segment (decision) the quantity is over all the account's measurements,
    whatever their segment; with one, over that segment's measurements only."""
    if segment:
        segments = segments_of(aggregation)
        wanted = segment_key(normalize_segment(segment, list(aggregation.segmented_fields or [])))
        if set(segment) - set(aggregation.segmented_fields or []) or wanted not in {segment_key(s) for s in segments}:
            raise fail(
                ("segment",), ErrorCode.INVALID, f"aggregation {aggregation.code!r} has no segment {dict(segment)!r}"
            )
        found = await aggregate_usage(organization_id, aggregation, [account_id], start, end)
        quantity = found.get((account_id, wanted))
    else:
        found = await aggregate_usage(organization_id, aggregation, [account_id], start, end, whole=True)
        quantity = found.get((account_id, UNSEGMENTED))
    return aggregation.default_value if quantity is None else quantity


async def _compound(
    organization_id: uuid.UUID, account_id: uuid.UUID, compound: CompoundAggregation, start: datetime, end: datetime
) -> Decimal | None:
    """The calculation over the raw values (defaultValue when no usage, before their own
    quantityPerUnit and rounding) of the aggregations it references."""
    codes = sorted(set(_REFERENCE.findall(compound.calculation)))
    referenced = {a.code: a for a in await Aggregation.filter(organization_id=organization_id, code__in=codes)}
    expression = _compiled(compound, referenced)
    values: dict[str, Decimal | None] = {}
    for name in sorted(expression.names_used):
        aggregation = referenced.get(name.removeprefix("aggregation."))
        if aggregation is None:  # deleted or renamed since the calculation was compiled
            raise fail(("compoundAggregationId",), ErrorCode.INVALID, f"{name} no longer exists")
        values[aggregation.code] = await _aggregation_quantity(
            organization_id, account_id, aggregation, start, end, None
        )
    return compound_quantity(expression, values, compound.evaluate_null_aggregations)


def _compiled(compound: CompoundAggregation, referenced: Mapping[str, Aggregation]) -> Expression:
    key = (compound.id, compound.version)
    expression = _COMPOUND_CACHE.get(key)
    if expression is None:
        names = {f"aggregation.{code}": ValueType.NUMBER for code in referenced}
        try:
            expression = compile_expression(compound.calculation, names)
        except CalcError as exc:
            raise fail(
                ("compoundAggregationId",),
                ErrorCode.INVALID,
                f"compound aggregation {compound.code!r} cannot be evaluated: {exc}",
            ) from exc
        if len(_COMPOUND_CACHE) > 1024:
            _COMPOUND_CACHE.clear()
        _COMPOUND_CACHE[key] = expression
    return expression


async def usage_of(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    *,
    aggregation_id: uuid.UUID | None,
    compound_aggregation_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
    segment: Mapping[str, Any] | None = None,
) -> UsageResult | None:
    """`usage_for` by ids, as the API names things; None when the account or the
    (compound) aggregation is not one of the organization's."""
    if (aggregation_id is None) == (compound_aggregation_id is None):
        raise fail(("aggregationId",), ErrorCode.INVALID, "give exactly one of aggregationId and compoundAggregationId")
    if not end > start:
        raise fail(("to",), ErrorCode.INVALID, "must be after from")
    model = Aggregation if aggregation_id is not None else CompoundAggregation
    target = await model.filter(organization_id=organization_id, id=aggregation_id or compound_aggregation_id).first()
    if target is None or not await Account.filter(organization_id=organization_id, id=account_id).exists():
        return None
    return await usage_for(organization_id, account_id, target, start, end, segment)
