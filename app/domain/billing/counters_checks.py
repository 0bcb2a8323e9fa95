"""Checking counter inputs (SEMANTICS §8.1): counters, counter pricings, adjustments.

Concepts
- Drafts: the fields a client sent, by input name (NOT_GIVEN when left out); an update
  overlays its changes on the stored values and checks the whole result again.
- Each check reports every problem at its input name and returns the model values.
- ``CounterWindow``: a counter pricing's owner, counter and ``[start, end)``; two windows of
  one (owner, counter) may not overlap (§8.2 rule 6).

Invariants
- A counter pricing has exactly one owner and its counter is global or of the owner's
  product; bands follow the pricing rules (§4.3); an adjustment's value is a whole number
  ≥ 0 and its purchase order number at most 100 characters.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.accounts.values import plain_date
from app.domain.catalog.pricing.pricings import _bands as pricing_bands
from app.domain.catalog.pricing.values import boolean, instant, text
from app.domain.given import NOT_GIVEN, Fields
from app.domain.naming import description_problem, entity_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector

__all__ = [
    "CounterDraft",
    "CounterPricingDraft",
    "CounterAdjustmentDraft",
    "CounterWindow",
    "MAX_COUNT",
    "check_counter",
    "check_counter_pricing",
    "check_adjustment",
    "overlapping",
]

# A count is stored as a bigint; far beyond any real number of seats.
MAX_COUNT = 10**15
MAX_PURCHASE_ORDER = 100
MAX_UNIT = 80


@dataclass(frozen=True)
class CounterDraft(Fields):
    name: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    unit: Any = NOT_GIVEN
    product_id: Any = NOT_GIVEN


@dataclass(frozen=True)
class CounterPricingDraft(Fields):
    plan_id: Any = NOT_GIVEN
    plan_template_id: Any = NOT_GIVEN
    counter_id: Any = NOT_GIVEN
    counter_code: Any = NOT_GIVEN  # nested in createProduct: the counter by its code
    plan_code: Any = NOT_GIVEN  # nested in createProduct: a plan of the same input
    plan_template_code: Any = NOT_GIVEN  # nested in createProduct: a plan template of the same input
    start_date: Any = NOT_GIVEN
    end_date: Any = NOT_GIVEN
    pricing_bands: Any = NOT_GIVEN
    cumulative: Any = NOT_GIVEN
    running_total_bill_in_advance: Any = NOT_GIVEN
    pro_rate_running_total: Any = NOT_GIVEN
    pro_rate_adjustment_debit: Any = NOT_GIVEN
    pro_rate_adjustment_credit: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    description: Any = NOT_GIVEN


@dataclass(frozen=True)
class CounterAdjustmentDraft(Fields):
    counter_id: Any = NOT_GIVEN
    account_id: Any = NOT_GIVEN
    date: Any = NOT_GIVEN
    value: Any = NOT_GIVEN
    purchase_order_number: Any = NOT_GIVEN


@dataclass(frozen=True)
class CounterWindow:
    id: uuid.UUID
    owner_id: uuid.UUID
    counter_id: uuid.UUID
    start: datetime
    end: datetime | None

    def overlaps(self, other: CounterWindow) -> bool:
        if self.id == other.id or self.owner_id != other.owner_id or self.counter_id != other.counter_id:
            return False
        before = self.end is not None and self.end <= other.start
        after = other.end is not None and other.end <= self.start
        return not (before or after)


def overlapping(window: CounterWindow, others: Iterable[CounterWindow]) -> CounterWindow | None:
    return next((other for other in others if window.overlaps(other)), None)


def _unit_problem(unit: str) -> str | None:
    if not unit.strip() or unit != unit.strip():
        return "must be 1–80 characters without leading or trailing whitespace"
    if len(unit) > MAX_UNIT or any(ord(c) < 32 for c in unit):
        return "must be 1–80 characters without control characters"
    return None


def check_counter(data: CounterDraft, at: ProblemCollector) -> dict[str, Any]:
    """A whole counter input → model values (the product is resolved by the caller)."""
    return {
        "name": text(data, "name", at, name_problem, required=True),
        "code": text(data, "code", at, entity_code_problem, required=True),
        "unit": text(data, "unit", at, _unit_problem, required=True),
    }


def check_counter_pricing(
    data: CounterPricingDraft,
    at: ProblemCollector,
    *,
    owner_product_id: uuid.UUID | None,
    counter_product_id: uuid.UUID | None,
) -> dict[str, Any]:
    """A whole counter pricing input → its own fields; the caller resolved the owner and
    the counter (and reported those it could not)."""
    if counter_product_id is not None and owner_product_id is not None and counter_product_id != owner_product_id:
        key = "counterCode" if data.get("counterCode") is not None else "counterId"
        at.add(
            key, ErrorCode.INVALID, "the counter belongs to another product; use one of this product's or a global one"
        )
    start = instant(data, "startDate", at, required=True)
    end = instant(data, "endDate", at, required=False)
    if start is not None and end is not None and end <= start:
        at.add("endDate", ErrorCode.INVALID, "must be after startDate (the interval is [startDate, endDate))")
    flags = {
        column: boolean(data, key, at, default=True)
        for column, key in (
            ("cumulative", "cumulative"),
            ("running_total_bill_in_advance", "runningTotalBillInAdvance"),
            ("pro_rate_running_total", "proRateRunningTotal"),
            ("pro_rate_adjustment_debit", "proRateAdjustmentDebit"),
            ("pro_rate_adjustment_credit", "proRateAdjustmentCredit"),
        )
    }
    return {
        "code": text(data, "code", at, entity_code_problem, required=False),
        "description": text(data, "description", at, description_problem, required=False),
        "start_date": start,
        "end_date": end,
        "pricing_bands": pricing_bands(data, "pricingBands", at, required=True),  # type: ignore[arg-type]
        **flags,
    }


def check_adjustment(data: CounterAdjustmentDraft, at: ProblemCollector) -> dict[str, Any]:
    """A whole adjustment input → its date, value and purchase order number."""
    day = data.get("date")
    if day is None:
        at.add("date", ErrorCode.REQUIRED, "is required")
    checked_day: date | None = plain_date(day, "date", at)
    value = data.get("value")
    if value is None:
        at.add("value", ErrorCode.REQUIRED, "is required (the new absolute count)")
    elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        at.add("value", ErrorCode.INVALID, f"must be a whole number from 0 to {MAX_COUNT} (the new absolute count)")
        value = None
    order = data.get("purchaseOrderNumber")
    if order is not None and (not isinstance(order, str) or len(order) > MAX_PURCHASE_ORDER):
        at.add("purchaseOrderNumber", ErrorCode.INVALID, f"must be at most {MAX_PURCHASE_ORDER} characters")
    return {"date": checked_day, "value": value, "purchase_order_number": order}
