"""A long-running worker collects young objects less often (app.gc_tuning), and gives the
process its thresholds back when it shuts down. A burst worker (tests) leaves them alone."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from app.gc_tuning import YOUNG_THRESHOLD
from tests.workers import INGEST_QUEUE, ingest_queue, run_burst_worker

__all__ = ["ingest_queue"]


async def thresholds_a_job_sees(queue: Any, ctx: dict[str, Any]) -> tuple[int, int, int]:
    seen: list[tuple[int, int, int]] = []

    async def record(job_ctx: dict[str, Any]) -> None:
        seen.append(gc.get_threshold())

    await queue.enqueue_job("ping_worker", "gc", _queue_name=INGEST_QUEUE)
    # run_burst_worker replaces the whole context worker_options made: the queue goes in again.
    await run_burst_worker(ctx={"db_ready": "external", "queue_name": INGEST_QUEUE, **ctx}, after_job_end=record)
    assert len(seen) == 1, seen
    return seen[0]


@contextlib.contextmanager
def thresholds(*values: int) -> Iterator[None]:
    """The process's thresholds set to `values` (the app fixture's lifespan raised them)."""
    found = gc.get_threshold()
    gc.set_threshold(*values)
    try:
        yield
    finally:
        gc.set_threshold(*found)


async def test_a_long_running_worker_collects_young_objects_every_young_threshold(ingest_queue):
    with thresholds(700, 9, 8):
        during = await thresholds_a_job_sees(ingest_queue, {"freeze_startup_heap": True})
        assert during == (YOUNG_THRESHOLD, 9, 8)
        assert gc.get_threshold() == (700, 9, 8)  # restored at shutdown


async def test_a_burst_worker_leaves_the_thresholds_alone(ingest_queue):
    with thresholds(700, 9, 8):
        assert await thresholds_a_job_sees(ingest_queue, {}) == (700, 9, 8)
