"""Bill dates, billing periods, due dates and proration days (SEMANTICS §7.1).

Concepts
- A plan bills every ``interval`` DAILY / WEEKLY / MONTHLY / ANNUALLY units.  Its bill
  dates are ``D_n = epoch + n × interval × unit`` for every integer n (negative n lie
  before the epoch).  The epoch is the account plan's, else the account's, else the
  organization's epoch for the frequency (``resolve_epoch``).
- Month and year steps keep the epoch's day of month and clamp it to the last day of
  shorter months (epoch Jan 31 → Feb 28, Mar 31, Apr 30; Feb 29 → Feb 28 in common
  years).  ``D_n`` is always computed from the epoch, never from ``D_(n−1)``, so the day
  never drifts down after a short month.  WEEKLY bills fall on the epoch's weekday.
- The billing period of ``D_n`` is ``[D_(n−1), D_n)`` in local dates of the organization
  timezone; its boundaries are the local midnights of those dates (``period_instants``),
  cut to the account plan's active interval ``[start, end)`` (``cut_to_active``).
- ``lastDateInBillingPeriod = D_n − 1 day``; ``dueDate = billDate + daysBeforeBillDue``.
- Standing charges are prorated by *active days / days in the full period*.  A day is
  counted when its local midnight lies inside the interval (``active_days``).

Invariants
- ``D_n`` is strictly increasing in n, so every date d has exactly one ``D_n`` with
  ``D_(n−1) < d <= D_n``, and the periods of consecutive bill dates tile the calendar
  with neither gaps nor overlaps.
- Finding n for a date is arithmetic plus at most a couple of correction steps: it costs
  the same for a date next to the epoch and one centuries away.
- ``active_days`` is additive: splitting an interval at any instant splits its day count,
  so back-to-back account plans never count a day twice or lose one.
- Plain dates are local dates; instants are aware datetimes, returned in UTC.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum
from types import MappingProxyType

from app.domain.timezones import local_date, local_midnight, require_aware

MIN_INTERVAL = 1
MAX_INTERVAL = 365
_DAY = timedelta(days=1)


class BillFrequency(str, Enum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    ANNUALLY = "ANNUALLY"


# 2022-01-04 is a Tuesday: an organization that never chose gets weekly bills on Tuesdays.
DEFAULT_ORG_EPOCHS: Mapping[BillFrequency, date] = MappingProxyType(
    {
        BillFrequency.DAILY: date(2022, 1, 1),
        BillFrequency.WEEKLY: date(2022, 1, 4),
        BillFrequency.MONTHLY: date(2022, 1, 1),
        BillFrequency.ANNUALLY: date(2022, 1, 1),
    }
)


@dataclass(frozen=True)
class BillingPeriod:
    """The full period ``[start, end)`` of local dates billed on ``bill_date`` (= end)."""

    bill_date: date
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end != self.bill_date:
            raise ValueError("a billing period ends on its bill date")
        if not self.start < self.end:
            raise ValueError("a billing period must start before it ends")

    @property
    def last_date_in_billing_period(self) -> date:
        return self.bill_date - _DAY

    @property
    def days(self) -> int:
        """Calendar days in the full period (the proration denominator)."""
        return (self.end - self.start).days


# --- epochs and bill dates -----------------------------------------------------------


def resolve_epoch(
    frequency: BillFrequency,
    *,
    account_plan_epoch: date | None,
    account_epoch: date | None,
    org_epochs: Mapping[BillFrequency, date],
) -> date:
    """``AccountPlan.billEpoch ?? Account.billEpoch ?? organization epoch``.

    An organization mapping without this frequency falls back to the default epochs,
    which are what an organization has until it sets its own.
    """
    frequency = BillFrequency(frequency)
    if account_plan_epoch is not None:
        return account_plan_epoch
    if account_epoch is not None:
        return account_epoch
    return org_epochs.get(frequency, DEFAULT_ORG_EPOCHS[frequency])


def bill_date(epoch: date, frequency: BillFrequency, interval: int, n: int) -> date:
    """``D_n``: the n-th bill date counted from the epoch (``D_0 == epoch``)."""
    return _nth(epoch, frequency, interval, n)


def bill_date_on_or_after(epoch: date, frequency: BillFrequency, interval: int, d: date) -> date:
    """The smallest ``D_n >= d``."""
    return _nth(epoch, frequency, interval, _index_on_or_after(epoch, frequency, interval, d))


def is_bill_date(epoch: date, frequency: BillFrequency, interval: int, d: date) -> bool:
    return bill_date_on_or_after(epoch, frequency, interval, d) == d


def bill_date_index(epoch: date, frequency: BillFrequency, interval: int, d: date) -> int:
    """The n with ``D_n == d``; ValueError if d is not a bill date of this schedule."""
    n = _index_on_or_after(epoch, frequency, interval, d)
    if _nth(epoch, frequency, interval, n) != d:
        raise ValueError(f"{d} is not a bill date of every {interval} {BillFrequency(frequency).value} from {epoch}")
    return n


def bill_date_for_last_day(
    epoch: date, frequency: BillFrequency, interval: int, last_date_in_period: date
) -> date | None:
    """The bill date whose period ends on ``last_date_in_period``, or None if none does."""
    candidate = last_date_in_period + _DAY
    return candidate if is_bill_date(epoch, frequency, interval, candidate) else None


def bill_dates_between(epoch: date, frequency: BillFrequency, interval: int, start: date, end: date) -> list[date]:
    """The bill dates whose periods ``[D_(n−1), D_n)`` intersect the dates ``[start, end)``.

    That is every ``D_n`` with ``D_n > start`` and ``D_(n−1) < end``: from the first bill
    date after ``start`` up to and including the first bill date on or after ``end``
    (which may lie after ``end``).  Empty when ``start >= end``.
    """
    if start >= end:
        return []
    first = _index_on_or_after(epoch, frequency, interval, start + _DAY)
    last = _index_on_or_after(epoch, frequency, interval, end)
    return [_nth(epoch, frequency, interval, n) for n in range(first, last + 1)]


def billing_period(epoch: date, frequency: BillFrequency, interval: int, bill_date: date) -> BillingPeriod:
    """The full period ``[D_(n−1), D_n)`` of the bill date ``D_n``; ValueError otherwise."""
    n = bill_date_index(epoch, frequency, interval, bill_date)
    start = _nth(epoch, frequency, interval, n - 1)
    return BillingPeriod(bill_date=bill_date, start=start, end=bill_date)


def bill_number(
    epoch: date,
    frequency: BillFrequency,
    interval: int,
    first_bill_date: date,
    this_bill_date: date,
) -> int:
    """0-based position of ``this_bill_date`` among an account plan's bills."""
    number = bill_date_index(epoch, frequency, interval, this_bill_date) - bill_date_index(
        epoch, frequency, interval, first_bill_date
    )
    if number < 0:
        raise ValueError(f"bill date {this_bill_date} is before the first bill {first_bill_date}")
    return number


