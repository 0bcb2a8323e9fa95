"""Balance, transaction and transaction type inputs and their rules (SEMANTICS §11.1).

Each draft has one field per input field (snake_case; the input name is its camelCase).
The checks read a whole input (an update: the stored values merged with the changes),
report every problem at its input path and return the column values to store.

Rules
- Balance: ``code`` (entity code), ``name``, ``currency`` required; the currency is one
  of the organization's and, when it is not the account's bill currency, the
  organization converts it to that currency (**decision**: what a balance covers must be
  convertible to the bill, so a mismatch is refused up front rather than failing bills).
  ``startDate < endDate``; ``rolloverEndDate`` > ``endDate`` and required with a
  ``rolloverAmount`` (≥ 0). ``lineItemTypes`` among ``BALANCE_TYPES``; ``productIds``
  products of the organization; descriptions ≤ 200.
- Transaction: ``amount`` > 0 (balance currency); ``appliedDate`` (default: now, given by
  the caller) before the balance's ``endDate``; ``currencyPaid`` a known currency; ``paid``
  ≥ 0; ``transactionTypeId`` a non-archived transaction type.
- Credit application order: a non-empty list of distinct PREPAYMENT / BALANCE.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain import ids
from app.domain.date_range import instant_problem
from app.domain.given import NOT_GIVEN, Fields, Given
from app.domain.naming import description_problem, entity_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector

from .balances import BALANCE_TYPES
from .balances_steps import CreditKind

__all__ = [
    "BalanceDraft",
    "BalanceFacts",
    "TransactionDraft",
    "TransactionTypeDraft",
    "check_balance",
    "check_credit_order",
    "check_transaction",
    "check_transaction_type",
]

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class BalanceDraft(Fields):
    account_id: Any = NOT_GIVEN
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    currency: Any = NOT_GIVEN
    start_date: Any = NOT_GIVEN
    end_date: Any = NOT_GIVEN
    rollover_end_date: Any = NOT_GIVEN
    rollover_amount: Any = NOT_GIVEN
    product_ids: Any = NOT_GIVEN
    line_item_types: Any = NOT_GIVEN
    overage_surcharge_percent: Any = NOT_GIVEN
    balance_draw_down_description: Any = NOT_GIVEN
    overage_description: Any = NOT_GIVEN
    description: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class TransactionDraft(Fields):
    balance_id: Any = NOT_GIVEN
    amount: Any = NOT_GIVEN
    applied_date: Any = NOT_GIVEN
    transaction_date: Any = NOT_GIVEN
    description: Any = NOT_GIVEN
    paid: Any = NOT_GIVEN
    currency_paid: Any = NOT_GIVEN
    transaction_type_id: Any = NOT_GIVEN


@dataclass(frozen=True, slots=True)
class TransactionTypeDraft(Fields):
    code: Any = NOT_GIVEN
    name: Any = NOT_GIVEN
    archived: Any = NOT_GIVEN


@dataclass(frozen=True)
class BalanceFacts:
    """What the checks need to know from the database."""

    currencies: frozenset[str] = frozenset()
    product_ids: frozenset[uuid.UUID] = frozenset()
    bill_currency: str | None = None  # the account's resolved bill currency
    conversions: frozenset[tuple[str, str]] = frozenset()
    code_taken: bool = False
    transaction_types: Mapping[uuid.UUID, bool] = field(default_factory=dict)  # id → archived


def check_balance(data: Given, at: ProblemCollector, facts: BalanceFacts) -> dict[str, Any]:
    """A whole balance input → column values (account_id is the caller's)."""
    code = _text(data, "code", at, entity_code_problem, required=True)
    if code is not None and facts.code_taken:
        at.add("code", ErrorCode.DUPLICATE, f"a balance with code {code!r} exists")
    return {
        "code": code,
        "name": _text(data, "name", at, name_problem, required=True),
        "currency": _currency(data, at, facts),
        **_windows(data, at),
        "product_ids": _product_ids(data.get("productIds"), at, facts.product_ids),
        "line_item_types": _line_item_types(data.get("lineItemTypes"), at),
        "overage_surcharge_percent": _decimal(data, "overageSurchargePercent", at),
        "balance_draw_down_description": _text(data, "balanceDrawDownDescription", at, description_problem),
        "overage_description": _text(data, "overageDescription", at, description_problem),
        "description": _text(data, "description", at, description_problem),
    }


def check_transaction(
    data: Given, at: ProblemCollector, facts: BalanceFacts, *, balance_end: datetime | None, now: datetime
) -> dict[str, Any]:
    """A credit of a balance (``balance_end`` None: the balance was not found)."""
    amount = _decimal(data, "amount", at, required=True, minimum=_ZERO)
    applied = _instant(data, "appliedDate", at) or now
    if balance_end is not None and not applied < balance_end:
        at.add("appliedDate", ErrorCode.INVALID, "must be before the balance's endDate")
    currency_paid = _text(data, "currencyPaid", at, lambda _: None)
    if currency_paid is not None and currency_paid not in facts.currencies:
        at.add("currencyPaid", ErrorCode.NOT_FOUND, f"no currency with code {currency_paid!r}")
    type_id = _id(data, "transactionTypeId", at)
    if type_id is not None and facts.transaction_types.get(type_id, True):
        at.add("transactionTypeId", ErrorCode.NOT_FOUND, f"no active transaction type with id {type_id}")
    paid = _decimal(data, "paid", at)
    if paid is not None and paid < 0:
        at.add("paid", ErrorCode.INVALID, "must be at least 0")
    return {
        "amount": amount,
        "applied_date": applied,
        "transaction_date": _instant(data, "transactionDate", at),
        "description": _text(data, "description", at, description_problem),
        "paid": paid,
        "currency_paid": currency_paid,
        "transaction_type_id": type_id,
    }


def check_transaction_type(data: Given, at: ProblemCollector, *, code_taken: bool) -> dict[str, Any]:
    code = _text(data, "code", at, entity_code_problem, required=True)
    if code is not None and code_taken:
        at.add("code", ErrorCode.DUPLICATE, f"a transaction type with code {code!r} exists")
    archived = data.get("archived")
    if archived is not None and not isinstance(archived, bool):
        at.add("archived", ErrorCode.INVALID, "must be true or false")
    return {"code": code, "name": _text(data, "name", at, name_problem, required=True), "archived": bool(archived)}


def check_credit_order(value: Any, at: ProblemCollector, key: str = "creditApplicationOrder") -> list[str] | None:
    """None stays None (the default); else a non-empty list of distinct kinds."""
    if value is None:
        return None
    kinds: list[str] = []
    for index, raw in enumerate(value if isinstance(value, list) else [value]):
        name = getattr(raw, "value", raw)
        if name not in {k.value for k in CreditKind}:
            at.add((key, index), ErrorCode.INVALID, "must be PREPAYMENT or BALANCE")
        elif name in kinds:
            at.add((key, index), ErrorCode.DUPLICATE, f"{name} is listed twice")
        else:
            kinds.append(name)
    if not kinds and not value:
        at.add(key, ErrorCode.INVALID, "must name PREPAYMENT, BALANCE or both")
    return kinds


def _text(data: Given, key: str, at: ProblemCollector, rule: Any, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    if not isinstance(value, str):
        at.add(key, ErrorCode.INVALID, "must be a string")
        return None
    if problem := rule(value):
        at.add(key, ErrorCode.INVALID, problem)
    return value


def _decimal(
    data: Given, key: str, at: ProblemCollector, *, required: bool = False, minimum: Decimal | None = None
) -> Decimal | None:
    value = data.get(key)
    if value is None:
        if required:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)) or not Decimal(value).is_finite():
        at.add(key, ErrorCode.INVALID, "must be a finite decimal number")
        return None
    if minimum is not None and not Decimal(value) > minimum:
        at.add(key, ErrorCode.INVALID, f"must be greater than {minimum}")
    return Decimal(value)


