"""The late-data window of scheduled runs against SEMANTICS §13.2 rule 2 and the
§13.3 example: the bills a run at t covers are exactly those with ``start <= t`` and
``t < min(period end, plan end) + 24 h``, 24 elapsed hours, across DST changes too."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.periods import BillFrequency, bill_date_on_or_after, billing_period, period_instants
from app.domain.scheduling import PlanSchedule, in_scope, open_bill_dates

BERLIN = ZoneInfo("Europe/Berlin")


def local(d: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


WEEKLY_SUNDAYS = PlanSchedule("w", BillFrequency.WEEKLY, 1, date(2024, 3, 3), local(date(2024, 1, 1)), None)
DAILY = PlanSchedule("d", BillFrequency.DAILY, 1, date(2022, 1, 1), local(date(2024, 1, 1)), None)


@pytest.mark.parametrize(
    ("schedule", "t", "expected"),
    [
        # Berlin 2024-03-31 is a Sunday of 23 hours (DST starts). The weekly bill dated
        # 03-31 closes [03-24, 03-31); its window closes at midnight(03-31) + 24 h =
        # 04-01 01:00 local. A run at 04-01 00:00 local is inside it, so it covers 03-31
        # (and the open week of 04-07).
        (WEEKLY_SUNDAYS, local(date(2024, 4, 1)), [date(2024, 3, 31), date(2024, 4, 7)]),
        (WEEKLY_SUNDAYS, local(date(2024, 4, 1), 0, 45), [date(2024, 3, 31), date(2024, 4, 7)]),
        # 04-01 01:00 local = midnight(03-31) + 24 h exactly: closed (half-open window).
        (WEEKLY_SUNDAYS, local(date(2024, 4, 1), 1), [date(2024, 4, 7)]),
        # Daily: the bill dated 03-31 (period [03-30, 03-31)) closes at 04-01 01:00 too; at
        # 04-01 00:00 it is open beside 04-01 (period [03-31, 04-01), closes 04-02 00:00)
        # and the period in progress (04-02).
        (DAILY, local(date(2024, 4, 1)), [date(2024, 3, 31), date(2024, 4, 1), date(2024, 4, 2)]),
        (DAILY, local(date(2024, 4, 1), 1), [date(2024, 4, 1), date(2024, 4, 2)]),
        # Autumn (25-hour 10-27): midnight(10-27) + 24 h = 10-27 23:00 local, so the daily
        # bill dated 10-27 is already closed at 10-27 23:30 and at 10-28 00:00.
        (DAILY, local(date(2024, 10, 27), 23, 30), [date(2024, 10, 28)]),
        (DAILY, local(date(2024, 10, 28)), [date(2024, 10, 28), date(2024, 10, 29)]),
        # An ordinary day: exactly the period in progress and the one that just ended.
        (DAILY, local(date(2024, 6, 10)), [date(2024, 6, 10), date(2024, 6, 11)]),
    ],
)
def test_open_bill_dates_keep_24_elapsed_hours_across_dst(schedule, t, expected):
    assert sorted(open_bill_dates([schedule], t, BERLIN)) == expected


@pytest.mark.parametrize("schedule", [WEEKLY_SUNDAYS, DAILY], ids=["weekly", "daily"])
def test_open_bill_dates_agree_with_in_scope_every_quarter_hour_around_dst(schedule):
    """Law: a bill date is listed exactly when ``in_scope`` holds for its period, for every
    run instant of a 15-minute schedule around both DST changes of 2024 in Berlin."""
    for first in (date(2024, 3, 29), date(2024, 10, 25)):
        t = local(first)
        while t < local(first + timedelta(days=4)):
            listed = set(open_bill_dates([schedule], t, BERLIN))
            day = t.astimezone(BERLIN).date()
            candidates = {
                bill_date_on_or_after(schedule.epoch, schedule.frequency, schedule.interval, day + timedelta(days=k))
                for k in range(-3, 3)
            }
            expected = set()
            for bill in candidates:
                period = billing_period(schedule.epoch, schedule.frequency, schedule.interval, bill)
                if in_scope(*period_instants(period, BERLIN), schedule.end, t):
                    expected.add(bill)
            assert listed == expected, t
            t += timedelta(minutes=15)
