"""Table tests of when scheduled bill runs happen (SEMANTICS §13.2 rules 1, 2 and 4)."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.domain.periods import BillFrequency
from app.domain.scheduling import (
    INTERVALS,
    GraceUnit,
    PlanSchedule,
    auto_approve_at,
    due_run,
    grace_period,
    in_scope,
    interval_problem,
    latest_run,
    next_run,
    offset_problem,
    open_bill_dates,
    runs_between,
    window_close,
)

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Runs per ordinary UTC day for each interval: 24 h / interval (the daily one runs once).
@pytest.mark.parametrize(
    ("interval", "per_day"),
    [("0.25", 96), ("0.5", 48), ("1", 24), ("2", 12), ("3", 8), ("4", 6), ("6", 4), ("8", 3), ("12", 2), ("24", 1)],
)
def test_every_interval_runs_at_whole_multiples_from_midnight(interval: str, per_day: int) -> None:
    step = Decimal(interval)
    runs = runs_between(step, 0, UTC, utc(2024, 10, 1) - timedelta(microseconds=1), utc(2024, 10, 1, 23, 59, 59))
    assert len(runs) == per_day
    assert runs[0] == utc(2024, 10, 1)
    assert all(b - a == timedelta(minutes=int(step * 60)) for a, b in zip(runs, runs[1:], strict=False))


def test_interval_zero_is_off() -> None:
    now = utc(2024, 10, 1, 12)
    assert runs_between(Decimal(0), 0, UTC, now - timedelta(days=5), now) == []
    assert due_run(Decimal(0), 0, UTC, None, now) is None
    assert next_run(Decimal(0), 0, UTC, now) is None


@pytest.mark.parametrize("offset", [0, 2, 13, 23])
def test_daily_runs_at_the_offset_local_hour(offset: int) -> None:
    # Berlin in January is UTC+1: offset:00 local is (offset-1):00 UTC.
    runs = runs_between(Decimal(24), offset, BERLIN, utc(2024, 1, 9, 22, 30), utc(2024, 1, 11, 22, 30))
    assert [r.astimezone(BERLIN).hour for r in runs] == [offset, offset]
    assert runs[0] == datetime(2024, 1, 10, offset, tzinfo=BERLIN).astimezone(UTC)


def test_spring_forward_skips_the_missing_hour() -> None:
    """Berlin 2024-03-31: 02:00 local does not exist (01:59 CET → 03:00 CEST). An hourly
    schedule runs 23 times that day; the daily run at offset 2 does not run at all."""
    day_start, day_end = datetime(2024, 3, 31, tzinfo=BERLIN), datetime(2024, 4, 1, tzinfo=BERLIN)
    hourly = runs_between(Decimal(1), 0, BERLIN, day_start - timedelta(seconds=1), day_end - timedelta(seconds=1))
    assert len(hourly) == 23
    assert 2 not in [r.astimezone(BERLIN).hour for r in hourly]
    daily = runs_between(Decimal(24), 2, BERLIN, utc(2024, 3, 30, 12), utc(2024, 4, 1, 12))
    # 03-30 02:00 CET = 01:00 UTC (before the window), 03-31 skipped, 04-01 02:00 CEST = 00:00 UTC
    assert daily == [utc(2024, 4, 1, 0)]


def test_fall_back_runs_the_repeated_hour_once() -> None:
    """Berlin 2024-10-27: 02:00–02:59 local happens twice (CEST, then CET). The hourly
    schedule runs 24 times, 02:00 only at its first occurrence (00:00 UTC, not 01:00)."""
    day_start, day_end = datetime(2024, 10, 27, tzinfo=BERLIN), datetime(2024, 10, 28, tzinfo=BERLIN)
    hourly = runs_between(Decimal(1), 0, BERLIN, day_start - timedelta(seconds=1), day_end - timedelta(seconds=1))
    assert len(hourly) == 24
    assert utc(2024, 10, 27, 0) in hourly and utc(2024, 10, 27, 1) not in hourly
    quarter = runs_between(Decimal("0.25"), 0, BERLIN, day_start - timedelta(seconds=1), day_end - timedelta(seconds=1))
    assert len(quarter) == 96
    daily = runs_between(Decimal(24), 2, BERLIN, utc(2024, 10, 26, 12), utc(2024, 10, 27, 12))
    assert daily == [utc(2024, 10, 27, 0)]


def test_month_end_run_at_local_midnight() -> None:
    """Interval 6 in Berlin: the runs around the end of February 2024 (leap) fall at local
    00/06/12/18; the one at local 03-01 00:00 is 02-29 23:00 UTC."""
    runs = runs_between(Decimal(6), 0, BERLIN, utc(2024, 2, 29, 12), utc(2024, 3, 1, 6))
    assert runs == [utc(2024, 2, 29, 17), utc(2024, 2, 29, 23), utc(2024, 3, 1, 5)]


@pytest.mark.parametrize(
    ("last_run", "now", "due"),
    [
        (None, utc(2024, 10, 1, 7), utc(2024, 10, 1, 6)),  # first ever: the latest slot
        (utc(2024, 10, 1, 6), utc(2024, 10, 1, 7), None),  # already ran
        (utc(2024, 10, 1, 6), utc(2024, 10, 1, 12), utc(2024, 10, 1, 12)),  # exactly on time
        (utc(2024, 10, 1, 6), utc(2024, 10, 1, 11, 59, 59), None),  # a second early
        (utc(2024, 10, 1, 6), utc(2024, 10, 4, 13), utc(2024, 10, 4, 12)),  # 12 missed: once
    ],
)
def test_due_run_catches_up_once(last_run: datetime | None, now: datetime, due: datetime | None) -> None:
    assert due_run(Decimal(6), 0, UTC, last_run, now) == due


def test_next_and_latest_run_across_the_fall_back_day() -> None:
    # Daily at 02 Berlin: from 10-26 03:00 local the next run is 10-27 02:00 CEST (00:00 UTC).
    now = datetime(2024, 10, 26, 3, tzinfo=BERLIN)
    assert next_run(Decimal(24), 2, BERLIN, now) == utc(2024, 10, 27, 0)
    assert latest_run(Decimal(24), 2, BERLIN, now) == utc(2024, 10, 26, 0)
    # Across the skipped day in spring: from 03-30 03:00 the next run is 04-01 02:00 CEST.
    assert next_run(Decimal(24), 2, BERLIN, datetime(2024, 3, 30, 3, tzinfo=BERLIN)) == utc(2024, 4, 1, 0)


def test_semantics_example_window_and_approval() -> None:
    """§13.3: October 2024 (UTC, interval 6). The window of the October bill closes at
    11-02 00:00, so 32 days × 4 = 128 runs cover it, the last at 11-01 18:00."""
    start, end = utc(2024, 10, 1), utc(2024, 11, 1)
    runs = runs_between(Decimal(6), 0, UTC, start - timedelta(seconds=1), utc(2024, 11, 3))
    covered = [t for t in runs if in_scope(start, end, None, t)]
    assert len(covered) == 128
    assert covered[0] == start and covered[-1] == utc(2024, 11, 1, 18)
    assert window_close(end, None) == utc(2024, 11, 2)
    # A plan ending 10-15 00:00 closes the window at 10-16 00:00.
    assert window_close(end, utc(2024, 10, 15)) == utc(2024, 10, 16)
    assert not in_scope(start, end, utc(2024, 10, 15), utc(2024, 10, 16))
    assert auto_approve_at(end, utc(2024, 10, 1), grace_period(2, GraceUnit.HOURS)) == utc(2024, 11, 1, 2)
    # A bill created after its period ended waits the grace from its creation.
    assert auto_approve_at(end, utc(2024, 11, 5), grace_period(30, GraceUnit.MINUTES)) == utc(2024, 11, 5, 0, 30)
    assert grace_period(1, GraceUnit.DAYS) == timedelta(days=1)


@pytest.mark.parametrize("interval", INTERVALS)
def test_every_listed_interval_is_valid(interval: Decimal) -> None:
    assert interval_problem(interval) is None


@pytest.mark.parametrize("interval", ["0.1", "5", "48", "-1", "23"])
def test_other_intervals_are_refused(interval: str) -> None:
    assert interval_problem(Decimal(interval)) is not None


@pytest.mark.parametrize(
    ("interval", "offset", "ok"),
    [("24", 0, True), ("24", 23, True), ("24", 24, False), ("24", -1, False), ("6", 2, False), ("6", 0, True)],
)
def test_offset_only_with_daily(interval: str, offset: int, ok: bool) -> None:
    assert (offset_problem(Decimal(interval), offset) is None) is ok


MONTHLY = PlanSchedule("acc", BillFrequency.MONTHLY, 1, date(2024, 1, 1), utc(2024, 1, 1), None)


@pytest.mark.parametrize(
    ("t", "bill_dates"),
    [
        # The run at 10-01 00:00 creates October's bill (11-01) and still recalculates September's.
        (utc(2024, 10, 1), [date(2024, 10, 1), date(2024, 11, 1)]),
        (utc(2024, 10, 1, 23, 59), [date(2024, 10, 1), date(2024, 11, 1)]),
        (utc(2024, 10, 2), [date(2024, 11, 1)]),  # September's window has closed
        (utc(2024, 11, 1, 18), [date(2024, 11, 1), date(2024, 12, 1)]),  # October's last run
        (utc(2024, 11, 2), [date(2024, 12, 1)]),
    ],
)
def test_open_bill_dates_follow_the_late_data_window(t: datetime, bill_dates: list[date]) -> None:
    assert sorted(open_bill_dates([MONTHLY], t, UTC)) == bill_dates


def test_an_ended_plan_closes_its_window_a_day_after_its_end() -> None:
    ended = dataclasses.replace(MONTHLY, end=utc(2024, 10, 15))
    assert sorted(open_bill_dates([ended], utc(2024, 10, 15, 23), UTC)) == [date(2024, 11, 1)]
    assert open_bill_dates([ended], utc(2024, 10, 16), UTC) == {}


def test_open_bill_dates_in_berlin_and_for_daily_plans() -> None:
    """In Berlin the October period ends at 10-31 23:00 UTC (local 11-01 00:00); the daily
    plan's bill of 11-01 (the 10-31 period) and that of 11-02 are both open at 11-01 02:00."""
    berlin_monthly = dataclasses.replace(MONTHLY, start=utc(2023, 12, 31, 23))
    daily = PlanSchedule("d", BillFrequency.DAILY, 1, date(2024, 1, 1), utc(2024, 1, 1), None)
    at = datetime(2024, 11, 1, 2, tzinfo=BERLIN)
    found = open_bill_dates([berlin_monthly, daily], at, BERLIN)
    assert found == {date(2024, 11, 1): {"acc", "d"}, date(2024, 12, 1): {"acc"}, date(2024, 11, 2): {"d"}}
    # Before the plan starts nothing is open.
    late = dataclasses.replace(daily, start=utc(2024, 12, 1))
    assert open_bill_dates([late], at, BERLIN) == {}
