"""Accounts (SEMANTICS §5.1): nested create, update, delete.

Whatever changes who is whose parent locks the accounts involved first (the account and
its new parent), so two concurrent writers cannot together break the one-level rule or
the 999-children limit that each checked alone.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app.domain.accounts import CodeBook, NewAccounts, References, check_account, check_new_accounts, references_of
from app.domain.accounts.drafts import AccountDraft
from app.domain.given import NOT_GIVEN
from app.domain.ids import as_uuid
from app.models.accounts import Account, AccountPlan, Commitment
from app.models.balances import Balance
from app.models.billing import Bill
from app.models.catalog import Plan
from app.models.charges import Charge
from app.models.counters import CounterAdjustment
from app.models.plan_groups import PlanGroup
from app.services import events
from app.services.accounts.commands import CreateAccount, UpdateAccount
from app.services.accounts.loading import account_input, load_known, lock_accounts
from app.services.billed_periods import ACCOUNT_BILLED, account_billed
from app.services.catalog.entities import Dependants, delete_versioned
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned


def _duplicate(exc: IntegrityError) -> Exception:
    # Only the (organization, code) constraint can fail: a concurrent create won the code.
    return fail(("input", "code"), ErrorCode.DUPLICATE, "an account with this code was created meanwhile")


async def create_account(organization_id: uuid.UUID, command: CreateAccount, *, actor: str) -> Account:
    """An account with its `children`, `accountPlans` and `commitments`, all or nothing."""
    data = command.account
    refs = references_of(data)
    try:
        async with in_transaction():
            await lock_accounts(organization_id, refs.account_ids)
            known = await load_known(organization_id, refs)
            problems = ProblemCollector()
            new = check_new_accounts(data, problems, known)
            problems.raise_if_any()
            await _insert(organization_id, new, actor)
    except IntegrityError as exc:
        raise _duplicate(exc) from exc
    return await Account.get(organization_id=organization_id, id=new.accounts[0]["id"])


async def _insert(organization_id: uuid.UUID, new: NewAccounts, actor: str) -> None:
    common = {"organization_id": organization_id, "created_by": actor, "last_modified_by": actor}
    kinds: tuple[tuple[type[Model], list[dict[str, Any]]], ...] = (
        (Account, new.accounts),
        (AccountPlan, new.account_plans),
        (Commitment, new.commitments),
    )
    for model, rows in kinds:
        if rows:
            instances = [model(**common, **values) for values in rows]
            await model.bulk_create(instances)
            await events.created(*instances)


async def update_account(organization_id: uuid.UUID, command: UpdateAccount, *, actor: str) -> Account:
    """`command.changes` holds only the fields the client sent."""
    account_id, version, changes = command.account_id, command.version, command.changes
    try:
        async with in_transaction():
            current = await get_owned(Account, organization_id, account_id)
            sent = changes.parent_account_id
            parent_id = current.parent_account_id if sent is NOT_GIVEN else as_uuid(sent)
            locked = await lock_accounts(organization_id, (account_id, parent_id))
            if account_id not in locked:
                raise fail(("input", "id"), ErrorCode.NOT_FOUND, f"no Account with id {account_id}")
            merged = account_input(locked[account_id]).merged(changes)
            values = await _check_update(organization_id, account_id, merged)
            # Under the account's lock, which a bill being stored takes too (`draws`).
            if values.get("bill_epoch") != locked[account_id].bill_epoch and await account_billed(
                organization_id, account_id
            ):
                raise fail(("input", "billEpoch"), ErrorCode.INVALID_STATE, ACCOUNT_BILLED)
            return await update_versioned(Account, organization_id, account_id, version, values, actor)
    except IntegrityError as exc:
        raise _duplicate(exc) from exc


async def _check_update(organization_id: uuid.UUID, account_id: uuid.UUID, merged: AccountDraft) -> dict[str, Any]:
    refs = References(account_ids={i for i in [as_uuid(merged.get("parentAccountId"))] if i})
    refs.codes["account"] = {merged.code} if isinstance(merged.code, str) else set()
    known = await load_known(organization_id, refs, exclude_id=account_id)
    has_children = await Account.filter(organization_id=organization_id, parent_account_id=account_id).exists()
    problems = ProblemCollector()
    values = check_account(
        merged, problems, known, CodeBook(known.taken_codes), account_id=account_id, has_children=has_children
    )
    problems.raise_if_any()
    return values


async def delete_account(organization_id: uuid.UUID, account_id: uuid.UUID, *, version: int) -> None:
    """Refused while anything depends on the account, each kind named (SEMANTICS §1)."""
    async with in_transaction():
        # The lock keeps a concurrent attach or child create from slipping in after the check.
        await lock_accounts(organization_id, [account_id])
        await delete_versioned(
            Account,
            organization_id,
            account_id,
            version,
            [
                Dependants("child accounts", Account, {"parent_account_id": account_id}),
                Dependants("account plans", AccountPlan, {"account_id": account_id}),
                Dependants("commitments", Commitment, {"account_id": account_id}),
                Dependants("bespoke plans", Plan, {"account_id": account_id}),
                Dependants("counter adjustments", CounterAdjustment, {"account_id": account_id}),
                Dependants("charges", Charge, {"account_id": account_id}),
                Dependants("bespoke plan groups", PlanGroup, {"account_id": account_id}),
                Dependants("balances", Balance, {"account_id": account_id}),
                Dependants("bills", Bill, {"account_id": account_id}),
            ],
        )
