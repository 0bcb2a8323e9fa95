"""Waking idle workers when a job someone is waiting for is enqueued.

arq takes jobs by polling its queue (a sorted set: nothing to block on) every
`poll_delay`, 0.1 s here (`workers.settings.worker_options`). A bill job asked for through
the API therefore waited half a poll on average, and up to a whole one, before a worker
took it up: 60–80 ms of a 1,000-bill job's ~1.1 s. Polling more often costs every idle
worker CPU (0.02 s took 23 ms per second instead of 5). Instead, whoever enqueues a job a
person waits for (a bill job, statements, an export) publishes on the queue's wake channel,
and each worker waits between polls for that message or the poll interval, whichever comes
first (`workers.wake.WakeableWorker`).

Best effort on purpose: a lost message (Redis pub/sub keeps nothing for a worker that is
not listening at that instant) costs only the wait it would have cost anyway, because the
poll goes on.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("metergraph.queue")


def wake_channel(queue_name: str) -> str:
    """The pub/sub channel on which the workers of `queue_name` listen for new work."""
    return f"{queue_name}:wake"


async def wake_workers(queue: Any) -> None:
    """Ask the idle workers of `queue` (an arq client) to poll now; never raises."""
    try:
        await queue.publish(wake_channel(queue.default_queue_name), b"1")
    except Exception:  # noqa: BLE001 - the job is enqueued: the next poll takes it up anyway
        log.warning("could not wake the workers of %s", queue.default_queue_name, exc_info=True)
