"""`scheduled.billrun.completed` (SEMANTICS §14.1): recorded once, when the last bill job of
a scheduled run ends, in that job's ending transaction.

Exactly once: every job of the run locks the run's row after its own status change and
before looking at its siblings, so of two jobs ending together the second waits for the
first's commit and is the one that sees every job ended.

Counts: `created` / `updated` are the run's `billing.bill.created|updated` events;
`unchanged` the bills of the run's accounts and bill dates that none of its jobs wrote
(a scheduled recalculation that changed nothing, or a locked bill); `failed` the accounts
its jobs could not bill.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.services.events.payloads import api_value
from app.services.events.record import Connection, fetch_rows, record_event

COMPLETED = "scheduled.billrun.completed"
TERMINAL = ["COMPLETE", "FAILED", "CANCELLED"]

_RUN_OF_JOB = """SELECT r.id, r.run_at, r.bill_job_ids FROM scheduled_runs AS r
    WHERE r.organization_id = $1 AND r.bill_job_ids @> jsonb_build_array($2::text) FOR UPDATE"""

_COUNTS = """
WITH jobs AS (
    SELECT j.id, j.status, j.failed, j.bill_date, j.account_ids FROM bill_jobs AS j
    WHERE j.organization_id = $1 AND j.id = ANY($2::uuid[])
)
SELECT (SELECT count(*) FROM jobs WHERE status <> ALL($3::varchar[])) AS open,
       (SELECT coalesce(sum(failed), 0) FROM jobs) AS failed,
       (SELECT count(*) FROM event AS e
        WHERE e.organization_id = $1 AND e.type = 'billing.bill.created'
          AND e.payload -> 'new' ->> 'billJobId' = ANY($4::text[])) AS created,
       (SELECT count(*) FROM event AS e
        WHERE e.organization_id = $1 AND e.type = 'billing.bill.updated'
          AND e.payload -> 'new' ->> 'billJobId' = ANY($4::text[])) AS updated,
       (SELECT count(*) FROM jobs AS j
        JOIN bills AS b ON b.organization_id = $1 AND b.bill_date = j.bill_date
         AND b.account_id::text IN (SELECT jsonb_array_elements_text(j.account_ids))
        WHERE b.bill_job_id IS DISTINCT FROM j.id) AS unchanged
"""


async def record_run_if_complete(connection: Connection, organization_id: uuid.UUID, job_id: uuid.UUID) -> bool:
    """Call in the transaction that ended the job `job_id`: records the run's event when the
    job is the last of its run to end. True when it did."""
    runs = await fetch_rows(connection, _RUN_OF_JOB, [organization_id, str(job_id)])
    if not runs:
        return False  # not a scheduled job
    run = runs[0]
    job_ids = [str(j) for j in _json_list(run["bill_job_ids"])]
    [counts] = await fetch_rows(
        connection, _COUNTS, [organization_id, [uuid.UUID(j) for j in job_ids], TERMINAL, job_ids]
    )
    if counts["open"]:
        return False
    await record_run_completed(
        connection,
        organization_id,
        run["id"],
        run_at=run["run_at"],
        job_ids=job_ids,
        counts={k: int(counts[k]) for k in ("created", "updated", "unchanged", "failed")},
    )
    return True


async def record_run_completed(
    connection: Connection,
    organization_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    run_at: Any,
    job_ids: list[str],
    counts: dict[str, int],
) -> None:
    payload = {"id": str(run_id), "runAt": api_value(run_at), "billJobIds": job_ids, **counts}
    await record_event(connection, organization_id, COMPLETED, "scheduledrun", run_id, payload)


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return list(json.loads(value))
    return list(value or [])
