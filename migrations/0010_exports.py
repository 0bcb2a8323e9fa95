from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Exports (SEMANTICS §15): the organization's retention of export files, and the export
# jobs. The listing index leads with organization_id (jobs are listed newest first per
# organization); the expiry sweep reads COMPLETE jobs by expiry across organizations.
EXPORT_JOBS_SQL = [
    """ALTER TABLE export_jobs ADD CONSTRAINT export_jobs_organization_id_fkey
       FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
    "CREATE INDEX export_jobs_listing_idx ON export_jobs (organization_id, dt_created DESC, id DESC)",
    "CREATE INDEX export_jobs_expiry_idx ON export_jobs (expires_at) WHERE status = 'COMPLETE'",
]
EXPORT_JOBS_REVERSE_SQL = [
    "DROP INDEX IF EXISTS export_jobs_expiry_idx",
    "DROP INDEX IF EXISTS export_jobs_listing_idx",
    "ALTER TABLE export_jobs DROP CONSTRAINT IF EXISTS export_jobs_organization_id_fkey",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0009_webhooks")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OrganizationConfig",
            name="export_retention_days",
            field=fields.IntField(default=7, db_default=7),
        ),
        ops.CreateModel(
            name="ExportJob",
            fields=[
                ("id", fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ("organization_id", fields.UUIDField(db_index=True)),
                ("version", fields.IntField(default=1)),
                ("dt_created", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("dt_last_modified", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("created_by", fields.CharField(null=True, max_length=80)),
                ("last_modified_by", fields.CharField(null=True, max_length=80)),
                ("kind", fields.CharField(max_length=16)),
                ("format", fields.CharField(max_length=8)),
                ("filters", fields.JSONField(default=dict)),
                ("status", fields.CharField(max_length=16, default="PENDING")),
                ("row_count", fields.BigIntField(null=True)),
                ("byte_size", fields.BigIntField(null=True)),
                ("sha256", fields.CharField(null=True, max_length=64)),
                ("path", fields.CharField(null=True, max_length=300)),
                ("expires_at", fields.DatetimeField(null=True)),
                ("error", fields.TextField(null=True)),
                ("dt_started", fields.DatetimeField(null=True)),
                ("dt_completed", fields.DatetimeField(null=True)),
            ],
            options={"table": "export_jobs", "app": "metergraph", "pk_attr": "id"},
            bases=["TenantModel"],
        ),
        ops.RunSQL(EXPORT_JOBS_SQL, reverse_sql=EXPORT_JOBS_REVERSE_SQL),
    ]
