"""What a client asks of bill jobs, typed: the commands the resolvers build from their inputs.

Values are carried as sent (a frequency, an id or a multiplier may be malformed): the use
case checks them all and reports every problem at the path of the input field it came
from. Each field keeps that input name in its metadata (`input`), so
`input_name(CreateBillJob, "bill_date")` is "billDate" and a refused bill date is reported
at ["input", "billDate"], as the client named it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any


def input_name(command: type, name: str) -> str:
    """The input field a command field was built from (the path problems are reported at)."""
    return next(f.metadata["input"] for f in fields(command) if f.name == name)


@dataclass(frozen=True, slots=True)
class CurrencyConversion:
    """A conversion to use instead of the organization's (SEMANTICS §2.1)."""

    from_currency: str = field(metadata={"input": "from"})
    to_currency: str = field(metadata={"input": "to"})
    multiplier: Decimal | str | None = field(metadata={"input": "multiplier"})


@dataclass(frozen=True, slots=True)
class CreateBillJob:
    """Bills to make for one period, named by exactly one of its last day or its bill date."""

    last_date_in_billing_period: date | str | None = field(default=None, metadata={"input": "lastDateInBillingPeriod"})
    bill_date: date | str | None = field(default=None, metadata={"input": "billDate"})
    billing_frequency: str | None = field(default=None, metadata={"input": "billingFrequency"})
    account_ids: Sequence[Any] | None = field(default=None, metadata={"input": "accountIds"})
    currency_conversions: Sequence[CurrencyConversion] | None = field(
        default=None, metadata={"input": "currencyConversions"}
    )
    # Overrides the organization's externalInvoiceDate rule on every bill the job writes.
    external_invoice_date: date | str | None = field(default=None, metadata={"input": "externalInvoiceDate"})


@dataclass(frozen=True, slots=True)
class RecalculateBills:
    """Bills to calculate again, in a new job."""

    bill_ids: Sequence[Any] = field(metadata={"input": "billIds"})
    currency_conversions: Sequence[CurrencyConversion] | None = field(
        default=None, metadata={"input": "currencyConversions"}
    )


@dataclass(frozen=True, slots=True)
class UpdateBillConfig:
    """The organization's bill settings: the lock date (null clears it) and the version read."""

    bill_lock_date: date | None = field(metadata={"input": "billLockDate"})
    version: int = field(metadata={"input": "version"})
