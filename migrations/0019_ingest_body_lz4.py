from tortoise import migrations
from tortoise.migrations import operations as ops

# Ingest (issue #18). Hand-written: raw batch bodies are compressed with lz4 instead of
# PostgreSQL's default pglz. Every accepted batch (~500 kB of JSON) is compressed once on
# insert and decompressed once when processed; pglz cost the database 1.8 µs of CPU per
# measurement on insert against 0.6 µs for lz4 (and 0.4 against 0.3 to read back), for
# bodies about a fifth larger. Only new values are affected; old ones stay readable.
# A server built without lz4 refuses the method: it then keeps pglz (nothing else changes).
BODY_LZ4_SQL = """
DO $$
BEGIN
    ALTER TABLE measurement_batches ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'this server has no lz4: raw batch bodies keep pglz';
END
$$;
"""
BODY_LZ4_REVERSE_SQL = "ALTER TABLE measurement_batches ALTER COLUMN body SET COMPRESSION default"


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0018_chunk_indexes")]

    initial = False

    operations = [
        ops.RunSQL(BODY_LZ4_SQL, reverse_sql=BODY_LZ4_REVERSE_SQL),
    ]
