"""Usage windows: the raw usage a bill needs, fetched set-based (SEMANTICS §3.3–3.4, §7.2).

Concepts
- ``UsageWindow``: one aggregation's raw aggregated value for one segment over the
  instants ``[start, end)``. A priced interval of an aggregation needs one window (its
  pricing's segment key); a priced interval of a compound aggregation needs one window per
  referenced aggregation, with segment None (see below).
- ``usage_windows`` lists, for one account's bill, every window ``compose_bill`` will look
  up. A service collects them for many accounts, runs one aggregation query per
  (aggregation, segment, window) group, and hands each account its values.

Invariants
- Windows are the priced sub-intervals of each included account plan's period (a pricing
  starting or ending inside the period splits it), so their boundaries are local midnights
  of the organization timezone or pricing / account-plan boundaries; all in UTC.
- Segment None means every measurement of the aggregation, whatever its segment: that is
  what an unsegmented pricing and a compound reference read **(decision: a compound
  aggregation references an aggregation as a whole, §3.4 names no segment)**.
- The result has no duplicates and a deterministic order (first need, in line order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from app.domain.periods import BillFrequency

from .schedule import included_account_plans, plan_period
from .snapshots import AccountPlanSnapshot, CompoundTarget, EntityId, SegmentPairs
from .timeline import PricedInterval, priced_intervals

__all__ = ["UsageWindow", "interval_windows", "usage_windows"]


@dataclass(frozen=True)
class UsageWindow:
    """Raw usage of ``aggregation_id`` in ``segment`` (its sorted field/value pairs) over ``[start, end)``."""

    aggregation_id: EntityId
    segment: SegmentPairs | None
    start: datetime
    end: datetime

    @property
    def segment_map(self) -> Mapping[str, str] | None:
        return None if self.segment is None else dict(self.segment)


def interval_windows(interval: PricedInterval) -> tuple[UsageWindow, ...]:
    """The windows one priced interval reads: its aggregation, or each compound reference."""
    pricing = interval.pricing
    target = pricing.target
    if isinstance(target, CompoundTarget):
        return tuple(UsageWindow(reference.id, None, interval.start, interval.end) for reference in target.references)
    return (UsageWindow(target.id, pricing.segment_pairs, interval.start, interval.end),)


def usage_windows(
    account_plans: Iterable[AccountPlanSnapshot],
    bill_date: date,
    frequency: BillFrequency,
    tz: tzinfo,
) -> tuple[UsageWindow, ...]:
    """Every usage window the bill (``bill_date``, ``frequency``) of these account plans reads.

    ``account_plans`` are one account's; those the bill does not include are ignored.
    """
    needed: dict[UsageWindow, None] = {}
    for account_plan in included_account_plans(account_plans, bill_date, frequency, tz):
        period = plan_period(account_plan, bill_date, tz)
        if period.active is None:  # cannot happen: included means active
            continue
        for interval in priced_intervals(account_plan.plan, *period.active):
            for window in interval_windows(interval):
                needed.setdefault(window, None)
    return tuple(needed)
