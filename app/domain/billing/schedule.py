"""An account plan's bills and periods, and proration by days (SEMANTICS §7.1–7.2).

Concepts
- The account plan's *bills* are the bill dates ``D_n`` of its plan's schedule (epoch,
  frequency, interval) whose full period ``[D_(n−1), D_n)`` — local midnights of the
  organization timezone — intersects the active interval ``[start, end)``. They are
  counted from 0: the *period index* k is the position of the bill that closes the
  period, so period k is billed in arrears on bill k (§7.2 "bill number n").
- ``PlanPeriod``: one period of that schedule, with its full instants and the part cut
  to the active interval (None when the account plan is not active in it).
- *Charged periods* of a timed charge (standing charge, minimum spend) on a bill: in
  arrears the bill's own period; in advance the next period — and on bill 0 also period 0,
  because no bill of the account plan is dated at its first period's start (§7.2
  decision: the first bill carries its own, possibly partial, period and the next one).
- Proration: ``amount × active days / days in the full period``, days counted in the
  organization timezone by ``periods.active_days``.

Invariants
- A bill includes an account plan exactly when that plan's period for the bill date is
  active; an account plan starting exactly at D is therefore first billed at the next
  bill date (its period starting at D is its period 0).
- Proration is exact when the quotient terminates and keeps 50 significant digits
  otherwise; a full period returns the amount untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from app.domain.periods import (
    BillFrequency,
    BillingPeriod,
    active_days,
    bill_date_index,
    bill_date_on_or_after,
    billing_period,
    cut_to_active,
    is_bill_date,
    period_instants,
)
from app.domain.periods import (
    bill_date as nth_bill_date,
)
from app.domain.timezones import local_date

from .snapshots import AccountPlanSnapshot

__all__ = [
    "PlanPeriod",
    "first_bill_date",
    "plan_period",
    "next_period",
    "bills_on",
    "included_account_plans",
    "charged_periods",
    "charge_applies",
    "period_days",
    "prorate",
]

_DAY = timedelta(days=1)
_QUOTIENT = Context(prec=50, traps=[InvalidOperation])
_PRODUCT = Context(prec=200, traps=[InvalidOperation])


@dataclass(frozen=True)
class PlanPeriod:
    """Period ``index`` of an account plan: ``dates`` in full, ``active`` cut (or None)."""

    index: int
    dates: BillingPeriod
    full: tuple[datetime, datetime]
    active: tuple[datetime, datetime] | None

    @property
    def bill_date(self) -> date:
        return self.dates.bill_date


def _schedule(account_plan: AccountPlanSnapshot) -> tuple[date, BillFrequency, int]:
    plan = account_plan.plan
    return account_plan.epoch, plan.frequency, plan.interval


def first_bill_date(account_plan: AccountPlanSnapshot, tz: tzinfo) -> date:
    """The first bill date whose period contains the account plan's start."""
    return _first_bill(*_schedule(account_plan), account_plan.start, tz)[0]


# The period arithmetic below depends only on a schedule (epoch, frequency, interval), a
# date and the timezone, never on the account: a bill run asks the same questions for
# every account on a plan, several times per bill (planning, usage windows, composition),
# so the answers are kept (pure functions of hashable values; bounded, least recently used
# dropped). A changed plan or timezone is a different key, so nothing needs invalidating.
_PERIODS_KEPT = 16_384


@lru_cache(maxsize=_PERIODS_KEPT)
def _first_bill(epoch: date, frequency: BillFrequency, interval: int, start: datetime, tz: tzinfo) -> tuple[date, int]:
    """The first bill date of an account plan starting at ``start``, and its index."""
    # A period [D_(n−1), D_n) contains the start iff D_n's midnight is after it, i.e.
    # D_n > the local date of the start: the start's own midnight belongs to the next day.
    first = bill_date_on_or_after(epoch, frequency, interval, local_date(start, tz) + _DAY)
    return first, bill_date_index(epoch, frequency, interval, first)


@lru_cache(maxsize=_PERIODS_KEPT)
def _full_period(
    epoch: date, frequency: BillFrequency, interval: int, bill_date: date, tz: tzinfo
) -> tuple[BillingPeriod, tuple[datetime, datetime], int]:
    """The full period of ``bill_date`` in the schedule, its instants and the bill date's index."""
    dates = billing_period(epoch, frequency, interval, bill_date)
    return dates, period_instants(dates, tz), bill_date_index(epoch, frequency, interval, bill_date)


