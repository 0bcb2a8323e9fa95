from tortoise import migrations
from tortoise.migrations import operations as ops

# Performance (issue #18). Hand-written:
# - `bill_job_usage` becomes UNLOGGED: its rows are an optimization a bill job writes while
#   initializing and drops when it ends (a window without a row is read from the
#   measurements), so they need no WAL; a crash empties the table, which only makes the
#   running jobs' chunks read the measurements themselves. The rows are no longer deleted
#   one job at a time when the table holds no other job's rows: it is truncated then
#   (app.services.billing.job_usage), so many runs leave no dead rows even with
#   autovacuum off.
PERFORMANCE_SQL = [
    "ALTER TABLE bill_job_usage SET UNLOGGED",
]
PERFORMANCE_REVERSE_SQL = [
    "ALTER TABLE bill_job_usage SET LOGGED",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0014_memos_statements")]

    initial = False

    operations = [
        ops.RunSQL(PERFORMANCE_SQL, reverse_sql=PERFORMANCE_REVERSE_SQL),
    ]
