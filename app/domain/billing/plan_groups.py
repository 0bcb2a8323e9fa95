"""Plan groups on bills (SEMANTICS §10.2 rules 2, 4–5).

Concepts
- A group account plan is billed as its member plans, each an account plan of its own
  (the service expands it, with the group account plan's dates, epoch and mode); a
  ``GroupMember`` maps a member's account plan id to its group.
- ``plan_group_step``: tags every member line with ``plan_group_id``, then adds the
  group's own lines (``plan_group_id``, no ``plan_id``), once per group account plan:
  - STANDING_CHARGE every period, prorated by days, advance or arrears as §7.2 item 2;
  - MINIMUM_SPEND over ``G``: the members' USAGE, counter, MINIMUM_SPEND and
    MINIMUM_SPEND_REFUND lines on this bill whose service period starts in the bill's
    period; arrears ``max(0, M × f − G)``; advance ``M × f`` at the period's start and
    ``−min(M × f, G)`` (MINIMUM_SPEND_REFUND) at its end, ``f`` = active days / days.
- G is per service period: a member minimum billed in advance counts for the period it
  is for, netted with that period's refund, although an earlier bill carried it
  (``minimums.minimums_billed_ahead``); so a member period counts ``max(minimum,
  charges)`` in advance as in arrears.

Invariants
- A zero standing charge or minimum, and a zero amount, give no line (as for plans).
- All members of a group share frequency, interval and dates, so the first member billed
  gives the group's period.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .context import BillContext, BilledPlan, Step
from .lines import DraftLine, LineType
from .minimums import minimums_billed_ahead
from .schedule import PlanPeriod, charged_periods, period_days, prorate
from .snapshots import EntityId

__all__ = [
    "GROUP_MINIMUM_TYPES",
    "GroupMember",
    "PlanGroupSnapshot",
    "group_minimum_base",
    "member_id",
    "plan_group_step",
]

_ZERO = Decimal(0)
# §10.2 rule 5: what counts towards a group's minimum (standing charges, credits,
# drawdowns and overage do not).
GROUP_MINIMUM_TYPES = frozenset(
    {
        LineType.USAGE,
        LineType.COUNTER_RUNNING_TOTAL_CHARGE,
        LineType.COUNTER_ADJUSTMENT_DEBIT,
        LineType.COUNTER_ADJUSTMENT_CREDIT,
        LineType.MINIMUM_SPEND,
        LineType.MINIMUM_SPEND_REFUND,
    }
)


@dataclass(frozen=True)
class PlanGroupSnapshot:
    id: EntityId
    currency: str
    minimum_spend: Decimal = _ZERO
    standing_charge: Decimal = _ZERO
    minimum_spend_description: str | None = None
    standing_charge_description: str | None = None
    minimum_spend_bill_in_advance: bool = False  # resolved: group ?? organization
    standing_charge_bill_in_advance: bool = False


def member_id(group_account_plan_id: uuid.UUID, plan_id: uuid.UUID) -> uuid.UUID:
    """The account plan id a group's member bills under: one per (account plan that
    attached the group, linked plan), with no row of its own. Derived, so that every
    calculation finds the same one: the lines of earlier bills (tiersSpanPlan history),
    and a deletion of the group's account plan looking for the bills that carry them."""
    return uuid.uuid5(group_account_plan_id, str(plan_id))


@dataclass(frozen=True)
class GroupMember:
    group: PlanGroupSnapshot
    group_account_plan_id: EntityId  # the account plan that attached the group


def group_minimum_base(lines: list[DraftLine], member_ids: set[EntityId], period: PlanPeriod) -> Decimal:
    """G of the period: the members' counted lines whose service period starts in it (the
    group's own lines carry the group account plan's id, never a member's)."""
    if period.active is None:
        return _ZERO
    start, end = period.active
    return sum(
        (
            line.amount
            for line in lines
            if line.account_plan_id in member_ids
            and line.line_type in GROUP_MINIMUM_TYPES
            and start <= line.service_period_start < end
        ),
        _ZERO,
    )


def plan_group_step(members: Mapping[EntityId, GroupMember]) -> Step:
    """Step: tag the member lines, then add each billed group's own lines."""

    def plan_groups(context: BillContext, lines: list[DraftLine]) -> None:
        billed: dict[EntityId, tuple[GroupMember, BilledPlan, set[EntityId]]] = {}
        ahead: dict[EntityId, Decimal] = {}
        for plan in context.plans:
            member = members.get(plan.account_plan.id)
            if member is not None:
                found = billed.setdefault(member.group_account_plan_id, (member, plan, set()))
                found[2].add(plan.account_plan.id)
                key = member.group_account_plan_id
                ahead[key] = ahead.get(key, _ZERO) + minimums_billed_ahead(context, plan)
        for line in lines:
            member = members.get(line.account_plan_id) if line.account_plan_id is not None else None
            if member is not None and line.plan_group_id is None:
                line.plan_group_id = member.group.id
        group_lines: list[DraftLine] = []
        for key, (member, plan, member_ids) in billed.items():
            base = group_minimum_base(lines, member_ids, plan.period) + ahead[key]
            group_lines.extend(_standing(context, member, plan))
            group_lines.extend(_minimum(context, member, plan, base))
        lines.extend(group_lines)

    return plan_groups


def _line(member: GroupMember, line_type: LineType, amount: Decimal, period: PlanPeriod, text: str | None) -> DraftLine:
    assert period.active is not None  # callers skip inactive periods
    return DraftLine(
        line_type=line_type,
        amount=amount,
        currency=member.group.currency,
        account_plan_id=member.group_account_plan_id,
        plan_id=None,
        product_id=None,
        service_period_start=period.active[0],
        service_period_end=period.active[1],
        description=text,
        plan_group_id=member.group.id,
    )


def _share(context: BillContext, amount: Decimal, period: PlanPeriod) -> Decimal:
    return _ZERO if period.active is None else prorate(amount, *period_days(period, context.tz))


def _standing(context: BillContext, member: GroupMember, plan: BilledPlan) -> list[DraftLine]:
    group = member.group
    if group.standing_charge == 0:
        return []
    produced = []
    for period in charged_periods(plan.period, plan.following, group.standing_charge_bill_in_advance):
        amount = _share(context, group.standing_charge, period)
        if amount != 0:
            produced.append(_line(member, LineType.STANDING_CHARGE, amount, period, group.standing_charge_description))
    return produced


def _minimum(context: BillContext, member: GroupMember, plan: BilledPlan, base: Decimal) -> list[DraftLine]:
    group = member.group
    if group.minimum_spend <= 0:
        return []
    text = group.minimum_spend_description
    current = _share(context, group.minimum_spend, plan.period)
    if not group.minimum_spend_bill_in_advance:
        top_up = current - base
        return [_line(member, LineType.MINIMUM_SPEND, top_up, plan.period, text)] if top_up > 0 else []
    produced = []
    for period in charged_periods(plan.period, plan.following, True):
        amount = _share(context, group.minimum_spend, period)
        if amount > 0:
            produced.append(_line(member, LineType.MINIMUM_SPEND, amount, period, text))
    refund = min(current, base)
    if current > 0 and refund != 0:
        produced.append(_line(member, LineType.MINIMUM_SPEND_REFUND, -refund, plan.period, text))
    return produced
