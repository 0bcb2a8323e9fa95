"""The long-lived dispatcher a worker runs: wake on `metergraph_events`, sweep as a fallback.

The writing transaction notifies `metergraph_events` with its organization id; PostgreSQL
delivers the notification only when that transaction commits, so the dispatcher wakes
within milliseconds of a commit and never sees an uncommitted event. Notifications are
not stored: one sent while no dispatcher listened (or lost with its connection) is made
up for by the sweep every `SWEEP_SECONDS`, which also enqueues deliveries whose retry is
due and those whose worker died (expired lease).
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
    dispatch_organization,
    organizations_with_destinations,
    organizations_with_due_deliveries,
)

log = logging.getLogger(__name__)
SWEEP_SECONDS = 5.0
# A pass looks back from the previous pass of its kind by a grace: an event occurs (is
# inserted) before its transaction commits, so a pass must cover transactions that were
# open while the previous one ran. A pass woken by a commit looks back a few seconds (it
# runs often, and each event in its window costs a lookup); the sweep every SWEEP_SECONDS
# two minutes; a full pass every FULL_PASS_EVERY finds what even longer transactions wrote.
WAKE_GRACE = timedelta(seconds=10)
SWEEP_GRACE = timedelta(minutes=2)
FULL_PASS_EVERY = timedelta(minutes=10)
# Commits arriving together are dispatched together.
COALESCE_SECONDS = 0.005

Enqueue = Callable[[uuid.UUID], Awaitable[Any]]


class Dispatcher:
    def __init__(self, database_url: str, enqueue: Enqueue, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.database_url = database_url
        self.enqueue = enqueue
        self.sweep_seconds = sweep_seconds
        self._woken: set[uuid.UUID] = set()
        # Per organization: when its last pass of each kind started; when the last full pass ran.
        self._woken_at: dict[uuid.UUID, datetime] = {}
        self._swept_at: dict[uuid.UUID, datetime] = {}
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
        with contextlib.suppress(ValueError):
            self._woken.add(uuid.UUID(payload))
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
            await self.sweep()  # whatever was committed while nobody listened
            self.listening.set()
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.sweep_seconds):
                        await self._wake.wait()
                if self._wake.is_set():
                    await asyncio.sleep(COALESCE_SECONDS)
                    self._wake.clear()
                    woken, self._woken = self._woken, set()
                    await self.dispatch(woken)
                else:
                    await self.sweep()
        finally:
            self.listening.clear()
            with contextlib.suppress(Exception):
                await conn.close()

    async def dispatch(self, organizations: set[uuid.UUID], *, kind: str = "wake") -> int:
        """Deliveries created for these organizations (each with new ones gets a delivery job).
        `kind`: "wake" (a commit), "sweep" or "full" (look back LOOKBACK)."""
        created = 0
        for organization_id in organizations:
            started = datetime.now(UTC)
            previous = self._swept_at if kind != "wake" else self._woken_at
            last = previous.get(organization_id)
            grace = WAKE_GRACE if kind == "wake" else SWEEP_GRACE
            since = None if kind == "full" or last is None else last - grace
            made = await dispatch_organization(organization_id, now=started, since=since)
            previous[organization_id] = started
            if made:
                await self.enqueue(organization_id)
            created += made
        return created

    async def sweep(self) -> int:
        """Dispatch every organization with an active destination (looking back fully every
        FULL_PASS_EVERY), then enqueue a delivery job for each organization with due
        deliveries; returns how many such organizations."""
        now = datetime.now(UTC)
        full = self._full_pass_at is None or now - self._full_pass_at >= FULL_PASS_EVERY
        await self.dispatch(set(await organizations_with_destinations()), kind="full" if full else "sweep")
        if full:
            self._full_pass_at = now
        due = await organizations_with_due_deliveries()
        for organization_id in due:
            await self.enqueue(organization_id)
        return len(due)
