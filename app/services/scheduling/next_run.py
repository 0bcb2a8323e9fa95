"""When an organization's next scheduled run is (shown on its configuration)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from app.domain import scheduling
from app.domain.timezones import parse_timezone
from app.models.organization import OrganizationConfig


def next_scheduled_run(config: OrganizationConfig, now: datetime) -> datetime | None:
    """The first run instant after `now`; None when the schedule is off."""
    interval = Decimal(config.scheduled_bill_interval)
    return scheduling.next_run(interval, config.scheduled_bill_offset, parse_timezone(config.timezone), now)
