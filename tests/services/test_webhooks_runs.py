"""Delivery runs and the dispatcher under concurrency (SEMANTICS §14.2, §14.4.3): runs that
race over one backlog, a run stopped half-way, and the two ways a commit's notification is
turned into deliveries (its events named by id, or a scan when it names none). Real
PostgreSQL, a real HTTP receiver on 127.0.0.1, real delivery runs."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from app.models.webhooks import WebhookAttempt, WebhookDelivery
from app.services import webhooks
from app.services.events.record import MAX_NOTIFIED_IDS
from app.settings import get_settings
from tests.services.test_webhooks import (  # noqa: F401 - fixtures
    Clock,
    allow_private,
    destination,
    options,
    org,
    receiver,
    record,
)

BILL_CREATED = "billing.bill.created"


async def _statuses(org: uuid.UUID) -> Counter:
    return Counter(await WebhookDelivery.filter(organization_id=org).values_list("status", flat=True))


async def _until(condition, seconds: float = 60.0) -> None:  # noqa: ANN001 - an async predicate
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)


async def test_two_runs_racing_over_one_backlog_deliver_each_event_once(org, receiver, allow_private):
    await destination(org, receiver.url, ["billing.*"])
    events = []
    for _ in range(4):
        events += await record(org, *[BILL_CREATED] * 50)
    clock = Clock()
    await webhooks.dispatch_organization(org, now=clock.now)
    # Each answer takes 50 ms, so one run alone needs over a second for the backlog: the
    # other has started claiming long before, however loaded the machine (with instant
    # answers the first run sometimes took all 200 before the second began; at 20 ms it
    # did once on a machine at load 5).
    receiver.script = [(200, 0.05, {})] * 200
    opts = options(clock, concurrency=8, per_destination=8)

    async def worker(client) -> int:  # noqa: ANN001 - an httpx client
        # A run whose claim meets only rows the other run's claim has locked at that moment
        # (SKIP LOCKED) ends at once, leaving them to it; a worker starts a run again while
        # work is due (the dispatcher's pokes, the sweep), as this loop does every 10 ms.
        runner, made = webhooks.DeliveryRunner(client, opts), 0
        for _ in range(6000):
            made += await runner.deliver(org)
            if (await _statuses(org))["SUCCEEDED"] == 200:
                break
            await asyncio.sleep(0.01)
        return made

    async with webhooks.new_client() as one, webhooks.new_client() as two:
        made = await asyncio.gather(worker(one), worker(two))
    assert sum(made) == 200 and min(made) > 0  # both took part
    assert sorted(receiver.ids()) == sorted(str(e) for e in events)  # each exactly once
    assert await WebhookAttempt.filter(organization_id=org).count() == 200
    assert await _statuses(org) == {"SUCCEEDED": 200}


async def test_a_run_stopped_half_way_keeps_what_ended_and_loses_nothing(org, receiver, allow_private):
    await destination(org, receiver.url, ["billing.*"])
    events = await record(org, *[BILL_CREATED] * 20)
    clock = Clock()
    await webhooks.dispatch_organization(org, now=clock.now)
    # Four answers at once, then the receiver hangs: the run is stopped with attempts in
    # flight and more claimed ahead (the worker dies, or its job is cancelled).
    receiver.script = [(200, 0.0, {})] * 4 + [(200, 5.0, {})] * 16
    async with webhooks.new_client() as client:
        run = asyncio.create_task(webhooks.DeliveryRunner(client, options(clock, concurrency=4)).deliver(org))

        async def four_recorded() -> bool:
            return (await _statuses(org))["SUCCEEDED"] == 4

        await _until(four_recorded)
        run.cancel()
        await asyncio.gather(run, return_exceptions=True)
    assert await _statuses(org) == {"SUCCEEDED": 4, "PENDING": 16}  # what ended is recorded
    held = await WebhookDelivery.filter(organization_id=org, status="PENDING", lease_until__gt=clock.now).count()
    assert held > 0  # in flight or claimed ahead when it stopped
    receiver.script = []
    # A new run takes at once what was never claimed; the rest once their leases run out.
    assert await _deliver_now(org, clock) == 16 - held
    clock.advance(61)
    assert await _deliver_now(org, clock) == held
    assert await _statuses(org) == {"SUCCEEDED": 20}
    assert set(receiver.ids()) == {str(e) for e in events}  # at least once (receivers dedupe)
    # An attempt cut short is not logged, and none was started while the run stopped
    assert await WebhookAttempt.filter(organization_id=org).count() == 20


async def _deliver_now(org: uuid.UUID, clock: Clock) -> int:
    async with webhooks.new_client() as client:
        return await webhooks.DeliveryRunner(client, options(clock)).deliver(org)


async def test_the_dispatcher_delivers_named_events_and_scans_for_a_statement_of_many(org, receiver, allow_private):
    """A commit's notification names its events (looked up by id); a statement of more
    events than a notification names notifies without ids and is found by a scan. Both are
    delivered by the dispatcher's own process, not through the queue."""
    await destination(org, receiver.url, ["billing.*"])
    enqueued: list[uuid.UUID] = []

    async def enqueue(organization_id: uuid.UUID) -> None:
        enqueued.append(organization_id)

    async with webhooks.new_client() as client:
        runner = webhooks.DeliveryRunner(client, webhooks.DeliveryOptions(timeout=5.0))
        # A long sweep interval: only the notifications can make these deliveries in time.
        dispatcher = webhooks.Dispatcher(
            get_settings().database_url, enqueue, sweep_seconds=3600, deliver_here=runner.start
        )
        dispatcher.start()
        try:
            await asyncio.wait_for(dispatcher.listening.wait(), 60)
            named = await record(org, *[BILL_CREATED] * 3)
            scanned = await record(org, *[BILL_CREATED] * (MAX_NOTIFIED_IDS + 1))

            async def all_received() -> bool:
                return len(set(receiver.ids())) == len(named) + len(scanned)

            await _until(all_received)
        finally:
            await dispatcher.stop()
            await runner.aclose()
    assert set(receiver.ids()) == {str(e) for e in named + scanned}
    assert org not in enqueued
