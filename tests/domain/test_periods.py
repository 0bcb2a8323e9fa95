from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.periods import (
    DEFAULT_ORG_EPOCHS,
    BillFrequency,
    BillingPeriod,
    active_days,
    bill_date,
    bill_date_for_last_day,
    bill_date_index,
    bill_date_on_or_after,
    bill_dates_between,
    bill_number,
    billing_period,
    cut_to_active,
    due_date,
    is_bill_date,
    local_date_range,
    period_instants,
    proration_factor,
    resolve_epoch,
)
from app.domain.timezones import local_midnight, parse_timezone
from tests.case_ids import case_id

D, W, M, A = (
    BillFrequency.DAILY,
    BillFrequency.WEEKLY,
    BillFrequency.MONTHLY,
    BillFrequency.ANNUALLY,
)
UTC = UTC
BERLIN = parse_timezone("Europe/Berlin")
PLUS_ONE = parse_timezone("UTC+1:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# --- epochs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "plan_epoch", "account_epoch", "org_epochs", "expected"),
    [
        (M, date(2023, 5, 7), date(2023, 6, 8), {M: date(2020, 1, 9)}, date(2023, 5, 7)),
        (M, None, date(2023, 6, 8), {M: date(2020, 1, 9)}, date(2023, 6, 8)),
        (M, None, None, {M: date(2020, 1, 9)}, date(2020, 1, 9)),
        (W, None, None, {M: date(2020, 1, 9)}, date(2022, 1, 4)),  # missing: default
        (D, None, None, DEFAULT_ORG_EPOCHS, date(2022, 1, 1)),
        (A, None, None, DEFAULT_ORG_EPOCHS, date(2022, 1, 1)),
        ("MONTHLY", None, None, DEFAULT_ORG_EPOCHS, date(2022, 1, 1)),
    ],
    ids=case_id,
)
def test_resolve_epoch(frequency, plan_epoch, account_epoch, org_epochs, expected):
    result = resolve_epoch(
        frequency,
        account_plan_epoch=plan_epoch,
        account_epoch=account_epoch,
        org_epochs=org_epochs,
    )
    assert result == expected


def test_default_weekly_epoch_is_a_tuesday():
    assert DEFAULT_ORG_EPOCHS[W].weekday() == 1


