from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

TENANT_FIELDS = [
    ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
    ("organization_id", fields.UUIDField(db_index=True)),
    ("version", fields.IntField(default=1)),
    ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
    ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
    ("created_by", fields.CharField(null=True, max_length=80)),
    ("last_modified_by", fields.CharField(null=True, max_length=80)),
]
TABLES = ("webhook_destinations", "webhook_dispatches", "webhook_deliveries", "webhook_attempts")


def _options(table: str, *unique: tuple[str, ...]) -> dict:
    options: dict = {"table": table, "app": "metergraph", "pk_attr": "id"}
    if unique:
        options["unique_together"] = unique
    return options


# Webhook destinations, the dispatcher's record of events it has handled, deliveries and the
# per-attempt log (SEMANTICS §14.3–14.4). Every table's organization_id references its
# organization. The partial index is the delivery sweep's: due PENDING deliveries only.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0008_events")]

    initial = False

    operations = [
        ops.CreateModel(
            name="WebhookDestination",
            fields=[
                *TENANT_FIELDS,
                ("name", fields.CharField(max_length=200)),
                ("url", fields.CharField(max_length=2048)),
                ("event_types", fields.JSONField(default=list)),
                ("active", fields.BooleanField(default=True)),
                ("description", fields.CharField(null=True, max_length=1000)),
                ("secret_encrypted", fields.TextField()),
                ("previous_secret_encrypted", fields.TextField(null=True)),
                ("previous_secret_expires_at", fields.DatetimeField(null=True)),
                ("failing_since", fields.DatetimeField(null=True)),
                ("disabled_reason", fields.CharField(null=True, max_length=200)),
            ],
            options=_options("webhook_destinations"),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="WebhookDispatch",
            fields=[*TENANT_FIELDS, ("event_id", fields.UUIDField()), ("deliveries", fields.IntField(default=0))],
            options=_options("webhook_dispatches", ("organization_id", "event_id")),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="WebhookDelivery",
            fields=[
                *TENANT_FIELDS,
                ("event_id", fields.UUIDField()),
                ("destination_id", fields.UUIDField(db_index=True)),
                ("event_type", fields.CharField(max_length=200)),
                ("occurred_at", fields.DatetimeField()),
                ("redelivery", fields.IntField(default=0)),
                ("status", fields.CharField(max_length=16, default="PENDING")),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(null=True)),
                ("last_attempt_at", fields.DatetimeField(null=True)),
                ("lease_until", fields.DatetimeField(null=True)),
            ],
            options=_options("webhook_deliveries", ("organization_id", "event_id", "destination_id", "redelivery")),
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="WebhookAttempt",
            fields=[
                *TENANT_FIELDS,
                ("delivery_id", fields.UUIDField(db_index=True)),
                ("event_id", fields.UUIDField()),
                ("destination_id", fields.UUIDField()),
                ("attempt_number", fields.IntField()),
                ("sent_at", fields.DatetimeField()),
                ("duration_ms", fields.IntField()),
                ("response_status", fields.IntField(null=True)),
                ("error", fields.CharField(null=True, max_length=500)),
                ("response_excerpt", fields.TextField(null=True)),
                ("next_attempt_at", fields.DatetimeField(null=True)),
            ],
            options=_options("webhook_attempts"),
            bases=["TenantModel"],
        ),
        ops.RunSQL(
            [
                *(
                    f"ALTER TABLE {table} ADD CONSTRAINT {table}_organization_fk FOREIGN KEY (organization_id) "
                    "REFERENCES organizations (id) ON DELETE CASCADE"
                    for table in TABLES
                ),
                "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'",
                "CREATE INDEX webhook_deliveries_log ON webhook_deliveries (organization_id, occurred_at)",
                # retention (app.services.webhooks.retention): oldest first
                "CREATE INDEX webhook_deliveries_occurred ON webhook_deliveries (occurred_at)",
                "CREATE INDEX webhook_attempts_sent ON webhook_attempts (sent_at)",
                "CREATE INDEX webhook_dispatches_created ON webhook_dispatches (dt_created)",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS webhook_dispatches_created",
                "DROP INDEX IF EXISTS webhook_attempts_sent",
                "DROP INDEX IF EXISTS webhook_deliveries_occurred",
                "DROP INDEX IF EXISTS webhook_deliveries_log",
                "DROP INDEX IF EXISTS webhook_deliveries_due",
                *(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_organization_fk" for table in TABLES),
            ],
        ),
    ]
