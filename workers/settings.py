"""arq worker settings: the job functions and the worker's connections.

Cron jobs (the ingest sweep) run only on long-running workers: `worker_options()` adds
them unless it is asked for a burst worker, because a burst worker with cron jobs never
exits (DESIGN §1). Tests run burst workers.
"""

from __future__ import annotations

from typing import Any

from arq import cron, func
from arq.connections import ArqRedis, RedisSettings
from redis.asyncio import ConnectionPool

from app.db import close_db, init_db
from app.settings import get_settings
from workers import jobs

QUEUE_NAME = "metergraph:queue"
FUNCTIONS = [
    jobs.ping_worker,
    # keep_result=0: a finished batch job leaves no result behind, so the sweep can
    # enqueue the same job id again if the batch is somehow still PENDING.
    func(jobs.process_measurement_batch, keep_result=0, max_tries=jobs.BATCH_TRIES),
    func(jobs.sweep_unprocessed_batches, keep_result=0),
    # Bill jobs keep no result and are enqueued without a fixed id, so the sweep can always
    # enqueue a job again (the database decides what is left). The timeout is well above
    # the run's work budget (`app.services.billing.run.WORK_BUDGET_SECONDS`), after which a
    # run enqueues its own continuation.
    func(jobs.run_bill_job, keep_result=0, timeout=900),
    func(jobs.process_bill_job_chunks, keep_result=0, timeout=900),
    func(jobs.sweep_bill_jobs, keep_result=0),
]


def redis_settings(url: str | None = None) -> RedisSettings:
    return RedisSettings.from_dsn(url or get_settings().redis_url)


def queue_client(url: str | None = None, queue_name: str = QUEUE_NAME) -> ArqRedis:
    """An arq client for enqueuing that connects on first use (no ping at creation)."""
    return ArqRedis(ConnectionPool.from_url(url or get_settings().redis_url), default_queue_name=queue_name)


def production_cron_jobs() -> list:
    # Every minute, on one worker at a time (unique): re-enqueue batches no worker
    # finished and create next month's measurement partition ahead of time.
    # Bill jobs likewise, half a minute later: resume jobs whose worker died.
    return [cron(jobs.sweep_unprocessed_batches, second=0, unique=True, run_at_startup=True, keep_result=0),
            cron(jobs.sweep_bill_jobs, second=30, unique=True, keep_result=0)]


async def startup(ctx: dict[str, Any]) -> None:
    if not ctx.get("db_ready"):
        await init_db(get_settings().database_url)
        ctx["db_ready"] = "owned"
    from app.services.ingest import ensure_partitions

    await ensure_partitions()


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("db_ready") == "owned":
        await close_db()


def worker_options(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker`, shared by the CLI and tests. Cron jobs
    are included only for a long-running worker (no `burst=True`)."""
    options: dict[str, Any] = {
        "functions": FUNCTIONS,
        "queue_name": QUEUE_NAME,
        "redis_settings": redis_settings(),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_jobs": 10,
        "job_timeout": 600,
        # arq polls the queue every 0.5 s by default; a bill job's chunk helpers and an
        # ingest batch then wait that long to be picked up. Ten polls a second per worker
        # cost Redis nothing measurable.
        "poll_delay": 0.1,
    }
    if not overrides.get("burst"):
        options["cron_jobs"] = production_cron_jobs()
    options.update(overrides)
    return options
