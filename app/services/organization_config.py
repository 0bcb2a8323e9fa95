"""Organization configuration (SEMANTICS §2.1): read, and validated partial updates."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.transactions import in_transaction

from app.domain.billing.balances_input import check_credit_order
from app.domain.billing.invoice_dates import ExternalInvoiceDate
from app.domain.given import NOT_GIVEN, given, input_name
from app.domain.naming import MAX_CODE, custom_fields_problem
from app.domain.timezones import parse_timezone
from app.models.organization import OrganizationConfig
from app.services import currencies
from app.services.billed_periods import ORGANIZATION_BILLED, organization_billed
from app.services.errors import ErrorCode, ProblemCollector
from app.services.rate_limits import config as rate_limit_config
from app.services.scheduling.settings import check_schedule
from app.services.versioning import update_versioned

STATEMENT_MODES = ("NONE", "JSON", "JSON_AND_CSV")
# `last_invoice_number` is a 32-bit column (max 2,147,483,647) advanced from the start
# number: a start above this bound left too little room, and at 2,147,483,647 the first
# numbered bill could not be stored at all. Up to 999,999,999 leaves over a billion numbers.
MAX_SEQUENCE_START = 999_999_999
# Fields set as given, each into the column of the same name (null is refused).
SIMPLE_FIELDS = (
    "day_epoch",
    "week_epoch",
    "month_epoch",
    "year_epoch",
    "standing_charge_bill_in_advance",
    "minimum_spend_bill_in_advance",
    "commitment_fee_bill_in_advance",
    "allow_overlapping_plans",
    "suppressed_empty_bills",
)
# A conversion as stored: {"from", "to", "multiplier"}; rate limits as
# `rate_limits.config` stores them: {name: {"requestsPerSecond", "burst"} or None}.
Conversion = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class UpdateOrganizationConfig:
    """Only the fields given (not `NOT_GIVEN`) change; problems are reported at each
    field's input name (`input_name`)."""

    version: int
    timezone: str | None = NOT_GIVEN
    currency: str | None = NOT_GIVEN
    day_epoch: date | None = NOT_GIVEN
    week_epoch: date | None = NOT_GIVEN
    month_epoch: date | None = NOT_GIVEN
    year_epoch: date | None = NOT_GIVEN
    days_before_bill_due: int | None = NOT_GIVEN
    standing_charge_bill_in_advance: bool | None = NOT_GIVEN
    minimum_spend_bill_in_advance: bool | None = NOT_GIVEN
    commitment_fee_bill_in_advance: bool | None = NOT_GIVEN
    currency_conversions: Sequence[Conversion] | None = NOT_GIVEN
    allow_overlapping_plans: bool | None = NOT_GIVEN
    bill_prefix: str | None = NOT_GIVEN
    sequence_start_number: int | None = NOT_GIVEN
    suppressed_empty_bills: bool | None = NOT_GIVEN
    custom_fields: Any = NOT_GIVEN
    rate_limits: Mapping[str, Any] | None = NOT_GIVEN
    scheduled_bill_interval: Decimal | None = NOT_GIVEN
    scheduled_bill_offset: int | None = NOT_GIVEN
    auto_approve_bills_grace_period: int | None = NOT_GIVEN
    auto_approve_bills_grace_period_unit: str | None = NOT_GIVEN
    external_invoice_date: str | None = NOT_GIVEN
    auto_generate_statement_mode: str | None = NOT_GIVEN
    credit_application_order: Sequence[str] | None = NOT_GIVEN
    export_retention_days: int | None = NOT_GIVEN


async def get_config(organization_id: uuid.UUID) -> OrganizationConfig:
    return await OrganizationConfig.get(organization_id=organization_id)


async def update_config(
    organization_id: uuid.UUID, command: UpdateOrganizationConfig, *, actor: str
) -> OrganizationConfig:
    async with in_transaction():
        changes = given(command)
        config = await get_config(organization_id)
        problems = ProblemCollector()
        values = {name: changes[name] for name in SIMPLE_FIELDS if name in changes}
        for name in SIMPLE_FIELDS:
            if name in changes and changes[name] is None:
                problems.add(_path(name), ErrorCode.REQUIRED, "cannot be null")
        # Held until the update commits: a currency deleted meanwhile is not left named (see `currencies`).
        currency_codes = await currencies.held_codes(organization_id)
        _check_timezone(changes, problems, values)
        _check_currency(changes, problems, values, currency_codes)
        _check_numbers(changes, problems, values)
        _check_conversions(changes, problems, values, currency_codes)
        _check_external_invoice_date(changes, problems, values)
        _check_statement_mode(changes, problems, values)
        if "credit_application_order" in changes:  # SEMANTICS §11.1; null: [PREPAYMENT, BALANCE]
            order = changes["credit_application_order"]
            values["credit_application_order"] = check_credit_order(order, problems, _path("credit_application_order"))
        _check_export_retention(changes, problems, values)
        check_schedule(changes, config, problems, values)
        await _refuse_moving_billed_periods(organization_id, config, problems, values)
        if "custom_fields" in changes:
            if msg := custom_fields_problem(changes["custom_fields"] or {}):
                problems.add("customFields", ErrorCode.INVALID, msg)
            values["custom_fields"] = changes["custom_fields"] or {}
        if "rate_limits" in changes:
            values["rate_limits"] = rate_limit_config.checked_overrides(
                {} if changes["rate_limits"] is None else config.rate_limits, changes["rate_limits"] or {}, problems
            )
        problems.raise_if_any()
        updated = await update_versioned(OrganizationConfig, organization_id, config.id, command.version, values, actor)
    rate_limit_config.forget(organization_id)
    return updated


