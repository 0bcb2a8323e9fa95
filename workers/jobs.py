"""Worker jobs. Each is a few lines calling the service of the same name."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from arq import Retry

from app.services import billing, events, exports, ingest, scheduling, statements, system, webhooks

log = logging.getLogger(__name__)

# arq retries a failed batch this often, backing off; after that the batch stays PENDING
# in the database and the periodic sweep tries again later (it is never dropped).
BATCH_TRIES = 5


async def ping_worker(ctx: dict[str, Any], token: str) -> str:
    """Round trip through the queue: operators and tests use it to see a worker consuming."""
    return token


async def process_measurement_batch(ctx: dict[str, Any], batch_id: str) -> dict[str, Any]:
    try:
        on_group = ingest.taking_jobs_off(ctx["redis"], ctx["queue_name"])
        outcome = await ingest.process_measurement_batch(uuid.UUID(batch_id), on_group=on_group)
    except Exception as exc:
        if ctx.get("job_try", 1) < BATCH_TRIES:
            raise Retry(defer=ctx.get("job_try", 1)) from exc
        raise
    return {
        "processed": outcome.processed,
        "stored": outcome.stored,
        "duplicates": outcome.duplicates,
        "rejected": outcome.rejected,
    }


async def sweep_unprocessed_batches(ctx: dict[str, Any]) -> int:
    await ingest.ensure_partitions()
    return await ingest.sweep_unprocessed_batches(ctx["redis"])


def _enqueuer(ctx: dict[str, Any]) -> Any:
    """Enqueue on this worker's own queue (its arq pool defaults to it)."""
    redis = ctx["redis"]

    async def enqueue(function_name: str, *args: Any) -> Any:
        return await redis.enqueue_job(function_name, *args)

    return enqueue


def keep_claim_loops(ctx: dict[str, Any]) -> None:
    """At worker startup: the process's bill-job claim loops, in the context arq copies
    into each job's (a key one job adds to its own copy is gone for the next job)."""
    ctx.setdefault("claim_loops", billing.ClaimLoops())


def _claim_loops(ctx: dict[str, Any]) -> billing.ClaimLoops:
    """The bill-job claim loops this worker process runs (one count per process)."""
    return ctx.setdefault("claim_loops", billing.ClaimLoops())


async def run_bill_job(ctx: dict[str, Any], job_id: str, organization_id: str) -> None:
    await billing.run_bill_job(
        uuid.UUID(organization_id),
        uuid.UUID(job_id),
        redis=ctx["redis"],
        enqueue=_enqueuer(ctx),
        loops=_claim_loops(ctx),
    )


async def process_bill_job_chunks(ctx: dict[str, Any], job_id: str, organization_id: str, hops: int = 0) -> int:
    return await billing.process_bill_job_chunks(
        uuid.UUID(organization_id),
        uuid.UUID(job_id),
        redis=ctx["redis"],
        enqueue=_enqueuer(ctx),
        hops=hops,
        loops=_claim_loops(ctx),
    )


async def sweep_bill_jobs(ctx: dict[str, Any]) -> int:
    return await billing.sweep_bill_jobs(enqueue=_enqueuer(ctx))


async def run_scheduled_billing(ctx: dict[str, Any], now: str | None = None) -> int:
    """The scheduler tick: the cron passes no `now` (the clock decides); a caller may name
    the instant (ISO 8601) to run the schedule as of then."""
    instant = datetime.fromisoformat(now) if now else datetime.now(UTC)
    return len(await scheduling.run_scheduled_billing(instant, enqueue=_enqueuer(ctx)))


def webhook_runner(ctx: dict[str, Any]) -> webhooks.DeliveryRunner:
    """This worker process's webhook sender (one HTTP client, one run per organization),
    made at startup: arq gives each job a copy of the worker's context, so one made here
    would live for one job only."""
    return ctx["webhook_runner"]


async def deliver_webhooks(ctx: dict[str, Any], organization_id: str) -> int:
    """Send the organization's due webhook deliveries (the dispatcher enqueues this)."""
    return await webhook_runner(ctx).deliver(uuid.UUID(organization_id))


async def enqueue_webhook_delivery(ctx: dict[str, Any], organization_id: uuid.UUID) -> None:
    await ctx["redis"].enqueue_job("deliver_webhooks", str(organization_id))


async def sweep_webhooks(ctx: dict[str, Any]) -> int:
    """Dispatch every organization's committed events and enqueue due deliveries: what the
    worker's dispatcher does every few seconds, as a job (tests, operators)."""
    dispatcher = webhooks.Dispatcher("", lambda org: enqueue_webhook_delivery(ctx, org))
    return await dispatcher.sweep()


async def run_export_job(ctx: dict[str, Any], job_id: str, organization_id: str) -> str | None:
    return await exports.run_export_job(uuid.UUID(organization_id), uuid.UUID(job_id))


async def expire_export_jobs(ctx: dict[str, Any], now: str | None = None) -> int:
    """Delete export files past their retention; a caller may name the instant (ISO 8601)."""
    return await exports.expire_export_jobs(datetime.fromisoformat(now) if now else datetime.now(UTC))


async def sweep_export_jobs(ctx: dict[str, Any], now: str | None = None) -> tuple[int, int]:
    """Enqueue export jobs left PENDING and fail those whose worker died."""
    instant = datetime.fromisoformat(now) if now else datetime.now(UTC)
    return await exports.sweep_export_jobs(instant, enqueue=_enqueuer(ctx))


async def prune_events(ctx: dict[str, Any], now: str | None = None) -> int:
    """Delete events past their retention (SEMANTICS §14.1); a caller may name the instant (ISO 8601)."""
    return await events.prune_events(datetime.fromisoformat(now) if now else datetime.now(UTC))


async def generate_due_statements(ctx: dict[str, Any], organization_id: str, bill_ids: list[str]) -> int:
    """Statements of bills that became APPROVED or locked (SEMANTICS §12.2 rule 2)."""
    return await statements.generate_due_statements(uuid.UUID(organization_id), bill_ids)


async def sweep_due_statements(ctx: dict[str, Any], now: str | None = None) -> int:
    """Statements of recently approved or locked bills whose generation job was lost."""
    return await statements.sweep_due_statements(datetime.fromisoformat(now) if now else datetime.now(UTC))


async def prune_webhook_log(ctx: dict[str, Any], now: str | None = None) -> int:
    """Hourly: the delivery log past its 90 days (`now` as ISO 8601 to prune as of then)."""
    return await webhooks.prune_webhook_log(datetime.fromisoformat(now) if now else datetime.now(UTC))


async def count_finished_job(ctx: dict[str, Any]) -> None:
    """arq's after_job_end hook: one more job done, reported in the heartbeat right away
    (`system.workers` shows progress without waiting for the next beat)."""
    beat = ctx.get("heartbeat")
    if beat is None:
        return
    beat.jobs_done += 1
    try:
        await system.write_heartbeat(ctx["redis"], ctx["queue_name"], beat)
    except Exception:  # noqa: BLE001 - the periodic beat carries the count later
        pass
