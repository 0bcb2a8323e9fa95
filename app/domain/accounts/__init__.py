"""Accounts, plan attachments and commitments: the pure rules (SEMANTICS §5).

Concepts
- An **account** is a customer; it may have one parent (`parentAccountId`), making it a
  child. Children are one level deep: a parent has no parent, a child has no children,
  so there are no cycles; a parent has at most 999 children.
- An **account plan** attaches a plan to an account over the half-open interval
  `[startDate, endDate)` of instants. At most one is active per (account, product) at any
  instant, unless the organization allows overlap. A bespoke plan attaches only to its
  own account.
- A **commitment** is an amount the account commits to spend over `[startDate, endDate)`
  (local dates), billed by fee dates or by a billing plan's schedule.

Checks take an input mapping with the client's camelCase keys (so problems carry the
client's paths), plus `Known` facts loaded by the service, and return model column values.
Nothing here reads the database or the clock.
"""

from app.domain.accounts.account import (
    ADDRESS_FIELDS,
    MAX_CHILDREN,
    check_account,
    check_address,
    check_parent,
    email_problem,
)
from app.domain.accounts.account_plans import (
    ChildBillingMode,
    attachment_of,
    check_account_plan,
    check_replacement,
    first_collision,
    overlaps,
    resolve_plan,
)
from app.domain.accounts.commitments import CommitmentLineItemType, check_commitment
from app.domain.accounts.facts import (
    ACCOUNT,
    ACCOUNT_PLAN,
    COMMITMENT,
    AccountRef,
    Attachment,
    CodeBook,
    Known,
    PlanRef,
    References,
    account_plan_references,
    commitment_references,
    references_of,
)
from app.domain.accounts.nested import NewAccounts, check_new_accounts

__all__ = [
    "ACCOUNT",
    "ACCOUNT_PLAN",
    "ADDRESS_FIELDS",
    "COMMITMENT",
    "MAX_CHILDREN",
    "AccountRef",
    "Attachment",
    "ChildBillingMode",
    "CodeBook",
    "CommitmentLineItemType",
    "Known",
    "NewAccounts",
    "PlanRef",
    "References",
    "account_plan_references",
    "attachment_of",
    "check_account",
    "check_account_plan",
    "check_address",
    "check_commitment",
    "check_new_accounts",
    "check_parent",
    "check_replacement",
    "commitment_references",
    "email_problem",
    "first_collision",
    "overlaps",
    "references_of",
    "resolve_plan",
]
