"""When bills run themselves (SEMANTICS §13): run instants, due runs, late-data windows and
the auto-approval instant.

Concepts
- A *schedule* is an interval in hours (one of ``INTERVALS``; 0 is off) and, for the daily
  interval only, an offset: the local hour of the run.  Its *run instants* are the local
  wall times at whole multiples of the interval from 00:00 (interval 24: ``offset``:00),
  in the organization timezone, returned as UTC instants.
- A wall time skipped by a DST change does not run; a wall time that occurs twice runs
  once, at its first occurrence **(our rule, §13.2 rule 1)**.
- The *due run* at ``now`` is the latest run instant at or before ``now`` that is after the
  last run: runs missed while no worker was up are caught up once, not once per slot.
- The *late-data window* of a bill closes 24 h after the earlier of its period end and its
  account plan's end; a scheduled run at ``t`` covers the bills with ``start <= t`` and
  ``t < close`` (§13.2 rule 2).
- A PENDING bill is auto-approved at ``max(period end, created) + grace`` (§13.2 rule 4).

Invariants
- Run instants are strictly increasing and each lies on a whole multiple of the interval in
  local wall time; every returned instant is UTC.
- ``due_run`` never returns an instant later than ``now`` or not after ``last_run``.
- Time enters only as arguments; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import Enum

from app.domain import periods
from app.domain.periods import BillFrequency
from app.domain.timezones import require_aware

OFF = Decimal(0)
INTERVALS = tuple(Decimal(h) for h in ("0", "0.25", "0.5", "1", "2", "3", "4", "6", "8", "12", "24"))
DAILY = Decimal(24)
LATE_DATA_WINDOW = timedelta(hours=24)
_DAY = timedelta(days=1)
# Enough days to find a run on either side of an instant whatever the DST change (a day
# has at least one run at any interval; a skipped daily offset loses only one day).
_SEARCH_DAYS = 3


class GraceUnit(str, Enum):
    MINUTES = "MINUTES"
    HOURS = "HOURS"
    DAYS = "DAYS"


def interval_problem(interval: Decimal) -> str | None:
    """Why ``interval`` is not a schedule interval, or None when it is."""
    if interval not in INTERVALS:
        return "must be one of " + ", ".join(str(i) for i in INTERVALS) + " hours"
    return None


def offset_problem(interval: Decimal, offset: int | None) -> str | None:
    """Why ``offset`` cannot go with ``interval`` (an hour 0–23, only with interval 24)."""
    if offset is None or offset == 0 and interval != DAILY:
        return None
    if interval != DAILY:
        return "can only be set with a scheduledBillInterval of 24"
    if not 0 <= offset <= 23:
        return "must be an hour from 0 to 23"
    return None


def grace_period(amount: int, unit: GraceUnit) -> timedelta:
    return {
        GraceUnit.MINUTES: timedelta(minutes=amount),
        GraceUnit.HOURS: timedelta(hours=amount),
        GraceUnit.DAYS: timedelta(days=amount),
    }[GraceUnit(unit)]


def runs_between(interval: Decimal, offset: int, tz: tzinfo, after: datetime, until: datetime) -> list[datetime]:
    """Run instants ``t`` with ``after < t <= until``, in order (UTC)."""
    require_aware(after)
    require_aware(until)
    if interval == OFF or until <= after:
        return []
    first, last = _local_day(after, tz) - _DAY, _local_day(until, tz) + _DAY
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [t for day in days for t in _day_runs(interval, offset, tz, day) if after < t <= until]


def due_run(interval: Decimal, offset: int, tz: tzinfo, last_run: datetime | None, now: datetime) -> datetime | None:
    """The run to start at ``now``: the latest run instant at or before ``now`` and after
    ``last_run`` (None: never ran), or None when nothing is due."""
    latest = latest_run(interval, offset, tz, now)
    if latest is None or last_run is not None and latest <= last_run:
        return None
    return latest


def latest_run(interval: Decimal, offset: int, tz: tzinfo, now: datetime) -> datetime | None:
    """The last run instant at or before ``now`` (None when the schedule is off)."""
    require_aware(now)
    if interval == OFF:
        return None
    today = _local_day(now, tz)
    for back in range(_SEARCH_DAYS + 1):
        runs = [t for t in _day_runs(interval, offset, tz, today - timedelta(days=back)) if t <= now]
        if runs:
            return runs[-1]
    return None  # pragma: no cover - every schedule runs within _SEARCH_DAYS


def next_run(interval: Decimal, offset: int, tz: tzinfo, now: datetime) -> datetime | None:
    """The first run instant after ``now`` (None when the schedule is off)."""
    require_aware(now)
    if interval == OFF:
        return None
    today = _local_day(now, tz)
    for ahead in range(_SEARCH_DAYS + 1):
        runs = [t for t in _day_runs(interval, offset, tz, today + timedelta(days=ahead)) if t > now]
        if runs:
            return runs[0]
    return None  # pragma: no cover - every schedule runs within _SEARCH_DAYS


def window_close(period_end: datetime, plan_end: datetime | None) -> datetime:
    """When a bill's late-data window closes: 24 h after its period or its plan ends."""
    end = period_end if plan_end is None else min(period_end, plan_end)
    return end + LATE_DATA_WINDOW


