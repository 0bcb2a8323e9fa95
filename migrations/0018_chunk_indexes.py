from tortoise import migrations
from tortoise.migrations import operations as ops

# Bill job chunks (issue #18). Hand-written. Every chunk of a bill job replaces the line
# items of up to 100 bills (`organization_id = $1 AND bill_id = ANY(...)`). With only an
# index on `organization_id` and one on `bill_id`, a planner without statistics (a table
# never analyzed, as with autovacuum off or right after a first big run) takes the
# organization's index as the selective one and reads every line of the organization,
# dead ones included, once per chunk: a job's cost then grows with the square of its
# bills (at 10,000 bills: 120,000 rows read per chunk, ~30 s per recalculation). An index
# on both columns serves the condition whole, whatever the statistics say. Likewise each
# chunk looks for the children of its accounts (`parent_account_id = ANY(...)`: child
# billing, balances), which read all the organization's accounts per chunk; the index
# holds only accounts that have a parent.
CHUNK_INDEXES_SQL = [
    "CREATE INDEX IF NOT EXISTS bill_line_items_bill_idx ON bill_line_items (organization_id, bill_id)",
    "CREATE INDEX IF NOT EXISTS accounts_parent_idx ON accounts (organization_id, parent_account_id)"
    " WHERE parent_account_id IS NOT NULL",
]
CHUNK_INDEXES_REVERSE_SQL = [
    "DROP INDEX IF EXISTS accounts_parent_idx",
    "DROP INDEX IF EXISTS bill_line_items_bill_idx",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0017_event_writes")]

    initial = False

    operations = [
        ops.RunSQL(CHUNK_INDEXES_SQL, reverse_sql=CHUNK_INDEXES_REVERSE_SQL),
    ]
