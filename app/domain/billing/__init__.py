"""Bill composition (SEMANTICS §7): pure functions of explicit inputs.

Concepts
- Snapshots (``snapshots``): resolved, frozen views of the organization, account,
  account plans, plans, pricings and aggregation targets that a service builds.
- Two phases, so a service can fetch usage set-based for many accounts:
  1. ``usage_windows(account_plans, bill_date, frequency, tz)`` lists every
     (aggregation id, segment key, [start, end)) the bill needs;
  2. ``compose_bill(account, account_plans, bill_date, frequency, org, usage,
     previous_units)`` returns a ``ComposedBill`` or raises ``BillFailure``.
- Composition is a pipeline of steps over draft lines (``DEFAULT_STEPS``); later line
  types (commitments, overage) are already in ``LineType``.

Invariants
- Standard library and ``app.domain`` only: no I/O, no clock, Decimal everywhere.
- Band and line arithmetic is exact; each line's subtotal and converted subtotal is
  rounded once, in its currency; the bill total is the sum of converted subtotals.
"""

from .compose import DEFAULT_STEPS, bill_context, compose_bill
from .context import BillContext, BilledPlan, PreviousUnitsKey, Step
from .credits import cap_credits
from .currency import convert_currency
from .lines import (
    LINE_TYPE_ORDER,
    BillFailure,
    BillLine,
    ComposedBill,
    DraftLine,
    LineType,
    line_rank,
)
from .minimums import minimum_spends
from .schedule import PlanPeriod, bills_on, first_bill_date, included_account_plans
from .snapshots import (
    AccountPlanSnapshot,
    AccountSnapshot,
    AggregationTarget,
    CompoundTarget,
    CurrencyInfo,
    EntityId,
    OrgContext,
    PlanSnapshot,
    PricingOwner,
    PricingSnapshot,
    PricingType,
    SegmentPairs,
    Target,
    segment_pairs,
)
from .standing import standing_charges
from .usage_lines import rate_usage
from .windows import UsageWindow, usage_windows

__all__ = [
    "AccountPlanSnapshot",
    "AccountSnapshot",
    "AggregationTarget",
    "BillContext",
    "BillFailure",
    "BillLine",
    "BilledPlan",
    "ComposedBill",
    "CompoundTarget",
    "CurrencyInfo",
    "DEFAULT_STEPS",
    "DraftLine",
    "EntityId",
    "LINE_TYPE_ORDER",
    "LineType",
    "OrgContext",
    "PlanPeriod",
    "PlanSnapshot",
    "PreviousUnitsKey",
    "PricingOwner",
    "PricingSnapshot",
    "PricingType",
    "SegmentPairs",
    "Step",
    "Target",
    "UsageWindow",
    "bill_context",
    "bills_on",
    "cap_credits",
    "compose_bill",
    "convert_currency",
    "first_bill_date",
    "included_account_plans",
    "line_rank",
    "minimum_spends",
    "rate_usage",
    "segment_pairs",
    "standing_charges",
    "usage_windows",
]