def _instant(data: Given, key: str, at: ProblemCollector, *, required: bool = False) -> datetime | None:
    value = data.get(key)
    if value is None:
        if required:
            at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        at.add(key, ErrorCode.INVALID, "must be a date-time with a UTC offset")
        return None
    if problem := instant_problem(value):
        at.add(key, ErrorCode.INVALID, problem)
        return None
    return value


def _id(data: Given, key: str, at: ProblemCollector) -> uuid.UUID | None:
    value = data.get(key)
    parsed = ids.as_uuid(value)
    if parsed is None and value is not None:
        at.add(key, ErrorCode.NOT_FOUND, f"{value!r} is not a valid id")
    return parsed


def _currency(data: Given, at: ProblemCollector, facts: BalanceFacts) -> str | None:
    code = _text(data, "currency", at, lambda _: None, required=True)
    if code is None:
        return None
    if code not in facts.currencies:
        at.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {code!r}")
    elif facts.bill_currency is not None and code != facts.bill_currency:
        if (code, facts.bill_currency) not in facts.conversions:
            at.add(
                "currency",
                ErrorCode.INVALID,
                f"differs from the account's bill currency {facts.bill_currency} and the organization has no "
                f"conversion from {code} to it",
            )
    return code


def _windows(data: Given, at: ProblemCollector) -> dict[str, Any]:
    start = _instant(data, "startDate", at, required=True)
    end = _instant(data, "endDate", at, required=True)
    rollover_end = _instant(data, "rolloverEndDate", at)
    rollover_amount = _decimal(data, "rolloverAmount", at)
    if start is not None and end is not None and not start < end:
        at.add("endDate", ErrorCode.INVALID, "must be after startDate (the end is exclusive)")
    if rollover_end is not None and end is not None and not rollover_end > end:
        at.add("rolloverEndDate", ErrorCode.INVALID, "must be after endDate")
    if rollover_amount is not None:
        if rollover_amount < 0:
            at.add("rolloverAmount", ErrorCode.INVALID, "must be at least 0")
        if rollover_end is None:
            at.add("rolloverEndDate", ErrorCode.REQUIRED, "is required with a rolloverAmount")
    return {
        "start_date": start,
        "end_date": end,
        "rollover_end_date": rollover_end,
        "rollover_amount": rollover_amount,
    }


def _product_ids(value: Any, at: ProblemCollector, known: Collection[uuid.UUID]) -> list[str]:
    found: list[str] = []
    for index, raw in enumerate(value or ()):
        product_id = ids.as_uuid(raw)
        if product_id is None or product_id not in known:
            at.add(("productIds", index), ErrorCode.NOT_FOUND, f"no product with id {raw}")
        elif str(product_id) not in found:
            found.append(str(product_id))
    return found


def _line_item_types(value: Any, at: ProblemCollector) -> list[str]:
    allowed = {t.value for t in BALANCE_TYPES}
    kinds: list[str] = []
    for index, raw in enumerate(value or ()):
        name = getattr(raw, "value", raw)
        if name not in allowed:
            at.add(("lineItemTypes", index), ErrorCode.INVALID, f"must be one of {', '.join(sorted(allowed))}")
        elif name not in kinds:
            kinds.append(name)
    return kinds
