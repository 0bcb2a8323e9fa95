"""record_event(s) (SEMANTICS §14.1–14.2): one statement in the caller's transaction,
gap-free per-entity sequences under concurrency, nothing left by a rolled-back change, and
a notification delivered only on commit."""

import asyncio
import uuid

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app.db import asyncpg_url, connection, count_statements
from app.models.events import EVENTS_CHANNEL, Event
from app.models.webhooks import WebhookDestination
from app.services.events import NewEvent, record_event, record_events
from tests.services.event_writers import record_or_roll_back


async def events_of(entity_id) -> list[Event]:
    return await Event.filter(entity_id=entity_id).order_by("sequence")


async def test_one_statement_in_the_callers_transaction(tenant):
    org, entity = uuid.UUID(tenant.organization_id), uuid.uuid4()
    async with in_transaction() as conn:
        with count_statements() as counted:
            await record_event(conn, org, "configuration.meter.created", "meter", entity, {"new": {"id": "x"}})
    # The counter, the event and the notification: one round trip.
    assert len(counted.statements) == 1, counted.statements
    [event] = await events_of(entity)
    assert (event.type, event.sequence, event.payload) == ("configuration.meter.created", 1, {"new": {"id": "x"}})
    assert str(event.organization_id) == tenant.organization_id


async def test_exception_after_the_insert_leaves_no_event_and_no_counter(tenant):
    org, entity = uuid.UUID(tenant.organization_id), uuid.uuid4()
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await record_event(conn, org, "configuration.meter.updated", "meter", entity, {})
            raise RuntimeError("the change fails after its event was written")
    assert await events_of(entity) == []
    # The counter went back too: the next committed event is number 1.
    await record_event(None, org, "configuration.meter.updated", "meter", entity, {})
    assert [e.sequence for e in await events_of(entity)] == [1]


async def test_batch_numbers_repeated_entities_in_order(tenant):
    org, a, b = uuid.UUID(tenant.organization_id), uuid.uuid4(), uuid.uuid4()
    await record_event(None, org, "billing.bill.created", "bill", a, {"n": 0})
    events = [NewEvent("billing.bill.updated", "bill", e, {"n": n}) for n, e in enumerate([a, b, a, a, b], 1)]
    async with connection() as raw, raw.transaction():
        assert await record_events(raw, org, events) == 5
    assert [(e.sequence, e.payload["n"]) for e in await events_of(a)] == [(1, 0), (2, 1), (3, 3), (4, 4)]
    assert [(e.sequence, e.payload["n"]) for e in await events_of(b)] == [(1, 2), (2, 5)]


async def test_concurrent_writers_of_one_entity_get_gap_free_sequences(tenant, settings):
    """20 transactions record an event for the same entity at once, a third of them roll
    back after writing it: the committed ones are numbered 1..n with no gap or repeat."""
    org, entity = uuid.UUID(tenant.organization_id), uuid.uuid4()
    pool = await asyncpg.create_pool(asyncpg_url(settings.database_url), min_size=10, max_size=10)

    try:
        writers = (record_or_roll_back(pool, org, "configuration.plan.updated", "plan", entity, n) for n in range(20))
        committed = sum(await asyncio.gather(*writers))
    finally:
        await pool.close()
    sequences = [e.sequence for e in await events_of(entity)]
    assert committed == 13
    assert sequences == list(range(1, committed + 1))


async def wanting(org: uuid.UUID, event_types: list[str], *, active: bool = True) -> None:
    """A destination row as the dispatcher reads it (no URL checks: nothing is delivered here)."""
    await WebhookDestination.create(
        organization_id=org,
        name="d",
        url="https://example.com/h",
        event_types=event_types,
        active=active,
        secret_encrypted="x",
    )


async def test_listener_is_woken_only_on_commit(tenant, settings):
    org = uuid.UUID(tenant.organization_id)
    await wanting(org, ["configuration.meter.*"])
    listener = await asyncpg.connect(asyncpg_url(settings.database_url))
    received: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(EVENTS_CHANNEL, lambda *args: received.put_nowait(args[3]))
    try:
        with pytest.raises(RuntimeError):
            async with in_transaction() as conn:
                await record_event(conn, org, "configuration.meter.created", "meter", uuid.uuid4(), {})
                raise RuntimeError("rolled back")
        async with in_transaction() as conn:
            event_id = await record_event(conn, org, "configuration.meter.created", "meter", uuid.uuid4(), {})
            await asyncio.sleep(0.2)
            assert received.empty()
        # `<organization>:<event ids>`: the dispatcher looks the events up by id.
        assert await asyncio.wait_for(received.get(), 5) == f"{tenant.organization_id}:{event_id}"
        await asyncio.sleep(0.2)
        assert received.empty()
    finally:
        await listener.close()


@pytest.mark.parametrize(
    ("patterns", "active", "notified"),
    [
        ([], True, True),  # no patterns: every type
        (["*"], True, True),
        (["configuration.*"], True, True),
        (["configuration.account.created"], True, True),
        (["configuration.account.updated", "billing.*"], True, False),
        (["configurationx.*"], True, False),
        (["configuration.*"], False, False),  # inactive
        (None, True, False),  # no destination
    ],
)
async def test_notified_only_when_a_destination_wants_an_event(tenant, settings, patterns, active, notified):
    org = uuid.UUID(tenant.organization_id)
    if patterns is not None:
        await wanting(org, patterns, active=active)
    other = await wanting_elsewhere()
    listener = await asyncpg.connect(asyncpg_url(settings.database_url))
    received: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(EVENTS_CHANNEL, lambda *args: received.put_nowait(args[3]))
    try:
        async with in_transaction() as conn:
            await record_event(conn, org, "configuration.account.created", "account", uuid.uuid4(), {})
        # A marker notified after it: once it arrives, an earlier notification would have too.
        async with in_transaction() as conn:
            await record_event(conn, other, "configuration.meter.created", "meter", uuid.uuid4(), {})
        first = await asyncio.wait_for(received.get(), 5)
        assert first.startswith(str(org)) == notified, first
    finally:
        await listener.close()


async def wanting_elsewhere() -> uuid.UUID:
    """Another organization (its destination, wanting everything, must not count for ours)."""
    from app.services.organizations import create_organization

    other = (await create_organization("Other")).id
    await wanting(other, [])
    return other
