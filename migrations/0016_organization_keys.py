from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Every key includes the distribution column (DESIGN §2: the path past one PostgreSQL is
# Citus, distributing by organization_id). Citus needs each primary key, unique constraint
# and foreign key of a distributed table to include that column, so that every constraint
# can be checked inside one shard. Ids stay globally unique (UUIDs, random key ids); the
# keys only gain the column.
#
# The block runs over whatever tables exist when it is applied, so tables created by the
# earlier migrations of this release are covered without naming them. Later migrations must
# create their tables in this shape; `tests/test_organization_keys.py` enforces it.
ORGANIZATION_KEYS_SQL = """
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.conrelid::regclass AS tab, c.conname
        FROM pg_constraint c
        JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public'
          AND c.contype = 'p'
          AND EXISTS (SELECT 1 FROM pg_attribute a
                      WHERE a.attrelid = c.conrelid AND a.attname = 'organization_id' AND NOT a.attisdropped)
          AND NOT EXISTS (SELECT 1 FROM unnest(c.conkey) AS k(attnum)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                          WHERE a.attname = 'organization_id')
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', t.tab, t.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I PRIMARY KEY (id, organization_id)', t.tab, t.conname);
    END LOOP;
END
$$;
-- Access key ids are 96 random bits: unique within the organization by constraint and
-- across organizations by their entropy. The token exchange finds a key by its id alone
-- through the plain index, a lookup that fans out across shards only at sign-in.
-- (The plain index on access_key_id comes from the AlterField before this block.)
ALTER TABLE access_keys ADD CONSTRAINT access_keys_organization_id_access_key_id_key
    UNIQUE (organization_id, access_key_id);
"""


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0015_performance")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="AccessKey",
            name="access_key_id",
            field=fields.CharField(max_length=64, db_index=True),
        ),
        ops.RunSQL(ORGANIZATION_KEYS_SQL, reverse_sql="SELECT 1"),
    ]
