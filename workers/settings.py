"""arq worker settings: the job functions and the worker's connections.

Cron jobs are added by `production_cron_jobs()` only for long-running workers: a burst
worker (tests) with cron jobs never exits.
"""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings

from app.db import close_db, init_db
from app.settings import get_settings
from workers import jobs

FUNCTIONS = [jobs.ping_worker]
QUEUE_NAME = "metergraph:queue"


def redis_settings(url: str | None = None) -> RedisSettings:
    return RedisSettings.from_dsn(url or get_settings().redis_url)


async def startup(ctx: dict[str, Any]) -> None:
    if not ctx.get("db_ready"):
        await init_db(get_settings().database_url)
        ctx["db_ready"] = "owned"


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("db_ready") == "owned":
        await close_db()


def worker_options(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for `arq.worker.Worker`, shared by the CLI and tests."""
    options: dict[str, Any] = {
        "functions": FUNCTIONS,
        "queue_name": QUEUE_NAME,
        "redis_settings": redis_settings(),
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_jobs": 10,
        "job_timeout": 600,
    }
    options.update(overrides)
    return options
