"""The periods a USAGE export is cut into (SEMANTICS §15.1 rule 2).

DAY and MONTH periods begin at local midnights in the organization's timezone, so a day
across a clock change is 23 or 25 hours long. BILLING_PERIOD follows the bill dates of
SEMANTICS §7.1 (`app.domain.periods`). Every list is bounded: an export asks for at most
`MAX_PERIODS` periods.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from app.domain.periods import BillFrequency, bill_dates_between
from app.domain.timezones import local_date, local_midnight

MAX_PERIODS = 10_000


class TooManyPeriods(ValueError):
    pass


def _next(day: date, granularity: str) -> date:
    if granularity == "DAY":
        return day + timedelta(days=1)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def calendar_bounds(start: datetime, end: datetime, granularity: str, tz: tzinfo) -> list[datetime]:
    """Instants b0 < b1 < … < bn with b0 = start, bn = end and every inner bound a local
    midnight starting a DAY or a MONTH: the periods are [b_i, b_(i+1))."""
    day = local_date(start, tz)
    if granularity == "MONTH":
        day = day.replace(day=1)
    bounds = [start]
    while True:
        day = _next(day, granularity)
        bound = local_midnight(day, tz)
        if bound >= end:
            break
        bounds.append(bound)
        if len(bounds) > MAX_PERIODS:
            raise TooManyPeriods(f"more than {MAX_PERIODS} periods; narrow from and to")
    bounds.append(end)
    return bounds


def billing_bounds(
    start: datetime, end: datetime, epoch: date, frequency: BillFrequency, interval: int, tz: tzinfo
) -> list[datetime]:
    """The same for the billing periods of a plan (epoch, frequency, interval): inner bounds
    are the local midnights of its bill dates, so each period is one bill's."""
    dates = bill_dates_between(
        epoch, frequency, interval, local_date(start, tz), local_date(end, tz) + timedelta(days=1)
    )
    bounds = [start]
    for day in dates:
        bound = local_midnight(day, tz)
        if start < bound < end:
            bounds.append(bound)
            if len(bounds) > MAX_PERIODS:
                raise TooManyPeriods(f"more than {MAX_PERIODS} periods; narrow from and to")
    bounds.append(end)
    return bounds
