"""Composing one account's bill from explicit inputs (SEMANTICS §7.1–7.2).

Concepts
- A bill is (account, bill date D, frequency F). It includes every account plan of the
  account whose plan bills at F, for which D is a bill date of its schedule, and whose
  period closed by D is active (``schedule.included_account_plans``). Charges billed in
  advance for the period starting at D ride on that same bill.
- Composition is a pipeline of ``Step`` functions over a mutable list of draft lines:
  ``DEFAULT_STEPS`` = usage rating, standing charges, minimum spends, credit caps. Later
  issues insert commitment steps (COMMITMENT_FEE, COMMITMENT_CONSUMED, OVERAGE_*) after
  ``cap_credits`` and child-account rating around ``rate_usage``; ``compose_bill`` takes
  the steps as an argument. Every line still unconverted is then converted, lines are put
  in §7.2 order (stable by ``LINE_TYPE_ORDER``) and frozen.
- Bill fields: ``start`` is the earliest full-period start (a local date) among the
  included account plans — periods are not cut to account plans here, the lines' service
  periods show that **(decision)**; ``end`` is D; ``last_date_in_billing_period`` is D − 1
  day; ``due_date`` is D + the account's resolved days before due.

Invariants
- Pure: no I/O, no clock; the same inputs give the same bill.
- ``total`` is the exact sum of the lines' rounded converted subtotals, with the bill
  currency's number of places (0.00 for a bill without lines).
- A bill that cannot be composed raises ``BillFailure``: a missing currency or
  conversion, an uncompilable compound calculation, invalid bands, or no account plan
  billing at (D, F).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Context, Decimal, InvalidOperation, localcontext

from app.domain.money import round_money
from app.domain.periods import BillFrequency, due_date

from .context import BillContext, BilledPlan, PreviousUnitsKey, Step
from .credits import cap_credits
from .currency import convert_currency
from .lines import BillFailure, BillLine, ComposedBill, DraftLine, line_rank
from .minimums import minimum_spends
from .schedule import included_account_plans, next_period, plan_period
from .snapshots import AccountPlanSnapshot, AccountSnapshot, OrgContext
from .standing import standing_charges
from .usage_lines import rate_usage
from .windows import UsageWindow

__all__ = ["DEFAULT_STEPS", "compose_bill", "bill_context"]

_SUM = Context(prec=200, traps=[InvalidOperation])

DEFAULT_STEPS: tuple[Step, ...] = (rate_usage, standing_charges, minimum_spends, cap_credits)


def bill_context(
    account: AccountSnapshot,
    account_plans: Iterable[AccountPlanSnapshot],
    bill_date: date,
    frequency: BillFrequency,
    org: OrgContext,
    usage: Mapping[UsageWindow, Decimal | None],
    previous_units: Mapping[PreviousUnitsKey, Decimal] | None = None,
) -> BillContext:
    """The context the steps share; BillFailure when no account plan bills at (D, F)."""
    frequency = BillFrequency(frequency)
    tz = org.timezone
    included = included_account_plans(account_plans, bill_date, frequency, tz)
    if not included:
        raise BillFailure(f"account {account.code} has no {frequency.value} account plan billing on {bill_date}")
    plans = tuple(_billed(account_plan, bill_date, org) for account_plan in included)
    context = BillContext(
        org=org,
        account=account,
        bill_date=bill_date,
        frequency=frequency,
        plans=plans,
        usage=usage,
        previous_units=previous_units or {},
    )
    context.currency(account.currency)  # fail early on an unknown bill currency
    return context


def _billed(account_plan: AccountPlanSnapshot, bill_date: date, org: OrgContext) -> BilledPlan:
    period = plan_period(account_plan, bill_date, org.timezone)
    return BilledPlan(account_plan, period, next_period(account_plan, period, org.timezone))


def compose_bill(
    account: AccountSnapshot,
    account_plans: Iterable[AccountPlanSnapshot],
    bill_date: date,
    frequency: BillFrequency,
    org: OrgContext,
    usage: Mapping[UsageWindow, Decimal | None],
    previous_units: Mapping[PreviousUnitsKey, Decimal] | None = None,
    *,
    steps: Sequence[Step] = DEFAULT_STEPS,
) -> ComposedBill:
    """The bill of ``account`` at (``bill_date``, ``frequency``), or ``BillFailure``.

    ``usage`` maps the windows of ``usage_windows`` to raw aggregated values (a window
    missing from it is no usage); ``previous_units`` are the tiersSpanPlan units of
    earlier periods per (account plan id, target id, segment key), 0 when missing.
    """
    context = bill_context(account, account_plans, bill_date, frequency, org, usage, previous_units)
    lines: list[DraftLine] = []
    for step in steps:
        step(context, lines)
    convert_currency(context, lines)
    ordered = sorted(lines, key=lambda line: line_rank(line.line_type))
    return _bill(context, tuple(line.freeze() for line in ordered))


def _bill(context: BillContext, lines: tuple[BillLine, ...]) -> ComposedBill:
    account = context.account
    currency = context.currency(account.currency)
    with localcontext(_SUM):  # rounded figures: the sum is exact, never rounded again
        total = sum((line.converted_subtotal for line in lines), Decimal(0))
    return ComposedBill(
        account_id=account.id,
        account_code=account.code,
        bill_date=context.bill_date,
        due_date=due_date(context.bill_date, account.days_before_bill_due),
        frequency=context.frequency,
        start=min(billed.period.dates.start for billed in context.plans),
        end=context.bill_date,
        last_date_in_billing_period=context.bill_date - timedelta(days=1),
        currency=account.currency,
        account_plan_ids=tuple(billed.account_plan.id for billed in context.plans),
        lines=lines,
        total=round_money(total, currency.max_decimal_places, currency.rounding),
    )
