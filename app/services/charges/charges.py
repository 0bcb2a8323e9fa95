"""Charges (SEMANTICS §9): create, update, delete, each refused inside a locked range.

A change never touches a bill: the bill carrying the charge shows it at its next
calculation (§9.2 rule 6). Moving a charge to another bill date frees it from the bill
that carried it, so the bill of the new date takes it. `billId` is otherwise only set by
the bill writers (`bill_rows`), and never moved (§9.2 rule 5).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.accounts.values import as_uuid
from app.models.balances import Balance
from app.models.billing import Bill, BillConfig
from app.models.charges import Charge
from app.services import currencies, events
from app.services.accounts.loading import lock_accounts
from app.services.catalog.entities import delete_versioned, taken_codes
from app.services.charges.checks import check_charge
from app.services.charges.commands import ChargeDraft, CreateCharge, UpdateCharge
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned

_ONE_DAY = timedelta(days=1)


async def create_charge(organization_id: uuid.UUID, command: CreateCharge, *, actor: str) -> Charge:
    data = command.charge
    problems = ProblemCollector()
    account_id = as_uuid(data.get("accountId"), "accountId", problems)
    if data.get("accountId") is None:
        problems.add("accountId", ErrorCode.REQUIRED, "is required")
    async with in_transaction() as conn:
        # The account's row lock keeps a concurrent delete of the account from orphaning the charge.
        if account_id is not None and not await lock_accounts(organization_id, [account_id]):
            problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")
        values = await _checked(organization_id, data, problems)
        await _check_balance(organization_id, values, account_id, problems)
        problems.raise_if_any()
        assert account_id is not None  # a missing or unknown account is a problem above
        await _refuse_locked(conn, organization_id, account_id, values["bill_date"], None)
        charge = await Charge.create(
            organization_id=organization_id, account_id=account_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(charge)
        return charge


async def update_charge(organization_id: uuid.UUID, command: UpdateCharge, *, actor: str) -> Charge:
    """`command.changes` holds only the fields sent; the account is not changeable."""
    current = await get_owned(Charge, organization_id, command.charge_id)
    problems = ProblemCollector()
    sent = command.changes.get("accountId")
    if sent is not None and as_uuid(sent, "accountId", problems) not in (None, current.account_id):
        problems.add("accountId", ErrorCode.INVALID, "a charge cannot move to another account")
    values = await _checked(organization_id, charge_input(current).merged(command.changes), problems, current.id)
    await _check_balance(organization_id, values, current.account_id, problems)
    problems.raise_if_any()
    async with in_transaction() as conn:
        await currencies.hold(organization_id, (values["currency"], currencies.CURRENCY_INPUT))
        await _refuse_locked(conn, organization_id, current.account_id, current.bill_date, current.bill_id)
        if values["bill_date"] != current.bill_date:
            await _refuse_locked(conn, organization_id, current.account_id, values["bill_date"], None)
            values["bill_id"] = None  # the bill of the new date takes it
        return await update_versioned(Charge, organization_id, current.id, command.version, values, actor)


async def delete_charge(organization_id: uuid.UUID, charge_id: uuid.UUID, *, version: int) -> None:
    current = await get_owned(Charge, organization_id, charge_id)
    async with in_transaction() as conn:
        await _refuse_locked(conn, organization_id, current.account_id, current.bill_date, current.bill_id)
        await delete_versioned(Charge, organization_id, charge_id, version)


async def _check_balance(
    organization_id: uuid.UUID, values: dict[str, Any], account_id: uuid.UUID | None, problems: ProblemCollector
) -> None:
    """A BALANCE charge's entityId is a balance of the charge's own account (SEMANTICS §9.1)."""
    balance_id = values.get("entity_id")
    if values.get("entity_type") != "BALANCE" or balance_id is None or account_id is None:
        return
    if not await Balance.filter(organization_id=organization_id, id=balance_id, account_id=account_id).exists():
        problems.add("entityId", ErrorCode.NOT_FOUND, f"no balance of this account with id {balance_id}")


async def _checked(
    organization_id: uuid.UUID, data: ChargeDraft, problems: ProblemCollector, exclude_id: uuid.UUID | None = None
) -> dict[str, Any]:
    code = data.get("code")
    taken = await taken_codes(Charge, organization_id, [code] if isinstance(code, str) else [], exclude_id)
    return check_charge(data, problems, currencies=await currencies.held_codes(organization_id), taken_codes=taken)


async def _refuse_locked(
    conn: Any, organization_id: uuid.UUID, account_id: uuid.UUID, bill_date: date, bill_id: uuid.UUID | None
) -> None:
    """SEMANTICS §9.2 rule 6: nothing is charged inside the lock date or on a locked bill.
    The lock date is read under the bill writers' shared advisory lock (`lock_date`), so a
    lock date being set waits for this change, and this change sees a date set before it."""
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", [f"metergraph:bill-lock-date:{organization_id}"]
    )
    config = await BillConfig.filter(organization_id=organization_id).using_db(conn).first()
    lock_date = config.bill_lock_date if config else None
    if lock_date is not None and bill_date - _ONE_DAY <= lock_date:
        raise fail(
            ("input", "billDate"),
            ErrorCode.INVALID_STATE,
            f"bill date {bill_date} falls inside the bill lock date {lock_date}: its bills are locked",
        )
    bills = Bill.filter(organization_id=organization_id, locked=True).using_db(conn)
    if bill_id is not None and await bills.filter(id=bill_id).exists():
        raise fail(("input", "id"), ErrorCode.INVALID_STATE, f"the charge is on bill {bill_id}, which is locked")
    if bill_id is None and await bills.filter(account_id=account_id, bill_date=bill_date).exists():
        raise fail(("input", "billDate"), ErrorCode.INVALID_STATE, f"the account's bill dated {bill_date} is locked")


def charge_input(row: Charge) -> ChargeDraft:
    """The stored charge as an input, so that an update's changes can be merged over it."""
    return ChargeDraft(
        account_id=str(row.account_id),
        code=row.code,
        name=row.name,
        currency=row.currency,
        amount=row.amount,
        units=row.units,
        unit_price=row.unit_price,
        bill_date=row.bill_date,
        service_period_start=row.service_period_start,
        service_period_end=row.service_period_end,
        description=row.description,
        notes=row.notes,
        entity_type=row.entity_type,
        entity_id=None if row.entity_id is None else str(row.entity_id),
    )
