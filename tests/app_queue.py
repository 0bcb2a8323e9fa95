"""The served app's arq client pointed at a test's own queue, so that jobs the API enqueues
meet only the test's worker, not a worker of another session sharing the Redis."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any


@contextlib.asynccontextmanager
async def app_enqueuing_on(app: Any, queue: str) -> AsyncIterator[Any]:
    """The app's queue client (an ArqRedis), enqueuing on `queue` while inside; the queue
    and the jobs left on it are deleted afterwards."""
    client = app.state.arq
    previous, client.default_queue_name = client.default_queue_name, queue
    try:
        yield client
    finally:
        client.default_queue_name = previous
        await client.delete(queue)
