"""Event ids are time-ordered (app.services.events.ids): every writer's events carry one,
so inserts into `event`'s primary key land on its rightmost pages."""

import time
import uuid
from datetime import timedelta

from app.models.accounts import Account
from app.models.events import Event
from app.services import events
from app.services.events.ids import event_id
from app.services.versioning import update_versioned


def _instant_ms(id_: uuid.UUID) -> int:
    return id_.int >> 80


def test_ids_are_version_7_unique_and_ordered_by_millisecond():
    ids = [event_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert {(i.version, i.variant) for i in ids} == {(7, uuid.RFC_4122)}
    earlier = event_id()
    time.sleep(0.002)
    later = event_id()
    # PostgreSQL compares uuids byte by byte: the order of the integers.
    assert _instant_ms(earlier) < _instant_ms(later) and earlier.int < later.int and earlier.bytes < later.bytes


async def test_versioned_and_recorded_events_get_time_ordered_ids(tenant):
    org = uuid.UUID(tenant.organization_id)
    account = await Account.create(organization_id=org, code="ids", name="Ids")
    await events.created(account)
    await update_versioned(Account, org, account.id, 1, {"name": "Ids 2"}, "tester")
    created, updated = await Event.filter(organization_id=org, entity_id=account.id).order_by("sequence")
    assert (created.type, updated.type) == ("configuration.account.created", "configuration.account.updated")
    for event in (created, updated):
        assert event.id.version == 7
        made = event.occurred_at.timestamp() * 1000
        assert abs(_instant_ms(event.id) - made) < timedelta(seconds=5).total_seconds() * 1000
    assert created.id.int < updated.id.int or _instant_ms(created.id) == _instant_ms(updated.id)
