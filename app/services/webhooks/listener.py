"""The long-lived dispatcher a worker runs: wake on `metergraph_events`, sweep as a fallback.

The writing transaction notifies `metergraph_events` with its organization id and the ids
of its events; PostgreSQL delivers the notification only when that transaction commits,
so the dispatcher wakes within milliseconds of a commit, never sees an uncommitted event,
and dispatches exactly the events named (no scan). A notification without ids (a
statement of many events) makes it scan the organization's last `SCAN_GRACE`.

Notifications are not stored, but a session that LISTENs receives every one committed
after its LISTEN: so a full pass when (re)connected, after the LISTEN, catches what was
committed while nobody listened, and a full pass every `FULL_PASS_EVERY` finds what
transactions open longer than `SCAN_GRACE` wrote. The sweep every `SWEEP_SECONDS`
enqueues deliveries whose retry is due and those whose worker died (expired lease).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from app.db import asyncpg_url
from app.models.events import EVENTS_CHANNEL
from app.services.webhooks.dispatch import (
    dispatch_events,
    dispatch_organization,
    organizations_with_destinations,
    organizations_with_due_deliveries,
)

log = logging.getLogger(__name__)
SWEEP_SECONDS = 5.0
# A scan looks back from the notification by a grace: an event occurs (is inserted)
# before its transaction commits, so the scan must cover the transaction's whole life.
SCAN_GRACE = timedelta(minutes=2)
FULL_PASS_EVERY = timedelta(minutes=10)
# Commits arriving together are dispatched together.
COALESCE_SECONDS = 0.005

Enqueue = Callable[[uuid.UUID], Awaitable[Any]]


class Dispatcher:
    """`enqueue(organization)` asks for a delivery job (due retries, and new deliveries when
    `deliver_here` is None); `deliver_here(organization)`, when given, starts delivering new
    deliveries in this process (the worker's runner) without a round trip through the queue."""

    def __init__(
        self,
        database_url: str,
        enqueue: Enqueue,
        sweep_seconds: float = SWEEP_SECONDS,
        *,
        deliver_here: Callable[[uuid.UUID], None] | None = None,
    ) -> None:
        self.database_url = database_url
        self.enqueue = enqueue
        self.deliver_here = deliver_here
        self.sweep_seconds = sweep_seconds
        self._named: dict[uuid.UUID, set[uuid.UUID]] = {}  # organization → events notified by id
        self._scan: set[uuid.UUID] = set()  # organizations notified without ids
        self._full_pass_at: datetime | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.listening = asyncio.Event()  # set once LISTENing and caught up (tests wait on it)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        organization, named, ids = payload.partition(":")
        with contextlib.suppress(ValueError):
            organization_id = uuid.UUID(organization)
            if not named:  # a statement of many events: scan
                self._scan.add(organization_id)
            elif ids:
                self._named.setdefault(organization_id, set()).update(uuid.UUID(i) for i in ids.split(","))
            self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - database away for a moment: listen again
                log.warning("webhook dispatcher lost its connection; reconnecting", exc_info=True)
                await asyncio.sleep(1.0)

    async def _listen(self) -> None:
        conn = await asyncpg.connect(asyncpg_url(self.database_url))
        try:
            await conn.add_listener(EVENTS_CHANNEL, self._notified)
            self._full_pass_at = None  # whatever was committed while nobody listened
            await self.sweep()
            self.listening.set()
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.sweep_seconds):
                        await self._wake.wait()
                if self._wake.is_set():
                    await asyncio.sleep(COALESCE_SECONDS)
                    await self._dispatch_woken()
                else:
                    await self.sweep()
        finally:
            self.listening.clear()
            with contextlib.suppress(Exception):
                await conn.close()

    async def _dispatch_woken(self) -> int:
        self._wake.clear()
        named, self._named = self._named, {}
        scan, self._scan = self._scan, set()
        # Should a pass fail, these events are not lost: the reconnection's full pass finds them.
        created = await self.dispatch(scan)
        for organization_id, event_ids in named.items():
            made = await dispatch_events(organization_id, event_ids, now=datetime.now(UTC))
            if made:
                await self._deliver(organization_id)
            created += made
        return created

    async def _deliver(self, organization_id: uuid.UUID) -> None:
        if self.deliver_here is not None:
            self.deliver_here(organization_id)
        else:
            await self.enqueue(organization_id)

    async def dispatch(self, organizations: set[uuid.UUID], *, full: bool = False) -> int:
        """Scan these organizations' events of the last SCAN_GRACE (all of LOOKBACK when
        `full`); returns the deliveries created (each organization with new ones gets
        them delivered)."""
        created = 0
        for organization_id in organizations:
            now = datetime.now(UTC)
            made = await dispatch_organization(organization_id, now=now, since=None if full else now - SCAN_GRACE)
            if made:
                await self._deliver(organization_id)
            created += made
        return created

    async def sweep(self) -> int:
        """A full pass over every organization with an active destination when one is due
        (first thing after connecting, then every FULL_PASS_EVERY), then a delivery job for
        each organization with due deliveries; returns how many such organizations."""
        now = datetime.now(UTC)
        if self._full_pass_at is None or now - self._full_pass_at >= FULL_PASS_EVERY:
            await self.dispatch(set(await organizations_with_destinations()), full=True)
            self._full_pass_at = now
        due = await organizations_with_due_deliveries()
        for organization_id in due:
            await self.enqueue(organization_id)
        return len(due)
