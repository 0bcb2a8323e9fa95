"""Bill line items and the composed bill (SEMANTICS §7.2, §7.5).

Concepts
- ``LineType``: every kind of line, including those later steps add (commitments,
  overage). ``LINE_TYPE_ORDER`` is the §7.2 order; a bill's lines are sorted by it,
  stably, so within one type lines keep the order their step produced them in.
- ``DraftLine``: the mutable line the composition steps work on. ``amount`` is exact
  (unrounded) in the line's ``currency`` (the plan's). The currency step fills
  ``conversion_rate``, ``subtotal`` and ``converted_subtotal``.
- ``BillLine``: the frozen line handed to the service; ``ComposedBill``: the bill.
- ``BillFailure``: this account's bill cannot be composed; ``reason`` says why.

Invariants
- ``BillLine.subtotal`` is rounded to the line currency's places and mode,
  ``converted_subtotal`` to the bill currency's; ``exact_subtotal`` keeps every digit.
- ``ComposedBill.total`` is the sum of the lines' ``converted_subtotal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from app.domain.bands import BandUsage
from app.domain.periods import BillFrequency

from .snapshots import EntityId, PricingType

__all__ = [
    "LineType",
    "LINE_TYPE_ORDER",
    "line_rank",
    "BillFailure",
    "DraftLine",
    "BillLine",
    "ComposedBill",
]


class LineType(str, Enum):
    USAGE = "USAGE"
    USAGE_CREDIT = "USAGE_CREDIT"
    COUNTER_RUNNING_TOTAL_CHARGE = "COUNTER_RUNNING_TOTAL_CHARGE"
    COUNTER_ADJUSTMENT_DEBIT = "COUNTER_ADJUSTMENT_DEBIT"
    COUNTER_ADJUSTMENT_CREDIT = "COUNTER_ADJUSTMENT_CREDIT"
    STANDING_CHARGE = "STANDING_CHARGE"
    MINIMUM_SPEND = "MINIMUM_SPEND"
    MINIMUM_SPEND_REFUND = "MINIMUM_SPEND_REFUND"
    COMMITMENT_FEE = "COMMITMENT_FEE"
    AD_HOC = "AD_HOC"
    BALANCE_FEE = "BALANCE_FEE"
    COMMITMENT_CONSUMED = "COMMITMENT_CONSUMED"
    BALANCE_CONSUMED = "BALANCE_CONSUMED"
    OVERAGE_SURCHARGE = "OVERAGE_SURCHARGE"
    OVERAGE_USAGE = "OVERAGE_USAGE"
    CREDIT_MEMO = "CREDIT_MEMO"
    DEBIT_MEMO = "DEBIT_MEMO"


# §7.2 order. Credits follow the usage lines they reduce, counter lines follow usage (§8.2
# rule 5), a refund follows the minimums, charges follow commitment fees and precede the
# drawdowns (§9.2 rule 2), and memo lines come last (§12.1 rule 2).
LINE_TYPE_ORDER: tuple[LineType, ...] = tuple(LineType)
_RANK = {line_type: rank for rank, line_type in enumerate(LINE_TYPE_ORDER)}


def line_rank(line_type: LineType) -> int:
    return _RANK[LineType(line_type)]


class BillFailure(Exception):
    """The bill of one account cannot be composed (e.g. a missing currency conversion)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(eq=False)
