"""Resuming bill jobs no worker is working on (DESIGN §1: the database knows what is unfinished).

A job that is PENDING, INITIALIZING or RUNNING and whose heartbeat (or creation, if it
never had one) is older than `STALE_AFTER` has no live worker: its enqueue was lost, or
its worker died. The sweep enqueues `run_bill_job` for it again, which resumes wherever
the job stands (leases of a dead worker's accounts expire and are claimed again).

Each enqueue has a fresh arq job id (none given): a fixed id would be refused while a
dead worker's arq job is still recorded as in progress, which lasts until its timeout.
The heartbeat is bumped in the same statement that picks the job, so concurrent or
frequent sweeps enqueue a stale job once per `STALE_AFTER`, not once per sweep. A live
worker that is merely slow gains a helper, which is harmless: claims are leased.

The sweep also deletes the usage rows (`job_usage`) of jobs that ended without deleting
them (a cancelled job no worker saw again, a worker that died right after completing).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from app.db import connection
from app.services.billing.job_usage import discard_ended_jobs_usage
from app.services.billing.run import Enqueue

log = logging.getLogger("metergraph.billing")

STALE_AFTER = timedelta(seconds=60)
SWEEP_LIMIT = 1000
RUN_JOB = "run_bill_job"


async def sweep_bill_jobs(*, enqueue: Enqueue, stale_after: timedelta = STALE_AFTER, limit: int = SWEEP_LIMIT) -> int:
    """Enqueue every stale unfinished bill job; returns how many were enqueued."""
    async with connection() as conn:
        rows = await conn.fetch(
            """UPDATE bill_jobs SET dt_heartbeat = now()
               WHERE id IN (SELECT id FROM bill_jobs
                            WHERE status IN ('PENDING', 'INITIALIZING', 'RUNNING')
                              AND coalesce(dt_heartbeat, dt_created) < now() - make_interval(secs => $1)
                            ORDER BY dt_created LIMIT $2 FOR UPDATE SKIP LOCKED)
               RETURNING id, organization_id""",
            stale_after.total_seconds(),
            limit,
        )
    enqueued = 0
    for row in rows:
        try:
            await enqueue(RUN_JOB, str(row["id"]), str(row["organization_id"]))
            enqueued += 1
        except Exception:  # noqa: BLE001 - the next sweep tries again
            log.warning("could not re-enqueue bill job %s", row["id"], exc_info=True)
    if enqueued:
        log.info("sweep re-enqueued %d bill jobs", enqueued)
    try:
        await discard_ended_jobs_usage()
    except Exception:  # noqa: BLE001 - leftovers only take space; the next sweep tries again
        log.warning("could not delete the usage rows of ended bill jobs", exc_info=True)
    return enqueued
