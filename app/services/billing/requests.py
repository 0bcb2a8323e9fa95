"""Checking what a client asks of bill jobs and previews (input paths, every problem at once)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.date_range import date_problem
from app.domain.periods import BillFrequency
from app.models.accounts import Account
from app.models.billing import Bill
from app.models.organization import Currency
from app.services.billing.commands import CreateBillJob, CurrencyConversion, RecalculateBills, input_name
from app.services.errors import ErrorCode, ProblemCollector

# Problems are reported at the input names the commands keep (`commands.input_name`).
_LAST, _BILL = input_name(CreateBillJob, "last_date_in_billing_period"), input_name(CreateBillJob, "bill_date")
_FREQUENCY = input_name(CreateBillJob, "billing_frequency")
_ACCOUNT_IDS = input_name(CreateBillJob, "account_ids")
_CONVERSIONS = input_name(CreateBillJob, "currency_conversions")
_BILL_IDS = input_name(RecalculateBills, "bill_ids")
_FROM, _TO = input_name(CurrencyConversion, "from_currency"), input_name(CurrencyConversion, "to_currency")
_MULTIPLIER = input_name(CurrencyConversion, "multiplier")


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def bill_date_of(
    last: date | str | None, bill: date | str | None, problems: ProblemCollector
) -> tuple[date | None, date | None]:
    """(lastDateInBillingPeriod, billDate): exactly one of them, a date."""
    if (last is None) == (bill is None):
        if last is None:
            problems.add(_LAST, ErrorCode.REQUIRED, f"give {_LAST} or {_BILL}")
        else:
            problems.add(_BILL, ErrorCode.INVALID, f"give either {_LAST} or {_BILL}, not both")
        return None, None
    key, raw = (_BILL, bill) if bill is not None else (_LAST, last)
    parsed = _as_date(raw)
    if parsed is None:
        problems.add(key, ErrorCode.INVALID, "must be a date (YYYY-MM-DD)")
        return None, None
    # The bill date must be one billing computes with (lastDateInBillingPeriod is the day
    # before it; date.max has no day after, and is out of the range anyway).
    bill_day = parsed if key == _BILL or parsed == date.max else parsed + timedelta(days=1)
    if problem := date_problem(bill_day):
        problems.add(key, ErrorCode.INVALID, problem if key == _BILL else f"{problem}, the day before a bill date")
        return None, None
    return (None, parsed) if key == _BILL else (parsed, None)


def resolved_bill_date(last: date | None, bill: date | None) -> date | None:
    return bill if bill is not None else (last + timedelta(days=1) if last is not None else None)


def frequency_of(value: Any, problems: ProblemCollector, key: str = _FREQUENCY) -> str | None:
    """A bill frequency's name (an enum member or its value), or None and a problem at `key`."""
    if value is None:
        return None
    value = getattr(value, "value", value)
    if value not in BillFrequency.__members__:
        problems.add(key, ErrorCode.INVALID, f"must be one of {', '.join(BillFrequency.__members__)}")
        return None
    return value


async def account_ids_of(
    organization_id: uuid.UUID, raw: Sequence[Any] | None, problems: ProblemCollector
) -> list[str] | None:
    if raw is None:
        return None
    if not raw:
        problems.add(_ACCOUNT_IDS, ErrorCode.INVALID, f"give at least one account, or leave {_ACCOUNT_IDS} out for all")
        return None
    parsed: list[uuid.UUID | None] = []
    for index, value in enumerate(raw):
        try:
            parsed.append(uuid.UUID(str(value)))
        except ValueError:
            problems.add((_ACCOUNT_IDS, str(index)), ErrorCode.INVALID, "must be an id")
            parsed.append(None)
    known = set(
        await Account.filter(organization_id=organization_id, id__in=[p for p in parsed if p]).values_list(
            "id", flat=True
        )
    )
    for index, account_id in enumerate(parsed):
        if account_id is not None and account_id not in known:
            problems.add((_ACCOUNT_IDS, str(index)), ErrorCode.NOT_FOUND, f"no account with id {account_id}")
    return sorted({str(p) for p in parsed if p})


async def conversions_of(
    organization_id: uuid.UUID, raw: Sequence[CurrencyConversion] | None, problems: ProblemCollector
) -> list[dict] | None:
    """The same rules as the organization's conversions (SEMANTICS §2.1), stored as the
    job's JSON (`from`, `to`, `multiplier`)."""
    if raw is None:
        return None
    codes = set(await Currency.filter(organization_id=organization_id).values_list("code", flat=True))
    stored, seen = [], set()
    for index, conversion in enumerate(raw):
        at = problems.under(_CONVERSIONS, index)
        pair = (conversion.from_currency, conversion.to_currency)
        for side, code in zip((_FROM, _TO), pair):
            if code not in codes:
                at.add(side, ErrorCode.NOT_FOUND, f"no currency with code {code!r}")
        if pair[0] == pair[1]:
            at.add(_TO, ErrorCode.INVALID, f"must differ from '{_FROM}'")
        if pair in seen:
            at.add(_FROM, ErrorCode.DUPLICATE, f"a conversion from {pair[0]} to {pair[1]} is listed twice")
        seen.add(pair)
        try:
            multiplier = Decimal(str(conversion.multiplier))
            if not multiplier.is_finite() or multiplier <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            at.add(_MULTIPLIER, ErrorCode.INVALID, "must be a number greater than 0")
            continue
        stored.append({"from": pair[0], "to": pair[1], "multiplier": str(multiplier)})
    return stored


async def bills_to_recalculate(
    organization_id: uuid.UUID, bill_ids: Sequence[Any], problems: ProblemCollector
) -> list[Bill]:
    """The bills, each existing and not locked (**decision**: asking to recalculate a
    locked bill is refused, naming it, rather than silently skipped)."""
    if not bill_ids:
        problems.add(_BILL_IDS, ErrorCode.REQUIRED, "give at least one bill")
        return []
    parsed: list[uuid.UUID | None] = []
    for index, value in enumerate(bill_ids):
        try:
            parsed.append(uuid.UUID(str(value)))
        except ValueError:
            problems.add((_BILL_IDS, str(index)), ErrorCode.INVALID, "must be an id")
            parsed.append(None)
    bills = {b.id: b for b in await Bill.filter(organization_id=organization_id, id__in=[p for p in parsed if p])}
    for index, bill_id in enumerate(parsed):
        bill = bills.get(bill_id) if bill_id else None
        if bill_id is not None and bill is None:
            problems.add((_BILL_IDS, str(index)), ErrorCode.NOT_FOUND, f"no bill with id {bill_id}")
        elif bill is not None and bill.locked:
            problems.add(
                (_BILL_IDS, str(index)),
                ErrorCode.INVALID_STATE,
                f"bill {bill_id} of account {bill.account_code} is locked and cannot be recalculated",
            )
    return list(bills.values())