# --- bill dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "n", "expected"),
    [
        # Month ends: the epoch's day, clamped; never drifting down after February.
        (date(2022, 1, 31), M, 1, 0, date(2022, 1, 31)),
        (date(2022, 1, 31), M, 1, 1, date(2022, 2, 28)),
        (date(2022, 1, 31), M, 1, 2, date(2022, 3, 31)),
        (date(2022, 1, 31), M, 1, 3, date(2022, 4, 30)),
        (date(2022, 1, 31), M, 1, 25, date(2024, 2, 29)),
        (date(2022, 1, 31), M, 1, 26, date(2024, 3, 31)),
        (date(2022, 1, 31), M, 1, -1, date(2021, 12, 31)),
        (date(2022, 1, 31), M, 1, -11, date(2021, 2, 28)),
        (date(2022, 1, 31), M, 1, 12 * 78 + 1, date(2100, 2, 28)),  # 2100 is not leap
        (date(2022, 1, 30), M, 1, 1, date(2022, 2, 28)),
        (date(2022, 1, 30), M, 1, 2, date(2022, 3, 30)),
        (date(2022, 1, 30), M, 1, 25, date(2024, 2, 29)),
        (date(2022, 1, 29), M, 1, 1, date(2022, 2, 28)),
        (date(2022, 1, 29), M, 1, 2, date(2022, 3, 29)),
        (date(2022, 1, 29), M, 1, 25, date(2024, 2, 29)),
        (date(2024, 1, 31), M, 1, 1, date(2024, 2, 29)),
        # Every 3 months, including from a month end.
        (date(2022, 1, 1), M, 3, 1, date(2022, 4, 1)),
        (date(2022, 1, 1), M, 3, 5, date(2023, 4, 1)),
        (date(2022, 1, 1), M, 3, -1, date(2021, 10, 1)),
        (date(2022, 1, 31), M, 3, 1, date(2022, 4, 30)),
        (date(2022, 1, 31), M, 3, 2, date(2022, 7, 31)),
        (date(2022, 1, 31), M, 3, -4, date(2021, 1, 31)),
        # Leap-day epochs.
        (date(2024, 2, 29), A, 1, 1, date(2025, 2, 28)),
        (date(2024, 2, 29), A, 1, 4, date(2028, 2, 29)),
        (date(2024, 2, 29), A, 1, -1, date(2023, 2, 28)),
        (date(2024, 2, 29), A, 1, -4, date(2020, 2, 29)),
        (date(2022, 1, 1), A, 2, 3, date(2028, 1, 1)),
        (date(2022, 1, 1), A, 1, -30, date(1992, 1, 1)),
        # Weeks.
        (date(2022, 1, 4), W, 1, 1, date(2022, 1, 11)),
        (date(2022, 1, 4), W, 1, -1, date(2021, 12, 28)),
        (date(2022, 1, 4), W, 2, 3, date(2022, 2, 15)),
        (date(2023, 6, 9), W, 1, 10, date(2023, 8, 18)),  # account epoch on a Friday
        (date(2023, 6, 9), W, 2, -2, date(2023, 5, 12)),
        # Days.
        (date(2022, 1, 1), D, 1, -1, date(2021, 12, 31)),
        (date(2022, 1, 1), D, 7, 2, date(2022, 1, 15)),
        (date(2022, 1, 1), D, 7, -1, date(2021, 12, 25)),
        (date(2022, 1, 1), D, 365, 1, date(2023, 1, 1)),
        (date(2022, 1, 1), D, 1, -30000, date(1939, 11, 13)),
    ],
    ids=case_id,
)
def test_bill_date(epoch, frequency, interval, n, expected):
    assert bill_date(epoch, frequency, interval, n) == expected
    assert bill_date_index(epoch, frequency, interval, expected) == n


@pytest.mark.parametrize(
    ("epoch", "interval"), [(date(2022, 1, 4), 1), (date(2022, 1, 4), 2), (date(2023, 6, 9), 3)], ids=case_id
)
def test_weekly_bills_fall_on_the_epoch_weekday(epoch, interval):
    days = {bill_date(epoch, W, interval, n).weekday() for n in range(-60, 60)}
    assert days == {epoch.weekday()}


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "d", "expected"),
    [
        (date(2022, 1, 31), M, 1, date(2022, 2, 1), date(2022, 2, 28)),
        (date(2022, 1, 31), M, 1, date(2022, 2, 28), date(2022, 2, 28)),
        (date(2022, 1, 31), M, 1, date(2022, 3, 1), date(2022, 3, 31)),
        (date(2022, 1, 31), M, 1, date(2024, 2, 15), date(2024, 2, 29)),
        (date(2022, 1, 31), M, 1, date(1999, 12, 1), date(1999, 12, 31)),
        (date(2022, 1, 31), M, 1, date(1999, 12, 31), date(1999, 12, 31)),
        (date(2022, 1, 31), M, 1, date(2100, 2, 1), date(2100, 2, 28)),
        (date(2022, 1, 31), M, 1, date(9999, 12, 1), date(9999, 12, 31)),
        (date(2022, 1, 1), M, 3, date(2050, 5, 2), date(2050, 7, 1)),
        (date(2022, 1, 1), M, 3, date(1950, 1, 2), date(1950, 4, 1)),
        (date(2022, 1, 1), M, 3, date(1950, 1, 1), date(1950, 1, 1)),
        (date(2024, 2, 29), A, 1, date(2025, 3, 1), date(2026, 2, 28)),
        (date(2024, 2, 29), A, 1, date(2027, 3, 1), date(2028, 2, 29)),
        (date(2024, 2, 29), A, 4, date(1903, 6, 1), date(1904, 2, 29)),
        (date(2022, 1, 4), W, 1, date(2022, 1, 5), date(2022, 1, 11)),
        (date(2022, 1, 4), W, 1, date(2022, 1, 4), date(2022, 1, 4)),
        (date(2022, 1, 4), W, 1, date(2021, 12, 30), date(2022, 1, 4)),
        (date(2022, 1, 4), W, 2, date(2022, 1, 5), date(2022, 1, 18)),
        (date(2022, 1, 4), W, 2, date(1970, 1, 1), date(1970, 1, 13)),
        (date(2022, 1, 1), D, 7, date(2022, 1, 2), date(2022, 1, 8)),
        (date(2022, 1, 1), D, 7, date(2021, 12, 31), date(2022, 1, 1)),
        (date(2022, 1, 1), D, 1, date(2222, 2, 2), date(2222, 2, 2)),
        (date(2022, 1, 1), D, 365, date(1000, 1, 1), date(1000, 9, 6)),
    ],
    ids=case_id,
)
def test_bill_date_on_or_after(epoch, frequency, interval, d, expected):
    assert bill_date_on_or_after(epoch, frequency, interval, d) == expected


