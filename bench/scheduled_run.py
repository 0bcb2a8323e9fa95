"""A scheduled run against a manual bill job over the same data (SEMANTICS §13).

The data of `bill_run.py`: one organization, 1,000 accounts on one monthly plan,
1,000,000 measurements in January 2026, ONE `metergraph worker` process. Printed:
- scheduled_create_seconds: the scheduler tick at 2026-02-01 00:30 UTC (interval 6) → all
  its bill jobs COMPLETE. Its jobs: January's bills (dated 02-01, window still open) and
  February's (03-01, period started), so it makes 2 × 1,000 bills;
- each of its jobs, dtStarted → dtCompleted (the January job is the like-for-like figure);
- manual_recalculation_seconds: createBillJob for January (the same 1,000 bills, recalculated
  in place), answered → COMPLETE;
- scheduled_unchanged_seconds: the 06:00 run over the same data: every bill composed again,
  found unchanged and left alone (§13.2 rule 3).

The tick is the worker's own service call with "now" injected, made in this process on a
configuration read from the database with the schedule set in memory only, so the workers'
real-clock cron never sees a schedule for this organization (it would bill December 2026).

    .venv/bin/python bench/scheduled_run.py [--accounts 1000] [--measurements 1000000] [--redis-db 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal

from _harness import (
    client_token,
    env_for,
    figure,
    full_mode,
    metergraph,
    print_result,
    raise_rate_limits,
    redis_db,
    scratch_database,
    served_api,
    services,
)
from bill_run import copy_measurements, create_catalog, run_job, with_redis_db, workers


async def scheduled_run(database_url: str, redis_url: str, organization_id: str, now: datetime) -> tuple[float, list]:
    """Seconds from the tick to its last job COMPLETE, and (bill date, job seconds) per job."""
    from app.db import close_db, init_db
    from app.models.billing import BillJob
    from app.models.organization import OrganizationConfig
    from app.services.scheduling import start_due_run
    from workers.settings import queue_client

    await init_db(database_url)
    client = queue_client(redis_url)
    try:
        config = await OrganizationConfig.get(organization_id=organization_id)
        config.scheduled_bill_interval = Decimal(6)  # in memory only: see the module docstring
        started = time.perf_counter()
        run = await start_due_run(config, now, enqueue=client.enqueue_job)
        assert run is not None, "no run due"
        while True:
            jobs = await BillJob.filter(id__in=run.bill_job_ids).order_by("bill_date")
            if all(j.status in ("COMPLETE", "FAILED", "CANCELLED") for j in jobs):
                elapsed = time.perf_counter() - started
                break
            await asyncio.sleep(0.02)
        assert all(j.status == "COMPLETE" and not j.failed for j in jobs), [(j.status, j.failed) for j in jobs]
        per_job = [(str(j.bill_date), (j.dt_completed - j.dt_started).total_seconds(), j.total) for j in jobs]
        return elapsed, per_job
    finally:
        await client.aclose(close_connection_pool=True)
        await close_db()


def main() -> None:
    options = argparse.ArgumentParser()
    # Short mode (make bench): a fifth of the data; BENCH=full: the bill-run benchmark's.
    options.add_argument("--accounts", type=int, default=1000 if full_mode() else 200)
    options.add_argument("--measurements", type=int, default=1_000_000 if full_mode() else 200_000)
    options.add_argument("--redis-db", type=int, default=redis_db(10))
    args = options.parse_args()
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        redis_url = with_redis_db(redis_url, args.redis_db)
        env = env_for(database_url, redis_url, data)
        metergraph("migrate", env=env)
        credentials = json.loads(metergraph("bootstrap", "--org", "Bench", env=env))
        org = credentials["organizationId"]
        with served_api(env) as base:
            token = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
            raise_rate_limits(base, token)
            create_catalog(base, token, args.accounts)
            asyncio.run(copy_measurements(database_url, org, args.measurements))
            with workers(env, 1):
                created, created_jobs = asyncio.run(
                    scheduled_run(database_url, redis_url, org, datetime(2026, 2, 1, 0, 30, tzinfo=UTC))
                )
                manual, job = run_job(base, token)
                unchanged, unchanged_jobs = asyncio.run(
                    scheduled_run(database_url, redis_url, org, datetime(2026, 2, 1, 6, 30, tzinfo=UTC))
                )
    print(f"accounts={args.accounts} measurements={args.measurements}, 1 worker")
    print(f"scheduled_create_seconds={created:.2f} jobs (bill date, seconds, accounts)={created_jobs}")
    print(f"manual_recalculation_seconds={manual:.2f} (January, {len(job['billIds'])} bills)")
    print(f"scheduled_unchanged_seconds={unchanged:.2f} jobs={unchanged_jobs}")
    print_result(
        "scheduled_run",
        [
            figure("scheduled_create_seconds", created, unit="s"),
            figure("manual_recalculation_seconds", manual, unit="s"),
            figure("scheduled_unchanged_seconds", unchanged, unit="s"),
        ],
    )


if __name__ == "__main__":
    main()
