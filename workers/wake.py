"""An arq worker that polls its queue early when woken (`app.services.queue_wake`).

arq's loop is: poll the queue, then sleep `poll_delay`. A long-running worker is built with
`poll_delay` 0 and waits in `_poll_iteration` instead, for a message on the queue's wake
channel or the interval it was configured with (`idle_poll_seconds`), whichever comes first.
So it polls at least as often as before, and at once when someone enqueues a job they are
waiting for. A burst worker (tests) is arq's own loop, unchanged.

The listener holds one pub/sub connection of the worker's pool. When Redis goes away it
tries again every second; meanwhile the worker only polls, as without waking.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq.utils import to_seconds
from arq.worker import Worker

from app.services.queue_wake import wake_channel

log = logging.getLogger("metergraph.worker")

RELISTEN_SECONDS = 1.0


class WakeableWorker(Worker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._wakeable = not kwargs.get("burst", False)
        self.idle_poll_seconds = to_seconds(kwargs.get("poll_delay", 0.5)) or 0.5
        if self._wakeable:
            kwargs["poll_delay"] = 0  # the wait is `_poll_iteration`'s
        super().__init__(*args, **kwargs)
        self._woken = asyncio.Event()
        self._listener: asyncio.Task | None = None

    async def _poll_iteration(self) -> None:
        if self._wakeable:
            if self._listener is None:
                self._listener = asyncio.create_task(self._listen(), name="metergraph-wake-listener")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.idle_poll_seconds)
            self._woken.clear()
        await super()._poll_iteration()

    async def _listen(self) -> None:
        channel = wake_channel(self.queue_name)
        while True:
            pubsub = self.pool.pubsub()
            try:
                await pubsub.subscribe(channel)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self._woken.set()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - polling goes on without it; listen again soon
                log.warning("worker wake-up channel %s lost; listening again", channel, exc_info=True)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(RELISTEN_SECONDS)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await super().close()
