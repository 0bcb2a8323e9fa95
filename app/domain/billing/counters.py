"""Counter lines: running totals and adjustments (SEMANTICS §8.2–8.3).

Concepts
- For a period P of a billed account plan and one counter, the *parts* of P are
  ``P ∩ account plan active ∩ a counter pricing``: the plan's counter pricing active at a
  part's start wins over the template's (§8.2 rule 6), split wherever one starts or ends.
  Each part A = ``[a, b)`` has its own running total.
- COUNTER_RUNNING_TOTAL_CHARGE: ``Price(v(a)) × days(A)/D`` (``× 1`` without
  ``proRateRunningTotal``), units ``v(a)``, none when ``v(a)`` is undefined. Advance (the
  pricing's ``runningTotalBillInAdvance``) is placed like an advance standing charge
  (``schedule.charged_periods``): the bill closing P carries P+1's parts, and bill 0 also
  its own; arrears, the bill closing P carries P's.
- Adjustment lines, on the bill closing P only: one per adjustment dated t with
  ``a < midnight(t) < b``: ``(Price(v(t)) − Price(v(t − 1 day))) × days[t, b)/D`` (factor 1
  when the flag of the line's type is off), typed by the sign, none when 0. An adjustment
  dated at or before ``a`` is inside the running total.
- Lines carry ``counter_id``, the counter's unit, the pricing's description, units = the
  count (running total) or ``|Δ|`` (adjustment), ``quantity`` = units, and the bands priced
  (a running total lists the bands of ``Price(v(a))`` before proration; an adjustment the
  bands filled or emptied).

Invariants
- Counters are never pooled parent/child (§8.2 rule 7): only the bill's own account's
  adjustments are read, through its own account plans.
- Pure: the same inputs give the same lines, ordered by counter code, then time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from app.domain.periods import active_days
from app.domain.timezones import local_date, local_midnight

from .context import BillContext, BilledPlan, Step
from .counters_values import CounterHistory, CounterPricingSnapshot, Counters, delta_price, price
from .lines import DraftLine, LineType
from .schedule import PlanPeriod, prorate
from .snapshots import EntityId, PricingOwner
from .usage_lines import rate_usage

__all__ = ["CounterPart", "counter_parts", "counter_step", "with_counter_step"]

_DAY = timedelta(days=1)
# Local days of a span: a bill run asks for the same periods and spans for every account,
# and the count walks the timezone's calendar, so each answer is kept (pure, bounded).
_days = lru_cache(maxsize=16384)(active_days)


@dataclass(frozen=True)
class CounterPart:
    pricing: CounterPricingSnapshot
    start: datetime
    end: datetime


def counter_step(counters: Counters) -> Step:
    """The step adding the counter lines of every billed account plan."""

    def counter_lines(context: BillContext, lines: list[DraftLine]) -> None:
        for billed in context.plans:
            lines.extend(_plan_lines(context, billed, counters))

    return counter_lines


def with_counter_step(steps: Sequence[Step], counters: Counters) -> tuple[Step, ...]:
    """``steps`` with the counter step right after usage rating, so minimums see its lines."""
    chosen = list(steps)
    at = chosen.index(rate_usage) + 1 if rate_usage in chosen else 0
    chosen.insert(at, counter_step(counters))
    return tuple(chosen)


def counter_parts(pricings: Sequence[CounterPricingSnapshot], start: datetime, end: datetime) -> list[CounterPart]:
    """The priced parts of ``[start, end)`` for one counter's competing pricings."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    cuts = {start, end}
    for pricing in pricings:
        for instant in (pricing.start, pricing.end):
            if instant is not None and start < instant < end:
                cuts.add(instant.astimezone(UTC))
    bounds = sorted(cuts)
    parts: list[CounterPart] = []
    for low, high in zip(bounds, bounds[1:]):
        winner = _winner(pricings, low)
        if winner is None:
            continue
        if parts and parts[-1].pricing.id == winner.id and parts[-1].end == low:
            parts[-1] = CounterPart(winner, parts[-1].start, high)
        else:
            parts.append(CounterPart(winner, low, high))
    return parts


def _winner(pricings: Sequence[CounterPricingSnapshot], instant: datetime) -> CounterPricingSnapshot | None:
    active = [p for p in pricings if p.active_at(instant)]
    for owner in (PricingOwner.PLAN, PricingOwner.TEMPLATE):
        mine = [p for p in active if p.owner is owner]
        if mine:  # overlaps are refused; should bad data allow them, the latest start wins
            return max(mine, key=lambda p: (p.start, str(p.id)))
    return None


