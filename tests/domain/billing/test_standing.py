"""STANDING_CHARGE lines: arrears and advance, proration by days, interval and offset,
leap years and the organization timezone (SEMANTICS §7.2 item 2)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.billing import BillFailure, LineType
from app.domain.periods import bill_date
from tests.case_ids import case_id

from .builders import (
    BERLIN,
    EPOCH,
    D,
    account_plan,
    bill,
    midnight,
    of_type,
    org,
    plan,
    utc,
)


def charges(result):
    return [
        (line.subtotal, line.service_period_start, line.service_period_end)
        for line in of_type(result, LineType.STANDING_CHARGE)
    ]


def monthly(amount="30", **fields):
    return plan(standing_charge=D(amount), standing_charge_description="Platform fee", **fields)


APR16 = utc(2024, 4, 16)  # April 2024 has 30 days


@pytest.mark.parametrize(
    ("advance", "bill_on", "expected"),
    [
        # Arrears: each bill carries its own period; the first is prorated 15/30 × 30.
        (False, date(2024, 5, 1), [("15.00", APR16, utc(2024, 5, 1))]),
        (False, date(2024, 6, 1), [("30.00", utc(2024, 5, 1), utc(2024, 6, 1))]),
        # Advance: the first bill carries its own partial period and the next one.
        (True, date(2024, 5, 1), [("15.00", APR16, utc(2024, 5, 1)), ("30.00", utc(2024, 5, 1), utc(2024, 6, 1))]),
        (True, date(2024, 6, 1), [("30.00", utc(2024, 6, 1), utc(2024, 7, 1))]),
    ],
    ids=case_id,
)
def test_arrears_and_advance_with_a_mid_period_start(advance, bill_on, expected):
    ap = account_plan(monthly(standing_charge_bill_in_advance=advance), APR16)
    assert charges(bill(ap, bill_on)) == [(D(a), s, e) for a, s, e in expected]


def test_line_fields():
    ap = account_plan(monthly(), APR16)
    [line] = of_type(bill(ap, date(2024, 6, 1)), LineType.STANDING_CHARGE)
    assert (line.description, line.plan_id, line.product_id, line.account_plan_id) == (
        "Platform fee",
        ap.plan.id,
        ap.plan.product_id,
        ap.id,
    )
    assert (line.pricing_id, line.quantity, line.units, line.currency) == (None, None, None, "USD")


def test_prorated_amount_keeps_exact_digits_until_rounding():
    ap = account_plan(monthly("10"), utc(2024, 3, 22))  # 10 of March's 31 days
    [line] = of_type(bill(ap, date(2024, 4, 1)), LineType.STANDING_CHARGE)
    assert line.exact_subtotal == D("3.2258064516129032258064516129032258064516129032258")  # 50 digits
    assert line.subtotal == D("3.23")


@pytest.mark.parametrize(
    ("advance", "bill_on", "expected"),
    [
        (False, date(2024, 4, 1), "30.00"),  # the plan's last full period
        (False, date(2024, 5, 1), "20.00"),  # ends Apr 21: 20 of 30 days
        (True, date(2024, 4, 1), "20.00"),  # advance for April, cut to the end
        (True, date(2024, 5, 1), None),  # nothing in advance after the end
    ],
    ids=case_id,
)
def test_an_account_plan_ending_mid_period(advance, bill_on, expected):
    ap = account_plan(monthly(standing_charge_bill_in_advance=advance), utc(2024, 1, 1), utc(2024, 4, 21))
    amounts = [a for a, _, _ in charges(bill(ap, bill_on))]
    assert amounts == ([] if expected is None else [D(expected)])


def test_an_account_plan_ending_before_the_period_is_not_on_the_bill():
    ap = account_plan(monthly(standing_charge_bill_in_advance=True), utc(2024, 1, 1), utc(2024, 4, 1))
    assert charges(bill(ap, date(2024, 4, 1))) == []  # March arrears none; April not active
    with pytest.raises(BillFailure, match="no MONTHLY account plan billing on 2024-05-01"):
        bill(ap, date(2024, 5, 1))


def test_advance_account_plan_starting_on_a_bill_date_is_first_billed_at_the_next():
    ap = account_plan(monthly(standing_charge_bill_in_advance=True), utc(2024, 4, 1))
    with pytest.raises(BillFailure):
        bill(ap, date(2024, 4, 1))
    assert [a for a, _, _ in charges(bill(ap, date(2024, 5, 1)))] == [D("30.00"), D("30.00")]


def bills_with_charge(advance, interval, offset, count=9):
    the_plan = monthly(
        standing_charge_bill_in_advance=advance, standing_charge_interval=interval, standing_charge_offset=offset
    )
    ap = account_plan(the_plan, utc(2024, 1, 1))  # bill 0 on Feb 1 closes January (period 0)
    result = {}
    for n in range(count):
        lines = charges(bill(ap, bill_date(EPOCH, the_plan.frequency, 1, 25 + n)))
        result[n] = [s.date() for _, s, _ in lines]
    return result


def test_interval_three_offset_one_in_arrears():
    starts = bills_with_charge(False, 3, 1)
    # Periods 1, 4, 7 (Feb, May, Aug) are charged, each on the bill closing it.
    assert {n: s for n, s in starts.items() if s} == {
        1: [date(2024, 2, 1)],
        4: [date(2024, 5, 1)],
        7: [date(2024, 8, 1)],
    }


def test_interval_three_offset_one_in_advance():
    starts = bills_with_charge(True, 3, 1)
    # The same periods, each on the bill dated at its start (one bill earlier).
    assert {n: s for n, s in starts.items() if s} == {
        0: [date(2024, 2, 1)],
        3: [date(2024, 5, 1)],
        6: [date(2024, 8, 1)],
    }


def test_offset_zero_interval_one_in_advance_first_bill_carries_two():
    starts = bills_with_charge(True, 1, 0, count=3)
    assert starts == {0: [date(2024, 1, 1), date(2024, 2, 1)], 1: [date(2024, 3, 1)], 2: [date(2024, 4, 1)]}


def test_zero_standing_charge_gives_no_line():
    ap = account_plan(monthly("0", standing_charge_bill_in_advance=True), APR16)
    assert charges(bill(ap, date(2024, 5, 1))) == []


def test_account_plan_active_less_than_a_day_has_no_standing_charge():
    ap = account_plan(monthly(), utc(2024, 4, 16, 1), utc(2024, 4, 16, 20))
    assert charges(bill(ap, date(2024, 5, 1))) == []


@pytest.mark.parametrize(
    ("start", "bill_on", "amount", "expected"),
    [
        (utc(2024, 2, 15), date(2024, 3, 1), "29", "15.00"),  # leap year: 15 of 29 days
        (utc(2023, 2, 15), date(2023, 3, 1), "28", "14.00"),  # 14 of 28 days
        (utc(2024, 2, 1), date(2024, 3, 1), "29", "29.00"),  # whole February
        (utc(2024, 2, 29), date(2024, 3, 1), "29", "1.00"),  # the leap day alone
    ],
    ids=case_id,
)
def test_february(start, bill_on, amount, expected):
    [(subtotal, _, _)] = charges(bill(account_plan(monthly(amount), start), bill_on))
    assert subtotal == D(expected)


@pytest.mark.parametrize(
    ("tz_name", "start", "expected", "service_start"),
    [
        # 23:00 UTC on Apr 15 is already 01:00 on Apr 16 in Berlin: Apr 16 started at
        # 22:00 UTC, so the account plan misses it there and is active 14 days.
        ("berlin", utc(2024, 4, 15, 23), "14.00", utc(2024, 4, 15, 23)),
        ("utc", utc(2024, 4, 15, 23), "15.00", utc(2024, 4, 15, 23)),
        ("berlin", midnight(date(2024, 4, 16), BERLIN), "15.00", utc(2024, 4, 15, 22)),
    ],
    ids=case_id,
)
def test_days_are_counted_in_the_organization_timezone(tz_name, start, expected, service_start):
    tz = BERLIN if tz_name == "berlin" else None
    result = bill(account_plan(monthly(), start), date(2024, 5, 1), the_org=org(tz) if tz else None)
    [(subtotal, s, e)] = charges(result)
    assert subtotal == D(expected)
    assert s == service_start
    assert e == (midnight(date(2024, 5, 1), BERLIN) if tz else utc(2024, 5, 1))
    assert isinstance(e, datetime) and e.utcoffset().total_seconds() == 0
