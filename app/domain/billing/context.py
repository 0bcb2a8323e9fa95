"""The state one bill's composition steps share (SEMANTICS §7.2).

Concepts
- ``BilledPlan``: an account plan on the bill with its period closed by the bill date
  (always active) and the following period (for charges billed in advance).
- ``BillContext``: the explicit inputs of one bill (organization, account, bill date,
  frequency, billed plans, usage per window, previous units) plus lookups every step needs:
  currency info, conversion rates and compiled compound calculations.
- ``Step``: a function ``(context, lines) -> None`` that appends to or adjusts the bill's
  draft lines; a bill is a pipeline of steps.
- Previous units (tiersSpanPlan) are keyed ``(account plan id, target id, segment key)``:
  the units of all earlier periods of that account plan for that target and segment.

Invariants
- Lookups that cannot be answered from the inputs raise ``BillFailure`` with a reason that
  names what is missing; a missing usage window is no usage (None), since a set-based query
  returns no row where there were no measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo
from decimal import Decimal
from typing import TypeAlias

from app.domain.calc import CalcError, Expression, ValueType, compile_expression
from app.domain.periods import BillFrequency

from .lines import BillFailure, DraftLine
from .schedule import PlanPeriod
from .snapshots import (
    AccountPlanSnapshot,
    AccountSnapshot,
    CompoundTarget,
    CurrencyInfo,
    EntityId,
    OrgContext,
    PlanSnapshot,
    SegmentPairs,
)
from .windows import UsageWindow

__all__ = ["PreviousUnitsKey", "BilledPlan", "BillContext", "Step"]

PreviousUnitsKey: TypeAlias = tuple[EntityId, EntityId, SegmentPairs | None]


@dataclass(frozen=True)
class BilledPlan:
    account_plan: AccountPlanSnapshot
    period: PlanPeriod
    following: PlanPeriod

    @property
    def plan(self) -> PlanSnapshot:
        return self.account_plan.plan


@dataclass
class BillContext:
    org: OrgContext
    account: AccountSnapshot
    bill_date: date
    frequency: BillFrequency
    plans: tuple[BilledPlan, ...]
    usage: Mapping[UsageWindow, Decimal | None]
    previous_units: Mapping[PreviousUnitsKey, Decimal]
    _expressions: dict[EntityId, Expression] = field(default_factory=dict)

    @property
    def tz(self) -> tzinfo:
        return self.org.timezone

    def usage_of(self, window: UsageWindow) -> Decimal | None:
        return self.usage.get(window)

    def previous(self, key: PreviousUnitsKey) -> Decimal:
        return self.previous_units.get(key, Decimal(0))

    def currency(self, code: str) -> CurrencyInfo:
        info = self.org.currencies.get(code)
        if info is None:
            raise BillFailure(f"currency {code} is not defined in the organization")
        return info

    def conversion_rate(self, from_code: str) -> Decimal:
        """Multiplier from ``from_code`` to the bill currency; only the exact pair counts."""
        to_code = self.account.currency
        if from_code == to_code:
            return Decimal(1)
        rate = self.org.conversions.get((from_code, to_code))
        if rate is None:
            raise BillFailure(f"no currency conversion from {from_code} to {to_code}")
        return rate

    def expression(self, target: CompoundTarget) -> Expression:
        compiled = self._expressions.get(target.id)
        if compiled is None:
            names = {f"aggregation.{ref.code}": ValueType.NUMBER for ref in target.references}
            try:
                compiled = compile_expression(target.calculation, names)
            except CalcError as error:
                raise BillFailure(
                    f"compound aggregation {target.code}: calculation does not compile: {error}"
                ) from error
            self._expressions[target.id] = compiled
        return compiled


Step: TypeAlias = Callable[[BillContext, list[DraftLine]], None]