def test_bill_dates_beyond_the_calendar_raise_value_error():
    with pytest.raises(ValueError, match="outside the calendar"):
        bill_date_on_or_after(date(2022, 1, 1), M, 1, date(9999, 12, 2))


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "last_day", "expected"),
    [
        (date(2022, 1, 31), M, 1, date(2022, 2, 27), date(2022, 2, 28)),
        (date(2022, 1, 31), M, 1, date(2022, 3, 30), date(2022, 3, 31)),
        (date(2022, 1, 31), M, 1, date(2022, 2, 28), None),
        (date(2022, 1, 31), M, 1, date(2022, 3, 31), None),
        (date(2022, 1, 1), M, 1, date(2023, 12, 31), date(2024, 1, 1)),
        (date(2022, 1, 1), M, 3, date(2022, 3, 31), date(2022, 4, 1)),
        (date(2022, 1, 1), M, 3, date(2022, 4, 30), None),
        (date(2024, 2, 29), A, 1, date(2025, 2, 27), date(2025, 2, 28)),
        (date(2024, 2, 29), A, 1, date(2028, 2, 28), date(2028, 2, 29)),
        (date(2024, 2, 29), A, 1, date(2028, 2, 27), None),
        (date(2022, 1, 4), W, 1, date(2022, 1, 10), date(2022, 1, 11)),
        (date(2022, 1, 4), W, 1, date(2022, 1, 11), None),
        (date(2022, 1, 1), D, 1, date(1999, 3, 3), date(1999, 3, 4)),
    ],
    ids=case_id,
)
def test_bill_date_for_last_day(epoch, frequency, interval, last_day, expected):
    assert bill_date_for_last_day(epoch, frequency, interval, last_day) == expected


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "bill", "start", "days"),
    [
        (date(2022, 1, 31), M, 1, date(2022, 3, 31), date(2022, 2, 28), 31),
        (date(2022, 1, 31), M, 1, date(2022, 2, 28), date(2022, 1, 31), 28),
        (date(2022, 1, 31), M, 1, date(2024, 2, 29), date(2024, 1, 31), 29),
        (date(2022, 1, 1), M, 3, date(2022, 4, 1), date(2022, 1, 1), 90),
        (date(2022, 1, 4), W, 2, date(2022, 1, 18), date(2022, 1, 4), 14),
        (date(2024, 2, 29), A, 1, date(2025, 2, 28), date(2024, 2, 29), 365),
        (date(2022, 1, 1), D, 7, date(2021, 12, 25), date(2021, 12, 18), 7),
    ],
    ids=case_id,
)
def test_billing_period(epoch, frequency, interval, bill, start, days):
    period = billing_period(epoch, frequency, interval, bill)
    assert period == BillingPeriod(bill_date=bill, start=start, end=bill)
    assert period.days == days
    assert period.last_date_in_billing_period == bill - timedelta(days=1)


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "not_a_bill_date"),
    [
        (date(2022, 1, 31), M, 1, date(2022, 3, 30)),
        (date(2022, 1, 1), M, 3, date(2022, 2, 1)),
        (date(2022, 1, 4), W, 1, date(2022, 1, 5)),
        (date(2022, 1, 1), D, 7, date(2022, 1, 2)),
    ],
    ids=case_id,
)
def test_billing_period_rejects_dates_off_the_schedule(epoch, frequency, interval, not_a_bill_date):
    assert not is_bill_date(epoch, frequency, interval, not_a_bill_date)
    with pytest.raises(ValueError, match="not a bill date"):
        billing_period(epoch, frequency, interval, not_a_bill_date)


