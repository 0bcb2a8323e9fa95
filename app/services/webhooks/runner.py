"""Running one organization's deliveries in a worker process (SEMANTICS §14.4).

A run is a pipeline whose parts never wait for one another:
- the feeder claims due deliveries (one statement that also reads what they send) ahead
  of the free slots, up to `AHEAD` times as many as there are slots;
- an attempt that ends starts the next claimed one at once and leaves its outcome for
  the writer;
- the writer records the outcomes waiting, all in one statement, while attempts go on.
The claim and record round trips so overlap with sending instead of taking turns with it.
An attempt whose outcome is not written yet still holds its lease, so nobody claims it
again; if the process dies first, the lease runs out and it is attempted again (at least
once; receivers dedupe on `webhook-id`).

One run per organization per process: a second request while one runs only pokes it to
look again (a commit made new deliveries, or a retry came due).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import Counter

from app.services.webhooks import outcomes
from app.services.webhooks.delivery import Claimed, DeliveryOptions, attempt, claim, finish
from app.services.webhooks.sender import Client

log = logging.getLogger(__name__)
# Deliveries held (in flight or claimed ahead) per slot: claims overlap with the attempts
# in flight, and a claim that takes long (a long backlog to look through) never leaves the
# slots idle.
AHEAD = 2
# The writer gathers the outcomes of this long before its first statement: a few
# milliseconds of latency buy statements of tens of outcomes rather than of one or two.
RECORD_WINDOW_SECONDS = 0.01


class DeliveryRunner:
    """Delivers one organization's due deliveries until none is left."""

    def __init__(self, client: Client, options: DeliveryOptions | None = None) -> None:
        self.client = client
        self.options = options or DeliveryOptions()
        self._running: dict[uuid.UUID, _Run] = {}
        self._background: set[asyncio.Task] = set()

    def poke(self, organization_id: uuid.UUID) -> bool:
        """Ask this process's run for the organization to claim again; False when none runs."""
        run = self._running.get(organization_id)
        if run is None:
            return False
        run.poke()
        return True

    def start(self, organization_id: uuid.UUID) -> None:
        """Deliver in the background, in this process: the worker's dispatcher calls this
        right after making deliveries, so they start without a round trip through the queue."""
        if self.poke(organization_id):
            return
        task = asyncio.create_task(self._deliver_logged(organization_id), name=f"webhooks:{organization_id}")
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def deliver(self, organization_id: uuid.UUID) -> int:
        """Attempts made by this run (0 when another run of this process took the request)."""
        if self.poke(organization_id):
            return 0
        run = self._running[organization_id] = _Run(self.client, self.options, organization_id)
        try:
            return await run.run()
        finally:
            del self._running[organization_id]

    async def _deliver_logged(self, organization_id: uuid.UUID) -> None:
        try:
            await self.deliver(organization_id)
        except Exception:  # noqa: BLE001 - the sweep enqueues what is still due; leases protect the rest
            log.exception("webhook delivery run of organization %s failed", organization_id)

    async def aclose(self) -> None:
        """Stop the background runs (their leases run out; nothing is lost) and the client."""
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.client.aclose()