class DraftLine:
    """A line while the composition steps work on it (mutable on purpose)."""

    line_type: LineType
    amount: Decimal  # exact, in ``currency``
    currency: str
    account_plan_id: EntityId | None
    plan_id: EntityId | None
    product_id: EntityId | None
    service_period_start: datetime
    service_period_end: datetime
    description: str | None = None
    pricing_id: EntityId | None = None
    aggregation_id: EntityId | None = None
    compound_aggregation_id: EntityId | None = None
    segment: Mapping[str, str] | None = None
    quantity: Decimal | None = None
    units: Decimal | None = None
    unit: str | None = None
    average_unit_price: Decimal | None = None
    usage_per_pricing_band: tuple[BandUsage, ...] = ()
    credit_type: PricingType | None = None  # USAGE_CREDIT lines: which cap applies
    # Extension points for commitments and child-account rating (later issues).
    commitment_id: EntityId | None = None
    child_account_id: EntityId | None = None
    child_account_code: str | None = None
    counter_id: EntityId | None = None  # counter lines (SEMANTICS §8.2 rule 5)
    balance_id: EntityId | None = None  # BALANCE_CONSUMED and a balance's OVERAGE_SURCHARGE (§11.2)
    rollover_consumed: Decimal | None = None  # BALANCE_CONSUMED: the part drawn from the rollover
    charge_id: EntityId | None = None  # AD_HOC / BALANCE_FEE lines (SEMANTICS §9.2)
    plan_group_id: EntityId | None = None  # plan group member and group lines (SEMANTICS §10.2)
    # Filled by the currency step.
    conversion_rate: Decimal | None = None
    subtotal: Decimal | None = None
    converted_subtotal: Decimal | None = None

    @property
    def is_converted(self) -> bool:
        return self.converted_subtotal is not None

    def freeze(self) -> BillLine:
        if self.conversion_rate is None or self.subtotal is None or self.converted_subtotal is None:
            raise ValueError(f"{self.line_type.value} line was never converted")
        return BillLine(
            line_type=self.line_type,
            description=self.description,
            account_plan_id=self.account_plan_id,
            plan_id=self.plan_id,
            product_id=self.product_id,
            pricing_id=self.pricing_id,
            aggregation_id=self.aggregation_id,
            compound_aggregation_id=self.compound_aggregation_id,
            segment=None if self.segment is None else dict(self.segment),
            quantity=self.quantity,
            units=self.units,
            unit=self.unit,
            average_unit_price=self.average_unit_price,
            usage_per_pricing_band=self.usage_per_pricing_band,
            service_period_start=self.service_period_start,
            service_period_end=self.service_period_end,
            currency=self.currency,
            exact_subtotal=self.amount,
            subtotal=self.subtotal,
            conversion_rate=self.conversion_rate,
            converted_subtotal=self.converted_subtotal,
            commitment_id=self.commitment_id,
            child_account_id=self.child_account_id,
            child_account_code=self.child_account_code,
            charge_id=self.charge_id,
            plan_group_id=self.plan_group_id,
            counter_id=self.counter_id,
            balance_id=self.balance_id,
            rollover_consumed=self.rollover_consumed,
        )


@dataclass(frozen=True)
class BillLine:
    line_type: LineType
    description: str | None
    account_plan_id: EntityId | None
    plan_id: EntityId | None
    product_id: EntityId | None
    pricing_id: EntityId | None
    aggregation_id: EntityId | None
    compound_aggregation_id: EntityId | None
    segment: Mapping[str, str] | None
    quantity: Decimal | None
    units: Decimal | None
    unit: str | None
    average_unit_price: Decimal | None
    usage_per_pricing_band: tuple[BandUsage, ...]
    service_period_start: datetime
    service_period_end: datetime
    currency: str
    exact_subtotal: Decimal
    subtotal: Decimal
    conversion_rate: Decimal
    converted_subtotal: Decimal
    commitment_id: EntityId | None = None
    child_account_id: EntityId | None = None
    child_account_code: str | None = None
    counter_id: EntityId | None = None
    balance_id: EntityId | None = None
    rollover_consumed: Decimal | None = None
    charge_id: EntityId | None = None
    plan_group_id: EntityId | None = None


@dataclass(frozen=True)
class ComposedBill:
    account_id: EntityId
    account_code: str
    bill_date: date
    due_date: date
    frequency: BillFrequency
    start: date  # earliest full-period start among the included account plans
    end: date  # == bill_date (exclusive)
    last_date_in_billing_period: date
    currency: str
    account_plan_ids: tuple[EntityId, ...]
    lines: tuple[BillLine, ...] = field(default_factory=tuple)
    total: Decimal = Decimal(0)
