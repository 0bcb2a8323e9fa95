"""Units already billed in earlier periods, for tiersSpanPlan pricings (SEMANTICS §4.4).

The stored bills are the record of what was billed: for an account plan, a target
(aggregation or compound aggregation) and a segment, the previous units of a bill are the
sum of `units` of the USAGE and USAGE_CREDIT line items of that account plan, target and
segment whose service period ended by the start of this bill's period for that account
plan **(decision)**. So recalculating an old bill ignores later bills, recalculating a bill
ignores its own lines, and a period that was never billed counts nothing.

One query per chunk, for the account plans that have a spanning pricing only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from decimal import Decimal

from app.db import connection
from app.domain.billing import AccountPlanSnapshot, PreviousUnitsKey, segment_pairs
from app.domain.billing.schedule import plan_period

# (account plan id, target id, segment key) → [(service period end, units)]
History = dict[PreviousUnitsKey, list[tuple[datetime, Decimal]]]


def spans_plan(account_plan: AccountPlanSnapshot) -> bool:
    plan = account_plan.plan
    return any(p.tiers_span_plan for p in (*plan.plan_pricings, *plan.template_pricings))


async def load_history(organization_id: uuid.UUID, account_plans: Iterable[AccountPlanSnapshot]) -> History:
    ids = sorted({ap.id for ap in account_plans if spans_plan(ap)}, key=str)
    if not ids:
        return {}
    async with connection() as conn:
        rows = await conn.fetch(
            """SELECT account_plan_id, coalesce(aggregation_id, compound_aggregation_id) AS target_id,
                      segment::text AS segment, service_period_end, sum(units) AS units
               FROM bill_line_items
               WHERE organization_id = $1 AND account_plan_id = ANY($2::uuid[])
                 AND line_item_type IN ('USAGE', 'USAGE_CREDIT') AND units IS NOT NULL
               GROUP BY 1, 2, 3, 4""",
            organization_id,
            ids,
        )
    history: History = {}
    for row in rows:
        segment = json.loads(row["segment"]) if row["segment"] else None
        key = (row["account_plan_id"], row["target_id"], segment_pairs(segment))
        history.setdefault(key, []).append((row["service_period_end"], row["units"]))
    return history


def previous_units(
    history: History, account_plans: Iterable[AccountPlanSnapshot], bill_date: date, tz: tzinfo
) -> dict[PreviousUnitsKey, Decimal]:
    """Previous units of one bill: per key, the units of periods ending by this period's start."""
    starts: dict[uuid.UUID, datetime] = {}
    for account_plan in account_plans:
        if spans_plan(account_plan):
            try:
                starts[account_plan.id] = plan_period(account_plan, bill_date, tz).full[0]
            except ValueError:  # not a bill date of this plan: it is not on the bill
                continue
    result: dict[PreviousUnitsKey, Decimal] = {}
    for key, periods in history.items():
        start = starts.get(key[0])
        if start is not None:
            total = sum((units for end, units in periods if end <= start), Decimal(0))
            if total:
                result[key] = total
    return result
