"""The count of a counter for an account at an instant (`counterValue`, SEMANTICS §8.2 `v(t)`):
the latest adjustment dated on or before the instant's local date in the organization's
timezone (an adjustment is effective from its date's local midnight)."""

from __future__ import annotations

import uuid
from datetime import datetime

from app.domain.ids import as_uuid
from app.domain.timezones import local_date, parse_timezone
from app.models.accounts import Account
from app.models.counters import Counter, CounterAdjustment
from app.models.organization import OrganizationConfig
from app.services.errors import ErrorCode, ProblemCollector


async def counter_value(
    organization_id: uuid.UUID, account_id: object, counter_id: object, at: datetime
) -> CounterAdjustment | None:
    """The adjustment in effect at `at` (None: none yet); unknown ids are input problems."""
    problems = ProblemCollector(base=())
    account = as_uuid(account_id)
    counter = as_uuid(counter_id)
    if account is None or not await Account.filter(organization_id=organization_id, id=account).exists():
        problems.add("accountId", ErrorCode.NOT_FOUND, f"no account with id {account_id}")
    if counter is None or not await Counter.filter(organization_id=organization_id, id=counter).exists():
        problems.add("counterId", ErrorCode.NOT_FOUND, f"no counter with id {counter_id}")
    if at.tzinfo is None:
        problems.add("at", ErrorCode.INVALID, "must include a UTC offset")
    problems.raise_if_any()
    config = await OrganizationConfig.filter(organization_id=organization_id).first()
    day = local_date(at, parse_timezone(config.timezone if config else "UTC"))
    return (
        await CounterAdjustment.filter(
            organization_id=organization_id, account_id=account, counter_id=counter, date__lte=day
        )
        .order_by("-date")
        .first()
    )