@pytest.mark.parametrize(
    ("start", "end", "bill"),
    [
        (date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 1)),
        (date(2024, 3, 1), date(2024, 4, 1), date(2024, 3, 31)),
    ],
    ids=case_id,
)
def test_billing_period_invariants(start, end, bill):
    with pytest.raises(ValueError):
        BillingPeriod(bill_date=bill, start=start, end=end)


@pytest.mark.parametrize(
    ("frequency", "interval"),
    [(M, 0), (M, 366), (D, -1), (W, True), (M, 1.5), ("HOURLY", 1)],
    ids=case_id,
)
def test_bad_schedules_rejected(frequency, interval):
    with pytest.raises(ValueError):
        bill_date(date(2022, 1, 1), frequency, interval, 1)


def test_interval_365_and_string_frequency_accepted():
    # 365 months are 30 years and 5 months.
    assert bill_date(date(2022, 1, 1), "MONTHLY", 365, 1) == date(2052, 6, 1)


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "start", "end", "expected"),
    [
        (
            date(2022, 1, 31),
            M,
            1,
            date(2022, 1, 15),
            date(2022, 4, 1),
            [date(2022, 1, 31), date(2022, 2, 28), date(2022, 3, 31), date(2022, 4, 30)],
        ),
        (date(2022, 1, 31), M, 1, date(2022, 1, 31), date(2022, 2, 28), [date(2022, 2, 28)]),
        (
            date(2022, 1, 31),
            M,
            1,
            date(2022, 1, 31),
            date(2022, 3, 1),
            [date(2022, 2, 28), date(2022, 3, 31)],
        ),
        (
            date(2022, 1, 4),
            W,
            2,
            date(2022, 1, 4),
            date(2022, 2, 1),
            [date(2022, 1, 18), date(2022, 2, 1)],
        ),
        (
            date(2022, 1, 1),
            D,
            1,
            date(2021, 12, 30),
            date(2022, 1, 1),
            [date(2021, 12, 31), date(2022, 1, 1)],
        ),
        (date(2022, 1, 1), M, 1, date(2022, 3, 1), date(2022, 3, 1), []),
        (date(2022, 1, 1), M, 1, date(2022, 3, 2), date(2022, 3, 1), []),
    ],
    ids=case_id,
)
def test_bill_dates_between(epoch, frequency, interval, start, end, expected):
    assert bill_dates_between(epoch, frequency, interval, start, end) == expected


@pytest.mark.parametrize(
    ("active_start", "active_end", "expected_range", "expected_bills"),
    [
        (
            berlin(2024, 3, 15, 10),
            berlin(2024, 5, 1),
            (date(2024, 3, 15), date(2024, 5, 1)),
            [date(2024, 4, 1), date(2024, 5, 1)],
        ),
        (
            berlin(2024, 3, 15, 10),
            berlin(2024, 5, 1, 0, 0, 1),
            (date(2024, 3, 15), date(2024, 5, 2)),
            [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)],
        ),
        (
            berlin(2024, 3, 1),
            berlin(2024, 4, 1),
            (date(2024, 3, 1), date(2024, 4, 1)),
            [date(2024, 4, 1)],
        ),
    ],
    ids=case_id,
)
def test_account_plan_instants_to_bill_dates(active_start, active_end, expected_range, expected_bills):
    start, end = local_date_range(active_start, active_end, BERLIN)
    assert (start, end) == expected_range
    assert bill_dates_between(date(2022, 1, 1), M, 1, start, end) == expected_bills


def test_local_date_range_open_ended():
    assert local_date_range(utc(2024, 3, 31, 22), None, BERLIN) == (date(2024, 4, 1), None)


