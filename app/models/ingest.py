"""Measurement ingest (SEMANTICS §6): raw batches as accepted, and per-item failures.

The measurements themselves and the uid claims that make ingest idempotent are plain
PostgreSQL tables created by raw SQL in migration 0002: `measurements` is partitioned by
time (declarative partitioning), which Tortoise models cannot express, and both are only
written by COPY / `INSERT ... ON CONFLICT` from `app.services.ingest`. Their schema is
documented there and in `MEASUREMENTS_COLUMNS`.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantModel

PENDING = "PENDING"
PROCESSED = "PROCESSED"

# Column order of `measurements` used by COPY (app.services.ingest.store).
MEASUREMENTS_COLUMNS = (
    "organization_id",
    "account_id",
    "meter_id",
    "ts",
    "ets",
    "uid",
    "batch_id",
    "batch_index",
    "received_at",
    "data",
)


class MeasurementBatch(TenantModel):
    """One accepted ingest request, stored before the client is answered.

    `body` is the request body exactly as received (the REST route) or as re-encoded
    from the GraphQL input: processing decodes it again, so a batch can be processed,
    retried or replayed from this row alone. `dt_created` is the acceptance time, read
    from the database clock: "ts more than 5 minutes in the future" is judged against it,
    so reprocessing a batch later gives the same answer.
    """

    status = fields.CharField(max_length=16, default=PENDING)  # PENDING | PROCESSED
    source = fields.CharField(max_length=16, default="REST")  # REST | GRAPHQL
    item_count = fields.IntField()
    body = fields.BinaryField()
    stored = fields.IntField(null=True)
    duplicates = fields.IntField(null=True)
    rejected = fields.IntField(null=True)
    # Failed processing attempts (exceptions, not per-item rejections): the sweep backs
    # off by them so that a batch that keeps failing costs little but is never dropped.
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    dt_last_attempt = fields.DatetimeField(null=True)
    dt_processed = fields.DatetimeField(null=True)

    class Meta:
        table = "measurement_batches"


class IngestFailure(TenantModel):
    """A measurement of a batch that was not stored, and why (SEMANTICS §6)."""

    batch_id = fields.UUIDField(db_index=True)
    batch_index = fields.IntField()
    uid = fields.CharField(max_length=200, null=True)
    code = fields.CharField(max_length=32)  # e.g. UNKNOWN_METER, WRONG_TYPE
    reason = fields.TextField()

    class Meta:
        table = "ingest_failures"
