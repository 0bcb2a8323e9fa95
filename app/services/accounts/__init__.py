"""Use cases of accounts, plan attachments and commitments (SEMANTICS §5).

Each loads what the pure checks of `app.domain.accounts` need, runs them (collecting
every problem with its input path), and writes in one transaction.
"""

from app.services.accounts.account_plans import (
    active_account_plans,
    create_account_plan,
    delete_account_plan,
    replace_account_plan,
    update_account_plan,
)
from app.services.accounts.accounts import create_account, delete_account, update_account
from app.services.accounts.commitments import create_commitment, delete_commitment, update_commitment

__all__ = [
    "active_account_plans",
    "create_account",
    "create_account_plan",
    "create_commitment",
    "delete_account",
    "delete_account_plan",
    "delete_commitment",
    "replace_account_plan",
    "update_account",
    "update_account_plan",
    "update_commitment",
]
