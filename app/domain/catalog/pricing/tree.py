"""Nested plan inputs checked as one: a template with its pricings and its plans (each
with pricings), or a plan with its pricings, or a single pricing.

Invariants
- Every problem of the whole input is reported, each at its path
  (`["input", "plans", "2", "pricings", "0", "pricingBands", "1", "lowerLimit"]`).
- Codes are unique per kind within the input; the database's codes are the caller's
  question (`CatalogRows.codes` lists every code with its path).
- A new pricing collides with no earlier pricing of the input and none of `existing`;
  the problem names the colliding pricing's id (and its path when it is new).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.catalog.pricing.draft import PlanDraft, PlanTemplateDraft, PricingDraft
from app.domain.catalog.pricing.plans import check_plan, check_plan_template
from app.domain.catalog.pricing.pricings import as_draft, check_pricing
from app.domain.catalog.pricing.windows import overlapping
from app.domain.catalog.refs import AggregationRef, PlanTemplateRef, PricingWindow
from app.domain.given import Fields, Given, as_fields
from app.domain.problems import ErrorCode, ProblemCollector

Path = tuple[str, ...]
# The target as a pricing names it, (input name, value) as in `TargetName`, e.g.
# ("aggregationCode", "gb") → the target, or None when this organization has no such one.
ResolveTarget = Callable[[str, Any], AggregationRef | None]


@dataclass
class CatalogRows:
    """Model values of the entities an input creates, in the order to insert them."""

    templates: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    pricings: list[dict[str, Any]] = field(default_factory=list)
    windows: list[tuple[PricingWindow, Path]] = field(default_factory=list)  # with the pricing's path
    codes: list[tuple[str, str, Path]] = field(default_factory=list)  # (kind, code, path of the code)

    def add(self, kind: str, values: dict[str, Any], at: ProblemCollector) -> None:
        getattr(self, {"planTemplate": "templates", "plan": "plans", "pricing": "pricings"}[kind]).append(values)
        if values.get("code") is not None:
            self.codes.append((kind, values["code"], at.base + ("code",)))


def pricing_inputs(data: PlanTemplateDraft | PlanDraft | Mapping[str, Any]) -> Iterator[PricingDraft]:
    """Every pricing input inside a template or plan input (to resolve targets in bulk)."""
    for pricing in _items(data, "pricings"):
        yield as_draft(pricing)
    for plan in _items(data, "plans"):
        yield from (as_draft(pricing) for pricing in _items(plan, "pricings"))


def check_template_tree(
    data: PlanTemplateDraft | Mapping[str, Any],
    at: ProblemCollector,
    *,
    product_id: uuid.UUID | None,
    currency_codes: Collection[str],
    resolve_target: ResolveTarget,
) -> CatalogRows:
    data = as_fields(PlanTemplateDraft, data)
    rows = CatalogRows()
    # The product may be unknown (the caller reported it); the template is checked all the same.
    values, template = check_plan_template(
        data,
        at,
        product_id=product_id,  # type: ignore[arg-type]
        currency_codes=currency_codes,
    )
    rows.add("planTemplate", values, at)
    for index, pricing in _checked_items(data, "pricings", at):
        add_pricing(
            rows,
            pricing,
            at.under("pricings", index),
            owner_product_id=product_id,
            plan_id=None,
            plan_template_id=template.id,
            resolve_target=resolve_target,
        )
    for index, plan in _checked_items(data, "plans", at):
        _add_plan(rows, plan, at.under("plans", index), template, resolve_target)
    return rows


def check_plan_tree(
    data: PlanDraft | Mapping[str, Any],
    at: ProblemCollector,
    *,
    template: PlanTemplateRef,
    resolve_target: ResolveTarget,
) -> CatalogRows:
    rows = CatalogRows()
    _add_plan(rows, as_fields(PlanDraft, data), at, template, resolve_target)
    return rows


def add_pricing(
    rows: CatalogRows,
    data: PricingDraft | Mapping[str, Any],
    at: ProblemCollector,
    *,
    owner_product_id: uuid.UUID | None,
    plan_id: uuid.UUID | None,
    plan_template_id: uuid.UUID | None,
    resolve_target: ResolveTarget,
) -> None:
    draft = as_draft(data)
    named = draft.target()
    target = resolve_target(named.input_name, named.value) if named is not None else None
    values, window = check_pricing(
        draft, at, owner_product_id=owner_product_id, plan_id=plan_id, plan_template_id=plan_template_id, target=target
    )
    rows.add("pricing", values, at)
    if window is not None:
        rows.windows.append((window, at.base))


def check_collisions(rows: CatalogRows, at: ProblemCollector, existing: Iterable[PricingWindow] = ()) -> None:
    """Codes repeated within the input, and pricings colliding in time (with each other
    or with `existing`); problems at full paths."""
    root = ProblemCollector(base=(), problems=at.problems)
    seen: dict[tuple[str, str], Path] = {}
    for kind, code, path in rows.codes:
        if (kind, code) in seen:
            root.add(path, ErrorCode.DUPLICATE, f"code {code!r} is also given at {'.'.join(seen[kind, code])}")
        seen.setdefault((kind, code), path)
    paths: dict[uuid.UUID, Path] = {}
    earlier = list(existing)
    for window, path in rows.windows:
        other = overlapping(window, earlier)
        if other is not None:
            where = f" (at {'.'.join(paths[other.id])})" if other.id in paths else ""
            root.add(
                path + ("startDate",),
                ErrorCode.INVALID,
                f"overlaps pricing {other.id}{where} of the same aggregation and segment",
            )
        paths[window.id] = path
        earlier.append(window)


def _add_plan(
    rows: CatalogRows,
    data: PlanDraft,
    at: ProblemCollector,
    template: PlanTemplateRef,
    resolve_target: ResolveTarget,
) -> None:
    values, plan = check_plan(data, at, template=template)
    rows.add("plan", values, at)
    for index, pricing in _checked_items(data, "pricings", at):
        add_pricing(
            rows,
            pricing,
            at.under("pricings", index),
            owner_product_id=template.product_id,
            plan_id=plan.id,
            plan_template_id=None,
            resolve_target=resolve_target,
        )


def _items(data: Given, key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, (list, tuple)):
        return []
    return [item for item in value if isinstance(item, (Mapping, Fields))]


def _checked_items(data: Given, key: str, at: ProblemCollector) -> Iterator[tuple[int, Any]]:
    value = data.get(key)
    if value is None:
        return
    if not isinstance(value, (list, tuple)):
        at.add(key, ErrorCode.INVALID, "must be a list")
        return
    for index, item in enumerate(value):
        if isinstance(item, (Mapping, Fields)):
            yield index, item
        else:
            at.add((key, str(index)), ErrorCode.INVALID, "must be an object")
