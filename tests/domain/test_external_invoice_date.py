"""SEMANTICS §13.2 rules 5 and 6 on plain dates (§13.3's October 2024 example)."""

from datetime import date

import pytest

from app.domain.billing.invoice_dates import (
    ExternalInvoiceDate,
    external_invoice_date,
    latest_locked_bill_date,
    lock_covers,
)

FIRST, LAST = ExternalInvoiceDate.FIRST_DAY_OF_NEXT_PERIOD, ExternalInvoiceDate.LAST_DAY_OF_ARREARS


@pytest.mark.parametrize(
    ("bill_date", "rule", "expected"),
    [
        # October 2024's bill is dated 11-01: externally 2024-11-01, or 10-31 in arrears.
        (date(2024, 11, 1), FIRST, date(2024, 11, 1)),
        (date(2024, 11, 1), LAST, date(2024, 10, 31)),
        # February of a leap year: billDate 03-01, last day of arrears 02-29.
        (date(2024, 3, 1), LAST, date(2024, 2, 29)),
        # A year's end: January 1st's bill belongs to December.
        (date(2025, 1, 1), LAST, date(2024, 12, 31)),
        # A daily bill: its period is one day, the day before its bill date.
        (date(2024, 6, 16), LAST, date(2024, 6, 15)),
    ],
)
def test_the_rule_gives_the_bill_date_or_the_day_before(bill_date: date, rule: ExternalInvoiceDate, expected: date):
    assert external_invoice_date(bill_date, rule) == expected


@pytest.mark.parametrize("rule", [FIRST, LAST])
def test_a_bill_job_override_wins_over_the_rule(rule: ExternalInvoiceDate):
    assert external_invoice_date(date(2024, 11, 1), rule, date(2024, 11, 15)) == date(2024, 11, 15)


@pytest.mark.parametrize(
    ("bill_date", "lock_date", "locked"),
    [
        (date(2024, 10, 1), date(2024, 9, 30), True),  # September's last day is exactly L
        (date(2024, 11, 1), date(2024, 9, 30), False),  # October ends 10-31 > L
        (date(2024, 10, 2), date(2024, 9, 30), False),  # a daily bill for 10-01, the day after L
        (date(2024, 9, 1), date(2024, 9, 30), True),  # earlier periods too
        (date(2024, 10, 1), None, False),  # no lock date locks nothing
    ],
)
def test_the_lock_date_covers_periods_ending_on_or_before_it(bill_date: date, lock_date: date | None, locked: bool):
    assert lock_covers(bill_date, lock_date) is locked


def test_the_latest_bill_date_a_lock_date_covers_is_the_day_after_it():
    assert latest_locked_bill_date(date(2024, 9, 30)) == date(2024, 10, 1)
    assert lock_covers(latest_locked_bill_date(date(2024, 9, 30)), date(2024, 9, 30))
