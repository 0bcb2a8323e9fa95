"""`scheduled.bill.enddate` (SEMANTICS §14.1): a bill's late-data window has closed (§13.2
rule 2: 24 h after its period ends), so no scheduled run will change it again. Announced by
the scheduler tick of an organization with a schedule, once per bill.

Once: the tick takes a transaction-scoped advisory lock per organization, then records the
event for the bills whose window closed and that have no such event yet, in one statement.
Only windows that closed within `LOOKBACK_DAYS` are looked at, which bounds the query; a
scheduler stopped for longer does not announce the windows that closed meanwhile **(our
rule)**. The payload is the bill ({new}) without line items.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from app.domain import scheduling
from app.domain.timezones import local_date, local_midnight, parse_timezone
from app.models.billing import Bill
from app.models.organization import OrganizationConfig
from app.services.events.bills import record_bill_events

ENDDATE = "scheduled.bill.enddate"
LOOKBACK_DAYS = 7


async def announce_closed_windows(config: OrganizationConfig, now: datetime) -> int:
    """Record `scheduled.bill.enddate` for the organization's bills whose late-data window
    closed at or before `now`; how many (none without a schedule)."""
    if Decimal(config.scheduled_bill_interval) <= 0:
        return 0
    tz = parse_timezone(config.timezone)
    today = local_date(now, tz)
    async with in_transaction() as conn:
        await conn.execute_query(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [f"metergraph:enddate:{config.organization_id}"]
        )
        candidates = await (
            Bill.filter(
                organization_id=config.organization_id,
                end_date__gte=today - timedelta(days=LOOKBACK_DAYS + 2),
                end_date__lte=today,
            )
            .using_db(conn)
            .values("id", "end_date")
        )
        closed = [
            c["id"] for c in candidates if scheduling.window_close(local_midnight(c["end_date"], tz), None) <= now
        ]
        if not closed:
            return 0
        _, rows = await conn.execute_query(
            "SELECT entity_id FROM event WHERE organization_id = $1 AND type = $2 AND entity_id = ANY($3::uuid[])",
            [config.organization_id, ENDDATE, closed],
        )
        announced = {row["entity_id"] for row in rows}
        due = [bill_id for bill_id in closed if bill_id not in announced]
        return await record_bill_events(conn, config.organization_id, [(ENDDATE, bill_id, None) for bill_id in due])
