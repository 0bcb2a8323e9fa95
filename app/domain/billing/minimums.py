"""MINIMUM_SPEND and MINIMUM_SPEND_REFUND lines (SEMANTICS §4.3, §7.2 item 3).

Concepts
- A *minimum rule* is either a pricing's minimum (compared with that pricing's USAGE
  charges on the account plan) or the plan's minimum (compared with all USAGE charges of
  the account plan). Charges are the exact USAGE amounts of the bill's own period;
  credits, standing charges and other minimums do not count **(decision: "usage
  charges", §7.2)**.
- The minimum of a period is prorated by days: the plan's by the account plan's active
  days in the period; a pricing's by the days that pricing is in effect there (a template
  pricing overridden for half the period has half its minimum) **(decision)**.
- Arrears: ``max(0, minimum − charges)`` on the bill closing the period.
- Advance (decision §7.2): the minimum on the bill at the period's start (bill 0 also
  carries period 0), and the bill closing the period carries MINIMUM_SPEND_REFUND
  ``−min(minimum, charges)``, so each period nets to ``max(minimum, charges)``.
- Credit pricings have no minimum spend (ignored).

Invariants
- A zero minimum, a zero top-up and a zero refund give **no line**.
- Lines per account plan: pricing minimums (in usage-line order), then the plan minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.domain.periods import active_days

from .context import BillContext, BilledPlan
from .lines import DraftLine, LineType
from .schedule import PlanPeriod, charged_periods, period_days, prorate
from .snapshots import CompoundTarget, PricingSnapshot
from .timeline import priced_intervals

__all__ = ["minimum_spends", "minimums_billed_ahead"]

_ZERO = Decimal(0)
# Counter lines on the bill count as the plan's charges (SEMANTICS §8.2 rule 5), not a pricing's.
_COUNTER_TYPES = frozenset(
    {LineType.COUNTER_RUNNING_TOTAL_CHARGE, LineType.COUNTER_ADJUSTMENT_DEBIT, LineType.COUNTER_ADJUSTMENT_CREDIT}
)


@dataclass(frozen=True)
class _Effect:
    """The days a minimum counts in a period, and the span its line reports."""

    days: int
    full_days: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Rule:
    minimum: Decimal
    in_advance: bool
    charges: Decimal
    effect: Callable[[PlanPeriod], _Effect | None]
    emit: Callable[[LineType, Decimal, _Effect], DraftLine]


def minimum_spends(context: BillContext, lines: list[DraftLine]) -> None:
    """Step: append the minimum-spend lines of every billed account plan."""
    for billed in context.plans:
        rules = _pricing_rules(context, billed, lines)
        if billed.plan.minimum_spend > 0:  # most plans have none: their charges are not summed
            rules.append(_plan_rule(context, billed, lines))
        for rule in rules:
            if rule.minimum > 0:
                lines.extend(_apply(rule, billed))


def minimums_billed_ahead(context: BillContext, billed: BilledPlan) -> Decimal:
    """The advance MINIMUM_SPEND of the bill's own period that an earlier bill carried.

    Bill k > 0 carries only the refund of its period; the period's minimum was on bill
    k − 1 (bill 0 carries its own period's minimum itself, so none). A plan group's G
    (§10.2 rule 5) nets the period's minimum with its refund whichever bill carries it.
    """
    if billed.period.index == 0:
        return _ZERO
    rules = _pricing_rules(context, billed, [])
    if billed.plan.minimum_spend > 0:
        rules.append(_plan_rule(context, billed, []))
    return sum(
        (_prorated(rule, rule.effect(billed.period)) for rule in rules if rule.in_advance and rule.minimum > 0),
        _ZERO,
    )


def _apply(rule: _Rule, billed: BilledPlan) -> list[DraftLine]:
    produced: list[DraftLine] = []
    current = rule.effect(billed.period)
    current_minimum = _prorated(rule, current)
    if not rule.in_advance:
        top_up = current_minimum - rule.charges
        if current is not None and current_minimum > 0 and top_up > 0:
            produced.append(rule.emit(LineType.MINIMUM_SPEND, top_up, current))
        return produced
    for period in charged_periods(billed.period, billed.following, True):
        effect = rule.effect(period)
        minimum = _prorated(rule, effect)
        if effect is not None and minimum > 0:
            produced.append(rule.emit(LineType.MINIMUM_SPEND, minimum, effect))
    refund = min(current_minimum, rule.charges)
    if current is not None and current_minimum > 0 and refund != 0:
        produced.append(rule.emit(LineType.MINIMUM_SPEND_REFUND, -refund, current))
    return produced


def _prorated(rule: _Rule, effect: _Effect | None) -> Decimal:
    if effect is None:
        return _ZERO
    return prorate(rule.minimum, effect.days, effect.full_days)


def _usage_total(lines: Iterable[DraftLine], billed: BilledPlan, pricing_id: object = None) -> Decimal:
    return sum(
        (
            line.amount
            for line in lines
            if (line.line_type is LineType.USAGE or (pricing_id is None and line.line_type in _COUNTER_TYPES))
            and line.account_plan_id == billed.account_plan.id
            and (pricing_id is None or line.pricing_id == pricing_id)
        ),
        _ZERO,
    )


def _plan_rule(context: BillContext, billed: BilledPlan, lines: list[DraftLine]) -> _Rule:
    plan = billed.plan

    def effect(period: PlanPeriod) -> _Effect | None:
        if period.active is None:
            return None
        return _Effect(*period_days(period, context.tz), *period.active)

    def emit(line_type: LineType, amount: Decimal, where: _Effect) -> DraftLine:
        return _line(billed, line_type, amount, where, plan.minimum_spend_description)

    charges = _usage_total(lines, billed)
    return _Rule(plan.minimum_spend, plan.minimum_spend_bill_in_advance, charges, effect, emit)


def _pricing_rules(context: BillContext, billed: BilledPlan, lines: list[DraftLine]) -> list[_Rule]:
    plan = billed.plan
    pricings = [p for p in (*plan.plan_pricings, *plan.template_pricings) if p.minimum_spend > 0 and not p.is_credit]
    pricings.sort(key=lambda p: (p.target.code, str(p.target.id), p.segment_pairs or (), p.start))
    return [_pricing_rule(context, billed, pricing, lines) for pricing in pricings]


def _pricing_rule(context: BillContext, billed: BilledPlan, pricing: PricingSnapshot, lines: list[DraftLine]) -> _Rule:
    def effect(period: PlanPeriod) -> _Effect | None:
        if period.active is None:
            return None
        intervals = priced_intervals(billed.plan, *period.active)
        mine = [i for i in intervals if i.pricing.id == pricing.id]
        if not mine:
            return None
        days = sum(active_days(i.start, i.end, context.tz) for i in mine)
        return _Effect(days, active_days(*period.full, context.tz), mine[0].start, mine[-1].end)

    def emit(line_type: LineType, amount: Decimal, where: _Effect) -> DraftLine:
        line = _line(billed, line_type, amount, where, pricing.minimum_spend_description)
        compound = isinstance(pricing.target, CompoundTarget)
        line.pricing_id = pricing.id
        line.aggregation_id = None if compound else pricing.target.id
        line.compound_aggregation_id = pricing.target.id if compound else None
        line.segment = None if not pricing.segment else dict(pricing.segment)
        return line

    return _Rule(
        pricing.minimum_spend,
        pricing.minimum_spend_bill_in_advance,
        _usage_total(lines, billed, pricing.id),
        effect,
        emit,
    )


def _line(
    billed: BilledPlan,
    line_type: LineType,
    amount: Decimal,
    where: _Effect,
    description: str | None,
) -> DraftLine:
    return DraftLine(
        line_type=line_type,
        amount=amount,
        currency=billed.plan.currency,
        account_plan_id=billed.account_plan.id,
        plan_id=billed.plan.id,
        product_id=billed.plan.product_id,
        service_period_start=where.start,
        service_period_end=where.end,
        description=description,
    )
