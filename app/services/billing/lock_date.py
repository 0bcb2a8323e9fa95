"""The organization's global bill lock date (SEMANTICS §13.2 rule 5).

Setting `billLockDate = L` locks every bill whose period's last day (`billDate - 1`) is on
or before L, recorded as locked by the lock date (`locked_by_lock_date`). It is refused,
naming them, while any such bill is PENDING. Moving L back, or clearing it, unlocks only
the bills the lock date locked: a bill a person locked (`lockBill`) stays locked.

Locked bills are skipped by every bill job, recalculation and scheduled run (they check
`locked`), and `lock_date_for_share` keeps them from creating a bill inside the locked
range (`persist`, `persist_many`).

Concurrency: a change of the lock date holds the organization's lock-date advisory lock
exclusively, then the config row and the bills in range `FOR UPDATE` in id order (as
approving bills does, so the two cannot deadlock). Bill writers hold the same advisory
lock shared (writers do not wait for each other) before they read the date and lock any
bill row. So a job storing bills and a change of the date take turns, even the first time
a date is set (when there is no config row to lock yet): the PENDING check sees every bill
a writer committed, and a writer sees the date committed before it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from app.domain.billing.invoice_dates import latest_locked_bill_date
from app.domain.date_range import date_problem
from app.models.billing import Bill, BillConfig
from app.services.billing.commands import UpdateBillConfig, input_name
from app.services.errors import ErrorCode, fail
from app.services.events import bills as bill_events
from app.services.events import changes as config_events
from app.services.versioning import refuse_stale

PENDING = "PENDING"
NAMED_AT_MOST = 20  # PENDING bills named in a refusal; the rest are counted


async def get_bill_config(organization_id: uuid.UUID) -> BillConfig:
    """The stored settings, or the defaults (no lock date, version 1) of an organization that never set them."""
    found = await BillConfig.filter(organization_id=organization_id).first()
    return found or BillConfig(organization_id=organization_id, bill_lock_date=None, version=1)


async def update_bill_config(organization_id: uuid.UUID, command: UpdateBillConfig, *, actor: str) -> BillConfig:
    new = command.bill_lock_date
    if new is not None and (problem := date_problem(new)):
        raise fail(("input", input_name(UpdateBillConfig, "bill_lock_date")), ErrorCode.INVALID, problem)
    async with in_transaction() as conn:
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [_lock_key(organization_id)])
        await conn.execute_query(
            "INSERT INTO bill_configs (id, organization_id, version, dt_created, dt_last_modified, bill_lock_date)"
            " VALUES ($1, $2, 1, now(), now(), NULL) ON CONFLICT (organization_id) DO NOTHING",
            [uuid.uuid4(), organization_id],
        )
        row = await BillConfig.filter(organization_id=organization_id).select_for_update().using_db(conn).get()
        refuse_stale(row, command.version, ("input", input_name(UpdateBillConfig, "version")))
        await _apply(conn, organization_id, new, actor)
        await (
            BillConfig.filter(organization_id=organization_id, id=row.id)
            .using_db(conn)
            .update(**_changed(actor, bill_lock_date=new))
        )
        updated = await BillConfig.filter(organization_id=organization_id).using_db(conn).get()
        await config_events.updated(config_events.snapshot(row), updated, connection=conn)  # billing.billconfig.updated
        return updated


async def lock_date_for_share(conn: asyncpg.Connection, organization_id: uuid.UUID) -> date | None:
    """The lock date, unchangeable until the bill writer's transaction ends (call it before
    locking any bill row: a change of the date takes its lock, then bills)."""
    await conn.execute("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))", _lock_key(organization_id))
    # A statement of its own: its snapshot is taken once the lock is held.
    value = await conn.fetchval("SELECT bill_lock_date FROM bill_configs WHERE organization_id = $1", organization_id)
    return value if isinstance(value, date) else None


def _lock_key(organization_id: uuid.UUID) -> str:
    return f"metergraph:bill-lock-date:{organization_id}"


def _changed(actor: str, **changes: Any) -> dict[str, Any]:
    return {**changes, "version": F("version") + 1, "last_modified_by": actor, "dt_last_modified": datetime.now(UTC)}


async def _apply(conn: Any, organization_id: uuid.UUID, lock_date: date | None, actor: str) -> None:
    """Lock the unlocked bills the date covers, unlock those the lock date locked that it no
    longer covers; refused (nothing changed) if a bill to lock is PENDING. Both sets are
    locked in one statement in id order, the order approving bills takes."""
    latest = latest_locked_bill_date(lock_date) if lock_date is not None else None
    to_unlock = Q(locked_by_lock_date=True) if latest is None else Q(locked_by_lock_date=True, bill_date__gt=latest)
    wanted = to_unlock if latest is None else to_unlock | Q(locked=False, bill_date__lte=latest)
    rows = await (
        Bill.filter(wanted, organization_id=organization_id)
        .order_by("id")
        .select_for_update()
        .using_db(conn)
        .values("id", "status", "locked", "account_code", "bill_date")
    )
    lock = [r for r in rows if not r["locked"]]
    pending = sorted((r for r in lock if r["status"] == PENDING), key=lambda r: (r["bill_date"], str(r["id"])))
    if pending:
        raise fail(
            ("input", input_name(UpdateBillConfig, "bill_lock_date")), ErrorCode.INVALID_STATE, _refusal(pending)
        )
    old = await bill_events.bill_snapshots(conn, organization_id, [r["id"] for r in rows])
    for ids, locked in (([r["id"] for r in lock], True), ([r["id"] for r in rows if r["locked"]], False)):
        if ids:
            await (
                Bill.filter(organization_id=organization_id, id__in=ids)
                .using_db(conn)
                .update(**_changed(actor, locked=locked, locked_by_lock_date=locked))
            )
            # Locked by the date: .locked; unlocked by moving it back: .updated.
            kind = bill_events.LOCKED if locked else bill_events.UPDATED
            await bill_events.record_bill_events(conn, organization_id, [(kind, i, old[i]) for i in ids])


def _refusal(pending: list[dict[str, Any]]) -> str:
    named = ", ".join(f"{r['id']} ({r['account_code']}, {r['bill_date']})" for r in pending[:NAMED_AT_MOST])
    more = f" and {len(pending) - NAMED_AT_MOST} more" if len(pending) > NAMED_AT_MOST else ""
    return f"{len(pending)} PENDING bill(s) fall on or before the lock date; approve them first: {named}{more}"
