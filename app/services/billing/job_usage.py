"""A bill job's usage, aggregated once for all its accounts (DESIGN §4 "Bill job").

Each account's measurements are spread over the whole period, so reading usage chunk by
chunk reads most of the period's measurements once per chunk. A job therefore reads them
once, while INITIALIZING, and its chunks read the result:
- `prepare_job_usage` lists every usage window of every bill of the job (`plan_bills`),
  groups the windows by (meter, window, segments, sorted input or not) and reads each
  group with ONE query computing all its aggregations (`aggregate_meter_usage`): over
  the organization's measurements of that meter and window in one pass, or through the
  index for the group's accounts when they are at most a tenth of the organization's.
- The organization and catalog the windows were planned with go to the chunks of the
  process (`claim_loops.ClaimLoops`), which plan their bills with them instead of loading them.
- `claims.open_accounts` writes the rows (`write_job_usage`) in the transaction that
  makes the job RUNNING: a RUNNING job's rows are complete (or absent, when preparing
  failed). A crash before that commit leaves nothing; the next initializer prepares again.
- A row is a known value, quantity NULL meaning no usage: every window a bill of the job
  needs has a row. Chunks read their accounts' rows (`JobUsage`): from the table, or in the
  initializing process from the rows it wrote and still holds (`known_usage`, the same
  values without a query per chunk). A window without one (the
  catalog changed meanwhile, a job started before this table, preparing failed) is read
  from the measurements as before, so the rows only ever save work.
- The rows go when the job ends (`discard_job_usage`), and the sweep removes those of
  jobs that ended otherwise (`discard_ended_jobs_usage`): by TRUNCATE when no other job
  has rows, so that no dead rows pile up over many jobs (the table is UNLOGGED: its rows
  are only ever an optimization, migration 0015), else by DELETE.

The chunks of a job bill the measurements read at its initialization, after its ingest
catch-up: everything accepted before the job started (SEMANTICS §6), read at one instant
for all accounts (**decision**; before, each chunk read the measurements of its own time).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import asyncpg

from app.db import connection
from app.domain.aggregate import UNMATCHED
from app.domain.billing import SegmentPairs, UsageWindow
from app.models.accounts import Account
from app.models.billing import BillJob
from app.models.catalog import Aggregation
from app.services.billing.initialize import JobAccounts, job_requests
from app.services.billing.planning import Loaded, plan_bills
from app.services.billing.window_usage import UsageByAccount, domain_key, fetch_usage, read_segments, text_key
from app.services.measurement_aggregates import ORDERED_FUNCTIONS, aggregate_meter_usage

log = logging.getLogger("metergraph.billing")

# Through the index when a group's accounts are at most 1/INDEX_FRACTION of the
# organization's: their measurements are spread over the whole period, so reading a few
# accounts' rows through the index touches most of the period's pages already.
INDEX_FRACTION = 10
COLUMNS = (
    "organization_id",
    "bill_job_id",
    "account_id",
    "aggregation_id",
    "segment",
    "window_start",
    "window_end",
    "quantity",
)

# (account id, aggregation id, text segment key, window start, window end) → raw quantity
UsageRows = dict[tuple[uuid.UUID, uuid.UUID, str, datetime, datetime], Decimal | None]
_Needed = tuple[uuid.UUID, uuid.UUID, SegmentPairs | None, datetime, datetime]


@dataclass
class _Group:
    """Windows read by one query: one meter, one window, the same segments."""

    segments: list[dict[str, str]]
    aggregations: dict[uuid.UUID, Aggregation] = field(default_factory=dict)
    accounts: set[uuid.UUID] = field(default_factory=set)


@dataclass(frozen=True)
class PreparedUsage:
    """The job's usage rows (None: not read, the chunks read the measurements), and the
    organization and catalog its bills were planned with, for the chunks to plan with."""

    rows: UsageRows | None
    loaded: Loaded | None = None


async def prepare_job_usage(organization_id: uuid.UUID, job: BillJob, accounts: JobAccounts) -> PreparedUsage:
    """Every window the job's bills need, for all its accounts (planned with the catalog
    they were chosen with, when there is one); no rows when that could not be read
    (logged: the chunks then read the measurements themselves, and fail or not as they
    would have anyway)."""
    try:
        requests = await job_requests(organization_id, job, accounts.ids)
        planned = await plan_bills(
            organization_id, requests, conversions=job.currency_conversions, loaded=accounts.loaded
        )
        rows = await _read(organization_id, planned.catalog.aggregations, planned.needs)
    except Exception:  # noqa: BLE001 - an optimization must not fail the job
        log.exception("bill job %s: usage could not be aggregated up front; chunks read it themselves", job.id)
        return PreparedUsage(None)
    dates = frozenset(r.bill_date for rs in requests.values() for r in rs)
    return PreparedUsage(rows, Loaded(planned.org, planned.catalog, dates))


def _groups(
    aggregations: Mapping[uuid.UUID, Aggregation], needs: Mapping[uuid.UUID, Sequence[UsageWindow]]
) -> tuple[dict[tuple, _Group], set[_Needed]]:
    groups: dict[tuple, _Group] = {}
    needed: set[_Needed] = set()
    # Every account needs the same few windows: each window's group key is made once.
    keys: dict[UsageWindow, tuple[tuple, list[dict[str, str]]] | None] = {}
    for account_id, windows in needs.items():
        for window in windows:
            if window not in keys:
                keys[window] = _group_key(aggregations, window)
            keyed = keys[window]
            if keyed is None:
                continue  # deleted meanwhile: no usage, as `fetch_usage` says
            key, segments = keyed
            aggregation = aggregations[window.aggregation_id]
            group = groups.setdefault(key, _Group(segments))
            group.aggregations[aggregation.id] = aggregation
            group.accounts.add(account_id)
            needed.add((account_id, aggregation.id, window.segment, window.start, window.end))
    return groups, needed


def _group_key(
    aggregations: Mapping[uuid.UUID, Aggregation], window: UsageWindow
) -> tuple[tuple, list[dict[str, str]]] | None:
    """The key of the group that reads `window` (one meter, window, segments, ordered or
    not) and its segments; None when its aggregation is gone."""
    aggregation = aggregations.get(window.aggregation_id)
    if aggregation is None:
        return None
    segments = read_segments(aggregation, window)
    ordered = aggregation.aggregation in ORDERED_FUNCTIONS
    return (aggregation.meter_id, window.start, window.end, json.dumps(segments), ordered), segments


async def _read(
    organization_id: uuid.UUID,
    aggregations: Mapping[uuid.UUID, Aggregation],
    needs: Mapping[uuid.UUID, Sequence[UsageWindow]],
) -> UsageRows:
    groups, needed = _groups(aggregations, needs)
    rows: UsageRows = {}
    if not groups:
        return rows
    in_organization = await Account.filter(organization_id=organization_id).count()
    known: set[_Needed] = set()
    for (meter_id, start, end, _, _), group in groups.items():
        by_index = len(group.accounts) * INDEX_FRACTION <= in_organization
        found = await aggregate_meter_usage(
            organization_id,
            meter_id,
            list(group.aggregations.values()),
            sorted(group.accounts) if by_index else None,
            start,
            end,
            group.segments,
        )
        for (account_id, aggregation_id, segment), quantity in found.items():
            if segment != UNMATCHED and account_id in group.accounts:
                rows[(account_id, aggregation_id, segment, start, end)] = quantity
                known.add((account_id, aggregation_id, domain_key(segment), start, end))
    for account_id, aggregation_id, pairs, start, end in needed - known:
        rows[(account_id, aggregation_id, text_key(pairs), start, end)] = None  # no usage
    return rows


async def write_job_usage(
    conn: asyncpg.Connection, organization_id: uuid.UUID, job_id: uuid.UUID, rows: UsageRows
) -> None:
    """COPY, no conflict possible: only the transaction opening the job's accounts writes
    them (under the job row's lock, while INITIALIZING), and nothing if it rolls back."""
    if rows:
        await conn.copy_records_to_table(
            "bill_job_usage",
            columns=COLUMNS,
            records=[(organization_id, job_id, *key, quantity) for key, quantity in rows.items()],
        )


# A chunk's rows, account by account through the key (OFFSET 0 keeps each lookup apart from
# the outer query): with `account_id = ANY(...)` a planner without statistics reads every
# row of the job through the (organization, job) prefix and filters, once per chunk.
_CHUNK_ROWS = """SELECT u.account_id, u.aggregation_id, u.segment, u.window_start, u.window_end, u.quantity
   FROM unnest($3::uuid[]) AS a(account_id)
   CROSS JOIN LATERAL (SELECT * FROM bill_job_usage
                       WHERE organization_id = $1 AND bill_job_id = $2 AND account_id = a.account_id OFFSET 0) AS u"""


# Known usage by (account, aggregation, domain segment key, window start, window end).
KnownUsage = dict[tuple[uuid.UUID, uuid.UUID, SegmentPairs | None, datetime, datetime], Decimal | None]
# A job's rows kept in the initializing process for its own chunks (`known_usage`) up to
# this many: beyond, its chunks read them from the table like any other process's.
MAX_KEPT_ROWS = 200_000


def known_usage(rows: UsageRows | None) -> KnownUsage | None:
    """The rows just written (`write_job_usage`) keyed as `JobUsage` looks them up; None
    for too many to keep (or none prepared)."""
    if rows is None or len(rows) > MAX_KEPT_ROWS:
        return None
    texts: dict[str, SegmentPairs | None] = {}
    known: KnownUsage = {}
    for (account_id, aggregation_id, segment, start, end), quantity in rows.items():
        if segment not in texts:
            texts[segment] = domain_key(segment)
        known[(account_id, aggregation_id, texts[segment], start, end)] = quantity
    return known


@dataclass(frozen=True)
class JobUsage:
    """Reads usage (a `planning.UsageSource`) from a job's rows, and from the measurements
    the windows they lack. `known`: the rows themselves, where the process that wrote
    them still holds them (the same values, without a query per chunk)."""

    job_id: uuid.UUID
    known: KnownUsage | None = None

    async def __call__(
        self,
        organization_id: uuid.UUID,
        aggregations: Mapping[uuid.UUID, Aggregation],
        needs: Mapping[uuid.UUID, Sequence[UsageWindow]],
    ) -> UsageByAccount:
        if not any(needs.values()):
            return {}
        known = self.known
        if known is None:
            async with connection() as conn:
                rows = await conn.fetch(_CHUNK_ROWS, organization_id, self.job_id, list(needs))
            known = {(r[0], r[1], domain_key(r[2]), r[3], r[4]): r[5] for r in rows}
        usage: UsageByAccount = {}
        missing: dict[uuid.UUID, list[UsageWindow]] = {}
        for account_id, windows in needs.items():
            values = usage[account_id] = {}
            for window in windows:
                key = (account_id, window.aggregation_id, window.segment, window.start, window.end)
                if key in known:
                    values[window] = known[key]
                else:
                    missing.setdefault(account_id, []).append(window)
        if missing:
            for account_id, values in (await fetch_usage(organization_id, aggregations, missing)).items():
                usage[account_id].update(values)
        return usage


async def discard_job_usage(organization_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """The job's rows go: the whole table is truncated when it holds no other job's rows
    (the usual case), else the job's rows are deleted. Deleted rows stay behind as dead
    rows until a vacuum, and a table filled and emptied once per job would pile them up
    wherever autovacuum is slow or off; a truncated one starts empty again."""
    async with connection() as conn:
        others = "NOT (organization_id = $1 AND bill_job_id = $2)"
        if await _truncated_unless(conn, others, organization_id, job_id) is None:
            await conn.execute(
                "DELETE FROM bill_job_usage WHERE organization_id = $1 AND bill_job_id = $2", organization_id, job_id
            )


# The rows of jobs that have not ended (`u` is a row of bill_job_usage).
_ACTIVE_JOB = """NOT EXISTS (SELECT 1 FROM bill_jobs AS j WHERE j.organization_id = u.organization_id
                    AND j.id = u.bill_job_id AND j.status IN ('COMPLETE', 'CANCELLED', 'FAILED'))"""


async def discard_ended_jobs_usage() -> int:
    """The rows of jobs that ended without deleting them (cancelled, failed, or their
    worker died after completing); returns how many rows went."""
    async with connection() as conn:
        # An empty table is left alone: truncating it every sweep would only churn the catalog.
        if await conn.fetchval("SELECT pg_relation_size('bill_job_usage') > 0"):
            truncated = await _truncated_unless(conn, _ACTIVE_JOB)
            if truncated is not None:
                return truncated
        status = await conn.execute(
            """DELETE FROM bill_job_usage AS u USING bill_jobs AS j
               WHERE j.organization_id = u.organization_id AND j.id = u.bill_job_id
                 AND j.status IN ('COMPLETE', 'CANCELLED', 'FAILED')"""
        )
    return int(status.split()[-1])


async def _truncated_unless(conn: asyncpg.Connection, kept: str, *args: object) -> int | None:
    """TRUNCATE the table unless a row matches `kept`: the rows it held, or None when it
    was not truncated (rows to keep, or another transaction using the table right now,
    which is not waited for)."""
    try:
        async with conn.transaction():
            # Writers (a job opening its accounts) and readers (chunks) hold their lock for
            # one short statement or transaction: never wait for them, delete instead.
            await conn.execute("LOCK TABLE bill_job_usage IN ACCESS EXCLUSIVE MODE NOWAIT")
            if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM bill_job_usage AS u WHERE {kept})", *args):
                return None
            rows = await conn.fetchval("SELECT count(*) FROM bill_job_usage")
            await conn.execute("TRUNCATE bill_job_usage")
            return rows
    except asyncpg.LockNotAvailableError:
        return None
