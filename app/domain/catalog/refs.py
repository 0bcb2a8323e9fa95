"""Small value types by which catalog checks see entities they reference, whether those
exist in the database or are being created in the same input."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldRef:
    code: str
    category: str  # WHO WHAT WHERE OTHER METADATA MEASURE INCOME COST
    derived: bool


@dataclass(frozen=True)
class MeterRef:
    id: uuid.UUID
    code: str
    product_id: uuid.UUID | None
    fields: dict[str, FieldRef] = field(default_factory=dict)  # by field code


@dataclass(frozen=True)
class AggregationRef:
    """An aggregation or a compound aggregation as a pricing target."""

    id: uuid.UUID
    code: str
    product_id: uuid.UUID | None  # None: global, usable by any product's plans
    compound: bool = False
    segmented_fields: tuple[str, ...] = ()
    segments: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class PlanTemplateRef:
    id: uuid.UUID
    code: str
    product_id: uuid.UUID
    currency: str


@dataclass(frozen=True)
class PlanRef:
    id: uuid.UUID
    code: str
    product_id: uuid.UUID
    plan_template_id: uuid.UUID
    account_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PricingWindow:
    """What pricing overlap is judged on: the same (plan or template, target, segment)
    may not have two pricings active at one instant."""

    id: uuid.UUID
    owner_id: uuid.UUID  # plan or plan template id
    target_id: uuid.UUID  # aggregation or compound aggregation id
    segment_key: str  # canonical JSON of the segment, "" for none
    start: object  # aware datetime
    end: object | None  # aware datetime, None = open-ended
