"""Webhooks (SEMANTICS §14.3–14.5): destinations, dispatching committed events into
deliveries, delivering them signed with retries, the delivery log and redelivery."""

from app.services.webhooks.commands import (
    DeliveryFilter,
    DestinationFields,
    Redeliver,
    RedeliverFailed,
    UpdateDestination,
)
from app.services.webhooks.delivery import DeliveryOptions
from app.services.webhooks.destinations import (
    DestinationWithSecret,
    create_destination,
    delete_destination,
    rotate_secret,
    update_destination,
)
from app.services.webhooks.dispatch import dispatch_organization
from app.services.webhooks.listener import Dispatcher
from app.services.webhooks.redeliver import redeliver, redeliver_failed, send_test_webhook
from app.services.webhooks.retention import prune_webhook_log
from app.services.webhooks.runner import DeliveryRunner
from app.services.webhooks.sender import new_client

__all__ = [
    "DeliveryFilter",
    "DeliveryOptions",
    "DeliveryRunner",
    "DestinationFields",
    "DestinationWithSecret",
    "Dispatcher",
    "Redeliver",
    "RedeliverFailed",
    "UpdateDestination",
    "create_destination",
    "delete_destination",
    "dispatch_organization",
    "new_client",
    "prune_webhook_log",
    "redeliver",
    "redeliver_failed",
    "rotate_secret",
    "send_test_webhook",
    "update_destination",
]
