"""Commands of the counter use cases, typed (the drafts in `app.domain.billing.counters_checks`
hold the input fields, each reported at its input name)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.billing.counters_checks import CounterAdjustmentDraft, CounterDraft, CounterPricingDraft


@dataclass(frozen=True, slots=True)
class CreateCounter:
    counter: CounterDraft


@dataclass(frozen=True, slots=True)
class UpdateCounter:
    counter_id: uuid.UUID
    version: int
    changes: CounterDraft


@dataclass(frozen=True, slots=True)
class CreateCounterPricing:
    pricing: CounterPricingDraft


@dataclass(frozen=True, slots=True)
class UpdateCounterPricing:
    pricing_id: uuid.UUID
    version: int
    changes: CounterPricingDraft


@dataclass(frozen=True, slots=True)
class CreateCounterAdjustment:
    adjustment: CounterAdjustmentDraft


@dataclass(frozen=True, slots=True)
class UpdateCounterAdjustment:
    adjustment_id: uuid.UUID
    version: int
    changes: CounterAdjustmentDraft