def due_date(bill_date: date, days_before_bill_due: int) -> date:
    """``billDate + daysBeforeBillDue`` (the caller picks account, else organization)."""
    if isinstance(days_before_bill_due, bool) or not isinstance(days_before_bill_due, int):
        raise ValueError("days before bill due must be an integer")
    if days_before_bill_due < 0:
        raise ValueError("days before bill due must not be negative")
    return bill_date + timedelta(days=days_before_bill_due)


# --- instants and proration ----------------------------------------------------------


def period_instants(period: BillingPeriod, tz: tzinfo) -> tuple[datetime, datetime]:
    """The period's boundaries as UTC instants: local midnights of start and end."""
    return local_midnight(period.start, tz), local_midnight(period.end, tz)


def cut_to_active(
    start: datetime,
    end: datetime,
    active_start: datetime,
    active_end: datetime | None,
) -> tuple[datetime, datetime] | None:
    """Intersection of ``[start, end)`` with the active ``[active_start, active_end)``.

    ``active_end`` None means open-ended.  None when the intersection is empty.
    """
    for instant in (start, end, active_start, active_end):
        if instant is not None:
            require_aware(instant)
    cut_start = max(start, active_start)
    cut_end = end if active_end is None else min(end, active_end)
    if cut_start >= cut_end:
        return None
    return cut_start.astimezone(UTC), cut_end.astimezone(UTC)


