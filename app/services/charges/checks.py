"""The rules of one charge's input (SEMANTICS §9.1–9.2), collected at their input paths."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from app.domain.accounts.values import as_uuid, decimal, instant, plain_date, present, text
from app.domain.billing.charges import check_charge_values
from app.domain.naming import description_problem, entity_code_problem, name_problem
from app.domain.problems import ErrorCode, ProblemCollector
from app.services.charges.commands import ChargeDraft

AD_HOC, BALANCE = "AD_HOC", "BALANCE"
LINE_TYPES = {AD_HOC: "AD_HOC", BALANCE: "BALANCE_FEE"}


def check_charge(
    data: ChargeDraft, problems: ProblemCollector, *, currencies: Collection[str], taken_codes: Collection[str]
) -> dict[str, Any]:
    """The columns to store; every problem of the input in `problems`. The account, its
    bills and the lock date are checked by the service."""
    code = text(data, "code", problems, entity_code_problem, required=True)
    if code is not None and code in taken_codes:
        problems.add("code", ErrorCode.DUPLICATE, f"a charge with code {code!r} exists")
    name = text(data, "name", problems, name_problem, required=True)
    currency = text(data, "currency", problems, lambda _: None, required=True)
    if currency is not None and currency not in currencies:
        problems.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {currency!r}")
    amount = decimal(data.get("amount"), "amount", problems)
    units = decimal(data.get("units"), "units", problems)
    unit_price = decimal(data.get("unitPrice"), "unitPrice", problems)
    bill_date = plain_date(present(data, "billDate", problems, required=True), "billDate", problems)
    start, end = (
        instant(present(data, key, problems, required=True), key, problems)
        for key in ("servicePeriodStartDate", "servicePeriodEndDate")
    )
    check_charge_values(amount, units, unit_price, start, end, problems)
    entity_type, entity_id = _entity(data, problems)
    return {
        "code": code,
        "name": name,
        "currency": currency,
        "amount": amount,
        "units": units,
        "unit_price": unit_price,
        "bill_date": bill_date,
        "service_period_start": start,
        "service_period_end": end,
        "description": text(data, "description", problems, description_problem),
        "notes": text(data, "notes", problems, description_problem),
        "entity_type": entity_type,
        "entity_id": entity_id,
        "line_item_type": LINE_TYPES.get(entity_type, AD_HOC),
    }


def _entity(data: ChargeDraft, problems: ProblemCollector) -> tuple[str, uuid.UUID | None]:
    kind = data.get("entityType") or AD_HOC
    kind = getattr(kind, "value", kind)
    entity_id = as_uuid(data.get("entityId"), "entityId", problems)
    if kind == BALANCE:
        # The balance is checked against the charge's account by the service (`_check_balance`).
        if data.get("entityId") is None:
            problems.add("entityId", ErrorCode.REQUIRED, "a BALANCE charge names its balance")
    elif kind != AD_HOC:
        problems.add("entityType", ErrorCode.INVALID, "must be AD_HOC or BALANCE")
    elif entity_id is not None:
        problems.add("entityId", ErrorCode.INVALID, "only a BALANCE charge names an entity")
    return kind, entity_id
