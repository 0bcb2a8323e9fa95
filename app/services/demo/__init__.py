"""`metergraph demo`: one realistic organization, loaded through the services the API uses.

Two products (cloud storage and an API) with meters, derived fields, aggregations (one
segmented by region), a compound aggregation, plan templates and three plans (tiered,
volume and stairstep pricing, standing charges); ten accounts, one a parent with two
children in PARENT_BREAKDOWN mode and one with a prepayment; two full months of usage
through the ingest service; the bill jobs of both months run to completion by a worker.

Running it again creates nothing: the organization is found by its name and reported.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, cast

from app.models.organization import Organization
from app.services.demo.load import DemoSummary, account_count, create_demo
from app.services.worker_task import worker_running
from app.settings import Settings

DEMO_NAME = "Metergraph Demo"
CREDENTIALS_MARK = "Demo organization credentials (shown once, keep them): "
WorkerOptions = Callable[..., dict[str, Any]]  # `workers.settings.worker_options`
LOCK_SECONDS = 600  # well beyond a load; a loader killed midway holds it no longer than this


@contextlib.asynccontextmanager
async def _worker_if_none(queue, worker_options: WorkerOptions) -> AsyncIterator[None]:  # noqa: ANN001 - ArqRedis
    """Jobs need a worker: use the running ones (`metergraph dev`), else run one here."""
    from arq.worker import Worker

    from app.services.system import live_workers

    if await live_workers(queue, queue.default_queue_name):
        yield
        return
    worker = Worker(
        **worker_options(
            queue_name=queue.default_queue_name, handle_signals=False, cron_jobs=None, ctx={"db_ready": "external"}
        )
    )
    async with worker_running(worker):
        yield


def summary_lines(summary: DemoSummary, accounts: int) -> list[str]:
    first, second = summary.months
    total = sum((bill.bill_total for bill in summary.bills), start=0)
    dates = ", ".join(sorted({f"{bill.bill_date}" for bill in summary.bills}))
    return [
        f'Demo organization "{DEMO_NAME}" created ({summary.organization_id}):',
        "  products      Cloud Storage (segmented by region, tiered) and API (compound, volume, tiered, stairstep)",
        "  plans         storage-standard, api-starter, api-scale (with standing charges)",
        f"  accounts      {accounts}: northwind with two children (PARENT_BREAKDOWN), globex with a prepayment",
        f"  measurements  {summary.measurements} in {summary.batches} batches, {first:%B} and {second:%B %Y}",
        f"  bills         {len(summary.bills)} (bill dates {dates}) from {len(summary.bill_jobs)} bill jobs, all "
        f"COMPLETE; {total:.2f} USD in total",
        CREDENTIALS_MARK + json.dumps(summary.credentials),
    ]


async def load_demo_organization(
    settings: Settings,
    out: Callable[[str], None] = print,
    *,
    queue_client: Callable[[str | None], Any],
    worker_options: WorkerOptions,
) -> int:
    """Create the demo organization unless it exists; returns the process exit code. The
    caller (the `demo` command) hands in the workers' queue client and worker options: a
    use case does not import the workers (DESIGN §3, checked by import-linter)."""
    from app.db import close_db, init_db

    # The demo command resolves the URL (set, or published by a running `metergraph dev`).
    await init_db(cast(str, settings.database_url))
    queue = queue_client(settings.redis_url)
    try:
        async with _only_loader(queue) as alone:
            if not alone:
                out(f'Another `metergraph demo` is loading "{DEMO_NAME}" right now; nothing was created.')
                return 0
            existing = await Organization.filter(name=DEMO_NAME).first()
            if existing is not None:
                out(
                    f'The demo organization "{DEMO_NAME}" already exists ({existing.id}); nothing was created. '
                    "Its credentials were printed when it was created."
                )
                return 0
            out(f'Loading the demo organization "{DEMO_NAME}"...')
            async with _worker_if_none(queue, worker_options):
                summary = await create_demo(DEMO_NAME, datetime.now(UTC).date(), queue)
            for line in summary_lines(summary, await account_count(summary.organization_id)):
                out(line)
            return 0
    finally:
        await queue.aclose(close_connection_pool=True)
        await close_db()


@contextlib.asynccontextmanager
async def _only_loader(queue) -> AsyncIterator[bool]:  # noqa: ANN001 - an ArqRedis client
    """Two loaders at once (`dev --demo` and `make demo` side by side) would both find no
    demo and both create one: the first takes a lock in Redis, the other stands down."""
    key, token = f"metergraph:demo-loader:{queue.default_queue_name}", uuid.uuid4().hex
    alone = bool(await queue.set(key, token, nx=True, ex=LOCK_SECONDS))
    try:
        yield alone
    finally:
        if alone and await queue.get(key) == token.encode():
            await queue.delete(key)