@lru_cache(maxsize=_PERIODS_KEPT)
def _is_bill_date(epoch: date, frequency: BillFrequency, interval: int, bill_date: date) -> bool:
    return is_bill_date(epoch, frequency, interval, bill_date)


def plan_period(account_plan: AccountPlanSnapshot, bill_date: date, tz: tzinfo) -> PlanPeriod:
    """The account plan's period closed by ``bill_date`` (ValueError: not a bill date)."""
    return _plan_period(*_schedule(account_plan), account_plan.start, account_plan.end, bill_date, tz)


# An account plan's period is asked for about ten times per bill (planning, usage windows,
# composition, standing charges): kept per schedule, start and end too. Equal instants in
# other offsets share an entry safely: the answer depends on the instants only (the active
# part is given in UTC, the first period from the start's local date in ``tz``).
@lru_cache(maxsize=_PERIODS_KEPT)
def _plan_period(
    epoch: date,
    frequency: BillFrequency,
    interval: int,
    start: datetime,
    end: datetime | None,
    bill_date: date,
    tz: tzinfo,
) -> PlanPeriod:
    dates, full, n = _full_period(epoch, frequency, interval, bill_date, tz)
    active = cut_to_active(*full, start, end)
    index = n - _first_bill(epoch, frequency, interval, start, tz)[1]
    return PlanPeriod(index=index, dates=dates, full=full, active=active)


def next_period(account_plan: AccountPlanSnapshot, period: PlanPeriod, tz: tzinfo) -> PlanPeriod:
    epoch, frequency, interval = _schedule(account_plan)
    following = _next_bill_date(epoch, frequency, interval, period.bill_date, tz)
    return _plan_period(epoch, frequency, interval, account_plan.start, account_plan.end, following, tz)


@lru_cache(maxsize=_PERIODS_KEPT)
def _next_bill_date(epoch: date, frequency: BillFrequency, interval: int, bill_date: date, tz: tzinfo) -> date:
    n = _full_period(epoch, frequency, interval, bill_date, tz)[2]
    return nth_bill_date(epoch, frequency, interval, n + 1)


def bills_on(account_plan: AccountPlanSnapshot, bill_date: date, frequency: BillFrequency, tz: tzinfo) -> bool:
    """Whether the bill (``bill_date``, ``frequency``) includes this account plan."""
    if type(frequency) is not BillFrequency:  # its value given (most callers pass the member itself)
        frequency = BillFrequency(frequency)
    if account_plan.plan.frequency is not frequency:
        return False
    if not _is_bill_date(*_schedule(account_plan), bill_date):
        return False
    return plan_period(account_plan, bill_date, tz).active is not None


def included_account_plans(
    account_plans: Iterable[AccountPlanSnapshot],
    bill_date: date,
    frequency: BillFrequency,
    tz: tzinfo,
) -> tuple[AccountPlanSnapshot, ...]:
    """The account plans on the bill, ordered by start then id (independent of input order)."""
    included = [ap for ap in account_plans if bills_on(ap, bill_date, frequency, tz)]
    return tuple(sorted(included, key=lambda ap: (ap.start, str(ap.id))))


def charged_periods(current: PlanPeriod, following: PlanPeriod, in_advance: bool) -> tuple[PlanPeriod, ...]:
    """The periods whose timed charge the bill closing ``current`` carries."""
    if not in_advance:
        return (current,)
    chosen = (current, following) if current.index == 0 else (following,)
    return tuple(period for period in chosen if period.active is not None)


def charge_applies(index: int, interval: int, offset: int) -> bool:
    """Standing charge on period ``index``: ``n ≥ offset`` and ``(n − offset) % interval == 0``."""
    return index >= offset and (index - offset) % interval == 0


# Days of an interval, kept like the periods above: every account on a plan asks for the
# same full (and mostly the same active) period's days.
_active_days = lru_cache(maxsize=_PERIODS_KEPT)(active_days)


def period_days(period: PlanPeriod, tz: tzinfo) -> tuple[int, int]:
    """(active days, full days) of a period; (0, full) when it is not active."""
    full_days = _active_days(*period.full, tz)
    if period.active is None:
        return 0, full_days
    return _active_days(*period.active, tz), full_days


def prorate(amount: Decimal, days: int, full_days: int) -> Decimal:
    """``amount × days / full_days``: exact when it terminates, else 50 digits."""
    if days == full_days:
        return amount
    if full_days <= 0:
        raise ValueError("a period must contain at least one day")
    with localcontext(_PRODUCT):
        numerator = amount * days
    with localcontext(_QUOTIENT):
        return numerator / full_days
