"""The organization's schedule settings (SEMANTICS §13.1), checked as one: an offset only
with the daily interval, and a grace period only with its unit."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.scheduling import DAILY, GraceUnit, interval_problem, offset_problem
from app.models.organization import OrganizationConfig
from app.services.errors import ErrorCode, ProblemCollector

INTERVAL, OFFSET = "scheduled_bill_interval", "scheduled_bill_offset"
GRACE, UNIT = "auto_approve_bills_grace_period", "auto_approve_bills_grace_period_unit"
_PATHS = {
    INTERVAL: "scheduledBillInterval",
    OFFSET: "scheduledBillOffset",
    GRACE: "autoApproveBillsGracePeriod",
    UNIT: "autoApproveBillsGracePeriodUnit",
}


def check_schedule(
    changes: Mapping[str, Any], config: OrganizationConfig, problems: ProblemCollector, values: dict
) -> None:
    """Validate the schedule fields given, against the stored ones, into `values`."""
    _check_interval(changes, config, problems, values)
    _check_grace(changes, config, problems, values)


def _check_interval(
    changes: Mapping[str, Any], config: OrganizationConfig, problems: ProblemCollector, values: dict
) -> None:
    if INTERVAL not in changes and OFFSET not in changes:
        return
    interval = _decimal(changes.get(INTERVAL, config.scheduled_bill_interval))
    if interval is None or (msg := interval_problem(interval)) is not None:
        problems.add(_PATHS[INTERVAL], ErrorCode.INVALID, "must be one of 0, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24 hours")
        return
    values[INTERVAL] = interval
    if OFFSET in changes:
        offset = changes[OFFSET] or 0
        if msg := offset_problem(interval, offset):
            problems.add(_PATHS[OFFSET], ErrorCode.INVALID, msg)
        values[OFFSET] = offset
    elif interval != DAILY:
        # Leaving the daily schedule drops its hour: an offset means nothing at other intervals.
        values[OFFSET] = 0


def _check_grace(
    changes: Mapping[str, Any], config: OrganizationConfig, problems: ProblemCollector, values: dict
) -> None:
    if GRACE not in changes and UNIT not in changes:
        return
    amount = changes.get(GRACE, config.auto_approve_bills_grace_period)
    unit = changes.get(UNIT, config.auto_approve_bills_grace_period_unit)
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0):
        problems.add(_PATHS[GRACE], ErrorCode.INVALID, "must be a whole number greater than 0, or null for none")
    if unit is not None and unit not in GraceUnit.__members__:
        problems.add(_PATHS[UNIT], ErrorCode.INVALID, "must be MINUTES, HOURS or DAYS")
    if (amount is None) != (unit is None):
        missing = UNIT if unit is None else GRACE
        problems.add(_PATHS[missing], ErrorCode.REQUIRED, "the grace period and its unit are set together, or neither")
    values[GRACE], values[UNIT] = amount, unit


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None
