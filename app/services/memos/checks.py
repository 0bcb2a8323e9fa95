"""Shape rules of a memo line's fields (SEMANTICS §12.1), checked before anything is read.

`checked(values, problems)` takes the merged fields of a memo (the stored ones overlaid
with what an update sent, or everything a create sent) by python name and reports each
problem at its input name; it returns the parsed ids. Rules that need the database (the
bill's state, the reason, the referenced line, the cap) are in `lines`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.date_range import instant_problem
from app.domain.naming import CONTROL_CHARS, MAX_DESCRIPTION
from app.services.errors import ErrorCode, ProblemCollector
from app.services.memos.commands import INPUT_NAMES

REQUIRED = ("amount", "reason_id", "description", "service_period_start_date", "service_period_end_date")
IDS = ("reason_id", "product_id", "referenced_bill_id", "referenced_line_item_id")


def checked(values: dict[str, Any], problems: ProblemCollector) -> dict[str, uuid.UUID | None]:
    """The memo's ids parsed (None when absent); every shape problem added to `problems`."""
    for name in REQUIRED:
        if values.get(name) is None:
            problems.add(INPUT_NAMES[name], ErrorCode.REQUIRED, "is required")
    amount = values.get("amount")
    if isinstance(amount, Decimal) and not amount > 0:
        problems.add("amount", ErrorCode.INVALID, "must be greater than 0 (a credit is stored negative)")
    description = values.get("description")
    if description is not None and not 1 <= len(description) <= MAX_DESCRIPTION:
        problems.add("description", ErrorCode.INVALID, f"must be 1–{MAX_DESCRIPTION} characters")
    elif description is not None and CONTROL_CHARS.search(description):
        problems.add("description", ErrorCode.INVALID, "must not contain control characters")
    start, end = values.get("service_period_start_date"), values.get("service_period_end_date")
    for name, moment in (("service_period_start_date", start), ("service_period_end_date", end)):
        if isinstance(moment, datetime) and (problem := instant_problem(moment)):
            problems.add(INPUT_NAMES[name], ErrorCode.INVALID, problem)
    if isinstance(start, datetime) and isinstance(end, datetime) and start > end:
        problems.add("servicePeriodEndDate", ErrorCode.INVALID, "must not be before servicePeriodStartDate")
    ids = {name: _id(values.get(name), name, problems) for name in IDS}
    referenced = (values.get("referenced_bill_id") is None, values.get("referenced_line_item_id") is None)
    if referenced == (False, True):
        problems.add("referencedLineItemId", ErrorCode.REQUIRED, "name the line of the referenced bill too")
    elif referenced == (True, False):
        problems.add("referencedBillId", ErrorCode.REQUIRED, "name the bill of the referenced line too")
    return ids


def places_problem(amount: Decimal, places: int) -> str | None:
    """An amount in the bill currency has at most that currency's decimal places."""
    exponent = amount.normalize().as_tuple().exponent  # 20.000 is 20
    if isinstance(exponent, int) and -exponent > places:
        return f"has more than the bill currency's {places} decimal places"
    return None


def _id(value: Any, name: str, problems: ProblemCollector) -> uuid.UUID | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        problems.add(INPUT_NAMES[name], ErrorCode.NOT_FOUND, f"{value!r} is not a valid id")
        return None