def active_days(start: datetime, end: datetime, tz: tzinfo) -> int:
    """Local dates d of ``tz`` whose midnight lies in ``[start, end)``.

    A partial day at the start does not count, a partial day at the end does: the day is
    the one whose midnight the interval contains.  So a plan change at 10:00 gives the
    day to the new plan only, and a full period counts exactly its calendar days.
    """
    require_aware(start)
    require_aware(end)
    if start >= end:
        return 0
    first = _first_date_starting_at_or_after(start, tz)
    return (_first_date_starting_at_or_after(end, tz) - first).days


def proration_factor(
    active: tuple[datetime, datetime],
    full: tuple[datetime, datetime],
    tz: tzinfo,
) -> tuple[int, int]:
    """``(active days, full days)``; the standing charge is ``amount × active / full``."""
    if not (full[0] <= active[0] and active[1] <= full[1]):
        raise ValueError("the active interval must lie within the full period")
    full_days = active_days(*full, tz)
    if full_days == 0:
        raise ValueError("the full period contains no local day")
    return active_days(*active, tz), full_days


def local_date_range(start: datetime, end: datetime | None, tz: tzinfo) -> tuple[date, date | None]:
    """The local dates ``[a, b)`` whose midnights cover the instants ``[start, end)``.

    Feeding them to ``bill_dates_between`` gives exactly the bill dates whose period
    instants intersect ``[start, end)``; ``end`` None (open-ended) gives ``b`` None.
    """
    first = local_date(start, tz)
    last = None if end is None else _first_date_starting_at_or_after(end, tz)
    return first, last


# --- arithmetic ----------------------------------------------------------------------


def _step(frequency: BillFrequency, interval: int) -> tuple[int, int]:
    """(days, months) per period; exactly one of them is non-zero."""
    if isinstance(interval, bool) or not isinstance(interval, int):
        raise ValueError("interval must be an integer")
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise ValueError(f"interval must be between {MIN_INTERVAL} and {MAX_INTERVAL}")
    frequency = BillFrequency(frequency)
    if frequency is BillFrequency.DAILY:
        return interval, 0
    if frequency is BillFrequency.WEEKLY:
        return 7 * interval, 0
    if frequency is BillFrequency.MONTHLY:
        return 0, interval
    return 0, 12 * interval


def _nth(epoch: date, frequency: BillFrequency, interval: int, n: int) -> date:
    step_days, step_months = _step(frequency, interval)
    try:
        if step_days:
            return epoch + timedelta(days=n * step_days)
        return _add_months(epoch, n * step_months)
    except (OverflowError, ValueError) as error:
        raise ValueError(f"bill date {n} from {epoch} is outside the calendar") from error


def _add_months(epoch: date, months: int) -> date:
    # Always from the epoch: chaining from the previous date would let Jan 31 -> Feb 28
    # drift every later bill to the 28th.
    year, month0 = divmod(epoch.year * 12 + epoch.month - 1 + months, 12)
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"year {year} is outside the calendar")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(epoch.day, last_day))


def _index_on_or_after(epoch: date, frequency: BillFrequency, interval: int, d: date) -> int:
    """The smallest n with ``D_n >= d``."""
    step_days, step_months = _step(frequency, interval)
    if step_days:
        return -((epoch - d).days // step_days)  # ceil((d − epoch) / step), exact
    # D_n lies in month number epoch_month + n × step.  With n = floor(months / step),
    # D_n falls in d's month or earlier (so D_(n−1) < d) and D_(n+1) in a later month
    # (so D_(n+1) > d): the answer is n or n + 1, whatever the distance from the epoch.
    months = (d.year - epoch.year) * 12 + d.month - epoch.month
    n = months // step_months
    return n if _nth(epoch, frequency, interval, n) >= d else n + 1


def _first_date_starting_at_or_after(instant: datetime, tz: tzinfo) -> date:
    """The earliest local date whose midnight is at or after ``instant``."""
    d = local_date(instant, tz)
    if local_midnight(d, tz) < instant:
        return d + _DAY
    # A skipped day (Pacific/Apia 2011-12-30) starts at the same instant as the next one.
    while local_midnight(d - _DAY, tz) >= instant:
        d -= _DAY
    return d
