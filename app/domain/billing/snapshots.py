"""Snapshots: the explicit, resolved inputs of bill composition (SEMANTICS §2.1, §3.3–3.4, §4, §5).

Concepts
- A service reads the database and builds these frozen values; bill composition sees
  nothing else. Every read-through is already resolved: a plan's standing charge and
  minimum spend (plan override ?? template), the "bill in advance" flags (plan ?? template
  ?? organization default), the account plan's epoch (account plan ?? account ??
  organization epoch for the frequency), the account's bill currency and days before due.
- A pricing *target* is an ``AggregationTarget`` or a ``CompoundTarget``; a compound
  carries the aggregation targets its calculation references.
- A *segment key* is the hashable form of a segment map: its items sorted by field code.
  ``{"region": "eu", "tier": "*"}`` → ``(("region", "eu"), ("tier", "*"))``; no segment
  (None or ``{}``) → None. Usage is looked up by segment key.

Invariants
- Money and quantities are Decimal; instants are timezone-aware; plain dates are local
  dates of the organization timezone.
- Enum fields accept their string values and are coerced on construction; sequences are
  stored as tuples. Ids are opaque (UUIDs in practice) and only compared for equality.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import TypeAlias

from app.domain.bands import PricingBand
from app.domain.money import CurrencyRounding
from app.domain.periods import BillFrequency
from app.domain.timezones import require_aware
from app.domain.units import UnitRounding

__all__ = [
    "EntityId",
    "SegmentPairs",
    "segment_pairs",
    "PricingOwner",
    "PricingType",
    "CurrencyInfo",
    "AggregationTarget",
    "CompoundTarget",
    "Target",
    "PricingSnapshot",
    "PlanSnapshot",
    "AccountPlanSnapshot",
    "AccountSnapshot",
    "OrgContext",
]

EntityId: TypeAlias = uuid.UUID  # every entity of the project is identified by a UUID
SegmentPairs: TypeAlias = tuple[tuple[str, str], ...]

_ZERO = Decimal(0)


def segment_pairs(segment: Mapping[str, str] | None) -> SegmentPairs | None:
    """A segment map as sorted (field, value) pairs, hashable so windows and previous
    units can be keyed by it; None for no segment (None or empty). Not the canonical
    text of `app.domain.aggregate.segment_key`, which pricings and queries store."""
    if not segment:
        return None
    return tuple(sorted((str(code), str(value)) for code, value in segment.items()))


def _set(instance: object, name: str, value: object) -> None:
    # Coercion inside a frozen dataclass's __post_init__.
    object.__setattr__(instance, name, value)


class PricingOwner(str, Enum):
    PLAN = "PLAN"
    TEMPLATE = "TEMPLATE"


class PricingType(str, Enum):
    DEBIT = "DEBIT"
    PRODUCT_CREDIT = "PRODUCT_CREDIT"
    GLOBAL_CREDIT = "GLOBAL_CREDIT"


@dataclass(frozen=True)
class CurrencyInfo:
    code: str
    max_decimal_places: int = 2
    rounding: CurrencyRounding = CurrencyRounding.HALF_UP

    def __post_init__(self) -> None:
        _set(self, "rounding", CurrencyRounding(self.rounding))


@dataclass(frozen=True)
class AggregationTarget:
    id: EntityId
    code: str
    name: str
    unit: str | None = None
    quantity_per_unit: Decimal = Decimal(1)
    rounding: UnitRounding = UnitRounding.NONE
    default_value: Decimal | None = None
    segmented_fields: tuple[str, ...] = ()
    segments: tuple[Mapping[str, str], ...] = ()

    def __post_init__(self) -> None:
        _set(self, "rounding", UnitRounding(self.rounding))
        _set(self, "segmented_fields", tuple(self.segmented_fields))
        _set(self, "segments", tuple(self.segments))


@dataclass(frozen=True)
class CompoundTarget:
    id: EntityId
    code: str
    name: str
    calculation: str
    references: tuple[AggregationTarget, ...]
    unit: str | None = None
    quantity_per_unit: Decimal = Decimal(1)
    rounding: UnitRounding = UnitRounding.NONE
    evaluate_null_aggregations: bool = False

    def __post_init__(self) -> None:
        _set(self, "rounding", UnitRounding(self.rounding))
        _set(self, "references", tuple(self.references))


Target: TypeAlias = AggregationTarget | CompoundTarget


@dataclass(frozen=True)
class PricingSnapshot:
    id: EntityId
    owner: PricingOwner
    target: Target
    start: datetime
    end: datetime | None
    bands: tuple[PricingBand, ...]
    segment: Mapping[str, str] | None = None
    cumulative: bool = True
    tiers_span_plan: bool = False
    type: PricingType = PricingType.DEBIT
    minimum_spend: Decimal = _ZERO
    minimum_spend_description: str | None = None
    minimum_spend_bill_in_advance: bool = False  # resolved: pricing ?? organization
    description: str | None = None
    code: str | None = None
    overage_bands: tuple[PricingBand, ...] = ()  # carried for commitments (later)

    def __post_init__(self) -> None:
        _set(self, "owner", PricingOwner(self.owner))
        _set(self, "type", PricingType(self.type))
        _set(self, "bands", tuple(self.bands))
        _set(self, "overage_bands", tuple(self.overage_bands))
        require_aware(self.start)
        if self.end is not None:
            require_aware(self.end)

    @property
    def segment_pairs(self) -> SegmentPairs | None:
        return segment_pairs(self.segment)

    @property
    def is_credit(self) -> bool:
        return self.type is not PricingType.DEBIT

    def active_at(self, instant: datetime) -> bool:
        return self.start <= instant and (self.end is None or instant < self.end)


@dataclass(frozen=True)
class PlanSnapshot:
    id: EntityId
    template_id: EntityId
    product_id: EntityId
    currency: str
    frequency: BillFrequency
    interval: int = 1
    standing_charge: Decimal = _ZERO  # resolved: plan ?? template
    standing_charge_description: str | None = None
    standing_charge_interval: int = 1
    standing_charge_offset: int = 0
    standing_charge_bill_in_advance: bool = False  # resolved: plan ?? template ?? org
    minimum_spend: Decimal = _ZERO  # resolved: plan ?? template
    minimum_spend_description: str | None = None
    minimum_spend_bill_in_advance: bool = False  # resolved: plan ?? template ?? org
    plan_pricings: tuple[PricingSnapshot, ...] = ()
    template_pricings: tuple[PricingSnapshot, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "frequency", BillFrequency(self.frequency))
        _set(self, "plan_pricings", tuple(self.plan_pricings))
        _set(self, "template_pricings", tuple(self.template_pricings))
        if self.standing_charge_interval < 1 or self.standing_charge_offset < 0:
            raise ValueError("standing charge interval must be >= 1 and offset >= 0")


@dataclass(frozen=True)
class AccountPlanSnapshot:
    id: EntityId
    account_id: EntityId
    start: datetime
    end: datetime | None
    epoch: date  # resolved: account plan ?? account ?? organization (§7.1)
    plan: PlanSnapshot

    def __post_init__(self) -> None:
        require_aware(self.start)
        if self.end is not None:
            require_aware(self.end)


@dataclass(frozen=True)
class AccountSnapshot:
    id: EntityId
    code: str
    currency: str  # resolved bill currency: account ?? organization
    days_before_bill_due: int  # resolved: account ?? organization


@dataclass(frozen=True)
class OrgContext:
    timezone: tzinfo
    currencies: Mapping[str, CurrencyInfo]
    # {(from, to): multiplier}: to_amount = from_amount × multiplier (§2.1); a bill job's
    # own conversions, when given, are merged over the organization's by the service.
    conversions: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
