"""An inactive destination gets nothing, not even later (SEMANTICS §14.3): events that
occurred while it was inactive are not sent once it is active again, whether or not a
dispatcher pass ran in between; events after its reactivation are."""

from __future__ import annotations

from app.models.webhooks import WebhookDelivery
from app.services import webhooks
from tests.services.test_webhooks import (  # noqa: F401 - fixtures
    ACTOR,
    allow_private,
    deliver,
    destination,
    options,
    org,
    receiver,
    record,
)


async def _set_active(org, destination_id, version: int, active: bool) -> None:
    change = webhooks.UpdateDestination(destination_id, version, webhooks.DestinationFields(active=active))
    await webhooks.update_destination(org, change, actor=ACTOR)


async def test_events_of_an_inactive_spell_are_not_sent_after_reactivation(org, receiver, allow_private):
    created = await destination(org, receiver.url, ["billing.*"])
    await _set_active(org, created.destination.id, 1, False)
    await record(org, "billing.bill.created")  # no dispatcher pass before the reactivation
    await _set_active(org, created.destination.id, 2, True)
    [after] = await record(org, "billing.bill.updated")
    await deliver(org, options())
    assert receiver.ids() == [str(after)]


async def test_events_a_pass_found_no_active_destination_for_stay_unsent(org, receiver, allow_private):
    created = await destination(org, receiver.url, ["billing.*"])
    await _set_active(org, created.destination.id, 1, False)
    await record(org, "billing.bill.created")
    assert await webhooks.dispatch_organization(org) == 0  # the dispatcher ran: nobody to send to
    await _set_active(org, created.destination.id, 2, True)
    [after] = await record(org, "billing.bill.updated")
    await deliver(org, options())
    assert receiver.ids() == [str(after)]
    assert await WebhookDelivery.filter(organization_id=org).count() == 1
