"""Commands of the account use cases, typed (see `app.domain.accounts.drafts` for the
input fields, each reported at its input name)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.accounts.drafts import AccountDraft, AccountPlanDraft, CommitmentDraft, ReplacementDraft


@dataclass(frozen=True, slots=True)
class CreateAccount:
    """An account with its children, account plans and commitments, all or nothing."""

    account: AccountDraft


@dataclass(frozen=True, slots=True)
class UpdateAccount:
    account_id: uuid.UUID
    version: int
    changes: AccountDraft


@dataclass(frozen=True, slots=True)
class CreateAccountPlan:
    account_plan: AccountPlanDraft


@dataclass(frozen=True, slots=True)
class UpdateAccountPlan:
    account_plan_id: uuid.UUID
    version: int
    changes: AccountPlanDraft


@dataclass(frozen=True, slots=True)
class ReplaceAccountPlan:
    account_plan_id: uuid.UUID
    version: int
    replacement: ReplacementDraft


@dataclass(frozen=True, slots=True)
class CreateCommitment:
    commitment: CommitmentDraft


@dataclass(frozen=True, slots=True)
class UpdateCommitment:
    commitment_id: uuid.UUID
    version: int
    changes: CommitmentDraft
