"""A new account with its children, plan attachments and commitments, checked as one
input before anything is written (CONTRACT §4, nested mutations).

Every new row gets its id here, so children point at their parent and attachments and
commitments at their account before any of them exists. Codes must be unique across the
whole input as well as against the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.domain.accounts.account import MAX_CHILDREN, check_account
from app.domain.accounts.account_plans import attachment_of, check_account_plan
from app.domain.accounts.commitments import check_commitment
from app.domain.accounts.drafts import AccountDraft
from app.domain.accounts.facts import Attachment, CodeBook, Known
from app.domain.given import as_fields
from app.domain.problems import ErrorCode, ProblemCollector


@dataclass
class NewAccounts:
    """Rows to insert, parents before children; `accounts[0]` is the root."""

    accounts: list[dict[str, Any]] = field(default_factory=list)
    account_plans: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)


def check_new_accounts(data: AccountDraft | Mapping[str, Any], at: ProblemCollector, known: Known) -> NewAccounts:
    data = as_fields(AccountDraft, data)
    codes = CodeBook(known.taken_codes)
    out = NewAccounts()
    children = data.get("children") or []
    root = check_account(data, at, known, codes, has_children=bool(children))
    _add(out, root, data, at, known, codes)
    if len(children) > MAX_CHILDREN:
        at.add("children", ErrorCode.INVALID, f"at most {MAX_CHILDREN} children")
    for index, child in enumerate(children):
        child_at = at.under("children", index)
        if child.get("parentAccountId") is not None:
            child_at.add(
                "parentAccountId", ErrorCode.INVALID, "leave it out: a nested child's parent is the enclosing account"
            )
        if child.get("children"):
            child_at.add("children", ErrorCode.INVALID, "a child account cannot have children (one level only)")
        values = check_account(replace(child, parent_account_id=None), child_at, known, codes)
        values["parent_account_id"] = root["id"]
        _add(out, values, child, child_at, known, codes)
    return out


def _add(
    out: NewAccounts,
    account: dict[str, Any],
    data: AccountDraft,
    at: ProblemCollector,
    known: Known,
    codes: CodeBook,
) -> None:
    """The account with its attachments (each checked against the earlier ones of the
    same input: a new account has no others) and commitments."""
    out.accounts.append(account)
    attached: list[Attachment] = []
    for index, item in enumerate(data.get("accountPlans") or []):
        values = check_account_plan(
            item, at.under("accountPlans", index), known, codes, account_id=account["id"], others=attached
        )
        out.account_plans.append(values)
        if values["product_id"] is not None and values["start_date"] is not None:
            attached.append(attachment_of(values))
    for index, item in enumerate(data.get("commitments") or []):
        out.commitments.append(
            check_commitment(item, at.under("commitments", index), known, codes, account_id=account["id"])
        )
