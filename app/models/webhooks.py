"""Webhook destinations, their deliveries and the log of every attempt (SEMANTICS §14.3–14.4).

- `WebhookDestination`: where events go. Its signing secret is stored encrypted (it must be
  read back to sign), never hashed; after a rotation the previous secret is kept until
  `previous_secret_expires_at` so both signatures can be sent.
- `WebhookDispatch`: one row per event the dispatcher has turned into deliveries (or found
  no destination for), so the dispatcher never looks at an event twice and a crash only
  delays it.
- `WebhookDelivery`: one per (event, destination, redelivery). The dispatcher's row has
  `redelivery` 0, so the unique key makes dispatching idempotent; each manual redelivery
  takes the next number. A worker claims a due delivery by setting `lease_until`: a worker
  that dies leaves a lease that expires, and the delivery is claimed again.
- `WebhookAttempt`: one per HTTP attempt, the delivery log GraphQL shows.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel

PENDING, SUCCEEDED, FAILED, CANCELLED = "PENDING", "SUCCEEDED", "FAILED", "CANCELLED"


class WebhookDestination(TenantModel):
    name = fields.CharField(max_length=200)
    url = fields.CharField(max_length=2048)
    # exact types or `prefix.*`; empty means every type
    event_types = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    # When an update last made it active again; NULL: active since its creation. It receives
    # the events that occurred from then on (app.services.webhooks.dispatch).
    active_since = fields.DatetimeField(null=True)
    description = fields.CharField(max_length=1000, null=True)
    secret_encrypted = fields.TextField()
    previous_secret_encrypted = fields.TextField(null=True)
    previous_secret_expires_at = fields.DatetimeField(null=True)
    # first failed attempt since the last success: a destination failing for long is disabled
    failing_since = fields.DatetimeField(null=True)
    disabled_reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "webhook_destinations"


class WebhookDispatch(TenantModel):
    event_id = fields.UUIDField()
    deliveries = fields.IntField(default=0)

    class Meta:
        table = "webhook_dispatches"
        unique_together = (("organization_id", "event_id"),)


class WebhookDelivery(TenantModel):
    event_id = fields.UUIDField()
    destination_id = fields.UUIDField(db_index=True)
    event_type = fields.CharField(max_length=200)
    # when the event happened: the benchmark's commit-to-receipt clock and the log's filter
    occurred_at = fields.DatetimeField()
    redelivery = fields.IntField(default=0)
    status = fields.CharField(max_length=16, default=PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_deliveries"
        unique_together = (("organization_id", "event_id", "destination_id", "redelivery"),)


class WebhookAttempt(TenantModel):
    delivery_id = fields.UUIDField(db_index=True)
    event_id = fields.UUIDField()
    destination_id = fields.UUIDField()
    attempt_number = fields.IntField()
    sent_at = fields.DatetimeField()
    duration_ms = fields.IntField()
    response_status = fields.IntField(null=True)
    # TIMEOUT, CONNECT, TLS, REDIRECT, REFUSED_ADDRESS, ... (null on 2xx)
    error = fields.CharField(max_length=500, null=True)
    response_excerpt = fields.TextField(null=True)
    next_attempt_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_attempts"