def _plan_lines(context: BillContext, billed: BilledPlan, counters: Counters) -> list[DraftLine]:
    plan = billed.plan
    by_counter: dict[EntityId, list[CounterPricingSnapshot]] = {}
    for pricing in counters.pricings_of(plan.id, plan.template_id):
        by_counter.setdefault(pricing.counter_id, []).append(pricing)
    produced: list[DraftLine] = []
    for counter_id, pricings in sorted(by_counter.items(), key=lambda kv: (kv[1][0].counter_code, str(kv[0]))):
        history = counters.history(context.account.id, counter_id)
        current = _parts(billed.period, pricings)
        following = _parts(billed.following, pricings)
        produced.extend(_running_totals(context, billed, current, following, history))
        for part in current:
            produced.extend(_adjustments(context, billed, part, history))
    return produced


def _parts(period: PlanPeriod, pricings: Sequence[CounterPricingSnapshot]) -> list[CounterPart]:
    return [] if period.active is None else counter_parts(pricings, *period.active)


def _running_totals(
    context: BillContext,
    billed: BilledPlan,
    current_parts: list[CounterPart],
    following_parts: list[CounterPart],
    history: CounterHistory,
) -> list[DraftLine]:
    """Arrears parts of this period; advance parts of the next (and, on bill 0, of this one)."""
    current, following = billed.period, billed.following
    in_advance = [(current, p) for p in current_parts if p.pricing.running_total_bill_in_advance]
    chosen = [(current, p) for p in current_parts if not p.pricing.running_total_bill_in_advance]
    chosen += in_advance if current.index == 0 else []
    chosen += [(following, p) for p in following_parts if p.pricing.running_total_bill_in_advance]
    produced = []
    for period, part in chosen:
        line = _running_total(context, billed, period, part, history)
        if line is not None:
            produced.append(line)
    return produced


def _running_total(
    context: BillContext, billed: BilledPlan, period: PlanPeriod, part: CounterPart, history: CounterHistory
) -> DraftLine | None:
    count = history.value_on(local_date(part.start, context.tz))
    if count is None:
        return None
    pricing = part.pricing
    amount, bands = price(pricing.bands, pricing.cumulative, count)
    if pricing.pro_rate_running_total:
        amount = prorate(amount, _days(part.start, part.end, context.tz), _full_days(context, period))
    line = _line(billed, pricing, LineType.COUNTER_RUNNING_TOTAL_CHARGE, amount, part.start, part.end, count)
    line.usage_per_pricing_band = bands
    return line


def _adjustments(
    context: BillContext, billed: BilledPlan, part: CounterPart, history: CounterHistory
) -> list[DraftLine]:
    tz = context.tz
    first, last = local_date(part.start, tz), local_date(part.end, tz)
    produced = []
    for day, count in history.dated_between(first, last):
        begins = local_midnight(day, tz)
        if not part.start < begins < part.end:
            continue  # dated at a (inside the running total) or not inside the part
        line = _adjustment(context, billed, part, begins, history.value_on(day - _DAY), count)
        if line is not None:
            produced.append(line)
    return produced


def _adjustment(
    context: BillContext, billed: BilledPlan, part: CounterPart, begins: datetime, previous: int | None, count: int
) -> DraftLine | None:
    pricing = part.pricing
    delta = delta_price(pricing.bands, pricing.cumulative, previous, count)
    if delta.amount == 0:
        return None
    debit = delta.amount > 0
    line_type = LineType.COUNTER_ADJUSTMENT_DEBIT if debit else LineType.COUNTER_ADJUSTMENT_CREDIT
    amount = delta.amount
    if pricing.pro_rate_adjustment_debit if debit else pricing.pro_rate_adjustment_credit:
        amount = prorate(amount, _days(begins, part.end, context.tz), _full_days(context, billed.period))
    line = _line(billed, pricing, line_type, amount, begins, part.end, abs(count - (previous or 0)))
    line.usage_per_pricing_band = delta.bands
    return line


def _full_days(context: BillContext, period: PlanPeriod) -> int:
    return _days(*period.full, context.tz)


def _line(
    billed: BilledPlan,
    pricing: CounterPricingSnapshot,
    line_type: LineType,
    amount: Decimal,
    start: datetime,
    end: datetime,
    units: int,
) -> DraftLine:
    plan = billed.plan
    return DraftLine(
        line_type=line_type,
        amount=amount,
        currency=plan.currency,
        account_plan_id=billed.account_plan.id,
        plan_id=plan.id,
        product_id=plan.product_id,
        service_period_start=start,
        service_period_end=end,
        description=pricing.description,
        quantity=Decimal(units),
        units=Decimal(units),
        unit=pricing.unit,
        counter_id=pricing.counter_id,
    )
