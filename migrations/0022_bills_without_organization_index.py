from tortoise import migrations
from tortoise.migrations import operations as ops

# Bill job chunks (issue #18), hand-written: `bills` loses its one-column index on
# `organization_id`. Every query on bills names the organization, and the unique key
# (organization_id, account_id, bill_date, billing_frequency) leads with it, so that
# index served nothing the key does not. It did harm: a planner without statistics (a
# table never analyzed, as with autovacuum off, or a table that grew since its last
# analysis) guesses a small table's rows from its pages, takes `organization_id = $1` for
# the most selective condition and reads every bill of the organization through it, once
# per lookup: a chunk's hundred lookups of its bills by key then cost a hundred reads of
# the organization's bills.
BILLS_SQL = ["DROP INDEX IF EXISTS idx_bills_organiz_16765e"]
BILLS_REVERSE_SQL = ["CREATE INDEX IF NOT EXISTS idx_bills_organiz_16765e ON bills (organization_id)"]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0021_event_row_images")]

    initial = False

    operations = [
        ops.RunSQL(BILLS_SQL, reverse_sql=BILLS_REVERSE_SQL),
    ]
