"""Bill preview (SEMANTICS §7.4): the same computation as a bill job for one account, stored
nowhere. It reads the measurements processed so far: unlike a job it does not process
pending ingest batches, because a preview changes nothing (**decision**).
"""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.billing import ComposedBill
from app.domain.periods import BillFrequency
from app.models.accounts import Account
from app.services.billing.compute import BillRequest, compose_for_accounts
from app.services.billing.requests import bill_date_of, frequency_of, resolved_bill_date
from app.services.errors import ErrorCode, ProblemCollector, fail


async def preview_bill(
    organization_id: uuid.UUID,
    account_id: uuid.UUID,
    *,
    bill_date: date | None = None,
    last_date_in_billing_period: date | None = None,
    frequency: BillFrequency | str | None = None,
) -> list[ComposedBill]:
    """The account's bills at that date, one per frequency billing then (or only
    `frequency`); [] when no account plan bills then. InputErrors when the account does
    not exist or a bill cannot be composed (the reason says why)."""
    problems = ProblemCollector(base=())
    last, bill = bill_date_of(last_date_in_billing_period, bill_date, problems)
    chosen = frequency_of(frequency, problems)
    problems.raise_if_any()
    if not await Account.filter(organization_id=organization_id, id=account_id).exists():
        raise fail(("accountId",), ErrorCode.NOT_FOUND, f"no account with id {account_id}")
    bill_day = resolved_bill_date(last, bill)
    assert bill_day is not None  # one of the two dates was given (checked above)
    request = BillRequest(bill_day, BillFrequency(chosen) if chosen else None)
    computed = await compose_for_accounts(organization_id, {account_id: [request]})
    outcome = computed.accounts[account_id]
    if outcome.failures:
        raise fail(("accountId",), ErrorCode.INVALID, "; ".join(outcome.failures))
    return [bill for bill in outcome.bills if bill.account_id == account_id]  # not its CHILD-mode children's
