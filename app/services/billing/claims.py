"""A bill job's accounts as rows (`bill_job_accounts`): the database's record of what is left.

- Opening: the accounts are inserted `ON CONFLICT DO NOTHING` under a lock of the job row
  taken while the job is INITIALIZING; the same transaction writes the job's prepared
  usage (`job_usage`) and sets `total`, `pending` and RUNNING. A second initializer (a
  retry, the sweep, a second worker) waits for the lock, sees RUNNING, and adds nothing.
- Claiming: a worker takes up to N PENDING rows whose lease is free or expired
  (`FOR UPDATE SKIP LOCKED` inside a short UPDATE), stamping them with its own token.
  A claim is a lease, not a held lock: no transaction stays open while bills are
  computed, and a worker that dies leaves rows whose lease expires and which another
  worker then claims (the bills it already stored are recalculated in place). A worker
  that meets a transient error gives its claim back (`release`) rather than fail them.
- Finishing: the rows' outcome and the job's counters change in ONE statement, only for
  rows still PENDING under this worker's token, so a count is never applied twice, even
  if the lease was taken over meanwhile.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import asyncpg

from app.db import connection
from app.services.billing.job_usage import UsageRows, write_job_usage
from app.services.billing.progress import Progress

CHUNK_SIZE = 100
LEASE_SECONDS = 120.0
DONE, FAILED = "DONE", "FAILED"


@contextlib.asynccontextmanager
async def unflushed() -> AsyncIterator[asyncpg.Connection]:
    """A transaction whose commit does not wait for its WAL flush (a few ms each, on the
    path of every chunk). For the claims' bookkeeping only, which a database crash may
    lose without losing or doubling anything: a lost claim or release leaves the accounts
    claimable, a lost finish leaves them PENDING under an expired lease, so they are
    billed again in place and counted once. WAL order keeps any later durable commit (the
    next chunk's bills, the job's COMPLETE) from surviving without them, so a COMPLETE job
    has every finish. The bills themselves are stored with a durable commit."""
    async with connection() as conn, conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit = off")
        yield conn


@dataclass(frozen=True)
class Claim:
    token: str
    rows: dict[uuid.UUID, uuid.UUID]  # row id → account id

    @property
    def account_ids(self) -> list[uuid.UUID]:
        return list(self.rows.values())


@dataclass
class AccountResult:
    failures: list[str] = field(default_factory=list)
    bill_ids: list[uuid.UUID] = field(default_factory=list)  # made or updated
    notes: list[str] = field(default_factory=list)  # e.g. a locked bill skipped

    @property
    def status(self) -> str:
        return FAILED if self.failures else DONE

    @property
    def reason(self) -> str | None:
        text = "; ".join([*self.failures, *self.notes])
        return text or None


async def open_accounts(
    organization_id: uuid.UUID, job_id: uuid.UUID, account_ids: Sequence[uuid.UUID], usage: UsageRows | None = None
) -> bool:
    """Insert the job's accounts and its prepared usage, and move it INITIALIZING → RUNNING;
    False when the job was no longer INITIALIZING (another initializer won, or it was
    cancelled)."""
    async with connection() as conn:
        async with conn.transaction():
            status = await conn.fetchval(
                "SELECT status FROM bill_jobs WHERE organization_id = $1 AND id = $2 FOR UPDATE",
                organization_id,
                job_id,
            )
            if status != "INITIALIZING":
                return False
            await write_job_usage(conn, organization_id, job_id, usage or {})
            await conn.execute(
                """INSERT INTO bill_job_accounts (id, organization_id, version, dt_created, dt_last_modified,
                       bill_job_id, account_id, status, bill_ids)
                   SELECT gen_random_uuid(), $1, 1, now(), now(), $2, a, 'PENDING', '[]'::jsonb
                   FROM unnest($3::uuid[]) AS a ORDER BY a
                   ON CONFLICT (organization_id, bill_job_id, account_id) DO NOTHING""",
                organization_id,
                job_id,
                sorted(set(account_ids), key=str),
            )
            await conn.execute(
                """UPDATE bill_jobs SET status = 'RUNNING', version = version + 1, dt_last_modified = now(),
                       dt_heartbeat = now(),
                       total = (SELECT count(*) FROM bill_job_accounts WHERE organization_id = $1 AND bill_job_id = $2),
                       pending = (SELECT count(*) FROM bill_job_accounts
                                  WHERE organization_id = $1 AND bill_job_id = $2 AND status = 'PENDING')
                   WHERE organization_id = $1 AND id = $2""",
                organization_id,
                job_id,
            )
    return True


async def claim(
    organization_id: uuid.UUID, job_id: uuid.UUID, limit: int = CHUNK_SIZE, lease_seconds: float = LEASE_SECONDS
) -> Claim | None:
    """Up to `limit` of the job's accounts, while the job is RUNNING (None: nothing left to
    claim, or the job is no longer RUNNING: cancelled, failed). The job's status is checked
    in the same statement, so a claim loop asks the database once per chunk."""
    token = uuid.uuid4().hex
    async with unflushed() as conn:
        rows = await conn.fetch(
            """UPDATE bill_job_accounts SET claim_token = $3, dt_claimed = now()
               WHERE id IN (SELECT id FROM bill_job_accounts
                            WHERE organization_id = $1 AND bill_job_id = $2 AND status = 'PENDING'
                              AND (dt_claimed IS NULL OR dt_claimed < now() - make_interval(secs => $5))
                              AND EXISTS (SELECT 1 FROM bill_jobs
                                          WHERE organization_id = $1 AND id = $2 AND status = 'RUNNING')
                            ORDER BY account_id LIMIT $4 FOR UPDATE SKIP LOCKED)
               RETURNING id, account_id""",
            organization_id,
            job_id,
            token,
            limit,
            lease_seconds,
        )
    if not rows:
        return None
    return Claim(token, {row["id"]: row["account_id"] for row in sorted(rows, key=lambda r: r["account_id"])})


async def release(organization_id: uuid.UUID, job_id: uuid.UUID, claim_: Claim) -> None:
    """Give the claimed rows back at once (still PENDING, free to claim), e.g. after a
    transient error; rows the lease lost meanwhile are not touched."""
    async with unflushed() as conn:
        await conn.execute(
            """UPDATE bill_job_accounts SET claim_token = NULL, dt_claimed = NULL
               WHERE organization_id = $1 AND bill_job_id = $2 AND claim_token = $3 AND status = 'PENDING'""",
            organization_id,
            job_id,
            claim_.token,
        )


async def renew(organization_id: uuid.UUID, job_id: uuid.UUID, claim_: Claim) -> None:
    """Extend this worker's lease, and the job's heartbeat with it."""
    async with unflushed() as conn:
        await conn.execute(
            """UPDATE bill_job_accounts SET dt_claimed = now()
               WHERE organization_id = $1 AND bill_job_id = $2 AND claim_token = $3 AND status = 'PENDING'""",
            organization_id,
            job_id,
            claim_.token,
        )
        await conn.execute(
            "UPDATE bill_jobs SET dt_heartbeat = now() WHERE organization_id = $1 AND id = $2", organization_id, job_id
        )


@dataclass(frozen=True)
class Finished:
    """What `finish` did: rows it finished, and the job's progress as that statement left
    it (None when it finished none and so changed nothing)."""

    count: int
    progress: Progress | None


async def finish(
    organization_id: uuid.UUID, job_id: uuid.UUID, claim_: Claim, results: dict[uuid.UUID, AccountResult]
) -> Finished:
    """Record the claimed rows' outcomes and the job's counters together."""
    row_ids = list(claim_.rows)
    outcomes = [results[claim_.rows[r]] for r in row_ids]
    async with unflushed() as conn:
        row = await conn.fetchrow(
            _FINISH,
            organization_id,
            job_id,
            claim_.token,
            row_ids,
            [o.status for o in outcomes],
            [o.reason for o in outcomes],
            [json.dumps([str(b) for b in o.bill_ids]) for o in outcomes],
        )
    progress = None if row["status"] is None else Progress(job_id, *row[1:])
    return Finished(row["finished"], progress)


# The claimed rows are found one by one through the primary key and updated by their ctid:
# joined to the row ids, a planner without statistics (a table never analyzed) scans every
# PENDING row of the job through the (organization, job) index prefix, once per chunk. A row
# updated meanwhile (its lease taken over) is updated only if it still passes the
# conditions, as with any UPDATE. The job's progress comes back with the count, so that it
# is published without reading the row again. The job's bills stay on these rows: the job
# row only counts them (`JOB_BILL_IDS`).
_FINISH = """WITH done AS (
       UPDATE bill_job_accounts AS a
       SET status = r.status, reason = r.reason, bill_ids = r.bill_ids::jsonb, claim_token = NULL,
           version = a.version + 1, dt_last_modified = now()
       FROM (SELECT r.*, x.tid
             FROM unnest($4::uuid[], $5::varchar[], $6::text[], $7::text[])
                  AS r(id, status, reason, bill_ids)
             CROSS JOIN LATERAL (SELECT ctid AS tid FROM bill_job_accounts
                                 WHERE organization_id = $1 AND id = r.id OFFSET 0) AS x) AS r
       WHERE a.ctid = r.tid AND a.organization_id = $1 AND a.bill_job_id = $2
         AND a.status = 'PENDING' AND a.claim_token = $3
       RETURNING a.status, a.bill_ids),
   counted AS (
       UPDATE bill_jobs SET pending = pending - (SELECT count(*) FROM done),
           failed = failed + (SELECT count(*) FROM done WHERE status = 'FAILED'),
           bill_count = bill_count + (SELECT coalesce(sum(jsonb_array_length(done.bill_ids)), 0) FROM done),
           -- A chunk that finishes after its job was cancelled adds its bills to the list
           -- written when the job ended.
           result_bill_ids = CASE WHEN status IN ('COMPLETE', 'CANCELLED', 'FAILED')
               THEN result_bill_ids || coalesce(
                   (SELECT jsonb_agg(b) FROM done, jsonb_array_elements(done.bill_ids) AS b), '[]'::jsonb)
               ELSE result_bill_ids END,
           version = version + 1, dt_last_modified = now(), dt_heartbeat = now()
       WHERE organization_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM done)
       RETURNING status, total, pending, failed, version, bill_count)
   SELECT (SELECT count(*) FROM done) AS finished, c.status, c.total, c.pending, c.failed, c.version, c.bill_count
   FROM (SELECT) AS one LEFT JOIN counted AS c ON true"""


# The bills a job's accounts made or updated, in the order their chunks finished: per job
# (`$2`, an array) its bill ids. Read whole when asked for (the API) and once when the job
# ends (`JOB_RESULT_BILL_IDS`); a chunk never rewrites a list of them (migration 0025).
_BILLS_OF_JOB_ROWS = """FROM bill_job_accounts AS a, jsonb_array_elements_text(a.bill_ids) WITH ORDINALITY AS b(id, n)
    WHERE a.organization_id = $1 AND a.bill_job_id = {jobs} AND a.bill_ids <> '[]'"""
_FINISH_ORDER = "a.dt_last_modified, a.id, b.n"
JOB_BILL_IDS = f"""SELECT a.bill_job_id, b.id::uuid AS bill_id
    {_BILLS_OF_JOB_ROWS.format(jobs="ANY($2::uuid[])")}
    ORDER BY a.bill_job_id, {_FINISH_ORDER}"""
# As a jsonb array, for `bill_jobs.result_bill_ids` of job `$2` as it ends.
JOB_RESULT_BILL_IDS = f"""(SELECT coalesce(jsonb_agg(b.id ORDER BY {_FINISH_ORDER}), '[]'::jsonb)
    {_BILLS_OF_JOB_ROWS.format(jobs="$2")})"""


async def bill_ids_by_job(organization_id: uuid.UUID, job_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each job's bills so far, in the order their chunks finished."""
    async with connection() as conn:
        rows = await conn.fetch(JOB_BILL_IDS, organization_id, job_ids)
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row in rows:
        found.setdefault(row["bill_job_id"], []).append(row["bill_id"])
    return found
