"""Balance transactions (SEMANTICS §11.1): credits, created and deleted, never updated.

Both take the balance's account lock (`lock_accounts`, the lock bill storing takes
before settling draws), so a credit is either seen whole by a bill being stored or
not at all. A credit is deleted only while no locked bill has drawn on the balance
(§11.3, our rule): a locked bill's draw must stay covered by the credits it saw.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import cast

from tortoise.transactions import in_transaction

from app.domain import ids
from app.domain.billing.balances_input import BalanceFacts, check_transaction
from app.models.balances import Balance, BalanceTransaction, TransactionType
from app.models.billing import Bill, BillLineItem
from app.models.organization import Currency
from app.services import events
from app.services.accounts.loading import lock_accounts
from app.services.balances.commands import CreateTransaction
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned

__all__ = ["create_transaction", "delete_transaction"]


async def create_transaction(
    organization_id: uuid.UUID, command: CreateTransaction, *, actor: str, now: datetime | None = None
) -> BalanceTransaction:
    data = command.transaction
    problems = ProblemCollector()
    raw = data.get("balanceId")
    balance_id = ids.as_uuid(raw)
    if raw is None:
        problems.add("balanceId", ErrorCode.REQUIRED, "is required")
    async with in_transaction():
        balance = await Balance.filter(organization_id=organization_id, id=balance_id).first() if balance_id else None
        if raw is not None and balance is None:
            problems.add("balanceId", ErrorCode.NOT_FOUND, f"no balance with id {raw}")
        if balance is not None:
            await lock_accounts(organization_id, [balance.account_id])
        values = check_transaction(
            data,
            problems,
            await _facts(organization_id, data.get("transactionTypeId")),
            balance_end=None if balance is None else balance.end_date,
            now=now or datetime.now(UTC),
        )
        problems.raise_if_any()
        created = await BalanceTransaction.create(
            organization_id=organization_id,
            balance_id=balance_id,
            created_by=actor,
            last_modified_by=actor,
            **values,
        )
        await events.created(created)
    return created


async def delete_transaction(organization_id: uuid.UUID, transaction_id: uuid.UUID, *, version: int) -> None:
    current = await get_owned(BalanceTransaction, organization_id, transaction_id)
    balance = await Balance.get(organization_id=organization_id, id=current.balance_id)
    async with in_transaction():
        await lock_accounts(organization_id, [balance.account_id])
        if current.version != version:
            raise fail(("input", "version"), ErrorCode.CONFLICT, f"version {version} is stale")
        if await _drawn_by_locked_bill(organization_id, balance.id):
            raise fail(("input", "id"), ErrorCode.IN_USE, "a locked bill drew on this balance; its credits stay")
        deleted = await BalanceTransaction.filter(
            organization_id=organization_id, id=current.id, version=version
        ).delete()
        if not deleted:
            raise fail(("input", "version"), ErrorCode.CONFLICT, "changed while being deleted; read it again")
        await events.deleted(current)


async def _drawn_by_locked_bill(organization_id: uuid.UUID, balance_id: uuid.UUID) -> bool:
    bill_ids = await BillLineItem.filter(organization_id=organization_id, balance_id=balance_id).values_list(
        "bill_id", flat=True
    )
    return bool(bill_ids) and await Bill.filter(organization_id=organization_id, id__in=bill_ids, locked=True).exists()


async def _facts(organization_id: uuid.UUID, type_id: object) -> BalanceFacts:
    wanted = ids.as_uuid(type_id)
    types = await TransactionType.filter(organization_id=organization_id, id=wanted) if wanted else []
    return BalanceFacts(
        currencies=frozenset(
            cast("list[str]", await Currency.filter(organization_id=organization_id).values_list("code", flat=True))
        ),
        transaction_types={t.id: t.archived for t in types},
    )
