"""Dates a bill carries beyond its period (SEMANTICS §13.2 rules 5 and 6).

A bill's period is named by its bill date: the day after the last day of the period
(`lastDateInBillingPeriod = billDate - 1 day`).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum

ONE_DAY = timedelta(days=1)


class ExternalInvoiceDate(str, Enum):
    """Which date an accounting system receives as the bill's invoice date."""

    FIRST_DAY_OF_NEXT_PERIOD = "FIRST_DAY_OF_NEXT_PERIOD"
    LAST_DAY_OF_ARREARS = "LAST_DAY_OF_ARREARS"


DEFAULT_EXTERNAL_INVOICE_DATE = ExternalInvoiceDate.FIRST_DAY_OF_NEXT_PERIOD


def last_date_in_billing_period(bill_date: date) -> date:
    return bill_date - ONE_DAY


def external_invoice_date(bill_date: date, rule: ExternalInvoiceDate, override: date | None = None) -> date:
    """The bill's external invoice date: a bill job's override wins over the organization's rule."""
    if override is not None:
        return override
    if rule is ExternalInvoiceDate.LAST_DAY_OF_ARREARS:
        return last_date_in_billing_period(bill_date)
    return bill_date


def lock_covers(bill_date: date, lock_date: date | None) -> bool:
    """Whether a lock date locks the bill of this bill date: its period's last day is on or before it."""
    return lock_date is not None and last_date_in_billing_period(bill_date) <= lock_date


def latest_locked_bill_date(lock_date: date) -> date:
    """The latest bill date a lock date covers (for queries on bill dates)."""
    return lock_date + ONE_DAY
