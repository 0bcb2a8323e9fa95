"""USAGE and USAGE_CREDIT lines: rating priced intervals (SEMANTICS §3.3–3.4, §4.4, §7.2).

Concepts
- Each priced interval of each billed account plan's period gives at most one line:
  quantity (the raw aggregated value, or the compound calculation over raw values),
  units = ``to_units(quantity, quantityPerUnit, rounding)`` of the target, and the band
  charge (tiered when cumulative, volume otherwise) with its per-band breakdown.
- No usage: an aggregation without usage takes its ``defaultValue``; without one the
  quantity is null and there is **no line**. A zero quantity is priced (band 1's fixed
  price applies).
- Compound: each reference contributes its raw value (its own defaultValue applies,
  **decision**: the default is part of the aggregation's value, not of its units); a null
  reference without ``evaluateNullAggregations`` means no line; a null result means no line.
- tiersSpanPlan: the band position starts at the caller's previous units for
  (account plan, target, segment) plus the units of earlier intervals of this period.
- Credit pricings (PRODUCT_CREDIT, GLOBAL_CREDIT) give USAGE_CREDIT lines whose amount
  is the negated charge; ``credits.cap_credits`` caps them later. Their breakdown and
  average unit price are those of the (positive) charge.

Invariants
- Amounts, quantities, units and unit prices are exact; nothing here rounds money.
- Line order: account plans in bill order, then intervals in ``timeline`` order.
"""

from __future__ import annotations

from decimal import Decimal

from app.domain.bands import Charge, band_charge
from app.domain.units import to_units

from .context import BillContext, BilledPlan, PreviousUnitsKey
from .lines import BillFailure, DraftLine, LineType
from .snapshots import AggregationTarget, CompoundTarget
from .timeline import PricedInterval, priced_intervals
from .windows import UsageWindow, interval_windows

__all__ = ["rate_usage", "interval_quantity"]

_ZERO = Decimal(0)


def rate_usage(context: BillContext, lines: list[DraftLine]) -> None:
    """Step: append the USAGE and USAGE_CREDIT lines of every billed account plan."""
    for billed in context.plans:
        active = billed.period.active
        if active is None:
            continue
        # Units already placed in this period, so a later interval continues the tiers.
        placed: dict[PreviousUnitsKey, Decimal] = {}
        for interval in priced_intervals(billed.plan, *active):
            line = _rate_interval(context, billed, interval, placed)
            if line is not None:
                lines.append(line)


def _rate_interval(
    context: BillContext,
    billed: BilledPlan,
    interval: PricedInterval,
    placed: dict[PreviousUnitsKey, Decimal],
) -> DraftLine | None:
    pricing = interval.pricing
    target = pricing.target
    quantity = interval_quantity(context, interval)
    if quantity is None:
        return None
    units = to_units(quantity, target.quantity_per_unit, target.rounding)
    assert units is not None  # a quantity always has units
    key: PreviousUnitsKey = (billed.account_plan.id, target.id, pricing.segment_pairs)
    earlier = placed.get(key, _ZERO)
    previous = context.previous(key) + earlier if pricing.tiers_span_plan else _ZERO
    try:
        charge = band_charge(
            pricing.bands,
            units,
            cumulative=pricing.cumulative,
            previous_units=previous,
            quantity_per_unit=target.quantity_per_unit,
        )
    except ValueError as error:
        raise BillFailure(f"pricing {pricing.code or pricing.id}: {error}") from error
    placed[key] = earlier + units
    return _usage_line(billed, interval, quantity, charge)


def interval_quantity(context: BillContext, interval: PricedInterval) -> Decimal | None:
    """The quantity a priced interval bills, or None for no line."""
    target = interval.pricing.target
    windows = interval_windows(interval)
    if isinstance(target, AggregationTarget):
        return _with_default(context.usage_of(windows[0]), target)
    return _compound_quantity(context, target, windows)


def _with_default(raw: Decimal | None, target: AggregationTarget) -> Decimal | None:
    return target.default_value if raw is None else raw


def _compound_quantity(
    context: BillContext, target: CompoundTarget, windows: tuple[UsageWindow, ...]
) -> Decimal | None:
    values: dict[str, Decimal | None] = {}
    for reference, window in zip(target.references, windows):
        raw = _with_default(context.usage_of(window), reference)
        if raw is None and not target.evaluate_null_aggregations:
            return None
        values[f"aggregation.{reference.code}"] = raw
    result = context.expression(target).evaluate(values)
    if result is None:
        return None
    if type(result) is not Decimal:
        raise BillFailure(f"compound aggregation {target.code} evaluated to {result!r}, not a number")
    return result


def _negated(amount: Decimal) -> Decimal:
    # -Decimal(0) is "-0": never let a sign reach an invoice.
    return -amount if amount else amount.copy_abs()


def _usage_line(billed: BilledPlan, interval: PricedInterval, quantity: Decimal, charge: Charge) -> DraftLine:
    pricing = interval.pricing
    target = pricing.target
    compound = isinstance(target, CompoundTarget)
    return DraftLine(
        line_type=LineType.USAGE_CREDIT if pricing.is_credit else LineType.USAGE,
        amount=_negated(charge.subtotal) if pricing.is_credit else charge.subtotal,
        currency=billed.plan.currency,
        account_plan_id=billed.account_plan.id,
        plan_id=billed.plan.id,
        product_id=billed.plan.product_id,
        service_period_start=interval.start,
        service_period_end=interval.end,
        description=pricing.description or target.name,
        pricing_id=pricing.id,
        aggregation_id=None if compound else target.id,
        compound_aggregation_id=target.id if compound else None,
        segment=None if not pricing.segment else dict(pricing.segment),
        quantity=quantity,
        units=charge.units,
        unit=target.unit,
        average_unit_price=charge.average_unit_price,
        usage_per_pricing_band=charge.bands,
        credit_type=pricing.type if pricing.is_credit else None,
    )