class _Run:
    def __init__(self, client: Client, options: DeliveryOptions, organization_id: uuid.UUID) -> None:
        self.client, self.options, self.organization_id = client, options, organization_id
        self._inflight: dict[asyncio.Task, uuid.UUID] = {}  # attempt → its destination
        # Claimed ahead, waiting for a slot (with when they were claimed, monotonic): an
        # attempt that ends starts the next at once instead of waiting for a claim.
        self._queued: list[tuple[float, Claimed]] = []
        self._outcomes: list[outcomes.Finished] = []  # ended, not yet written
        self._writer: asyncio.Task | None = None
        self._changed = asyncio.Event()  # an attempt ended, or a poke came
        self._poked = False
        self._stopping = False
        self._ended_since_claim = 0
        # Claim again once this many attempts ended: fewer, larger claims.
        self._refill = max(1, min(options.concurrency, options.per_destination) // 4)
        # A delivery queued longer than this is left for its lease to run out (and to be
        # claimed afresh): started later, its lease could run out mid-attempt.
        lease = options.lease.total_seconds()
        self._max_queued_seconds = max(lease / 2, lease - options.timeout - 5.0)
        self.made = 0

    def poke(self) -> None:
        self._poked = True
        self._changed.set()

    async def run(self) -> int:
        try:
            while True:
                self._changed.clear()
                if self._should_claim():
                    self._poked, self._ended_since_claim = False, 0
                    claimed_at = time.monotonic()
                    batch = await self._claim()
                    # Only now read `_queued`: attempts that ended during the claim replaced it.
                    self._queued = self._queued + [(claimed_at, c) for c in batch]
                    self._start_queued()
                if not self._inflight and not self._queued:
                    # What the writer records may be the last thing holding work back (a retry due at once).
                    if await self._flush() or self._poked:
                        continue
                    return self.made
                await self._changed.wait()
                self._raise_if_writer_failed()
        finally:
            self._stopping = True  # nothing queued starts now; leases of the queued run out
            for task in self._inflight:  # cancelled mid-flight: their leases run out and they are retried
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(*self._inflight, return_exceptions=True)
            await self._flush()  # the outcomes of attempts that did end are kept

    def _should_claim(self) -> bool:
        held = len(self._inflight) + len(self._queued)
        room = AHEAD * self.options.concurrency - held
        return room > 0 and (held == 0 or self._poked or self._ended_since_claim >= self._refill)

    async def _claim(self) -> list[Claimed]:
        held = Counter(self._inflight.values()) + Counter(c.destination_id for _, c in self._queued)
        room = AHEAD * self.options.concurrency - len(self._inflight) - len(self._queued)
        per_destination = AHEAD * self.options.per_destination
        now = self.options.clock()
        return await claim(
            self.organization_id, room, now, self.options.lease, per_destination=per_destination, busy=held
        )

    def _start_queued(self) -> None:
        """Start queued attempts while there are slots, at most `per_destination` in flight
        to one destination; the others wait, in order."""
        if self._stopping or not self._queued or len(self._inflight) >= self.options.concurrency:
            return
        running = Counter(self._inflight.values())
        stale = time.monotonic() - self._max_queued_seconds
        waiting = []
        for claimed_at, claimed in self._queued:
            if claimed_at < stale:
                continue
            if (
                len(self._inflight) >= self.options.concurrency
                or running[claimed.destination_id] >= self.options.per_destination
            ):
                waiting.append((claimed_at, claimed))
                continue
            running[claimed.destination_id] += 1
            task = asyncio.create_task(attempt(self.client, claimed, self.options))
            self._inflight[task] = claimed.destination_id
            task.add_done_callback(self._ended)
        self._queued = waiting

    def _ended(self, task: asyncio.Task) -> None:
        self._inflight.pop(task, None)
        self._ended_since_claim += 1
        self._changed.set()
        self._start_queued()
        if task.cancelled():
            return
        if task.exception() is not None:  # attempt() turns failures into outcomes; this is a defect
            log.error("webhook attempt failed unexpectedly", exc_info=task.exception())
            return
        self._outcomes.append(task.result())
        # A failed writer stays in place: the run raises its error at its next step.
        if self._writer is None or (self._writer.done() and self._writer.exception() is None):
            self._writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        await asyncio.sleep(RECORD_WINDOW_SECONDS)
        while self._outcomes:
            batch, self._outcomes = self._outcomes, []
            await finish(self.organization_id, batch, self.options.clock())
            self.made += len(batch)

    def _raise_if_writer_failed(self) -> None:
        if self._writer is not None and self._writer.done():
            error = self._writer.exception()
            if error is not None:
                raise error

    async def _flush(self) -> bool:
        """Wait for the writer, then write what is left; whether anything was written."""
        before = self.made
        if self._writer is not None:
            await self._writer
            self._writer = None
        if self._outcomes:
            self._writer = asyncio.create_task(self._write())
            await self._writer
            self._writer = None
        return self.made > before