def in_scope(period_start: datetime, period_end: datetime, plan_end: datetime | None, t: datetime) -> bool:
    """Whether a scheduled run at ``t`` creates or recalculates this bill (§13.2 rule 2)."""
    return period_start <= t < window_close(period_end, plan_end)


def auto_approve_at(period_end: datetime, created: datetime, grace: timedelta) -> datetime:
    """When a PENDING bill is approved automatically: never before its period has ended."""
    return max(period_end, created) + grace


def _day_runs(interval: Decimal, offset: int, tz: tzinfo, day: date) -> Iterator[datetime]:
    """The run instants of one local day, skipping wall times that do not exist there."""
    if interval == DAILY:
        minutes = [offset * 60]
    else:
        step = int(interval * 60)
        minutes = list(range(0, 24 * 60, step))
    for minute in minutes:
        wall = datetime.combine(day, time(minute // 60, minute % 60))
        instant = _instant_of(wall, tz)
        if instant is not None:
            yield instant


def _instant_of(wall: datetime, tz: tzinfo) -> datetime | None:
    """The UTC instant of a local wall time: its first occurrence when repeated (fold=0),
    None when a DST change skips it (the round trip lands on another wall time)."""
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        return None
    return instant


def _local_day(instant: datetime, tz: tzinfo) -> date:
    return instant.astimezone(tz).date()


@dataclass(frozen=True, slots=True)
class PlanSchedule:
    """When one account plan bills: enough to find its open bills at an instant."""

    account_id: Hashable
    frequency: BillFrequency
    interval: int
    epoch: date
    start: datetime
    end: datetime | None


def open_bill_dates(schedules: Iterable[PlanSchedule], t: datetime, tz: tzinfo) -> dict[date, set[Hashable]]:
    """The bill dates a scheduled run at ``t`` creates or recalculates, with their accounts
    (§13.2 rule 2): per plan, the period containing ``t`` and the one that just ended while
    its late-data window is open, each only when the plan was active in it."""
    today = _local_day(t, tz)
    found: dict[date, set[Hashable]] = {}
    for s in schedules:
        # The window is 24 elapsed hours, not a local day: after a 23-hour day (DST starts)
        # a period that ended at yesterday's midnight is still open for the first hour of
        # today, so yesterday's bill date is a candidate too (``in_scope`` decides).
        for day in (today - _DAY, today, today + _DAY):
            bill = periods.bill_date_on_or_after(s.epoch, s.frequency, s.interval, day)
            period = periods.billing_period(s.epoch, s.frequency, s.interval, bill)
            start, end = periods.period_instants(period, tz)
            active = s.start < end and (s.end is None or s.end > start)
            if active and in_scope(start, end, s.end, t):
                found.setdefault(bill, set()).add(s.account_id)
    return found