# What cuts bill periods (SEMANTICS §7.1): see `billed_periods`.
PERIOD_FIELDS = ("timezone", "day_epoch", "week_epoch", "month_epoch", "year_epoch")


async def _refuse_moving_billed_periods(
    organization_id: uuid.UUID, config: OrganizationConfig, problems: ProblemCollector, values: dict
) -> None:
    moved = [
        name
        for name in PERIOD_FIELDS
        if values.get(name) is not None and _moves(name, getattr(config, name), values[name])
    ]
    if moved and await organization_billed(organization_id):
        for name in moved:
            problems.add(_path(name), ErrorCode.INVALID_STATE, ORGANIZATION_BILLED)


def _moves(name: str, current: Any, new: Any) -> bool:
    if name == "timezone":  # `UTC+1:00` and `+01:00` are one zone
        return bool(parse_timezone(current) != parse_timezone(new))
    return bool(current != new)


def _check_statement_mode(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    """SEMANTICS §12.2 rule 2: NONE | JSON | JSON_AND_CSV, never null."""
    if "auto_generate_statement_mode" not in changes:
        return
    value = changes["auto_generate_statement_mode"]
    if value not in STATEMENT_MODES:
        problems.add(
            _path("auto_generate_statement_mode"), ErrorCode.INVALID, f"must be one of {', '.join(STATEMENT_MODES)}"
        )
    else:
        values["auto_generate_statement_mode"] = value


def _check_external_invoice_date(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    """SEMANTICS §13.1: FIRST_DAY_OF_NEXT_PERIOD | LAST_DAY_OF_ARREARS, never null."""
    if "external_invoice_date" not in changes:
        return
    value = changes["external_invoice_date"]
    if value is None:
        problems.add(_path("external_invoice_date"), ErrorCode.REQUIRED, "cannot be null")
    elif value not in {rule.value for rule in ExternalInvoiceDate}:
        problems.add(
            _path("external_invoice_date"), ErrorCode.INVALID, f"{value!r} is not an external invoice date rule"
        )
    else:
        values["external_invoice_date"] = value


def _check_export_retention(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    """SEMANTICS §15.2 rule 3: 1–90 days."""
    if "export_retention_days" not in changes:
        return
    days = changes["export_retention_days"]
    if days is None or not 1 <= days <= 90:
        problems.add(_path("export_retention_days"), ErrorCode.INVALID, "must be a whole number from 1 to 90")
    values["export_retention_days"] = days


def _check_timezone(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    if "timezone" not in changes:
        return
    if changes["timezone"] is None:
        problems.add("timezone", ErrorCode.REQUIRED, "cannot be null")
        return
    try:
        parse_timezone(changes["timezone"] or "")
        values["timezone"] = changes["timezone"]
    except ValueError as exc:
        problems.add("timezone", ErrorCode.INVALID, str(exc))


def _check_currency(changes: Mapping[str, Any], problems: ProblemCollector, values: dict, codes: set[str]) -> None:
    if "currency" not in changes:
        return
    if changes["currency"] is None:
        problems.add("currency", ErrorCode.REQUIRED, "cannot be null")
    elif changes["currency"] not in codes:
        problems.add("currency", ErrorCode.NOT_FOUND, f"no currency with code {changes['currency']!r}")
    values["currency"] = changes["currency"]


def _path(name: str) -> str:
    return input_name(UpdateOrganizationConfig, name)


def _check_numbers(changes: Mapping[str, Any], problems: ProblemCollector, values: dict) -> None:
    if "days_before_bill_due" in changes:
        days = changes["days_before_bill_due"]
        if days is None:
            problems.add("daysBeforeBillDue", ErrorCode.REQUIRED, "cannot be null")
        elif not 0 < days <= 3650:
            problems.add("daysBeforeBillDue", ErrorCode.INVALID, "must be a whole number from 1 to 3650")
        values["days_before_bill_due"] = days
    if "bill_prefix" in changes:
        prefix = changes["bill_prefix"]
        if prefix is not None and not 1 <= len(prefix) <= MAX_CODE:
            problems.add("billPrefix", ErrorCode.INVALID, f"must be 1–{MAX_CODE} characters, or null for no numbering")
        values["bill_prefix"] = prefix or None
    if "sequence_start_number" in changes:
        start = changes["sequence_start_number"]
        if start is None:
            problems.add("sequenceStartNumber", ErrorCode.REQUIRED, "cannot be null")
        elif not 0 <= start <= MAX_SEQUENCE_START:
            problems.add(
                "sequenceStartNumber", ErrorCode.INVALID, f"must be a whole number from 0 to {MAX_SEQUENCE_START:,}"
            )
        values["sequence_start_number"] = start


def _check_conversions(changes: Mapping[str, Any], problems: ProblemCollector, values: dict, codes: set[str]) -> None:
    if "currency_conversions" not in changes:
        return
    stored, seen = [], set()
    for index, conversion in enumerate(changes["currency_conversions"] or []):
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
