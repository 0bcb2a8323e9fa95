"""Balances (SEMANTICS §11): configuration use cases, their derived amounts and summary,
and what bill jobs read of them (`billing`)."""

from app.services.balances.balances import create_balance, delete_balance, update_balance
from app.services.balances.transaction_types import (
    create_transaction_type,
    delete_transaction_type,
    update_transaction_type,
)
from app.services.balances.transactions import create_transaction, delete_transaction

__all__ = [
    "create_balance",
    "create_transaction",
    "create_transaction_type",
    "delete_balance",
    "delete_transaction",
    "delete_transaction_type",
    "update_balance",
    "update_transaction_type",
]
