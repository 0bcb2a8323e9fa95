from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# A bill job's bills are no longer appended to `bill_jobs.result_bill_ids` at every chunk
# (issue #18, costs that grow no faster than the work). Appending to a jsonb array rewrites
# it whole: with 100-account chunks, each finish cost 13 ms at 10,000 bills and 120 ms at
# 100,000, so a 100,000-account job spent ~55 s of its job row's lock rewriting the list.
# Each chunk now adds to the counter `bill_count` (what progress messages carry), the
# bills stay on their `bill_job_accounts` rows, where the API reads them, and
# `result_bill_ids` is written once, when the job ends, for its ending event.
BACKFILL_SQL = ["UPDATE bill_jobs SET bill_count = jsonb_array_length(result_bill_ids) WHERE result_bill_ids <> '[]'"]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0024_event_json_images")]

    initial = False

    operations = [
        ops.AddField(model_name="BillJob", name="bill_count", field=fields.IntField(default=0, db_default=0)),
        ops.RunSQL(BACKFILL_SQL, reverse_sql=[]),
    ]
