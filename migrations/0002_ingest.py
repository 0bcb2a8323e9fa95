from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Hand-written part (DESIGN §2): tables Tortoise models cannot express.
# - `measurements` is partitioned by RANGE (ts). Monthly partitions
#   (`measurements_pYYYYMM`) are created ahead of time by workers (startup and the
#   periodic sweep: the current and the next month, UTC); rows of any month without its
#   own partition land in `measurements_default`, so an insert never fails for lack of
#   a partition. Every table leads with organization_id so it can be distributed by
#   organization later; measurements have no primary key (a partitioned table's key
#   would have to contain ts): a row is (batch_id, batch_index).
# - `measurement_uids` claims each uid once per organization; a claim older than 35 days
#   may be taken again (SEMANTICS §6).
# - Numbers in `data` are JSON numbers, exact in jsonb (numeric); aggregation reads them
#   with `(data->>'code')::numeric`.
MEASUREMENTS_SQL = [
    """CREATE TABLE measurements (
        organization_id uuid NOT NULL,
        account_id uuid NOT NULL,
        meter_id uuid NOT NULL,
        ts timestamptz NOT NULL,
        ets timestamptz NULL,
        uid varchar(50) NULL,
        batch_id uuid NOT NULL,
        batch_index integer NOT NULL,
        received_at timestamptz NOT NULL,
        data jsonb NOT NULL
    ) PARTITION BY RANGE (ts)""",
    "CREATE TABLE measurements_default PARTITION OF measurements DEFAULT",
    # The bill query: one organization, a set of accounts, one meter, a time range.
    "CREATE INDEX measurements_bill_idx ON measurements (organization_id, account_id, meter_id, ts)",
    """CREATE TABLE measurement_uids (
        organization_id uuid NOT NULL,
        uid varchar(50) NOT NULL,
        batch_id uuid NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, uid)
    )""",
    # The sweep looks for old pending batches only; processed ones never enter the index.
    "CREATE INDEX measurement_batches_pending_idx ON measurement_batches (dt_created) WHERE status = 'PENDING'",
]
MEASUREMENTS_REVERSE_SQL = [
    "DROP INDEX IF EXISTS measurement_batches_pending_idx",
    "DROP TABLE IF EXISTS measurement_uids",
    "DROP TABLE IF EXISTS measurements",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="IngestFailure",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("batch_id", fields.UUIDField(db_index=True)),
                ("batch_index", fields.IntField()),
                ("uid", fields.CharField(null=True, max_length=200)),
                ("code", fields.CharField(max_length=32)),
                ("reason", fields.TextField(unique=False)),
            ],
            options={
                "table": "ingest_failures",
                "app": "metergraph",
                "pk_attr": "id",
                "table_description": "A measurement of a batch that was not stored, and why (SEMANTICS §6).",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="MeasurementBatch",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("status", fields.CharField(default="PENDING", max_length=16)),
                ("source", fields.CharField(default="REST", max_length=16)),
                ("item_count", fields.IntField()),
                ("body", fields.BinaryField()),
                ("stored", fields.IntField(null=True)),
                ("duplicates", fields.IntField(null=True)),
                ("rejected", fields.IntField(null=True)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
                ("dt_last_attempt", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("dt_processed", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "measurement_batches",
                "app": "metergraph",
                "pk_attr": "id",
                "table_description": "One accepted ingest request, stored before the client is answered.",
            },
            bases=["TenantModel"],
        ),
        ops.RunSQL(MEASUREMENTS_SQL, reverse_sql=MEASUREMENTS_REVERSE_SQL),
    ]