@pytest.mark.parametrize(
    ("epoch", "frequency", "interval", "first", "this", "expected"),
    [
        (date(2022, 1, 31), M, 1, date(2022, 2, 28), date(2022, 2, 28), 0),
        (date(2022, 1, 31), M, 1, date(2022, 2, 28), date(2022, 5, 31), 3),
        (date(2022, 1, 31), M, 1, date(2021, 11, 30), date(2022, 2, 28), 3),
        (date(2022, 1, 4), W, 2, date(2022, 1, 18), date(2022, 3, 15), 4),
        (date(2022, 1, 1), A, 1, date(2022, 1, 1), date(2122, 1, 1), 100),
    ],
    ids=case_id,
)
def test_bill_number(epoch, frequency, interval, first, this, expected):
    assert bill_number(epoch, frequency, interval, first, this) == expected


@pytest.mark.parametrize(
    ("first", "this"),
    [
        (date(2022, 3, 31), date(2022, 2, 28)),  # before the first bill
        (date(2022, 2, 28), date(2022, 3, 30)),  # not a bill date
        (date(2022, 2, 27), date(2022, 3, 31)),
    ],
    ids=case_id,
)
def test_bill_number_rejects(first, this):
    with pytest.raises(ValueError):
        bill_number(date(2022, 1, 31), M, 1, first, this)


@pytest.mark.parametrize(
    ("bill", "days", "expected"),
    [
        (date(2022, 12, 25), 10, date(2023, 1, 4)),
        (date(2024, 2, 20), 10, date(2024, 3, 1)),
        (date(2023, 2, 20), 10, date(2023, 3, 2)),
        (date(2022, 1, 31), 0, date(2022, 1, 31)),
        (date(2022, 1, 31), 30, date(2022, 3, 2)),
    ],
    ids=case_id,
)
def test_due_date(bill, days, expected):
    assert due_date(bill, days) == expected


@pytest.mark.parametrize("days", [-1, True, 1.0], ids=case_id)
def test_due_date_rejects(days):
    with pytest.raises(ValueError):
        due_date(date(2022, 1, 1), days)


# --- instants, cutting and proration ---------------------------------------------------

MARCH_2024 = BillingPeriod(bill_date=date(2024, 4, 1), start=date(2024, 3, 1), end=date(2024, 4, 1))


@pytest.mark.parametrize(
    ("tz", "period", "expected"),
    [
        (BERLIN, MARCH_2024, (utc(2024, 2, 29, 23), utc(2024, 3, 31, 22))),
        (
            BERLIN,
            BillingPeriod(date(2024, 11, 1), date(2024, 10, 1), date(2024, 11, 1)),
            (utc(2024, 9, 30, 22), utc(2024, 10, 31, 23)),
        ),
        (UTC, MARCH_2024, (utc(2024, 3, 1), utc(2024, 4, 1))),
        (PLUS_ONE, MARCH_2024, (utc(2024, 2, 29, 23), utc(2024, 3, 31, 23))),
        (parse_timezone("UTC-5"), MARCH_2024, (utc(2024, 3, 1, 5), utc(2024, 4, 1, 5))),
    ],
    ids=case_id,
)
def test_period_instants(tz, period, expected):
    assert period_instants(period, tz) == expected


def test_berlin_march_2024_period_is_30_days_23_hours():
    start, end = period_instants(billing_period(date(2022, 1, 1), M, 1, date(2024, 4, 1)), BERLIN)
    assert (start, end) == (utc(2024, 2, 29, 23), utc(2024, 3, 31, 22))
    assert end - start == timedelta(days=30, hours=23)


MARCH_BERLIN = (utc(2024, 2, 29, 23), utc(2024, 3, 31, 22))
APIA = parse_timezone("Pacific/Apia")
APIA_JUMP = utc(2011, 12, 30, 10)  # 2011-12-29 24:00 -10:00 became 2011-12-31 00:00 +14:00


