"""Auto-approval (SEMANTICS §13.2 rule 4), a pass of the scheduler tick with "now" given.

A PENDING, unlocked bill of an organization with a grace period is approved at
`max(period end, created) + grace`; one the schedule approved before (an automatic
recalculation returned it to PENDING) waits for its late-data window to close too. A bill
a client's job recalculated is never auto-approved again (`auto_approve_blocked`, set
when the bill is stored). The UPDATE re-checks every condition under the row lock, so a
bill recalculated or locked meanwhile is left as it is.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from app.db import connection
from app.domain import scheduling
from app.domain.timezones import local_midnight, parse_timezone
from app.models.billing import Bill
from app.models.organization import OrganizationConfig
from app.services.events import bills as bill_events

ACTOR = "scheduler"


async def auto_approve_bills(config: OrganizationConfig, now: datetime) -> list[uuid.UUID]:
    """Approve the organization's bills due for auto-approval at `now`; their ids."""
    if config.auto_approve_bills_grace_period is None or config.auto_approve_bills_grace_period_unit is None:
        return []
    grace = scheduling.grace_period(
        config.auto_approve_bills_grace_period, scheduling.GraceUnit(config.auto_approve_bills_grace_period_unit)
    )
    tz = parse_timezone(config.timezone)
    candidates = await Bill.filter(
        organization_id=config.organization_id, status="PENDING", locked=False, auto_approve_blocked=False
    ).only("id", "end_date", "dt_created", "auto_approved")
    due = [b.id for b in candidates if _approve_at(b, tz, grace) <= now]
    if not due:
        return []
    async with connection() as conn, conn.transaction():
        old = await bill_events.bill_snapshots(conn, config.organization_id, due, lock=True)
        rows = await conn.fetch(
            """UPDATE bills SET status = 'APPROVED', auto_approved = true, version = version + 1,
                   dt_last_modified = now(), last_modified_by = $3
               WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND status = 'PENDING' AND NOT locked
                 AND NOT auto_approve_blocked
               RETURNING id""",
            config.organization_id,
            due,
            ACTOR,
        )
        approved = [r["id"] for r in rows]
        events = [(bill_events.APPROVED, bill_id, old[bill_id]) for bill_id in approved]
        await bill_events.record_bill_events(conn, config.organization_id, events)
    return approved


def _approve_at(bill: Bill, tz, grace) -> datetime:
    period_end = local_midnight(bill.end_date, tz)  # a bill's end date is the day after its period
    at = scheduling.auto_approve_at(period_end, bill.dt_created, grace)
    if bill.auto_approved:  # returned to PENDING by a scheduled run: once the window has closed
        at = max(at, scheduling.window_close(period_end, None))
    return at
