from tortoise import migrations
from tortoise.migrations import operations as ops

# Cheaper event writes (issue #15). Hand-written:
# - `event` loses its foreign key to `organizations`: every insert paid a lookup for a key
#   the writer takes from the row it is changing (an organization is never deleted by the
#   application; `event_sequence` keeps its key, checked only at an entity's first event).
# - and its index on occurred_at alone, which only the retention cron read: it prunes
#   organization by organization through (organization_id, occurred_at DESC, id DESC).
# - `api_decimal(numeric)` and `api_json(jsonb)`: a value in the text Python's payloads.api_value
#   gives it, so the events built in SQL (app.services.events.rows) carry exactly the API
#   form the ones built from model instances carry: a numeric as str() writes the Decimal
#   asyncpg reads (exponent form below 1e-6, `1E-7`, `0E-8`, and for integers ending in
#   groups of four zeros, `1.2E+5`), a JSON number with a fraction as Python reads it (a
#   float) and then shows it (str(Decimal(repr(float)))).
EVENT_WRITES_SQL = [
    "ALTER TABLE event DROP CONSTRAINT IF EXISTS event_organization_fk",
    "DROP INDEX IF EXISTS event_occurred_idx",
    r"""
CREATE FUNCTION api_decimal(v numeric) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN v IS NULL THEN NULL
        -- an integer read by asyncpg leaves out its trailing groups of four zeros (numeric's
        -- base-10000 digits), an exponent: 120000 is Decimal('12E+4'), shown 1.2E+5
        WHEN scale(v) = 0 AND v <> 0 AND v <> 'NaN' AND v::text LIKE '%0000' THEN (
            SELECT CASE WHEN v < 0 THEN '-' ELSE '' END || left(d, 1)
                   || CASE WHEN length(d) > 1 THEN '.' || substr(d, 2) ELSE '' END
                   || 'E+' || (length(t) - 1)::text
            FROM (SELECT abs(v)::text AS t, regexp_replace(abs(v)::text, '(0000)+$', '') AS d) AS s)
        WHEN v = 'NaN' OR abs(v) >= 0.000001 OR (v = 0 AND scale(v) <= 6) THEN v::text
        -- below 1e-6 str(Decimal) writes an exponent
        WHEN v = 0 THEN '0E-' || scale(v)
        ELSE (SELECT CASE WHEN v < 0 THEN '-' ELSE '' END || left(d, 1)
                     || CASE WHEN length(d) > 1 THEN '.' || substr(d, 2) ELSE '' END
                     || 'E' || (length(d) - 1 - scale(v))::text
              FROM (SELECT ltrim(replace(abs(v)::text, '.', ''), '0') AS d) AS s)
    END
$$""",
    r"""
CREATE FUNCTION api_float(f float8) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET extra_float_digits = 1 AS $$
DECLARE
    t text := f::text;  -- the shortest digits that read back as f, as Python's repr finds them
    neg boolean := left(t, 1) = '-';
    digits text;
    decpt int;  -- f = 0.<digits> * 10^decpt
    n int;
    adjusted int;
BEGIN
    IF f = 0 THEN RETURN CASE WHEN neg THEN '-0.0' ELSE '0.0' END; END IF;
    IF f = 'Infinity' OR f = '-Infinity' THEN RETURN t; END IF;
    t := ltrim(t, '-');
    IF strpos(t, 'e') > 0 THEN
        digits := replace(split_part(t, 'e', 1), '.', '');
        decpt := split_part(t, 'e', 2)::int + 1;
    ELSIF split_part(t, '.', 1) = '0' THEN
        digits := ltrim(split_part(t, '.', 2), '0');
        decpt := length(ltrim(split_part(t, '.', 2), '0')) - length(split_part(t, '.', 2));
    ELSE
        digits := replace(t, '.', '');
        decpt := length(split_part(t, '.', 1));
    END IF;
    digits := rtrim(digits, '0');
    n := length(digits);
    adjusted := decpt - 1;
    -- repr writes -4 < decpt <= 16 plainly, with a fraction; str(Decimal) keeps that text.
    -- Otherwise repr writes an exponent, and str(Decimal) of it is plain only when its
    -- exponent (decpt - n) <= 0 and adjusted >= -6.
    IF (decpt > -4 AND decpt <= 16) OR (decpt - n <= 0 AND adjusted >= -6) THEN
        t := CASE
            WHEN decpt <= 0 THEN '0.' || repeat('0', -decpt) || digits
            WHEN n <= decpt THEN digits || repeat('0', decpt - n) || CASE WHEN decpt <= 16 THEN '.0' ELSE '' END
            ELSE left(digits, decpt) || '.' || substr(digits, decpt + 1)
        END;
    ELSE
        t := left(digits, 1) || CASE WHEN n > 1 THEN '.' || substr(digits, 2) ELSE '' END
             || 'E' || CASE WHEN adjusted >= 0 THEN '+' ELSE '-' END || abs(adjusted)::text;
    END IF;
    RETURN CASE WHEN neg THEN '-' ELSE '' END || t;
END
$$""",
    r"""
CREATE FUNCTION api_json_walk(j jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(key, api_json(value)), '{}') FROM jsonb_each(j));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(api_json(value) ORDER BY i), '[]')
                FROM jsonb_array_elements(j) WITH ORDINALITY AS e(value, i));
    WHEN 'number' THEN
        BEGIN
            RETURN to_jsonb(api_float(j::text::float8));
        EXCEPTION WHEN numeric_value_out_of_range THEN
            -- beyond a float: Python reads infinity, or zero
            RETURN to_jsonb(CASE WHEN j::text::numeric < 0 THEN '-' ELSE '' END
                            || CASE WHEN abs(j::text::numeric) > 1 THEN 'Infinity' ELSE '0.0' END);
        END;
    ELSE
        RETURN j;
    END CASE;
END
$$""",
    # Only a number with a fraction changes (Python reads it as a float): without a `.` in
    # its text, the value as it is, and no function call (a SQL function, inlined).
    """
CREATE FUNCTION api_json(j jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN strpos(j::text, '.') = 0 THEN j ELSE api_json_walk(j) END
$$""",
]
EVENT_WRITES_REVERSE_SQL = [
    "CREATE INDEX IF NOT EXISTS event_occurred_idx ON event (occurred_at)",
    "DROP FUNCTION IF EXISTS api_json(jsonb)",
    "DROP FUNCTION IF EXISTS api_json_walk(jsonb)",
    "DROP FUNCTION IF EXISTS api_float(float8)",
    "DROP FUNCTION IF EXISTS api_decimal(numeric)",
    """ALTER TABLE event ADD CONSTRAINT event_organization_fk
        FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE""",
]


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0016_organization_keys")]

    initial = False

    operations = [
        ops.RunSQL(EVENT_WRITES_SQL, reverse_sql=EVENT_WRITES_REVERSE_SQL),
    ]
