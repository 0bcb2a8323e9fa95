"""Counters and counter pricings nested in `createProduct` (SEMANTICS §8.1, CONTRACT §4):
checked with the rest of the input, every problem at its path, and written in the same
transaction.

Inside one input a counter pricing names its owner by `planTemplateCode` or `planCode`
(a template or plan of the same input, exactly one) and its counter by `counterCode`: a
counter of the same input, else an existing global counter. Codes already taken, or given
twice in the input, are DUPLICATE; two pricings of one owner and counter may not overlap.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.billing.counters_checks import (
    CounterDraft,
    CounterPricingDraft,
    CounterWindow,
    check_counter,
    check_counter_pricing,
    overlapping,
)
from app.domain.catalog.pricing import CatalogRows
from app.models.counters import Counter, CounterPricing
from app.services import events
from app.services.catalog.entities import taken_codes
from app.services.errors import ErrorCode, ProblemCollector

_IMPLIED = "must be left out: it is implied by where the input is nested"


@dataclass
class NestedCounters:
    """Model values of the counters and counter pricings one input creates."""

    counters: list[dict[str, Any]] = field(default_factory=list)
    pricings: list[dict[str, Any]] = field(default_factory=list)


async def check_nested_counters(
    organization_id: uuid.UUID,
    product_id: uuid.UUID,
    plan_rows: CatalogRows,
    counters: Sequence[CounterDraft],
    pricings: Sequence[CounterPricingDraft],
    at: ProblemCollector,
) -> NestedCounters:
    rows = NestedCounters()
    if not counters and not pricings:
        return rows
    await _check_counters(organization_id, product_id, counters, rows, at)
    by_code = {c["code"]: (c["id"], c["product_id"]) for c in rows.counters if isinstance(c.get("code"), str)}
    wanted = {p.get("counterCode") for p in pricings} - set(by_code) - {None}
    for found in await Counter.filter(organization_id=organization_id, product_id=None, code__in=list(wanted)):
        by_code[found.code] = (found.id, None)
    owners = {("planTemplateCode", t["code"]): ("plan_template_id", t["id"]) for t in plan_rows.templates}
    owners |= {("planCode", p["code"]): ("plan_id", p["id"]) for p in plan_rows.plans}
    windows: list[CounterWindow] = []
    for j, pricing in enumerate(pricings):
        pricing_at = at.under("counterPricings", j)
        values = _check_pricing(product_id, pricing, owners, by_code, pricing_at)
        if values is None:
            continue
        window = CounterWindow(
            values["id"],
            values["plan_id"] or values["plan_template_id"],
            values["counter_id"],
            values["start_date"],
            values["end_date"],
        )
        if other := overlapping(window, windows):
            pricing_at.add("startDate", ErrorCode.INVALID, f"overlaps counterPricings[{windows.index(other)}]")
        windows.append(window)
        rows.pricings.append(values)
    await _report_taken(organization_id, CounterPricing, "counterPricings", rows.pricings, at)
    return rows


async def _check_counters(
    organization_id: uuid.UUID,
    product_id: uuid.UUID,
    counters: Sequence[CounterDraft],
    rows: NestedCounters,
    at: ProblemCollector,
) -> None:
    for i, counter in enumerate(counters):
        counter_at = at.under("counters", i)
        if counter.get("productId") is not None:
            counter_at.add("productId", ErrorCode.INVALID, _IMPLIED)
        rows.counters.append({**check_counter(counter, counter_at), "id": uuid.uuid4(), "product_id": product_id})
    await _report_taken(organization_id, Counter, "counters", rows.counters, at)


def _check_pricing(
    product_id: uuid.UUID,
    pricing: CounterPricingDraft,
    owners: dict[tuple[str, Any], tuple[str, uuid.UUID]],
    counters: dict[str, tuple[uuid.UUID, uuid.UUID | None]],
    at: ProblemCollector,
) -> dict[str, Any] | None:
    for key in ("planId", "planTemplateId", "counterId"):
        if pricing.get(key) is not None:
            at.add(
                key,
                ErrorCode.INVALID,
                "inside createProduct, name it by code (planCode, planTemplateCode, counterCode)",
            )
    named = [(key, pricing.get(key)) for key in ("planTemplateCode", "planCode") if pricing.get(key) is not None]
    owner = None
    if len(named) != 1:
        at.add("planTemplateCode", ErrorCode.REQUIRED, "give exactly one of planTemplateCode or planCode")
    elif (owner := owners.get(named[0])) is None:
        at.add(named[0][0], ErrorCode.NOT_FOUND, f"no plan template or plan {named[0][1]!r} in this input")
    code = pricing.get("counterCode")
    counter = counters.get(code) if isinstance(code, str) else None
    if counter is None:
        at.add("counterCode", ErrorCode.NOT_FOUND, f"no counter {code!r} in this input nor a global one")
    values = check_counter_pricing(pricing, at, owner_product_id=product_id, counter_product_id=None)
    if owner is None or counter is None:
        return None
    column, owner_id = owner
    return {
        **values,
        "id": uuid.uuid4(),
        "plan_id": owner_id if column == "plan_id" else None,
        "plan_template_id": owner_id if column == "plan_template_id" else None,
        "counter_id": counter[0],
        "product_id": product_id,
    }


async def _report_taken(
    organization_id: uuid.UUID, model: Any, key: str, rows: list[dict[str, Any]], at: ProblemCollector
) -> None:
    codes = [row.get("code") for row in rows]
    taken = await taken_codes(model, organization_id, [c for c in codes if isinstance(c, str)])
    first: dict[str, int] = {}
    for index, code in enumerate(codes):
        if not isinstance(code, str):
            continue
        if code in taken:
            at.under(key, index).add("code", ErrorCode.DUPLICATE, f"{code!r} is taken")
        elif code in first:
            at.under(key, index).add("code", ErrorCode.DUPLICATE, f"{key}[{first[code]}] has the same code")
        else:
            first[code] = index


async def insert_nested_counters(organization_id: uuid.UUID, rows: NestedCounters, actor: str) -> None:
    """Inside the caller's transaction, after the plans and templates the pricings name."""
    stamp: dict[str, Any] = {"organization_id": organization_id, "created_by": actor, "last_modified_by": actor}
    kinds: tuple[tuple[Any, list[dict[str, Any]]], ...] = ((Counter, rows.counters), (CounterPricing, rows.pricings))
    for model, values in kinds:
        if values:
            instances = [model(**stamp, **row) for row in values]
            await model.bulk_create(instances)
            await events.created(*instances)
