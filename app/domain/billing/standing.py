"""STANDING_CHARGE lines (SEMANTICS §4.1–4.2, §7.2 item 2).

Concepts
- The resolved standing charge (plan ?? template) is charged for period k of an account
  plan when ``k ≥ offset`` and ``(k − offset) % interval == 0`` — the full amount per
  application, prorated only when period k itself is partial (active days / days in the
  full period, in the organization timezone).
- Arrears: the charge for a period is on the bill closing it. Advance (decision §7.2): on
  the bill dated at the period's start; bill 0 also carries period 0 (see
  ``schedule.charged_periods``).

Invariants
- A zero standing charge, or a prorated amount of zero (an account plan active for less
  than a local day), gives **no line** (decision: a line of 0.00 tells the customer
  nothing).
- The line's service period is the charged period cut to the account plan's active
  interval; its amount is exact (rounded later, with every line).
"""

from __future__ import annotations

from .context import BillContext, BilledPlan
from .lines import DraftLine, LineType
from .schedule import PlanPeriod, charge_applies, charged_periods, period_days, prorate

__all__ = ["standing_charges"]


def standing_charges(context: BillContext, lines: list[DraftLine]) -> None:
    """Step: append the STANDING_CHARGE lines of every billed account plan."""
    for billed in context.plans:
        plan = billed.plan
        if plan.standing_charge == 0:
            continue
        periods = charged_periods(billed.period, billed.following, plan.standing_charge_bill_in_advance)
        for period in periods:
            line = _standing_line(context, billed, period)
            if line is not None:
                lines.append(line)


def _standing_line(context: BillContext, billed: BilledPlan, period: PlanPeriod) -> DraftLine | None:
    plan = billed.plan
    if period.active is None:
        return None
    if not charge_applies(period.index, plan.standing_charge_interval, plan.standing_charge_offset):
        return None
    amount = prorate(plan.standing_charge, *period_days(period, context.tz))
    if amount == 0:
        return None
    return DraftLine(
        line_type=LineType.STANDING_CHARGE,
        amount=amount,
        currency=plan.currency,
        account_plan_id=billed.account_plan.id,
        plan_id=plan.id,
        product_id=plan.product_id,
        service_period_start=period.active[0],
        service_period_end=period.active[1],
        description=plan.standing_charge_description,
    )
