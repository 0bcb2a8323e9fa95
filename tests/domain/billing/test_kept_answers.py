"""The answers bill runs keep (period arithmetic per schedule, priced intervals per plan
snapshot): never another plan's or another start's, and what computing afresh gives."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.billing.schedule import PlanPeriod, bills_on, first_bill_date, next_period, period_days, plan_period
from app.domain.billing.timeline import _priced_intervals, priced_intervals
from app.domain.periods import BillFrequency, active_days, bill_date_index, bill_date_on_or_after, billing_period
from app.domain.timezones import local_date
from tests.domain.billing.builders import BERLIN, UTC, account_plan, aggregation, plan, pricing, utc

FEB = date(2024, 2, 1)


def test_a_changed_plan_is_a_new_snapshot_and_gets_its_own_intervals():
    calls = aggregation("calls")
    before = plan(pricing(calls, utc(2020, 1, 1)))
    after = plan(pricing(calls, utc(2020, 1, 1)), plan_pricings=[pricing(calls, utc(2024, 1, 10), name="override")])
    assert before.id == after.id  # the same plan, changed: a new snapshot
    span = (utc(2024, 1, 1), utc(2024, 2, 1))
    first, second = priced_intervals(before, *span), priced_intervals(after, *span)
    assert len(first) == 1 and len(second) == 2
    assert priced_intervals(before, *span) == first == _priced_intervals(before, *span)


def test_account_plans_sharing_a_schedule_keep_their_own_starts_and_ends():
    the_plan = plan(pricing(aggregation("calls")))
    early = account_plan(the_plan, utc(2023, 6, 15), name="early")
    late = account_plan(the_plan, utc(2024, 1, 20), name="late")
    ended = account_plan(the_plan, utc(2023, 1, 1), utc(2023, 12, 15), name="ended")
    for tz in (UTC, BERLIN):
        assert plan_period(early, FEB, tz).index == 7 and plan_period(late, FEB, tz).index == 0
        assert plan_period(late, FEB, tz).active[0] == utc(2024, 1, 20)
        assert bills_on(early, FEB, BillFrequency.MONTHLY, tz) and not bills_on(ended, FEB, BillFrequency.MONTHLY, tz)


def test_kept_periods_are_what_the_arithmetic_gives():
    the_plan = plan(pricing(aggregation("calls")))
    for days in range(0, 400, 17):
        ap = account_plan(the_plan, utc(2023, 1, 1) + timedelta(days=days, hours=days % 24), name=str(days))
        for tz in (UTC, BERLIN):
            first = bill_date_on_or_after(ap.epoch, BillFrequency.MONTHLY, 1, local_date(ap.start, tz) + timedelta(1))
            assert first_bill_date(ap, tz) == first
            bill = date(2024, 3, 1)
            period = plan_period(ap, bill, tz)
            assert period.dates == billing_period(ap.epoch, BillFrequency.MONTHLY, 1, bill)
            assert period.index == bill_date_index(ap.epoch, BillFrequency.MONTHLY, 1, bill) - bill_date_index(
                ap.epoch, BillFrequency.MONTHLY, 1, first
            )


def test_kept_day_counts_are_per_timezone_and_what_counting_afresh_gives():
    """The same instants hold a different number of local days in another timezone: a kept
    count must never be another timezone's. Active [Jan 10 22:00, Feb 1 00:00) UTC is Jan 11
    to Jan 31 in UTC (21 days) and Jan 11 to Feb 1 in Berlin, an hour ahead (22 days)."""
    the_plan = plan(pricing(aggregation("calls")))
    ap = account_plan(the_plan, utc(2024, 1, 10, 22), name="late evening")
    period = plan_period(ap, FEB, UTC)
    assert period.active == (utc(2024, 1, 10, 22), utc(2024, 2, 1))
    assert period_days(period, UTC) == (21, 31)
    assert period_days(period, BERLIN)[0] == 22
    assert period_days(period, UTC) == (21, 31)  # asked again after Berlin: still UTC's
    for days in range(0, 30, 7):
        started = plan_period(account_plan(the_plan, utc(2024, 1, 1) + timedelta(days=days, hours=days)), FEB, BERLIN)
        assert period_days(started, BERLIN) == (
            active_days(*started.active, BERLIN),
            active_days(*started.full, BERLIN),
        )
    idle = PlanPeriod(index=0, dates=period.dates, full=period.full, active=None)
    assert period_days(idle, UTC) == (0, 31)


def test_kept_periods_are_per_start_and_end_and_given_in_utc():
    """Periods are kept per account plan start and end: another end is another answer, and
    the same instants written in another offset give the same answer, in UTC."""
    the_plan = plan(pricing(aggregation("calls")))
    start = utc(2024, 1, 10, 22)
    open_ended = account_plan(the_plan, start, name="open")
    ending = account_plan(the_plan, start, utc(2024, 1, 20), name="ending")
    in_berlin = account_plan(the_plan, start.astimezone(BERLIN), name="berlin")
    assert plan_period(open_ended, FEB, UTC).active == (start, utc(2024, 2, 1))
    assert plan_period(ending, FEB, UTC).active == (start, utc(2024, 1, 20))
    kept = plan_period(in_berlin, FEB, UTC)
    assert kept == plan_period(open_ended, FEB, UTC) and kept.active is not None
    assert all(instant.tzinfo is UTC for instant in kept.active)
    following = next_period(ending, plan_period(ending, FEB, UTC), UTC)
    assert following.dates.bill_date == date(2024, 3, 1) and following.active is None
    assert next_period(open_ended, kept, BERLIN).active == (utc(2024, 1, 31, 23), utc(2024, 2, 29, 23))