@pytest.mark.parametrize(
    ("active_start", "active_end", "expected"),
    [
        (berlin(2024, 3, 15, 10), None, (utc(2024, 3, 15, 9), utc(2024, 3, 31, 22))),
        (
            berlin(2024, 3, 15, 10),
            berlin(2024, 3, 20),
            (utc(2024, 3, 15, 9), utc(2024, 3, 19, 23)),
        ),
        (utc(2023, 1, 1), None, MARCH_BERLIN),
        (utc(2023, 1, 1), utc(2025, 1, 1), MARCH_BERLIN),
        (utc(2023, 1, 1), utc(2024, 2, 29, 23), None),  # ends as the period starts
        (utc(2024, 3, 31, 22), None, None),  # starts as the period ends
        (utc(2023, 1, 1), utc(2024, 1, 1), None),
        (utc(2024, 3, 10), utc(2024, 3, 10), None),
        (utc(2024, 3, 31, 21, 59), None, (utc(2024, 3, 31, 21, 59), utc(2024, 3, 31, 22))),
    ],
    ids=case_id,
)
def test_cut_to_active(active_start, active_end, expected):
    result = cut_to_active(*MARCH_BERLIN, active_start, active_end)
    assert result == expected
    if result is not None:
        assert result[0].tzinfo is UTC and result[1].tzinfo is UTC


def test_cut_to_active_rejects_naive_instants():
    with pytest.raises(ValueError):
        cut_to_active(*MARCH_BERLIN, datetime(2024, 3, 15), None)


@pytest.mark.parametrize(
    ("tz", "start", "end", "expected"),
    [
        (BERLIN, utc(2024, 2, 29, 23), utc(2024, 3, 31, 22), 31),
        (BERLIN, utc(2024, 9, 30, 22), utc(2024, 10, 31, 23), 31),
        (BERLIN, utc(2024, 1, 31, 23), utc(2024, 2, 29, 23), 29),
        # Across the spring-forward night: 31 March and 1 April, 47 hours.
        (BERLIN, utc(2024, 3, 30, 23), utc(2024, 4, 1, 22), 2),
        # Partial first day does not count, partial last day does.
        (BERLIN, berlin(2024, 3, 15, 10), berlin(2024, 4, 1), 16),
        (BERLIN, berlin(2024, 3, 15), berlin(2024, 4, 1), 17),
        (BERLIN, berlin(2024, 3, 1), berlin(2024, 3, 10, 12), 10),
        (BERLIN, berlin(2024, 3, 10, 1), berlin(2024, 3, 10, 23), 0),
        # Same instants, different timezone, different days.
        (BERLIN, utc(2024, 3, 31, 21), utc(2024, 3, 31, 23), 1),
        (UTC, utc(2024, 3, 31, 21), utc(2024, 3, 31, 23), 0),
        (UTC, utc(2024, 3, 15, 10), utc(2024, 4, 1), 16),
        (PLUS_ONE, utc(2024, 3, 15, 10), utc(2024, 4, 1), 17),
        (BERLIN, utc(2024, 3, 15), utc(2024, 3, 1), 0),
        # Samoa skipped 2011-12-30: its midnight is 2011-12-31's, so it counts with it.
        (APIA, local_midnight(date(2011, 12, 29), APIA), APIA_JUMP, 1),
        (APIA, APIA_JUMP, local_midnight(date(2012, 1, 1), APIA), 2),
        (APIA, utc(2011, 12, 30, 9), APIA_JUMP, 0),
        (APIA, APIA_JUMP, utc(2011, 12, 30, 11), 2),
        # Samoa's December 2011 had 30 wall-clock days but counts as its 31 dates.
        (
            APIA,
            local_midnight(date(2011, 12, 1), APIA),
            local_midnight(date(2012, 1, 1), APIA),
            31,
        ),
    ],
    ids=case_id,
)
def test_active_days(tz, start, end, expected):
    assert active_days(start, end, tz) == expected


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ((berlin(2024, 3, 15, 10), berlin(2024, 4, 1)), (16, 31)),
        ((berlin(2024, 3, 15), berlin(2024, 4, 1)), (17, 31)),
        ((berlin(2024, 3, 1), berlin(2024, 3, 10, 12)), (10, 31)),
        (MARCH_BERLIN, (31, 31)),
    ],
    ids=case_id,
)
def test_proration_factor(active, expected):
    assert proration_factor(active, MARCH_BERLIN, BERLIN) == expected


