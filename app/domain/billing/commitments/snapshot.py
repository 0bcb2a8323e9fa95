"""Commitment snapshots: the resolved inputs of fees and drawdown (SEMANTICS §5.3).

Concepts
- ``CommitmentSnapshot``: one commitment of an account as a service resolved it —
  amounts, the local dates ``[start, end)``, eligibility (products and line item types,
  empty = all), overage rules, the fee schedule (explicit ``fee_dates`` or a
  ``billing_plan`` with interval and offset), ``fee_in_advance`` (commitment ?? org
  default), descriptions, and ``amount_spent_before``.
- ``amount_spent_before`` is what OTHER bills drew: the stored ``amountSpent`` minus the
  draw already recorded on the bill being (re)composed. A recalculation therefore never
  draws twice; draws are first come, first served in the order bills are composed.
- ``FeeDate``: one explicit fee (a plain tuple works too: date, amount, start, end).
- ``FeeBillingPlan``: the schedule of the plan whose bill dates carry the fees: its id,
  resolved epoch (account plan ?? account ?? organization, as for any bill), frequency
  and interval.

Invariants
- Decimal amounts; ``amount > 0``, ``amount_pre_paid`` and ``amount_first_bill`` ≥ 0 and
  together ≤ ``amount``; ``start < end``; interval 1–365, offset ≥ 0; fee service
  periods are aware instants. Violations raise ``ValueError``.
- ``line_item_types`` ⊆ {STANDING_CHARGE, USAGE, MINIMUM_SPEND} (strings are coerced);
  ``product_ids`` and ``line_item_types`` are frozensets, ``fee_dates`` a tuple.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from app.domain.periods import BillFrequency
from app.domain.timezones import require_aware

from ..lines import LineType
from ..snapshots import EntityId

__all__ = ["FeeDate", "FeeBillingPlan", "CommitmentSnapshot", "ELIGIBLE_TYPES"]

_ZERO = Decimal(0)
ELIGIBLE_TYPES = frozenset(
    {
        LineType.STANDING_CHARGE,
        LineType.USAGE,
        LineType.MINIMUM_SPEND,
        LineType.COUNTER_RUNNING_TOTAL_CHARGE,  # SEMANTICS §8.2 rule 5
        LineType.COUNTER_ADJUSTMENT_DEBIT,
    }
)


class FeeDate(NamedTuple):
    date: date
    amount: Decimal
    service_start: datetime
    service_end: datetime


@dataclass(frozen=True)
class FeeBillingPlan:
    id: EntityId
    epoch: date
    frequency: BillFrequency
    interval: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency", BillFrequency(self.frequency))


@dataclass(frozen=True)
class CommitmentSnapshot:
    id: EntityId
    account_id: EntityId
    currency: str
    amount: Decimal
    start: date
    end: date  # exclusive
    amount_pre_paid: Decimal = _ZERO
    amount_first_bill: Decimal = _ZERO
    product_ids: frozenset[EntityId] = frozenset()  # empty: every product
    line_item_types: frozenset[LineType] = frozenset()  # empty: every eligible type
    overage_surcharge_percent: Decimal | None = None
    separate_overage_usage: bool = False
    fee_dates: tuple[FeeDate, ...] = ()
    billing_plan: FeeBillingPlan | None = None
    billing_interval: int = 1
    billing_offset: int = 0
    fee_in_advance: bool = False  # resolved: commitment ?? organization
    fee_description: str | None = None
    consumed_description: str | None = None
    overage_description: str | None = None
    amount_spent_before: Decimal = _ZERO  # drawn by OTHER bills (see module docstring)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "product_ids", frozenset(self.product_ids))
        set_(self, "line_item_types", frozenset(LineType(t) for t in self.line_item_types))
        set_(self, "fee_dates", tuple(FeeDate(*fee) for fee in self.fee_dates))
        self._check()

    def _check(self) -> None:
        if not self.amount > 0:
            raise ValueError("a commitment amount must be greater than 0")
        if self.amount_pre_paid < 0 or self.amount_first_bill < 0:
            raise ValueError("prepaid and first-bill amounts must not be negative")
        if self.amount_pre_paid + self.amount_first_bill > self.amount:
            raise ValueError("prepaid and first-bill amounts must not exceed the amount")
        if not self.start < self.end:
            raise ValueError("a commitment must start before it ends")
        if not self.line_item_types <= ELIGIBLE_TYPES:
            raise ValueError("line item types must be " + ", ".join(sorted(t.value for t in ELIGIBLE_TYPES)))
        if not 1 <= self.billing_interval <= 365 or self.billing_offset < 0:
            raise ValueError("billing interval must be 1–365 and offset >= 0")
        for fee in self.fee_dates:
            require_aware(fee.service_start)
            require_aware(fee.service_end)

    @property
    def remaining(self) -> Decimal:
        """What this bill may draw: ``amount − amount_spent_before``, never below 0."""
        return max(self.amount - self.amount_spent_before, _ZERO)

    @property
    def draw_order(self) -> tuple[date, str]:
        """Several commitments draw by earliest end date, ties by id."""
        return self.end, str(self.id)
