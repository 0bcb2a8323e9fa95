"""The transaction type picklist (SEMANTICS §11.1): create, update, delete.

A type that transactions name is archived rather than deleted (IN_USE), so the
transactions keep their meaning.
"""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from app.domain.billing.balances_input import TransactionTypeDraft, check_transaction_type
from app.models.balances import BalanceTransaction, TransactionType
from app.services import events
from app.services.balances.commands import CreateTransactionType, UpdateTransactionType
from app.services.catalog.entities import delete_versioned
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned

__all__ = ["create_transaction_type", "update_transaction_type", "delete_transaction_type"]


async def create_transaction_type(
    organization_id: uuid.UUID, command: CreateTransactionType, *, actor: str
) -> TransactionType:
    data = command.transaction_type
    problems = ProblemCollector()
    taken = await TransactionType.filter(organization_id=organization_id, code=data.get("code")).exists()
    values = check_transaction_type(data, problems, code_taken=taken)
    problems.raise_if_any()
    async with in_transaction():
        created = await TransactionType.create(
            organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(created)
    return created


async def update_transaction_type(
    organization_id: uuid.UUID, command: UpdateTransactionType, *, actor: str
) -> TransactionType:
    current = await get_owned(TransactionType, organization_id, command.transaction_type_id)
    merged = TransactionTypeDraft(code=current.code, name=current.name, archived=current.archived).merged(
        command.changes
    )
    taken = (
        await TransactionType.filter(organization_id=organization_id, code=merged.get("code"))
        .exclude(id=current.id)
        .exists()
    )
    problems = ProblemCollector()
    values = check_transaction_type(merged, problems, code_taken=taken)
    problems.raise_if_any()
    return await update_versioned(TransactionType, organization_id, current.id, command.version, values, actor)


async def delete_transaction_type(organization_id: uuid.UUID, type_id: uuid.UUID, *, version: int) -> None:
    if await BalanceTransaction.filter(organization_id=organization_id, transaction_type_id=type_id).exists():
        raise fail(("input", "id"), ErrorCode.IN_USE, "transactions name this type; archive it instead")
    await delete_versioned(TransactionType, organization_id, type_id, version)
