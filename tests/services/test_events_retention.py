"""Event retention (SEMANTICS §14.1, 90 days, our rule): the hourly job prunes older events
in bounded batches and keeps the per-entity numbering going."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from app.models.events import Event
from app.services.events import record_event
from app.services.events.retention import RETENTION_DAYS, prune_events
from tests.conftest import new_tenant
from tests.workers import run_burst_worker
from workers.settings import queue_client

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

QUEUE = f"metergraph:test-event-retention:{uuid.uuid4().hex[:10]}"
NOW = datetime.now(UTC)  # every event other tests record is younger than the retention


@pytest_asyncio.fixture
async def pool(settings):
    client = queue_client(settings.redis_url, queue_name=QUEUE)
    try:
        yield client
    finally:
        await client.delete(QUEUE)
        await client.aclose(close_connection_pool=True)


async def history(org: uuid.UUID, entity: uuid.UUID, ages_in_days: list[float]) -> None:
    for age in ages_in_days:
        at = NOW - timedelta(days=age)
        await record_event(None, org, "configuration.meter.updated", "meter", entity, {"age": age}, occurred_at=at)


async def test_the_cron_job_prunes_what_is_past_retention(client, pool):
    tenant = await new_tenant(client, "Retention")
    org, entity = uuid.UUID(tenant.organization_id), uuid.uuid4()
    await history(org, entity, [RETENTION_DAYS + 30, RETENTION_DAYS + 1, RETENTION_DAYS - 1, 1])
    await pool.enqueue_job("prune_events", NOW.isoformat())
    await run_burst_worker(queue_name=QUEUE)
    kept = await Event.filter(organization_id=org, entity_id=entity).order_by("sequence")
    assert [(e.sequence, e.payload["age"]) for e in kept] == [(3, RETENTION_DAYS - 1), (4, 1)]
    # The entity's numbering goes on after pruning.
    await record_event(None, org, "configuration.meter.updated", "meter", entity, {"age": 0})
    assert (await Event.filter(entity_id=entity).order_by("-sequence").first()).sequence == 5


async def test_pruning_is_bounded_per_run(client):
    tenant = await new_tenant(client, "Retention")
    org, entity = uuid.UUID(tenant.organization_id), uuid.uuid4()
    await history(org, entity, [RETENTION_DAYS + 2 + i for i in range(7)])
    assert await prune_events(NOW, batch=3, max_batches=2) >= 6  # two batches of three at most
    assert await Event.filter(entity_id=entity).count() <= 1
    await prune_events(NOW, batch=3, max_batches=2)
    assert await Event.filter(entity_id=entity).count() == 0
