"""arq worker settings: the job functions and the worker's connections.

Cron jobs (the ingest sweep) run only on long-running workers: `worker_options()` adds
them unless it is asked for a burst worker, because a burst worker with cron jobs never
exits (DESIGN §1). Tests run burst workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq import cron, func
from arq.connections import ArqRedis, RedisSettings
from redis.asyncio import ConnectionPool

from app import gc_tuning
from app.db import close_db, init_db
from app.services import system, webhooks
from app.settings import Settings, get_settings
from workers import jobs

log = logging.getLogger(__name__)
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
    func(jobs.run_scheduled_billing, keep_result=0),
    # Statements after approval or locking; a lost job is made up by the statements sweep.
    func(jobs.generate_due_statements, keep_result=0, timeout=900),
    func(jobs.sweep_due_statements, keep_result=0, timeout=900),
    # Webhooks: the database holds what is due (leases, next attempts), so a lost job only
    # delays; the worker's dispatcher enqueues again within seconds.
    func(jobs.deliver_webhooks, keep_result=0, timeout=900),
    func(jobs.sweep_webhooks, keep_result=0),
    func(jobs.prune_webhook_log, keep_result=0, timeout=900),
    # An export job's row says whether it ran (PENDING → RUNNING once), so a redelivery is harmless.
    func(jobs.run_export_job, keep_result=0, timeout=3600),
    func(jobs.expire_export_jobs, keep_result=0),
    func(jobs.sweep_export_jobs, keep_result=0),
    # Events past their retention, in bounded batches (app.services.events.retention).
    func(jobs.prune_events, keep_result=0, timeout=900),
]


def configured_queue_name(settings: Settings | None = None) -> str:
    """The arq queue the API enqueues on and workers consume: `QUEUE_NAME` unless the CLI
    was given `--queue-name` (several deployments, or test sessions, on one Redis)."""
    return (settings or get_settings()).extra.get("queue_name") or QUEUE_NAME


def redis_settings(url: str | None = None) -> RedisSettings:
    return RedisSettings.from_dsn(url or get_settings().redis_url)


def queue_client(url: str | None = None, queue_name: str | None = None) -> ArqRedis:
    """An arq client for enqueuing that connects on first use (no ping at creation)."""
    name = queue_name or configured_queue_name()
    return ArqRedis(ConnectionPool.from_url(url or get_settings().redis_url), default_queue_name=name)


def production_cron_jobs() -> list:
    # Every minute, on one worker at a time (unique): re-enqueue batches no worker
    # finished and create next month's measurement partition ahead of time.
    # Bill jobs likewise, half a minute later: resume jobs whose worker died.
    return [
        cron(jobs.sweep_unprocessed_batches, second=0, unique=True, run_at_startup=True, keep_result=0),
        cron(jobs.sweep_bill_jobs, second=30, unique=True, keep_result=0),
        # Scheduled billing every minute (the finest interval is 15 minutes); `unique` only
        # spares Redis: each run is claimed once in the database whatever the workers.
        cron(jobs.run_scheduled_billing, second=15, unique=True, keep_result=0),
        # Export files past their retention, deleted every hour.
        cron(jobs.expire_export_jobs, minute=7, second=45, unique=True, keep_result=0),
        # Export jobs the database says are unfinished, every five minutes.
        cron(jobs.sweep_export_jobs, minute=set(range(2, 60, 5)), second=50, unique=True, keep_result=0),
        # Events older than their 90 days, every hour in bounded batches.
        cron(jobs.prune_events, minute=23, second=50, unique=True, keep_result=0),
        cron(jobs.prune_webhook_log, minute=37, second=50, unique=True, keep_result=0),
        # Statements whose generation job was lost (Redis down when the bill was approved).
        cron(jobs.sweep_due_statements, minute=set(range(4, 60, 5)), second=40, unique=True, keep_result=0),
    ]


# Connections a worker opens when it starts. A bill job's loops, its helpers and the
# heartbeat each hold one at once: opened (and primed, app.db.prime_array_codecs) during
# a fresh worker's first job, they cost it ~50-70 ms (py-spy, bench/bill_run.py).
WORKER_OPEN_CONNECTIONS = 4


async def startup(ctx: dict[str, Any]) -> None:
    if not ctx.get("db_ready"):
        await init_db(get_settings().database_url, open_connections=WORKER_OPEN_CONNECTIONS)
        ctx["db_ready"] = "owned"
    from app.services.ingest import ensure_partitions

    await ensure_partitions()
    await _start_heartbeat(ctx)
    jobs.keep_claim_loops(ctx)
    # One sender per process: arq hands each job a copy of this context.
    ctx["webhook_runner"] = webhooks.DeliveryRunner(webhooks.new_client(), ctx.get("webhook_options"))
    if ctx.get("webhook_dispatcher"):
        await _start_webhook_dispatcher(ctx)
    if ctx.get("freeze_startup_heap"):
        # app.gc_tuning: what startup loaded is frozen (in an ingest worker under load, full
        # collections over it took 11% of the samples), and young objects are collected
        # less often.
        ctx["gc_thresholds"] = gc_tuning.tune_for_long_running()


async def shutdown(ctx: dict[str, Any]) -> None:
    await _stop_heartbeat(ctx)
    await _stop_webhooks(ctx)
    if "gc_thresholds" in ctx:
        gc_tuning.restore(ctx.pop("gc_thresholds"))
    if ctx.get("db_ready") == "owned":
        await close_db()


async def _start_heartbeat(ctx: dict[str, Any]) -> None:
    """Announce this worker at once (so `metergraph dev` and `system.workers` see it before
    its first job), then every HEARTBEAT_SECONDS; `jobs.count_finished_job` keeps count."""
    beat, queue = system.WorkerHeartbeat.for_this_process(), ctx["queue_name"]
    ctx["heartbeat"] = beat
    await system.write_heartbeat(ctx["redis"], queue, beat)

    async def keep_beating() -> None:
        while True:
            await asyncio.sleep(system.HEARTBEAT_SECONDS)
            try:
                await system.write_heartbeat(ctx["redis"], queue, beat)
            except Exception:  # noqa: BLE001 - Redis away for a moment: the next beat retries
                log.warning("could not write the worker heartbeat", exc_info=True)

    ctx["heartbeat_task"] = asyncio.create_task(keep_beating())


async def _stop_heartbeat(ctx: dict[str, Any]) -> None:
    task = ctx.pop("heartbeat_task", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if "heartbeat" in ctx:
        with contextlib.suppress(Exception):  # the TTL removes it anyway
            await system.remove_heartbeat(ctx["redis"], ctx["queue_name"], ctx.pop("heartbeat"))


async def _start_webhook_dispatcher(ctx: dict[str, Any]) -> None:
    """A long-running worker listens for committed events and dispatches them as webhook
    deliveries (app.services.webhooks.listener); burst workers (tests) do not."""
    # New deliveries start in this process at once (no queue round trip); due retries go
    # through the queue, so any worker may take them.
    dispatcher = webhooks.Dispatcher(
        get_settings().database_url,
        lambda org: jobs.enqueue_webhook_delivery(ctx, org),
        deliver_here=ctx["webhook_runner"].start,
    )
    dispatcher.start()
    ctx["webhook_dispatcher_task"] = dispatcher


async def _stop_webhooks(ctx: dict[str, Any]) -> None:
    dispatcher = ctx.pop("webhook_dispatcher_task", None)
    if dispatcher is not None:
        await dispatcher.stop()
    runner = ctx.pop("webhook_runner", None)
    if runner is not None:
        await runner.aclose()


def worker_options(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker`, shared by the CLI and tests. Cron jobs
    are included only for a long-running worker (no `burst=True`)."""
    options: dict[str, Any] = {
        "functions": FUNCTIONS,
        "queue_name": configured_queue_name(),
        "redis_settings": redis_settings(),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "after_job_end": jobs.count_finished_job,
        "max_jobs": 10,
        "job_timeout": 600,
        # arq polls the queue every 0.5 s by default; a bill job's chunk helpers and an
        # ingest batch then wait that long to be picked up. Ten polls a second cost an idle
        # worker ~5 ms of CPU per second; fifty (0.02 s) cost 23 ms, and during a bill job
        # they took more of the worker's CPU than the ~45 ms of pickup they saved.
        "poll_delay": 0.1,
    }
    if not overrides.get("burst"):
        options["cron_jobs"] = production_cron_jobs()
        options["ctx"] = {"webhook_dispatcher": True, "freeze_startup_heap": True}
    options.update(overrides)
    # The heartbeat is keyed by the queue the worker consumes (see app.services.system).
    options["ctx"] = {**options.get("ctx", {}), "queue_name": options["queue_name"]}
    return options