def test_proration_of_a_plan_starting_mid_period():
    period = billing_period(date(2022, 1, 1), M, 1, date(2024, 4, 1))
    full = period_instants(period, BERLIN)
    active = cut_to_active(*full, berlin(2024, 3, 15, 10), None)
    assert proration_factor(active, full, BERLIN) == (16, 31)


@pytest.mark.parametrize(
    "active",
    [
        (utc(2024, 2, 29, 22), utc(2024, 3, 10)),  # starts before the period
        (utc(2024, 3, 10), utc(2024, 4, 1)),  # ends after it
    ],
    ids=case_id,
)
def test_proration_factor_rejects_active_outside_full(active):
    with pytest.raises(ValueError):
        proration_factor(active, MARCH_BERLIN, BERLIN)


# --- properties ------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/Santiago", "Asia/Beirut", "Pacific/Apia", "+05:30"]
schedules = st.tuples(
    st.dates(date(1950, 1, 1), date(2100, 12, 31)),
    st.sampled_from(list(BillFrequency)),
    st.integers(1, 365),
)
dates = st.dates(date(1900, 1, 1), date(2200, 12, 31))
MONTHS_PER_STEP = {D: 0, W: 0, M: 1, A: 12}


@st.composite
def schedules_with_n(draw):
    """A schedule and an n whose bill dates stay within a few centuries of the epoch."""
    epoch, frequency, interval = draw(schedules)
    months = MONTHS_PER_STEP[frequency] * interval
    bound = 40 if months == 0 else max(1, min(40, 3600 // months))
    return epoch, frequency, interval, draw(st.integers(-bound, bound))


@given(schedules, dates)
def test_on_or_after_is_the_first_bill_date_not_before_d(schedule, d):
    epoch, frequency, interval = schedule
    nxt = bill_date_on_or_after(epoch, frequency, interval, d)
    n = bill_date_index(epoch, frequency, interval, nxt)
    assert nxt >= d
    assert bill_date(epoch, frequency, interval, n - 1) < d


@given(schedules, dates)
def test_every_date_lies_in_exactly_its_period(schedule, d):
    epoch, frequency, interval = schedule
    # The period holding d is billed on the first bill date after d.
    bill = bill_date_on_or_after(epoch, frequency, interval, d + timedelta(days=1))
    period = billing_period(epoch, frequency, interval, bill)
    assert period.start <= d < period.end
    assert bill_date_for_last_day(epoch, frequency, interval, period.last_date_in_billing_period) == period.bill_date


@given(schedules_with_n(), st.sampled_from(ZONES))
def test_consecutive_periods_tile_dates_and_instants(schedule, zone):
    epoch, frequency, interval, n = schedule
    tz = parse_timezone(zone)
    this = billing_period(epoch, frequency, interval, bill_date(epoch, frequency, interval, n))
    nxt = billing_period(epoch, frequency, interval, bill_date(epoch, frequency, interval, n + 1))
    assert this.end == nxt.start and this.start < this.end
    this_start, this_end = period_instants(this, tz)
    next_start, next_end = period_instants(nxt, tz)
    assert this_start < this_end == next_start < next_end
    assert active_days(this_start, this_end, tz) == this.days


@given(schedules_with_n())
def test_month_steps_keep_the_epoch_day_when_they_can(schedule):
    epoch, frequency, interval, n = schedule
    d = bill_date(epoch, frequency, interval, n)
    if frequency in (M, A):
        next_month = (d.replace(day=1) + timedelta(days=32)).replace(day=1)
        days_in_month = (next_month - d.replace(day=1)).days
        assert d.day == min(epoch.day, days_in_month)
    else:
        assert (d - epoch).days == n * interval * (7 if frequency is W else 1)


instants = st.datetimes(datetime(2000, 1, 1), datetime(2040, 1, 1)).map(lambda naive: naive.replace(tzinfo=UTC))


@given(st.sampled_from(ZONES), st.lists(instants, min_size=3, max_size=3))
def test_active_days_are_additive(zone, points):
    tz = parse_timezone(zone)
    a, t, b = sorted(points)
    assert active_days(a, t, tz) + active_days(t, b, tz) == active_days(a, b, tz)
