"""A bill job chunk's statements read the chunk's rows, not the organization's.

Each chunk looks up and locks the bills of its own accounts, reads their usage rows and
records their outcome. Written as joins or `= ANY(...)` next to `organization_id = $1`,
those statements let a planner without statistics (tables never analyzed: autovacuum off,
or right after a first big run) read every such row of the organization or the job once
per chunk, so a job costs the square of its bills. Here the organization (or the job)
holds many more rows than the chunk names, and the rows each statement reads (EXPLAIN
ANALYZE, rolled back) must stay within a small multiple of the chunk's own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta

from app.db import connection
from app.models.billing import Bill, BillJob
from app.progress import progress_fields
from app.services import billing
from app.services.billing import claims, job_usage, persist_many
from app.services.billing.commands import CreateBillJob
from app.services.events import rows
from tests.services import ACTOR, LAST_DAY, at, new_world

# Rows of the organization (or job) the chunk does not name: enough pages for a planner
# without statistics to tell the indexes apart (on a few pages they all cost the same).
OTHER_ROWS = 3000


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


async def _rows_read(conn, sql: str, *args) -> dict[str, int]:
    """Rows each table's scans produced or dropped (filters, rechecks), over all loops, and
    the entries each bitmap index scan read ("index <name>")."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        plan = json.loads(await conn.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, *args))[0]["Plan"]
    finally:
        await transaction.rollback()
    read: dict[str, int] = {}
    for node in _nodes(plan):
        if "Relation Name" in node:
            rows = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            rows += node.get("Rows Removed by Index Recheck", 0)
            read[node["Relation Name"]] = read.get(node["Relation Name"], 0) + rows * node["Actual Loops"]
        elif node["Node Type"] == "Bitmap Index Scan":  # entries read before the heap is visited
            name = f"index {node['Index Name']}"
            read[name] = read.get(name, 0) + node["Actual Rows"] * node["Actual Loops"]
    return read


async def _copies(conn, table: str, source_id: uuid.UUID, changes: dict[str, str]) -> None:
    """OTHER_ROWS copies of one row, with the columns in `changes` computed from `n`."""
    columns = [
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", table
        )
    ]
    values = ", ".join(changes.get(c, f"t.{c}") for c in columns)
    await conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values}"
        f" FROM {table} AS t, generate_series(1, {OTHER_ROWS}) AS n WHERE t.id = $1",
        source_id,
    )


async def _billed(*codes: str):
    """A world whose accounts `codes` have one bill each, and those bills."""
    world = await new_world()
    for code in codes:
        await world.account(code)
        await world.measure(code, 10, at(3))
    job = await billing.create_bill_job(
        world.organization_id, CreateBillJob(last_date_in_billing_period=LAST_DAY), actor=ACTOR, enqueue=None
    )
    await billing.run_bill_job(world.organization_id, job.id)
    bills = await world.bills()
    assert len(bills) == len(codes)
    return world, bills


async def test_a_chunk_locks_its_own_bills(app):
    world, bills = await _billed("a", "b", "c")
    org = world.organization_id
    async with connection() as conn:
        # Earlier bills of the same accounts (other bill dates); a chunk of CHUNK_SIZE of them.
        await _copies(conn, "bills", bills[0].id, {"id": "gen_random_uuid()", "bill_date": "t.bill_date - n"})
        chunk = await conn.fetch(
            "SELECT id, account_id, bill_date, billing_frequency FROM bills WHERE organization_id = $1"
            " AND bill_date < $2 ORDER BY bill_date DESC LIMIT $3",
            org,
            bills[0].bill_date,
            claims.CHUNK_SIZE,
        )
        keys = [[r[column] for r in chunk] for column in ("account_id", "bill_date", "billing_frequency")]
        locked = await _rows_read(conn, persist_many._LOCK_EXISTING, org, *keys)
    assert len(chunk) == claims.CHUNK_SIZE
    assert locked.get("bills", 0) <= 2 * len(chunk), locked


async def test_a_chunk_reads_its_own_job_rows(app):
    world = await new_world()
    org = world.organization_id
    accounts = [uuid.uuid4() for _ in range(OTHER_ROWS)]
    job = await billing.create_bill_job(
        org, CreateBillJob(last_date_in_billing_period=LAST_DAY), actor=ACTOR, enqueue=None
    )
    window = (at(1), at(1) + timedelta(days=31))
    async with connection() as conn:
        await conn.execute("UPDATE bill_jobs SET status = 'INITIALIZING' WHERE id = $1", job.id)
    usage = {(a, world.aggregation.id, "{}", *window): None for a in accounts}
    assert await claims.open_accounts(org, job.id, accounts, usage)
    claim = await claims.claim(org, job.id, 5)
    assert claim is not None
    async with connection() as conn:
        rows = await _rows_read(conn, job_usage._CHUNK_ROWS, org, job.id, claim.account_ids)
    assert rows.get("bill_job_usage", 0) <= 2 * len(claim.rows), rows

    row_ids = list(claim.rows)
    outcomes = ["DONE"] * len(row_ids), [None] * len(row_ids), ["[]"] * len(row_ids)
    async with connection() as conn:
        finished = await _rows_read(conn, claims._FINISH, org, job.id, claim.token, row_ids, *outcomes)
    assert finished.get("bill_job_accounts", 0) <= 3 * len(row_ids), finished
    results = {a: claims.AccountResult() for a in claim.account_ids}
    results[claim.account_ids[0]].bill_ids.append(uuid.uuid4())
    done = await claims.finish(org, job.id, claim, results)
    assert done.count == 5
    # The progress published after a chunk is the row's, without reading the row again.
    row = await BillJob.filter(organization_id=org, id=job.id).first()
    assert done.progress is not None and progress_fields(done.progress) == progress_fields(row)
    assert progress_fields(row)["billCount"] == 1
    again = await claims.finish(org, job.id, claim, results)
    assert (again.count, again.progress) == (0, None)  # nothing finished twice, nothing to publish
    async with connection() as conn:
        pending = await conn.fetchval(
            "SELECT count(*) FROM bill_job_accounts WHERE bill_job_id = $1 AND status = 'PENDING'", job.id
        )
        assert pending == OTHER_ROWS - 5


async def test_a_chunks_bill_events_read_its_own_bills(app):
    world, bills = await _billed("a", "b")
    org = world.organization_id
    async with connection() as conn:
        await _copies(conn, "bills", bills[0].id, {"id": "gen_random_uuid()", "bill_date": "t.bill_date - n"})
        ids = [b.id for b in bills]
        sql = rows._row_events_sql(Bill, "bill")
        read = await _rows_read(conn, sql, org, None, ids, ["billing.bill.updated"] * len(ids), [None] * len(ids))
        indexes = {
            f"index {r['indexname']}"
            for r in await conn.fetch("SELECT indexname FROM pg_indexes WHERE tablename = 'bills'")
        }
    assert read.get("bills", 0) <= 2 * len(ids), read
    assert sum(n for name, n in read.items() if name in indexes) <= 2 * len(ids), read


async def test_the_claims_bookkeeping_commits_unflushed_without_leaving_the_setting_on_the_session(app):
    async with claims.unflushed() as conn:
        assert await conn.fetchval("SHOW synchronous_commit") == "off"
        async with conn.transaction():  # a savepoint: still the outer transaction's setting
            assert await conn.fetchval("SHOW synchronous_commit") == "off"
    async with connection() as conn:  # SET LOCAL: gone with the transaction
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
