"""The bill job row: status transitions, heartbeat and progress publishing (SEMANTICS §7.4).

Every transition is one conditional UPDATE (`WHERE status IN ...`), so concurrent workers,
the sweep and `cancelBillJob` never overwrite each other's decision: PENDING →
INITIALIZING → RUNNING → COMPLETE, or → CANCELLED / FAILED from any non-terminal status.
A change a subscriber should see bumps `version`; the heartbeat alone does not.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from app.db import connection
from app.models.billing import BillJob
from app.progress import publish_progress
from app.services.billing.claims import JOB_RESULT_BILL_IDS
from app.services.billing.progress import Progress
from app.services.events import bills as bill_events
from app.services.events.scheduled import record_run_if_complete

log = logging.getLogger("metergraph.billing")

PENDING, INITIALIZING, RUNNING = "PENDING", "INITIALIZING", "RUNNING"
COMPLETE, CANCELLED, FAILED = "COMPLETE", "CANCELLED", "FAILED"
ACTIVE = (PENDING, INITIALIZING, RUNNING)
TERMINAL = (COMPLETE, CANCELLED, FAILED)


async def load_job(organization_id: uuid.UUID, job_id: uuid.UUID) -> BillJob | None:
    return await BillJob.filter(organization_id=organization_id, id=job_id).first()


async def transition(
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    to: str,
    from_statuses: tuple[str, ...],
    *,
    actor: str | None = None,
    reason: str | None = None,
) -> bool:
    """Move the job to `to` if it is in one of `from_statuses`; False when it was not.
    An ending (COMPLETE, FAILED, CANCELLED) writes the job's bills into `result_bill_ids`
    and records its event in the same transaction."""
    async with connection() as conn, conn.transaction():
        if to in TERMINAL:
            # The job row first, then the UPDATE in a statement of its own: its snapshot, taken
            # once the lock is held, sees every chunk that finished before (a chunk holds this
            # row while it finishes), so the bills it lists miss none; a chunk finishing after
            # waits for this commit and adds its own (claims._FINISH).
            await conn.execute(
                "SELECT 1 FROM bill_jobs WHERE organization_id = $1 AND id = $2 FOR UPDATE", organization_id, job_id
            )
        changed = await conn.fetchval(
            f"""UPDATE bill_jobs SET status = $3::varchar, version = version + 1, dt_last_modified = now(),
                   dt_heartbeat = now(),
                   dt_started = CASE WHEN $3::varchar = 'INITIALIZING' THEN coalesce(dt_started, now())
                                     ELSE dt_started END,
                   dt_completed = CASE WHEN $3::varchar IN ('COMPLETE', 'CANCELLED', 'FAILED') THEN now()
                                       ELSE dt_completed END,
                   result_bill_ids = CASE WHEN $3::varchar IN ('COMPLETE', 'CANCELLED', 'FAILED')
                                          THEN {JOB_RESULT_BILL_IDS} ELSE result_bill_ids END,
                   failure_reason = coalesce($5::text, failure_reason),
                   last_modified_by = coalesce($6::varchar, last_modified_by)
               WHERE organization_id = $1 AND id = $2 AND status = ANY($4::varchar[])
               RETURNING id""",
            organization_id,
            job_id,
            to,
            list(from_statuses),
            reason,
            actor,
        )
        if changed is not None and to in TERMINAL:
            await bill_events.record_job_event(conn, organization_id, job_id, to)
            await record_run_if_complete(conn, organization_id, job_id)
    return changed is not None


async def complete_if_done(organization_id: uuid.UUID, job_id: uuid.UUID) -> bool:
    """COMPLETE when no account is left. Every worker asks after its own last commit, so
    the last one to finish sees every other worker's rows and completes the job."""
    async with connection() as conn, conn.transaction():
        changed = await conn.fetchval(
            f"""UPDATE bill_jobs SET status = 'COMPLETE', version = version + 1, dt_completed = now(),
                   dt_last_modified = now(), dt_heartbeat = now(), result_bill_ids = {JOB_RESULT_BILL_IDS}
               WHERE organization_id = $1 AND id = $2 AND status = 'RUNNING'
                 AND NOT EXISTS (SELECT 1 FROM bill_job_accounts
                                 WHERE organization_id = $1 AND bill_job_id = $2 AND status = 'PENDING')
               RETURNING id""",
            organization_id,
            job_id,
        )
        if changed is not None:
            await bill_events.record_job_event(conn, organization_id, job_id, COMPLETE)
            await record_run_if_complete(conn, organization_id, job_id)
    return changed is not None


async def heartbeat(organization_id: uuid.UUID, job_id: uuid.UUID) -> None:
    async with connection() as conn:
        await conn.execute(
            "UPDATE bill_jobs SET dt_heartbeat = now() WHERE organization_id = $1 AND id = $2", organization_id, job_id
        )


async def publish(redis: Any | None, organization_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Publish the job's current row (read after the commit that changed it)."""
    if redis is None:
        return
    job = await load_job(organization_id, job_id)
    if job is not None:
        await publish_progress(redis, job)


async def publish_returned(redis: Any | None, progress: Progress | None) -> None:
    """Publish the progress a committed statement returned (None: it changed nothing)."""
    if redis is not None and progress is not None:
        await publish_progress(redis, progress)


async def status_of(organization_id: uuid.UUID, job_id: uuid.UUID) -> str | None:
    async with connection() as conn:
        return await conn.fetchval(
            "SELECT status FROM bill_jobs WHERE organization_id = $1 AND id = $2", organization_id, job_id
        )
