"""The statements sweep: bills approved or locked recently whose statement job was lost.

`request_statements` enqueues after the approval committed, and only logs an enqueue that
fails (Redis down for a moment, the API killed between commit and enqueue), so without a
sweep such a bill would wait for someone to ask for its statement. Every few minutes the
worker looks for bills that became APPROVED or locked (their `billing.bill.approved` or
`billing.bill.locked` event, written in the approving transaction) between a day and a
few minutes ago, in organizations whose `autoGenerateStatementMode` is not NONE, and that
still have no current statement; it generates them itself. The recent window keeps it
from generating statements for bills approved before the organization chose a mode
**(decision)**; the grace of a few minutes leaves the enqueued job its chance first.
Generating twice is impossible: `generate_due_statements` locks the bill and skips it
when a current statement exists.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from app.db import connection
from app.services.events.bills import APPROVED, LOCKED
from app.services.statements.generate import generate_due_statements

WINDOW = timedelta(days=1)
GRACE = timedelta(minutes=3)
# Bills per organization per pass: a pass stays short; the next one takes the rest.
BATCH = 500

_DUE = """
SELECT DISTINCT b.id FROM event AS e
JOIN bills AS b ON b.organization_id = e.organization_id AND b.id = e.entity_id
WHERE e.organization_id = $1 AND e.type = ANY($2::text[]) AND e.occurred_at >= $3 AND e.occurred_at < $4
  AND (b.status = 'APPROVED' OR b.locked)
  AND (b.statement_stale OR NOT b.json_statement_generated OR ($5 AND NOT b.csv_statement_generated))
LIMIT $6"""


async def sweep_due_statements(now: datetime) -> int:
    """Generate the statements lost enqueues left missing; how many bills got one."""
    async with connection() as conn:
        modes = await conn.fetch(
            "SELECT organization_id, auto_generate_statement_mode FROM organization_configs"
            " WHERE auto_generate_statement_mode <> 'NONE'"
        )
    made = 0
    for row in modes:
        organization_id: uuid.UUID = row["organization_id"]
        with_csv = row["auto_generate_statement_mode"] == "JSON_AND_CSV"
        async with connection() as conn:
            due = await conn.fetch(
                _DUE, organization_id, [APPROVED, LOCKED], now - WINDOW, now - GRACE, with_csv, BATCH
            )
        if due:
            made += await generate_due_statements(organization_id, [r["id"] for r in due])
    return made
