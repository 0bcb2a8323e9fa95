"""Counter adjustments (SEMANTICS §8.1, §8.3, §13.2 rule 5): the absolute count of a
counter for an account from a date on.

Nothing changes inside a locked range **(our rule)**: an adjustment dated on or before the
organization's bill lock date, or inside the service period of a counter line (same
counter, same account) on a locked bill, cannot be created, changed or deleted; a change
checks both its old and its new date. The lock date is read under the bill writers'
shared advisory lock, so a lock date being set waits for this change and this change sees
a date set before it."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.domain.billing.counters_checks import CounterAdjustmentDraft, check_adjustment
from app.domain.given import given
from app.domain.ids import as_uuid
from app.domain.timezones import local_midnight, parse_timezone
from app.models.accounts import Account
from app.models.counters import Counter, CounterAdjustment
from app.models.organization import OrganizationConfig
from app.services import events
from app.services.catalog.entities import delete_versioned
from app.services.counters.commands import CreateCounterAdjustment, UpdateCounterAdjustment
from app.services.errors import ErrorCode, ProblemCollector, fail
from app.services.versioning import get_owned, update_versioned

_LOCKED_LINE = """SELECT b.id, b.bill_date FROM bill_line_items AS l
    JOIN bills AS b ON b.organization_id = l.organization_id AND b.id = l.bill_id
    WHERE l.organization_id = $1 AND b.account_id = $2 AND l.counter_id = $3 AND b.locked
      AND l.service_period_start <= $4 AND $4 < l.service_period_end
    LIMIT 1"""


async def create_counter_adjustment(
    organization_id: uuid.UUID, command: CreateCounterAdjustment, actor: str
) -> CounterAdjustment:
    data = command.adjustment
    at = ProblemCollector()
    counter_id = await _exists(Counter, organization_id, data.get("counterId"), "counterId", "counter", at)
    account_id = await _exists(Account, organization_id, data.get("accountId"), "accountId", "account", at)
    values = check_adjustment(data, at)
    at.raise_if_any()
    assert counter_id is not None and account_id is not None
    try:
        async with in_transaction() as connection:
            await _refuse_locked(connection, organization_id, counter_id, account_id, values["date"])
            await _refuse_duplicate(organization_id, counter_id, account_id, values["date"])
            row = await CounterAdjustment.create(
                organization_id=organization_id,
                counter_id=counter_id,
                account_id=account_id,
                created_by=actor,
                last_modified_by=actor,
                **values,
            )
            await events.created(row)
    except IntegrityError as exc:  # a concurrent writer stored the same day meanwhile (the unique key)
        raise fail(("input", "date"), ErrorCode.DUPLICATE, "an adjustment of that day was just stored") from exc
    return row


async def update_counter_adjustment(
    organization_id: uuid.UUID, command: UpdateCounterAdjustment, actor: str
) -> CounterAdjustment:
    """Date, value and purchase order number may change; the counter and account may not."""
    row = await get_owned(CounterAdjustment, organization_id, command.adjustment_id)
    at = ProblemCollector()
    sent = given(command.changes)
    for name, key in (("counter_id", "counterId"), ("account_id", "accountId")):
        if name in sent and as_uuid(sent[name]) != getattr(row, name):
            at.add(key, ErrorCode.INVALID, "an adjustment keeps its counter and account; delete it and create another")
    stored = CounterAdjustmentDraft(date=row.date, value=row.value, purchase_order_number=row.purchase_order_number)
    own = {name: value for name, value in sent.items() if name in ("date", "value", "purchase_order_number")}
    values = check_adjustment(dataclasses.replace(stored, **own), at)
    at.raise_if_any()
    async with in_transaction() as connection:
        for day in {row.date, values["date"]}:
            await _refuse_locked(connection, organization_id, row.counter_id, row.account_id, day)
        if values["date"] != row.date:
            await _refuse_duplicate(organization_id, row.counter_id, row.account_id, values["date"])
        return await update_versioned(CounterAdjustment, organization_id, row.id, command.version, values, actor)


async def delete_counter_adjustment(organization_id: uuid.UUID, adjustment_id: uuid.UUID, *, version: int) -> None:
    row = await get_owned(CounterAdjustment, organization_id, adjustment_id)
    async with in_transaction() as connection:
        await _refuse_locked(connection, organization_id, row.counter_id, row.account_id, row.date)
        await delete_versioned(CounterAdjustment, organization_id, adjustment_id, version)


async def _exists(
    model: Any, organization_id: uuid.UUID, value: Any, key: str, label: str, at: ProblemCollector
) -> uuid.UUID | None:
    if value is None:
        at.add(key, ErrorCode.REQUIRED, "is required")
        return None
    found = as_uuid(value)
    if found is None or not await model.filter(organization_id=organization_id, id=found).exists():
        at.add(key, ErrorCode.NOT_FOUND, f"no {label} with id {value}")
        return None
    return found


async def _refuse_duplicate(
    organization_id: uuid.UUID, counter_id: uuid.UUID, account_id: uuid.UUID, day: date
) -> None:
    taken = await CounterAdjustment.filter(
        organization_id=organization_id, counter_id=counter_id, account_id=account_id, date=day
    ).first()
    if taken is not None:
        raise fail(
            ("input", "date"),
            ErrorCode.DUPLICATE,
            f"the account already has an adjustment of this counter dated {day} ({taken.id}): update that one",
        )


async def _refuse_locked(
    connection: BaseDBAsyncClient, organization_id: uuid.UUID, counter_id: uuid.UUID, account_id: uuid.UUID, day: date
) -> None:
    await connection.execute_query(
        "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", [f"metergraph:bill-lock-date:{organization_id}"]
    )
    config = await OrganizationConfig.filter(organization_id=organization_id).using_db(connection).first()
    _, rows = await connection.execute_query(
        "SELECT bill_lock_date FROM bill_configs WHERE organization_id = $1", [organization_id]
    )
    lock_date = rows[0]["bill_lock_date"] if rows else None
    if lock_date is not None and day <= lock_date:
        raise fail(
            ("input", "date"),
            ErrorCode.INVALID_STATE,
            f"{day} is inside the bill lock date {lock_date}: the bills of that range are locked",
        )
    tz = parse_timezone(config.timezone if config else "UTC")
    midnight = local_midnight(day, tz)
    _, locked = await connection.execute_query(_LOCKED_LINE, [organization_id, account_id, counter_id, midnight])
    if locked:
        raise fail(
            ("input", "date"),
            ErrorCode.INVALID_STATE,
            f"{day} is inside the service period of a counter line on locked bill {locked[0]['id']}",
        )
