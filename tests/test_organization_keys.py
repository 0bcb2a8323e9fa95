"""The schema stays ready to be distributed by organization (DESIGN §2, docs/scaling.md).

Citus shards a distributed table by one column, here ``organization_id``, and can only
enforce a constraint, or run a join, inside one shard. So, on the schema the real
migrations build:
- every table has ``organization_id``, NOT NULL;
- every primary key, unique constraint and unique index includes it;
- every foreign key includes it on both sides, paired column to column;
and in the code, every SQL join of two tables matches their ``organization_id``.

Two tables are deliberately outside the rule, each with its reason in ``NOT_DISTRIBUTED``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import asyncpg
import pytest

NOT_DISTRIBUTED = {
    "organizations": "the distribution root: its id is the organization id",
    "tortoise_migrations": "migration bookkeeping on the coordinator, not tenant data",
}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def db(settings):
    conn = await asyncpg.connect(settings.database_url)
    try:
        yield conn
    finally:
        await conn.close()


async def _tables(db) -> dict[str, bool | None]:
    """Each table (partitions included) → whether organization_id is NOT NULL (None: no column)."""
    rows = await db.fetch(
        """SELECT c.relname,
                  (SELECT a.attnotnull FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped) AS not_null
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
    )
    return {r["relname"]: r["not_null"] for r in rows}


async def test_every_table_has_a_not_null_organization_id(db):
    tables = await _tables(db)
    assert len(tables) > 20, "the migrations did not run"
    missing = sorted(t for t, not_null in tables.items() if not_null is None and t not in NOT_DISTRIBUTED)
    nullable = sorted(t for t, not_null in tables.items() if not_null is False)
    assert missing == [], f"tables without organization_id: {missing}"
    assert nullable == [], f"tables whose organization_id may be NULL: {nullable}"


async def test_every_key_and_unique_index_includes_organization_id(db):
    rows = await db.fetch(
        """SELECT t.relname AS tab, i.relname AS idx, pg_get_indexdef(i.oid) AS definition,
                  ARRAY(SELECT a.attname FROM unnest(x.indkey) AS k(attnum)
                        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) AS columns
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE n.nspname = 'public' AND (x.indisunique OR x.indisprimary)"""
    )
    assert rows, "no keys found"
    offending = sorted(
        f"{r['tab']}: {r['definition']}"
        for r in rows
        if r["tab"] not in NOT_DISTRIBUTED and "organization_id" not in r["columns"]
    )
    assert offending == [], "keys without organization_id:\n" + "\n".join(offending)


async def test_every_foreign_key_pairs_organization_id(db):
    rows = await db.fetch(
        """SELECT c.conrelid::regclass::text AS tab, c.confrelid::regclass::text AS ref, c.conname,
                  ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.i) AS cols,
                  ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, i)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.i) AS refcols
           FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"""
    )
    offending = []
    for r in rows:
        pairs = dict(zip(r["cols"], r["refcols"], strict=True))
        to_root = r["ref"] == "organizations" and pairs == {"organization_id": "id"}
        if not to_root and pairs.get("organization_id") != "organization_id":
            offending.append(f"{r['tab']}.{r['conname']} ({', '.join(r['cols'])}) → {r['ref']}")
    assert offending == [], "foreign keys not paired on organization_id:\n" + "\n".join(offending)


# --- joins in the code -------------------------------------------------------------------

# SQL here is written in upper case; prose (docstrings, comments) says "join".
_JOIN = re.compile(r"\b(?:INNER |LEFT |RIGHT |FULL |CROSS )?JOIN\s+")
_CLAUSE_END = re.compile(r"\b(JOIN|WHERE|GROUP\s+BY|ORDER\s+BY|LIMIT|UNION|RETURNING|SET|ON\s+CONFLICT)\b", re.I)


def _balanced(text: str, start: int) -> int:
    """Index just past the parenthesis group opening at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def join_problems(sql: str) -> list[str]:
    """The joins of ``sql`` that could pair rows of two organizations.

    A join of a table needs ``organization_id`` in its ON clause. A join of a subquery
    needs the subquery to be filtered to one organization. ``unnest`` of parameters holds
    no tenant rows, and a common table expression of the statement is checked where it
    reads its tables.
    """
    ctes = set(re.findall(r"(?:\bWITH(?:\s+RECURSIVE)?|,)\s*(\w+)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(", sql))
    problems = []
    for match in _JOIN.finditer(sql):
        rest = re.sub(r"^LATERAL\s+", "", sql[match.end() :], flags=re.IGNORECASE)  # a subquery all the same
        if rest.lower().startswith("unnest(") or rest.split(None, 1)[0] in ctes:
            continue
        if rest.startswith("("):
            body = rest[: _balanced(rest, 0)]
            if "organization_id" not in body:
                problems.append(f"subquery join not limited to one organization: {body[:80]}")
            continue
        on = re.search(r"\bON\b", rest, re.IGNORECASE)
        clause = rest[on.end() :] if on else rest
        end = _CLAUSE_END.search(clause)
        condition = clause[: end.start()] if end else clause
        if "organization_id" not in condition:
            problems.append(f"join without organization_id: JOIN {rest[:80]!r}")
    return problems


def _sql_strings(path: Path) -> list[str]:
    strings = []
    tree = ast.parse(path.read_text(), str(path))
    # An f-string is checked whole (its pieces joined); a piece alone is no query.
    pieces = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in pieces:
            strings.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            strings.append("".join(v.value for v in node.values if isinstance(v, ast.Constant)))
    return [s for s in strings if re.search(r"\b(SELECT|UPDATE|DELETE)\b", s) and _JOIN.search(s)]


def test_no_query_joins_rows_of_two_organizations():
    files = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "workers").rglob("*.py")])
    found = {
        f"{path.relative_to(ROOT)}: {p}" for path in files for sql in _sql_strings(path) for p in join_problems(sql)
    }
    assert sorted(found) == []


@pytest.mark.parametrize(
    ("sql", "ok"),
    [
        ("SELECT * FROM a JOIN b ON b.id = a.b_id AND b.organization_id = a.organization_id WHERE a.x = 1", True),
        ("SELECT * FROM a JOIN b ON b.id = a.b_id WHERE a.organization_id = $1", False),
        ("SELECT * FROM a LEFT JOIN b USING (id) WHERE a.organization_id = $1", False),
        ("SELECT * FROM a JOIN unnest($1::uuid[]) AS k(id) ON k.id = a.id", True),
        ("UPDATE a SET x = 1 FROM t LEFT JOIN (SELECT id FROM b WHERE organization_id = $1) d ON d.id = t.id", True),
        ("UPDATE a SET x = 1 FROM t LEFT JOIN (SELECT id FROM b) d ON d.id = t.id", False),
        ("WITH c AS (SELECT id FROM b WHERE organization_id = $1) SELECT * FROM a JOIN c ON c.id = a.id", True),
        ("WITH c AS (SELECT 1), d AS (SELECT id FROM b) SELECT * FROM a JOIN b ON b.id = a.id", False),
        ("SELECT * FROM t CROSS JOIN LATERAL (SELECT id FROM b WHERE organization_id = $1 AND x = t.x) AS d", True),
        ("SELECT * FROM t CROSS JOIN LATERAL (SELECT id FROM b WHERE x = t.x) AS d", False),
    ],
)
def test_the_join_rule_itself(sql, ok):
    assert (join_problems(sql) == []) is ok
