"""What bill composition reads about counters (`app.domain.billing.counters_values.Counters`),
set-based for a whole job or chunk: the counter pricings of the billed plans and templates
(one query), their counters (one query) and the adjustments of the billed accounts for
those counters (one query), whatever the number of accounts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import cast

from tortoise.expressions import Q

from app.domain.bands import PricingBand
from app.domain.billing import AccountPlanSnapshot, PricingOwner
from app.domain.billing.counters_values import NO_COUNTERS, CounterHistory, CounterPricingSnapshot, Counters
from app.models.counters import Counter, CounterAdjustment, CounterPricing

__all__ = ["load_counters"]


async def load_counters(
    organization_id: uuid.UUID, account_plans: Mapping[uuid.UUID, Iterable[AccountPlanSnapshot]]
) -> Counters:
    """Counter inputs of these accounts' account plans (by account id)."""
    plans = {ap.plan.id for aps in account_plans.values() for ap in aps}
    templates = {ap.plan.template_id for aps in account_plans.values() for ap in aps}
    if not plans:
        return NO_COUNTERS
    rows = await CounterPricing.filter(
        Q(plan_id__in=list(plans)) | Q(plan_template_id__in=list(templates)), organization_id=organization_id
    ).order_by("id")
    if not rows:
        return NO_COUNTERS
    counters = {
        c.id: c
        for c in await Counter.filter(organization_id=organization_id, id__in=list({r.counter_id for r in rows}))
    }
    by_plan: dict[uuid.UUID, list[CounterPricingSnapshot]] = {}
    by_template: dict[uuid.UUID, list[CounterPricingSnapshot]] = {}
    for row in rows:
        counter = counters.get(row.counter_id)
        if counter is None:
            continue  # deleted meanwhile: nothing to price
        # A counter pricing belongs to a plan or else to a plan template (a database constraint).
        if row.plan_id is not None:
            owner = by_plan.setdefault(row.plan_id, [])
        else:
            owner = by_template.setdefault(cast(uuid.UUID, row.plan_template_id), [])
        owner.append(_snapshot(row, counter))
    values = await CounterAdjustment.filter(
        organization_id=organization_id, account_id__in=list(account_plans), counter_id__in=list(counters)
    ).values_list("account_id", "counter_id", "date", "value")
    histories: dict[tuple[uuid.UUID, uuid.UUID], list[tuple]] = {}
    for account_id, counter_id, day, value in values:
        histories.setdefault((account_id, counter_id), []).append((day, int(value)))
    return Counters(
        plan_pricings={k: tuple(v) for k, v in by_plan.items()},
        template_pricings={k: tuple(v) for k, v in by_template.items()},
        histories={k: CounterHistory(tuple(v)) for k, v in histories.items()},
    )


def _snapshot(row: CounterPricing, counter: Counter) -> CounterPricingSnapshot:
    return CounterPricingSnapshot(
        id=row.id,
        counter_id=counter.id,
        counter_code=counter.code,
        unit=counter.unit,
        owner=PricingOwner.PLAN if row.plan_id else PricingOwner.TEMPLATE,
        start=row.start_date,
        end=row.end_date,
        bands=tuple(
            PricingBand(
                Decimal(str(b["lowerLimit"])), Decimal(str(b["unitPrice"])), Decimal(str(b.get("fixedPrice") or 0))
            )
            for b in row.pricing_bands or []
        ),
        cumulative=row.cumulative,
        running_total_bill_in_advance=row.running_total_bill_in_advance,
        pro_rate_running_total=row.pro_rate_running_total,
        pro_rate_adjustment_debit=row.pro_rate_adjustment_debit,
        pro_rate_adjustment_credit=row.pro_rate_adjustment_credit,
        description=row.description,
        code=row.code,
    )
