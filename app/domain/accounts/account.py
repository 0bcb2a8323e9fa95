"""One account's fields (SEMANTICS §5.1) and its place in the one-level hierarchy.

Invariants checked here
- A parent has no parent, an account with children has none, no account is its own
  parent: so the hierarchy is one level deep and cycle-free.
- A parent has at most `MAX_CHILDREN` children, counting the one being added.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any, cast

from app.domain.accounts.drafts import AccountDraft
from app.domain.accounts.facts import ACCOUNT, CodeBook, Known
from app.domain.accounts.values import as_uuid, custom_fields, plain_date, text, whole
from app.domain.given import as_fields
from app.domain.naming import MAX_NAME, entity_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector

MAX_CHILDREN = 999
MAX_EMAIL = 254
MAX_DAYS_BEFORE_DUE = 3650
ADDRESS_FIELDS = (
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "addressLine4",
    "locality",
    "region",
    "postCode",
    "country",
)
# Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is not ours to judge.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def email_problem(value: str) -> str | None:
    if len(value) > MAX_EMAIL or not EMAIL.fullmatch(value):
        return "is not an email address"
    return None


def purchase_order_problem(value: str) -> str | None:
    return f"must be at most {MAX_NAME} characters" if len(value) > MAX_NAME else None


def check_address(value: Any, at: ProblemCollector) -> dict[str, str] | None:
    """An address is an object of optional string lines; unknown keys are refused so a
    typo does not silently drop a line."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        at.add("address", ErrorCode.INVALID, "must be an object")
        return None
    address: dict[str, str] = {}
    for key, line in value.items():
        if key not in ADDRESS_FIELDS:
            at.add(("address", str(key)), ErrorCode.INVALID, f"unknown address field; use {', '.join(ADDRESS_FIELDS)}")
        elif line is not None and (not isinstance(line, str) or len(line) > MAX_NAME):
            at.add(("address", key), ErrorCode.INVALID, f"must be a string of at most {MAX_NAME} characters")
        elif line is not None:
            address[key] = line
    return address


def check_account(
    data: AccountDraft | Mapping[str, Any],
    at: ProblemCollector,
    known: Known,
    codes: CodeBook,
    *,
    account_id: uuid.UUID | None = None,
    has_children: bool = False,
) -> dict[str, Any]:
    """A whole account input (for an update: the current values overlaid with the
    changes) → model column values. `account_id` None means a new account, which gets a
    fresh id so that nested inputs can link to it before anything is written."""
    data = as_fields(AccountDraft, data)
    values: dict[str, Any] = {
        "code": text(data, "code", at, entity_code_problem, required=True),
        "name": text(data, "name", at, name_problem, required=True),
        "email_address": text(data, "emailAddress", at, email_problem, required=True),
        "address": check_address(data.get("address"), at),
        "bill_epoch": plain_date(data.get("billEpoch"), "billEpoch", at),
        "currency": _currency(data.get("currency"), at, known),
        "days_before_bill_due": whole(data.get("daysBeforeBillDue"), "daysBeforeBillDue", at, 1, MAX_DAYS_BEFORE_DUE),
        "purchase_order_number": text(data, "purchaseOrderNumber", at, purchase_order_problem),
        "credit_application_order": _credit_order(data.get("creditApplicationOrder"), at),
        "custom_fields": custom_fields(data.get("customFields"), at),
        "parent_account_id": check_parent(
            data.get("parentAccountId"), at, known, account_id=account_id, has_children=has_children
        ),
    }
    codes.claim(ACCOUNT, values["code"], at)
    if account_id is None:
        values["id"] = uuid.uuid4()
    return values


def check_parent(
    value: Any, at: ProblemCollector, known: Known, *, account_id: uuid.UUID | None, has_children: bool
) -> uuid.UUID | None:
    parent_id = as_uuid(value, "parentAccountId", at)
    if parent_id is None:
        return None
    parent = known.accounts.get(parent_id)
    if parent is None:
        at.add("parentAccountId", ErrorCode.NOT_FOUND, f"no account with id {parent_id}")
    elif parent_id == account_id:
        at.add("parentAccountId", ErrorCode.INVALID, "an account cannot be its own parent")
    elif parent.parent_account_id is not None:
        at.add(
            "parentAccountId",
            ErrorCode.INVALID,
            f"account {parent.code} is itself a child account; children are one level deep",
        )
    elif has_children:
        at.add("parentAccountId", ErrorCode.INVALID, "an account with children cannot itself be a child")
    elif parent.children + 1 > MAX_CHILDREN:
        at.add("parentAccountId", ErrorCode.INVALID, f"account {parent.code} already has {MAX_CHILDREN} children")
    return parent_id


def _currency(value: Any, at: ProblemCollector, known: Known) -> str | None:
    if value is not None and value not in known.currencies:
        at.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {value!r}")
    return cast("str | None", value)


def _credit_order(value: Any, at: ProblemCollector) -> list[str] | None:
    # Imported here: the billing package imports this one (child billing modes).
    from app.domain.billing.balances_input import check_credit_order

    return check_credit_order(value, at)
