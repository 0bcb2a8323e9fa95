from tortoise import migrations
from tortoise.migrations import operations as ops

# Bill job chunks (issue #18), hand-written: five one- or two-column indexes that a wider
# index leading with the same columns already serves, on the tables a bill job writes
# for every bill and every account. Every statement names the organization (the rule
# `tests/test_organization_keys.py` keeps), so a lookup by bill or account goes through
# the wider index; these only cost index entries on every write:
# - bill_line_items (4 rows per bill of the benchmark, written again on every
#   recalculation): `(organization_id)` and `(bill_id)`, both served by
#   `bill_line_items_bill_idx (organization_id, bill_id)`;
# - bills: `(account_id)`, served by the unique key (organization_id, account_id, ...);
# - bill_job_accounts (inserted and updated once per account per job; the update changes
#   `status`, which the partial pending index names, so it is never a HOT update and every
#   index takes a new entry): `(organization_id)` and `(bill_job_id)`, served by the unique
#   key (organization_id, bill_job_id, account_id).
# As with migration 0022, a one-column organization index also misleads a planner without
# statistics into reading the organization's rows for a lookup by key.
DROPPED = {
    "idx_bill_line_i_organiz_5e853f": "bill_line_items (organization_id)",
    "idx_bill_line_i_bill_id_3468d0": "bill_line_items (bill_id)",
    "idx_bills_account_9681cf": "bills (account_id)",
    "idx_bill_job_ac_organiz_b658c3": "bill_job_accounts (organization_id)",
    "idx_bill_job_ac_bill_jo_f897db": "bill_job_accounts (bill_job_id)",
}
DROP_SQL = [f"DROP INDEX IF EXISTS {name}" for name in DROPPED]
REVERSE_SQL = [f"CREATE INDEX IF NOT EXISTS {name} ON {columns}" for name, columns in DROPPED.items()]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0022_bills_without_organization_index")]

    initial = False

    operations = [
        ops.RunSQL(DROP_SQL, reverse_sql=REVERSE_SQL),
    ]
