"""An arq worker run inside this event loop for the length of a block: the demo loader's
when no worker is running, and the tests' long-running workers."""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncIterator
from typing import Any


@contextlib.asynccontextmanager
async def worker_running(worker: Any) -> AsyncIterator[Any]:
    """`worker` (an `arq.worker.Worker`) consumes its queue until the block ends; then it
    is stopped and closed."""
    task = asyncio.create_task(worker.main())
    try:
        yield worker
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with warnings.catch_warnings():  # arq 0.28 closes its pool with redis' deprecated close()
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
