"""Which pricing prices a target when: the priced sub-intervals of a span (SEMANTICS §4.3, §7.2).

Concepts
- Pricings *compete* when they price the same target (aggregation or compound id) and
  the same segment (segment key); a plan's pricings and its template's compete.
- Within a span ``[start, end)`` (a period cut to the account plan's active interval) the
  span is split at every start and end of a competing pricing that lies inside it. On each
  part the plan's pricing active at the part's start wins, else the template's: the §4.3
  override is decided per part, so a plan pricing covering half a period overrides the
  template's for that half only. Adjacent parts won by the same pricing are merged, so a
  pricing starting or ending inside the period is exactly what splits it (§7.2).
- ``PricedInterval``: the winning pricing and its part ``[start, end)``.

Invariants
- The intervals of one target and segment are disjoint, ordered and inside the span; a
  part where no competing pricing is active has no interval (nothing is priced there).
- The result is ordered by (target code, target id, segment key, start): the order of the
  usage lines on the bill.
- Instants are returned in UTC.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .snapshots import PlanSnapshot, PricingOwner, PricingSnapshot

__all__ = ["PricedInterval", "priced_intervals"]


@dataclass(frozen=True)
class PricedInterval:
    pricing: PricingSnapshot
    start: datetime
    end: datetime


def _competition(pricing: PricingSnapshot) -> tuple[Hashable, Hashable]:
    return pricing.target.id, pricing.segment_pairs


# A bill run asks this for every account on a plan, with the same period, more than once
# per bill (usage windows, then composition): recent answers are kept per plan snapshot
# (identity: snapshots are immutable and shared by the account plans of one load; the
# entry holds the plan, so its id is not reused while kept) and span.
_KEPT = 4096
_recent: dict[tuple[int, datetime, datetime], tuple[PlanSnapshot, tuple[PricedInterval, ...]]] = {}


def priced_intervals(plan: PlanSnapshot, start: datetime, end: datetime) -> tuple[PricedInterval, ...]:
    """Every priced part of ``[start, end)`` for each target and segment of ``plan``."""
    key = (id(plan), start, end)
    kept = _recent.get(key)
    if kept is not None and kept[0] is plan:
        return kept[1]
    result = _priced_intervals(plan, start, end)
    if len(_recent) >= _KEPT:
        _recent.clear()
    _recent[key] = (plan, result)
    return result


def _priced_intervals(plan: PlanSnapshot, start: datetime, end: datetime) -> tuple[PricedInterval, ...]:
    groups: dict[tuple[Hashable, Hashable], list[PricingSnapshot]] = {}
    for pricing in (*plan.plan_pricings, *plan.template_pricings):
        groups.setdefault(_competition(pricing), []).append(pricing)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    intervals = [interval for group in groups.values() for interval in _split(group, start, end)]
    return tuple(sorted(intervals, key=_line_order))


def _line_order(interval: PricedInterval) -> tuple[object, ...]:
    target = interval.pricing.target
    return target.code, str(target.id), interval.pricing.segment_pairs or (), interval.start


def _split(group: Sequence[PricingSnapshot], start: datetime, end: datetime) -> list[PricedInterval]:
    cuts = {start, end}
    for pricing in group:
        for instant in (pricing.start, pricing.end):
            if instant is not None and start < instant < end:
                cuts.add(instant.astimezone(UTC))
    bounds = sorted(cuts)
    parts: list[PricedInterval] = []
    for low, high in zip(bounds, bounds[1:]):
        winner = _winner(group, low)
        if winner is None:
            continue
        if parts and parts[-1].pricing.id == winner.id and parts[-1].end == low:
            parts[-1] = PricedInterval(winner, parts[-1].start, high)
        else:
            parts.append(PricedInterval(winner, low, high))
    return parts


def _winner(group: Sequence[PricingSnapshot], instant: datetime) -> PricingSnapshot | None:
    # Pricings of one owner may not overlap (§4.3); should bad data let them, the one
    # that started last wins, so the choice never depends on input order.
    for owner in (PricingOwner.PLAN, PricingOwner.TEMPLATE):
        active = [p for p in group if p.owner is owner and p.active_at(instant)]
        if active:
            return max(active, key=lambda pricing: (pricing.start, str(pricing.id)))
    return None
