"""Commands of the balance use cases, typed (input fields in
`app.domain.billing.balances_input`, each reported at its input name)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.billing.balances_input import BalanceDraft, TransactionDraft, TransactionTypeDraft


@dataclass(frozen=True, slots=True)
class CreateBalance:
    balance: BalanceDraft


@dataclass(frozen=True, slots=True)
class UpdateBalance:
    balance_id: uuid.UUID
    version: int
    changes: BalanceDraft


@dataclass(frozen=True, slots=True)
class CreateTransaction:
    transaction: TransactionDraft


@dataclass(frozen=True, slots=True)
class CreateTransactionType:
    transaction_type: TransactionTypeDraft


@dataclass(frozen=True, slots=True)
class UpdateTransactionType:
    transaction_type_id: uuid.UUID
    version: int
    changes: TransactionTypeDraft
