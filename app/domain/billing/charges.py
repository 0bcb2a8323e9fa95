"""Ad hoc charges on bills (SEMANTICS §9).

Concepts
- A charge is either an ``amount``, or ``units`` × ``unit_price`` (§9.2 rule 1);
  ``check_charge_values`` refuses both, neither and half a pair, naming the fields.
- ``ChargeSnapshot``: one charge as a bill sees it: exact amount in the charge currency,
  ``units`` (1 for an amount) and ``average_unit_price``, the service period, and where it
  is fixed: ``fixed_frequency`` is the frequency of the bill that already carries it
  (§9.2 rule 5), None while it was never billed.
- Placement (§9.2 rules 3–5): a charge never billed lands on the account's bill dated its
  ``bill_date`` with the longest frequency (ANNUALLY > MONTHLY > WEEKLY > DAILY), or on
  the AD_HOC bill of that date when no plan bills then; once billed it stays on that bill.
- ``charges_step``: the AD_HOC / BALANCE_FEE lines of the charges a bill carries, after
  COMMITMENT_FEE in §7.2 order; ``ad_hoc_charge_lines``: the same lines, converted, for an
  AD_HOC bill (no plan context).

Invariants
- Pure: Decimal only; a line's amount is exact, rounded once by the currency step.
- One line per charge, carrying ``charge_id``; charges of another account or date are
  never placed on a bill (the step checks, whatever the caller passes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.domain.periods import BillFrequency
from app.domain.problems import ErrorCode, ProblemCollector
from app.domain.timezones import require_aware

from .context import BillContext, Step
from .currency import convert_currency
from .lines import BillLine, DraftLine, LineType
from .snapshots import AccountSnapshot, EntityId, OrgContext

__all__ = [
    "AD_HOC",
    "ChargeSnapshot",
    "LONGEST_FIRST",
    "ad_hoc_charge_lines",
    "charge_figures",
    "charges_step",
    "check_charge_values",
    "placement",
]

AD_HOC = "AD_HOC"
# §9.2 rule 3 (our rule): of several bills on one date, the longest frequency carries charges.
LONGEST_FIRST: tuple[BillFrequency, ...] = (
    BillFrequency.ANNUALLY,
    BillFrequency.MONTHLY,
    BillFrequency.WEEKLY,
    BillFrequency.DAILY,
)
_ONE = Decimal(1)


@dataclass(frozen=True)
class ChargeSnapshot:
    id: EntityId
    account_id: EntityId
    currency: str
    amount: Decimal  # exact: the amount, or units × unit price
    units: Decimal
    average_unit_price: Decimal
    bill_date: date
    service_start: datetime
    service_end: datetime
    description: str | None = None
    line_type: LineType = LineType.AD_HOC
    fixed_frequency: str | None = None  # the frequency of the bill already carrying it

    def __post_init__(self) -> None:
        object.__setattr__(self, "line_type", LineType(self.line_type))
        require_aware(self.service_start)
        require_aware(self.service_end)


def charge_figures(
    amount: Decimal | None, units: Decimal | None, unit_price: Decimal | None
) -> tuple[Decimal, Decimal, Decimal]:
    """(amount, units, average unit price) of a valid charge: an amount counts as 1 unit."""
    if amount is not None:
        return amount, _ONE, amount
    assert units is not None and unit_price is not None  # checked by check_charge_values
    return units * unit_price, units, unit_price


def check_charge_values(
    amount: Decimal | None,
    units: Decimal | None,
    unit_price: Decimal | None,
    service_start: datetime | None,
    service_end: datetime | None,
    problems: ProblemCollector,
) -> None:
    """§9.1–9.2 rule 1: exactly one of ``amount`` and the pair; non-zero amount and price,
    positive units; a service period whose start is not after its end."""
    pair = (units, unit_price)
    if amount is not None and any(v is not None for v in pair):
        both = "give either amount, or units and unitPrice, not both"
        problems.add("amount", ErrorCode.INVALID, both)
        for name, value in zip(("units", "unitPrice"), pair):
            if value is not None:
                problems.add(name, ErrorCode.INVALID, both)
    elif amount is None and all(v is None for v in pair):
        problems.add("amount", ErrorCode.REQUIRED, "give amount, or units and unitPrice")
    elif amount is None:
        for name, value in zip(("units", "unitPrice"), pair):
            if value is None:
                problems.add(name, ErrorCode.REQUIRED, "units and unitPrice are given together")
    if amount is not None and amount == 0:
        problems.add("amount", ErrorCode.INVALID, "must not be 0")
    if units is not None and units <= 0:
        problems.add("units", ErrorCode.INVALID, "must be greater than 0")
    if unit_price is not None and unit_price == 0:
        problems.add("unitPrice", ErrorCode.INVALID, "must not be 0")
    if service_start is not None and service_end is not None and service_start > service_end:
        problems.add("servicePeriodEndDate", ErrorCode.INVALID, "must not be before servicePeriodStartDate")


def placement(charge: ChargeSnapshot, frequencies: Iterable[BillFrequency | str]) -> str:
    """The frequency value of the bill dated ``charge.bill_date`` that carries the charge,
    given the frequencies at which the account's plans bill that day; ``AD_HOC`` when none."""
    if charge.fixed_frequency is not None:
        return charge.fixed_frequency
    billing = {BillFrequency(f) for f in frequencies}
    for frequency in LONGEST_FIRST:
        if frequency in billing:
            return frequency.value
    return AD_HOC


def _line(charge: ChargeSnapshot) -> DraftLine:
    return DraftLine(
        line_type=charge.line_type,
        amount=charge.amount,
        currency=charge.currency,
        account_plan_id=None,
        plan_id=None,
        product_id=None,
        service_period_start=charge.service_start,
        service_period_end=charge.service_end,
        description=charge.description,
        units=charge.units,
        average_unit_price=charge.average_unit_price,
        charge_id=charge.id,
    )


def _carried(charges: Iterable[ChargeSnapshot], account_id: EntityId, bill_date: date) -> list[ChargeSnapshot]:
    mine = [c for c in charges if c.account_id == account_id and c.bill_date == bill_date]
    return sorted(mine, key=lambda c: (c.service_start, str(c.id)))


def charges_step(charges: Sequence[ChargeSnapshot]) -> Step:
    """Step: one line per charge the service placed on this bill."""

    def ad_hoc_charges(context: BillContext, lines: list[DraftLine]) -> None:
        for charge in _carried(charges, context.account.id, context.bill_date):
            lines.append(_line(charge))

    return ad_hoc_charges


def ad_hoc_charge_lines(
    account: AccountSnapshot, charges: Iterable[ChargeSnapshot], bill_date: date, org: OrgContext
) -> tuple[BillLine, ...]:
    """The converted lines of the charges on the AD_HOC bill of ``bill_date``;
    BillFailure for a missing currency or conversion (§9.3)."""
    lines = [_line(charge) for charge in _carried(charges, account.id, bill_date)]
    context = BillContext(org, account, bill_date, BillFrequency.DAILY, (), {}, {})
    context.currency(account.currency)
    convert_currency(context, lines)
    return tuple(line.freeze() for line in lines)
