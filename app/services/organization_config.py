"""Organization configuration (SEMANTICS §2.1): read, and validated partial updates."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.naming import MAX_CODE, custom_fields_problem
from app.domain.timezones import parse_timezone
from app.models.organization import Currency, OrganizationConfig
from app.services.errors import ErrorCode, ProblemCollector
from app.services.rate_limits import config as rate_limit_config
from app.services.versioning import update_versioned

# Fields a client may set, with their model column.
SIMPLE_FIELDS = {
    "dayEpoch": "day_epoch",
    "weekEpoch": "week_epoch",
    "monthEpoch": "month_epoch",
    "yearEpoch": "year_epoch",
    "standingChargeBillInAdvance": "standing_charge_bill_in_advance",
    "minimumSpendBillInAdvance": "minimum_spend_bill_in_advance",
    "commitmentFeeBillInAdvance": "commitment_fee_bill_in_advance",
    "allowOverlappingPlans": "allow_overlapping_plans",
    "suppressedEmptyBills": "suppressed_empty_bills",
}


async def get_config(organization_id: uuid.UUID) -> OrganizationConfig:
    return await OrganizationConfig.get(organization_id=organization_id)


async def update_config(
    organization_id: uuid.UUID, *, version: int, changes: Mapping[str, Any], actor: str
) -> OrganizationConfig:
    """`changes` holds only the fields the client sent (camelCase keys)."""
    config = await get_config(organization_id)
    problems = ProblemCollector()
    values = {column: changes[key] for key, column in SIMPLE_FIELDS.items() if key in changes}
    for key in SIMPLE_FIELDS:
        if key in changes and changes[key] is None:
            problems.add(key, ErrorCode.REQUIRED, "cannot be null")
    currency_codes = set(await Currency.filter(organization_id=organization_id).values_list("code", flat=True))
    _check_timezone(changes, problems, values)
    _check_currency(changes, problems, values, currency_codes)
    _check_numbers(changes, problems, values)
    _check_conversions(changes, problems, values, currency_codes)
    if "customFields" in changes:
        if msg := custom_fields_problem(changes["customFields"] or {}):
            problems.add("customFields", ErrorCode.INVALID, msg)
        values["custom_fields"] = changes["customFields"] or {}
    if "rateLimits" in changes:
        values["rate_limits"] = rate_limit_config.checked_overrides(
            {} if changes["rateLimits"] is None else config.rate_limits, changes["rateLimits"] or {}, problems
        )
    problems.raise_if_any()
    updated = await update_versioned(OrganizationConfig, organization_id, config.id, version, values, actor)
    rate_limit_config.forget(organization_id)
    return updated


def _check_timezone(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    if "timezone" not in changes:
        return
    try:
        parse_timezone(changes["timezone"] or "")
        values["timezone"] = changes["timezone"]
    except ValueError as exc:
        problems.add("timezone", ErrorCode.INVALID, str(exc))


def _check_currency(changes: Mapping[str, Any], problems: ProblemCollector, values: dict, codes: set[str]) -> None:
    if "currency" not in changes:
        return
    if changes["currency"] not in codes:
        problems.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {changes['currency']!r}")
    values["currency"] = changes["currency"]


def _check_numbers(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    if "daysBeforeBillDue" in changes:
        days = changes["daysBeforeBillDue"]
        if days is None or not 0 < days <= 3650:
            problems.add("daysBeforeBillDue", ErrorCode.INVALID, "must be a whole number from 1 to 3650")
        values["days_before_bill_due"] = days
    if "billPrefix" in changes:
        prefix = changes["billPrefix"]
        if prefix is not None and not 1 <= len(prefix) <= MAX_CODE:
            problems.add("billPrefix", ErrorCode.INVALID, f"must be 1–{MAX_CODE} characters, or null for no numbering")
        values["bill_prefix"] = prefix or None
    if "sequenceStartNumber" in changes:
        start = changes["sequenceStartNumber"]
        if start is None or start < 0:
            problems.add("sequenceStartNumber", ErrorCode.INVALID, "must be 0 or more")
        values["sequence_start_number"] = start


def _check_conversions(changes: Mapping[str, Any], problems: ProblemCollector, values: dict, codes: set[str]) -> None:
    if "currencyConversions" not in changes:
        return
    stored, seen = [], set()
    for index, conversion in enumerate(changes["currencyConversions"] or []):
        at = problems.under("currencyConversions", index)
        for side in ("from", "to"):
            if conversion.get(side) not in codes:
                at.add(side, ErrorCode.NOT_FOUND, f"no currency with code {conversion.get(side)!r}")
        if conversion.get("from") == conversion.get("to"):
            at.add("to", ErrorCode.INVALID, "must differ from 'from'")
        pair = (conversion.get("from"), conversion.get("to"))
        if pair in seen:
            at.add("from", ErrorCode.DUPLICATE, f"a conversion from {pair[0]} to {pair[1]} is listed twice")
        seen.add(pair)
        try:
            multiplier = Decimal(str(conversion.get("multiplier")))
            if not multiplier.is_finite() or multiplier <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            at.add("multiplier", ErrorCode.INVALID, "must be a number greater than 0")
            continue
        stored.append({"from": pair[0], "to": pair[1], "multiplier": str(multiplier)})
    values["currency_conversions"] = stored
