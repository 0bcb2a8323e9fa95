"""Commitments (SEMANTICS §5.3): create, update, delete."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import cast

from tortoise.transactions import in_transaction

from app.domain.accounts import CodeBook, References, check_commitment, commitment_references
from app.domain.accounts.drafts import CommitmentDraft
from app.domain.accounts.values import as_uuid
from app.models.accounts import Commitment
from app.services import events
from app.services.accounts.commands import CreateCommitment, UpdateCommitment
from app.services.accounts.loading import commitment_input, load_known, lock_accounts
from app.services.catalog.entities import delete_versioned
from app.services.errors import ErrorCode, ProblemCollector
from app.services.versioning import get_owned, update_versioned


async def create_commitment(organization_id: uuid.UUID, command: CreateCommitment, *, actor: str) -> Commitment:
    data = command.commitment
    problems = ProblemCollector()
    account_id = as_uuid(data.get("accountId"), "accountId", problems)
    if data.get("accountId") is None:
        problems.add("accountId", ErrorCode.REQUIRED, "is required")
    async with in_transaction():
        # The lock keeps a concurrent delete of the account from leaving the commitment orphaned.
        if account_id is not None and not await lock_accounts(organization_id, [account_id]):
            problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")
        known = await load_known(organization_id, commitment_references(data, References()))
        # An unknown or malformed account is reported above; the rest is checked all the same.
        codes = CodeBook(known.taken_codes)
        values = check_commitment(data, problems, known, codes, account_id=cast(uuid.UUID, account_id))
        problems.raise_if_any()
        commitment = await Commitment.create(
            organization_id=organization_id, created_by=actor, last_modified_by=actor, **values
        )
        await events.created(commitment)
        return commitment


def merge(current: CommitmentDraft, changes: CommitmentDraft) -> CommitmentDraft:
    """Current values overlaid with the changes. Dropping the billing plan drops its
    interval and offset too, so switching to fee dates needs no extra nulls."""
    merged = current.merged(changes)
    if changes.billing_plan_id is None:  # sent as null
        merged = replace(
            merged, billing_interval=changes.get("billingInterval"), billing_offset=changes.get("billingOffset")
        )
    return merged


async def update_commitment(organization_id: uuid.UUID, command: UpdateCommitment, *, actor: str) -> Commitment:
    """`command.changes` holds only the fields the client sent; the account and the
    amount spent are not changeable."""
    commitment_id, version, changes = command.commitment_id, command.version, command.changes
    current = await get_owned(Commitment, organization_id, commitment_id)
    merged = merge(commitment_input(current), changes)
    async with in_transaction():  # the currencies `load_known` holds stay until the update commits
        known = await load_known(organization_id, commitment_references(merged, References()), exclude_id=current.id)
        problems = ProblemCollector()
        values = check_commitment(
            merged, problems, known, CodeBook(known.taken_codes), account_id=current.account_id, creating=False
        )
        problems.raise_if_any()
        values.pop("account_id")
        return await update_versioned(Commitment, organization_id, commitment_id, version, values, actor)


async def delete_commitment(organization_id: uuid.UUID, commitment_id: uuid.UUID, *, version: int) -> None:
    # Bills will draw down commitments; they join the dependants when billing exists.
    await delete_versioned(Commitment, organization_id, commitment_id, version)
