"""Balances (SEMANTICS §11.1): create, update, delete.

The account is locked while a balance is created (a concurrent delete of the account
cannot leave it orphaned); its account never changes. A balance that bills drew on, or
that has transactions, is not deleted (IN_USE): its money would vanish from the books.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.transactions import in_transaction

from app.domain import ids
from app.domain.billing.balances_input import BalanceDraft, BalanceFacts, check_balance
from app.models.accounts import Account
from app.models.balances import Balance, BalanceTransaction
from app.models.billing import BillLineItem
from app.models.catalog import Product
from app.models.organization import OrganizationConfig
from app.services import currencies, events
from app.services.accounts.loading import lock_accounts
from app.services.balances.commands import CreateBalance, UpdateBalance
from app.services.catalog.entities import delete_versioned
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned

__all__ = ["create_balance", "update_balance", "delete_balance", "balance_facts"]

FIELDS = (
    "code", "name", "currency", "start_date", "end_date", "rollover_end_date", "rollover_amount", "product_ids",
    "line_item_types", "overage_surcharge_percent", "balance_draw_down_description", "overage_description",
    "description",
)  # fmt: skip


async def create_balance(organization_id: uuid.UUID, command: CreateBalance, *, actor: str) -> Balance:
    data = command.balance
    problems = ProblemCollector()
    raw = data.get("accountId")
    account_id = ids.as_uuid(raw)
    if raw is None:
        problems.add("accountId", ErrorCode.REQUIRED, "is required")
    async with in_transaction():
        account = (await lock_accounts(organization_id, [account_id])).get(account_id) if account_id else None
        if raw is not None and account is None:
            # Another organization's account is simply not found: tenants never see each other.
            problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {raw}")
        facts = await balance_facts(organization_id, data, account)
        values = check_balance(data, problems, facts)
        problems.raise_if_any()
        balance = await Balance.create(
            organization_id=organization_id, account_id=account_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(balance)
    return balance


async def update_balance(organization_id: uuid.UUID, command: UpdateBalance, *, actor: str) -> Balance:
    """`command.changes` holds only the fields the client sent; the account cannot change."""
    current = await get_owned(Balance, organization_id, command.balance_id)
    merged = BalanceDraft(**{name: getattr(current, name) for name in FIELDS}).merged(command.changes)
    account = await Account.filter(organization_id=organization_id, id=current.account_id).first()
    problems = ProblemCollector()
    values = check_balance(merged, problems, await balance_facts(organization_id, merged, account, exclude=current.id))
    if values["currency"] != current.currency and await _drawn_on(organization_id, current.id):
        # Stored draws are in the balance currency: a new one would misread them.
        problems.add("currency", ErrorCode.INVALID_STATE, "bills drew on this balance; its currency cannot change")
    problems.raise_if_any()
    async with in_transaction():
        await currencies.hold(organization_id, (values["currency"], currencies.CURRENCY_INPUT))
        return await update_versioned(Balance, organization_id, current.id, command.version, values, actor)


async def _drawn_on(organization_id: uuid.UUID, balance_id: uuid.UUID) -> bool:
    return await BillLineItem.filter(organization_id=organization_id, balance_id=balance_id).exists()


async def delete_balance(organization_id: uuid.UUID, balance_id: uuid.UUID, *, version: int) -> None:
    if await _drawn_on(organization_id, balance_id):
        raise fail(("input", "id"), ErrorCode.IN_USE, "bills drew on this balance; delete or recalculate them first")
    if await BalanceTransaction.filter(organization_id=organization_id, balance_id=balance_id).exists():
        raise fail(("input", "id"), ErrorCode.IN_USE, "the balance has transactions; delete them first")
    await delete_versioned(Balance, organization_id, balance_id, version)


async def balance_facts(
    organization_id: uuid.UUID, data: Any, account: Account | None, *, exclude: uuid.UUID | None = None
) -> BalanceFacts:
    config = await OrganizationConfig.get(organization_id=organization_id)
    wanted = [p for p in (ids.as_uuid(raw) for raw in data.get("productIds") or ()) if p is not None]
    products = await Product.filter(organization_id=organization_id, id__in=wanted).values_list("id", flat=True)
    taken = Balance.filter(organization_id=organization_id, code=data.get("code"))
    if exclude is not None:
        taken = taken.exclude(id=exclude)
    return BalanceFacts(
        currencies=frozenset(await currencies.held_codes(organization_id)),  # held in create_balance's transaction
        product_ids=frozenset(products),  # type: ignore[arg-type]
        bill_currency=None if account is None else (account.currency or config.currency),
        conversions=frozenset((c["from"], c["to"]) for c in config.currency_conversions or ()),
        code_taken=isinstance(data.get("code"), str) and await taken.exists(),
    )
