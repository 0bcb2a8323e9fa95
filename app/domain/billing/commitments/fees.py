"""COMMITMENT_FEE lines: when a commitment bills its fees, and how much (SEMANTICS §7.2 item 4).

Concepts
- Explicit ``fee_dates``: each fee on the bill dated its ``date``, with its own amount and
  service period (``fee_in_advance`` does not apply: the date says when).
- A ``billing_plan`` schedule **(decision)**: the plan's bill dates strictly inside the
  commitment cut ``[start, end)`` into *fee periods* k = 0, 1, … (the first and last may
  be partial). Period k carries a fee when ``k ≥ offset`` and
  ``(k − offset) % interval == 0``; its service period runs from period k's start to the
  start of the next fee's period (the last: to the commitment end), so periods skipped by
  the interval are covered by the fee before them. Advance: the fee is on the bill dated
  at its service period's start (the first may be the commitment start itself, off the
  plan's schedule); arrears: on the bill dated at its service period's end (the last may
  be the commitment end). A date on which the account has no other bill needs an AD_HOC
  bill: ``fee_dates_between`` lists the dates, ``ad_hoc_fee_lines`` gives its lines.
- Amounts with a billing plan: ``amount_first_bill`` on the first fee and the rest,
  ``amount − amount_pre_paid − amount_first_bill``, split equally over the other fees.
  **Decisions**: a zero ``amount_first_bill`` means no special first bill — the rest is
  split over all fees; a single fee carries first bill and rest together; no fee period
  inside the commitment means no fee. Equal parts are rounded toward zero at the
  commitment currency's places and the last fee absorbs the remainder, so it is never
  smaller than the others and never negative (100 over 3: 33.33, 33.33, 33.34).

Invariants
- The fees of a billing-plan schedule sum exactly to ``amount − amount_pre_paid``.
- A zero fee gives no line and no date. Fee lines are in the commitment currency, carry
  ``commitment_id`` and the billing plan's id as ``plan_id``; no product.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Context, Decimal, InvalidOperation, localcontext

from app.domain.money import CurrencyRounding, convert, round_money
from app.domain.periods import bill_dates_between
from app.domain.timezones import local_midnight

from ..context import BillContext, Step
from ..lines import BillFailure, BillLine, DraftLine, LineType
from ..schedule import charge_applies
from ..snapshots import AccountSnapshot, CurrencyInfo, EntityId, OrgContext
from .snapshot import CommitmentSnapshot

__all__ = [
    "CommitmentFee",
    "fee_schedule",
    "fee_lines_for",
    "fee_dates_between",
    "fees_step",
    "ad_hoc_fee_lines",
]

_QUOTIENT = Context(prec=50, traps=[InvalidOperation])


@dataclass(frozen=True)
class CommitmentFee:
    commitment_id: EntityId
    bill_date: date
    amount: Decimal  # commitment currency, exact
    service_start: datetime
    service_end: datetime
    description: str | None = None


@dataclass(frozen=True)
class _Planned:
    bill_date: date
    amount: Decimal
    start: date
    end: date


def _fee_periods(commitment: CommitmentSnapshot) -> list[tuple[date, date, date]]:
    """(bill date, service start, service end) of each fee of a billing-plan schedule."""
    plan = commitment.billing_plan
    assert plan is not None
    start, end = commitment.start, commitment.end
    inner = bill_dates_between(plan.epoch, plan.frequency, plan.interval, start, end)
    bounds = [start, *(d for d in inner if d < end), end]
    applied = [
        k for k in range(len(bounds) - 1) if charge_applies(k, commitment.billing_interval, commitment.billing_offset)
    ]
    stops = [*applied[1:], len(bounds) - 1]
    return [
        (bounds[k] if commitment.fee_in_advance else bounds[stop], bounds[k], bounds[stop])
        for k, stop in zip(applied, stops)
    ]


def _amounts(commitment: CommitmentSnapshot, count: int, places: int) -> list[Decimal]:
    if count == 0:
        return []
    first = commitment.amount_first_bill
    rest = commitment.amount - commitment.amount_pre_paid - first
    if first == 0:
        return _equal_parts(rest, count, places)
    if count == 1:
        return [first + rest]
    return [first, *_equal_parts(rest, count - 1, places)]


def _equal_parts(total: Decimal, count: int, places: int) -> list[Decimal]:
    with localcontext(_QUOTIENT):
        share = total / count
    part = round_money(share, places, CurrencyRounding.DOWN)
    return [part] * (count - 1) + [total - part * (count - 1)]


def _planned(commitment: CommitmentSnapshot, currency: CurrencyInfo) -> list[_Planned]:
    if commitment.billing_plan is None:
        return []
    periods = _fee_periods(commitment)
    amounts = _amounts(commitment, len(periods), currency.max_decimal_places)
    return [
        _Planned(bill_date, amount, start, end)
        for (bill_date, start, end), amount in zip(periods, amounts)
        if amount != 0
    ]


def fee_schedule(commitment: CommitmentSnapshot, currency: CurrencyInfo, tz: tzinfo) -> tuple[CommitmentFee, ...]:
    """Every fee of the commitment, by bill date (explicit fee dates win over a plan)."""
    c = commitment
    if c.fee_dates:
        fees = [
            CommitmentFee(c.id, f.date, f.amount, f.service_start, f.service_end, c.fee_description)
            for f in c.fee_dates
            if f.amount != 0
        ]
    else:
        fees = [
            CommitmentFee(
                c.id,
                p.bill_date,
                p.amount,
                local_midnight(p.start, tz),
                local_midnight(p.end, tz),
                c.fee_description,
            )
            for p in _planned(c, currency)
        ]
    return tuple(sorted(fees, key=lambda fee: fee.bill_date))


def fee_lines_for(
    commitment: CommitmentSnapshot, bill_date: date, currency: CurrencyInfo, tz: tzinfo
) -> list[CommitmentFee]:
    """The fees the bill dated ``bill_date`` carries (``currency``: the commitment's)."""
    return [fee for fee in fee_schedule(commitment, currency, tz) if fee.bill_date == bill_date]


def fee_dates_between(
    commitment: CommitmentSnapshot, start: date, end: date, currency: CurrencyInfo
) -> tuple[date, ...]:
    """The distinct dates in ``[start, end)`` with a fee; the caller makes an AD_HOC bill
    for those on which the account has no other bill."""
    if commitment.fee_dates:
        dates = {fee.date for fee in commitment.fee_dates if fee.amount != 0}
    else:
        dates = {planned.bill_date for planned in _planned(commitment, currency)}
    return tuple(sorted(d for d in dates if start <= d < end))


def _fee_line(fee: CommitmentFee, commitment: CommitmentSnapshot) -> DraftLine:
    plan = commitment.billing_plan
    return DraftLine(
        line_type=LineType.COMMITMENT_FEE,
        amount=fee.amount,
        currency=commitment.currency,
        account_plan_id=None,
        plan_id=None if plan is None else plan.id,
        product_id=None,
        service_period_start=fee.service_start,
        service_period_end=fee.service_end,
        description=fee.description,
        commitment_id=commitment.id,
    )


def fees_step(commitments: Iterable[CommitmentSnapshot]) -> Step:
    """Step: the COMMITMENT_FEE lines dated on this bill (the account's commitments only)."""
    ordered = sorted(commitments, key=lambda c: c.draw_order)

    def commitment_fees(context: BillContext, lines: list[DraftLine]) -> None:
        for commitment in ordered:
            if commitment.account_id != context.account.id:
                continue
            currency = context.currency(commitment.currency)
            for fee in fee_lines_for(commitment, context.bill_date, currency, context.tz):
                lines.append(_fee_line(fee, commitment))

    return commitment_fees


def ad_hoc_fee_lines(
    account: AccountSnapshot,
    commitments: Iterable[CommitmentSnapshot],
    bill_date: date,
    org: OrgContext,
) -> tuple[BillLine, ...]:
    """The converted lines of an AD_HOC bill on ``bill_date`` (its total: the sum of their
    ``converted_subtotal``); BillFailure for a missing currency or conversion."""
    lines = []
    for commitment in sorted(commitments, key=lambda c: c.draw_order):
        if commitment.account_id != account.id:
            continue
        own = _currency(org, commitment.currency)
        for fee in fee_lines_for(commitment, bill_date, own, org.timezone):
            line = _fee_line(fee, commitment)
            _convert(line, own, account, org)
            lines.append(line.freeze())
    return tuple(lines)


def _currency(org: OrgContext, code: str) -> CurrencyInfo:
    info = org.currencies.get(code)
    if info is None:
        raise BillFailure(f"currency {code} is not defined in the organization")
    return info


def _convert(line: DraftLine, own: CurrencyInfo, account: AccountSnapshot, org: OrgContext) -> None:
    # The same figures as currency.convert_line, without a plan bill's context.
    bill = _currency(org, account.currency)
    rate = Decimal(1) if own.code == bill.code else org.conversions.get((own.code, bill.code))
    if rate is None:
        raise BillFailure(f"no currency conversion from {own.code} to {bill.code}")
    line.conversion_rate = rate
    line.subtotal = round_money(line.amount, own.max_decimal_places, own.rounding)
    line.converted_subtotal = round_money(convert(line.amount, rate), bill.max_decimal_places, bill.rounding)
