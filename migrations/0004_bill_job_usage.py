from tortoise import migrations
from tortoise.migrations import operations as ops

# Hand-written (DESIGN §2): a table Tortoise models cannot express (composite primary key).
# - `bill_job_usage`: the raw usage a bill job reads, aggregated once for all its accounts
#   while the job is INITIALIZING (app.services.billing.job_usage) and written in the same
#   transaction that opens the job's accounts, so a RUNNING job's rows are complete.
#   Chunks read their accounts' rows by the primary key's prefix (organization, job,
#   account). A row is a known value: quantity NULL means no usage; a window a chunk
#   needs without a row is read from `measurements` as before. Rows are deleted when the
#   job ends.
# - `segment`: '' for the aggregation as a whole (unsegmented, or a compound reference),
#   else the canonical JSON of the segment (app.domain.aggregate.segment_key).
BILL_JOB_USAGE_SQL = [
    """CREATE TABLE bill_job_usage (
        organization_id uuid NOT NULL,
        bill_job_id uuid NOT NULL,
        account_id uuid NOT NULL,
        aggregation_id uuid NOT NULL,
        segment text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        quantity numeric,
        PRIMARY KEY (organization_id, bill_job_id, account_id, aggregation_id, segment, window_start, window_end)
    )""",
]
BILL_JOB_USAGE_REVERSE_SQL = [
    "DROP TABLE IF EXISTS bill_job_usage",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0003_billing")]

    initial = False

    operations = [
        ops.RunSQL(BILL_JOB_USAGE_SQL, reverse_sql=BILL_JOB_USAGE_REVERSE_SQL),
    ]
