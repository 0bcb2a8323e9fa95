"""A month of bills end to end: the API, `metergraph worker` processes, PostgreSQL, Redis.

One organization, 1,000 accounts on one plan, 1,000,000 measurements in January 2026
(COPYed straight into the measurements table: ingest has its own benchmark). The
product has three aggregations priced three ways (requests: SUM, tiered; calls: COUNT;
peak_gb: MAX, volume) and a standing charge, so each bill has four lines.

Printed, from one run:
- job_seconds (1 worker): createBillJob answered → the job seen COMPLETE (polling the
  API every 20 ms), with ONE worker process, making the 1,000 bills;
- group_by_seconds: the raw SQL that aggregates the same measurements per account (one
  GROUP BY account computing the three functions; warm cache, best of three), the floor
  any bill run pays to read its usage; and job_to_group_by_ratio;
- the same period again (a recalculation in place: same reads, same composition, bills
  updated instead of inserted) with ONE worker and then with TWO worker processes, and
  two_worker_speedup = one-worker seconds / two-worker seconds over those two runs.
Targets (issue #18): job_to_group_by_ratio <= 3.0; two workers faster than one (speedup > 1).
- `--scale 10` (BENCH=full) runs again with ten times the accounts and measurements
  (10,000 / 10M): the ratio there must be no worse than at the base size (the cost grows
  at most linearly with the work);
- `--consecutive 20` (BENCH=full) recalculates 20 times in a row on one worker: the last
  jobs must take no longer than the first (nothing a job leaves behind, such as dead rows
  of `bill_job_usage`, slows the next ones), compared as the median of the last
  `ENDS` jobs against the median of the first `ENDS`: one job's time swings by a quarter
  on this machine, and a single first and last job decided the figure by chance.

    .venv/bin/python bench/bill_run.py [--accounts 1000] [--measurements 1000000] [--redis-db 10] [--repeats 1]
        [--scale 10] [--consecutive 20]

`--repeats N` runs each recalculation N times on the same workers and compares the
medians (the first two-worker run starts on fresh processes, the one-worker runs follow
the creation run): on a shared machine one run each is at the mercy of other load.

With REDIS_URL set the run uses that server's logical database `--redis-db` (default 10),
so its queue never meets another program's `metergraph:queue`; nothing is flushed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import asyncpg
from _bill_run_counters import copy_adjustments, create_counter_pricing
from _harness import (
    ROOT,
    client_token,
    env_for,
    figure,
    full_mode,
    metergraph,
    print_result,
    process_cpu_seconds,
    raise_rate_limits,
    redis_db,
    scratch_database,
    served_api_process,
    services,
    with_redis_db,
)

from app.models.ingest import MEASUREMENTS_COLUMNS
from app.services.ingest.process import GROUP_LIMIT
from app.services.ingest.wire import MAX_ITEMS

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
# The measurements lie in the table as ingest writes a backlog (app.services.ingest.rows.
# copy_data): groups of GROUP_LIMIT full batches, each group one account after another.
INGEST_GROUP = GROUP_LIMIT * MAX_ITEMS
COPY_BATCH = 6 * INGEST_GROUP
ALIASES = 25  # createAccount mutations per request (the schema allows 30 aliases)
GROUP_BY = """SELECT account_id, sum((data->>'requests')::numeric), count(data->'requests'), max((data->>'gb')::numeric)
              FROM measurements WHERE organization_id = $1 AND meter_id = $2 AND ts >= $3 AND ts < $4
              GROUP BY account_id"""


def band(lower: str, unit: str, fixed: str = "0") -> dict:
    return {"lowerLimit": lower, "unitPrice": unit, "fixedPrice": fixed}


CATALOG = {
    "code": "bench",
    "name": "Bench",
    "meters": [
        {
            "code": "bench",
            "name": "Bench",
            "dataFields": [
                {"category": "MEASURE", "code": "requests", "name": "Requests"},
                {"category": "MEASURE", "code": "gb", "name": "GB", "unit": "GB"},
            ],
            "aggregations": [
                {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"},
                {"code": "calls", "name": "Calls", "targetField": "requests", "aggregation": "COUNT"},
                {"code": "peak_gb", "name": "Peak GB", "targetField": "gb", "aggregation": "MAX", "unit": "GB"},
            ],
        }
    ],
    "planTemplates": [
        {
            "code": "bench",
            "name": "Bench",
            "currency": "USD",
            "billFrequency": "MONTHLY",
            "standingCharge": "49",
            "pricings": [
                {
                    "aggregationCode": "requests",
                    "startDate": START.isoformat(),
                    "pricingBands": [band("0", "0.002"), band("100000", "0.001")],
                },
                {"aggregationCode": "calls", "startDate": START.isoformat(), "pricingBands": [band("0", "0.01")]},
                {
                    "aggregationCode": "peak_gb",
                    "startDate": START.isoformat(),
                    "cumulative": False,
                    "pricingBands": [band("0", "2"), band("50", "1.5"), band("90", "1")],
                },
            ],
            "plans": [{"code": "bench", "name": "Bench"}],
        }
    ],
}


def gql(base: str, token: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    body = json.loads(urllib.request.urlopen(request, timeout=120).read())
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def create_catalog(base: str, token: str, accounts: int) -> None:
    created = gql(
        base,
        token,
        """mutation($input: CreateProductInput!) { createProduct(input: $input) {
      product { id } userErrors { field message } } }""",
        {"input": CATALOG},
    )["createProduct"]
    assert not created["userErrors"], created
    for first in range(0, accounts, ALIASES):
        codes = range(first, min(first + ALIASES, accounts))
        fields = " ".join(
            f"""a{i}: createAccount(input: {{code: "acct-{i:04d}", name: "Account {i}", emailAddress:
              "a{i}@example.com",
          accountPlans: [{{planCode: "bench", startDate: "{START.isoformat()}"}}]}}) {{ userErrors {{ message }} }}"""
            for i in codes
        )
        result = gql(base, token, f"mutation {{ {fields} }}")
        assert all(not r["userErrors"] for r in result.values()), result


async def copy_measurements(database_url: str, organization_id: str, count: int) -> float:
    """COPY `count` measurements spread evenly over the month and the accounts, in the order
    ingest writes them (`INGEST_GROUP`); seconds."""
    conn = await asyncpg.connect(database_url)
    try:
        org = uuid.UUID(organization_id)
        meter_id = await conn.fetchval("SELECT id FROM meters WHERE organization_id = $1 AND code = 'bench'", org)
        account_ids = [
            r["id"] for r in await conn.fetch("SELECT id FROM accounts WHERE organization_id = $1 ORDER BY code", org)
        ]
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS measurements_p{START:%Y%m} PARTITION OF measurements "
            f"FOR VALUES FROM ('{START.isoformat()}') TO ('{END.isoformat()}')"
        )
        step, received = (END - START) / count, datetime.now(UTC)
        started = time.perf_counter()
        for first in range(0, count, COPY_BATCH):
            batch_id = uuid.uuid4()
            records = [
                (
                    org,
                    account_ids[i % len(account_ids)],
                    meter_id,
                    START + step * i,
                    None,
                    None,
                    batch_id,
                    i - first,
                    received,
                    f'{{"requests": {1 + (i * 37) % 200}, "gb": {(i * 7919) % 10000 / 100}}}',
                )
                for i in range(first, min(first + COPY_BATCH, count))
            ]
            records.sort(key=lambda r: ((first + r[7]) // INGEST_GROUP, r[1]))  # stable: in order per account
            await conn.copy_records_to_table("measurements", records=records, columns=MEASUREMENTS_COLUMNS)
        seconds = time.perf_counter() - started
        await conn.execute("ANALYZE measurements")
        return seconds
    finally:
        await conn.close()


async def group_by_seconds(database_url: str, organization_id: str) -> tuple[float, int]:
    conn = await asyncpg.connect(database_url)
    try:
        org = uuid.UUID(organization_id)
        meter_id = await conn.fetchval("SELECT id FROM meters WHERE organization_id = $1 AND code = 'bench'", org)
        timings, rows = [], []
        for _ in range(3):
            started = time.perf_counter()
            rows = await conn.fetch(GROUP_BY, org, meter_id, START, END)
            timings.append(time.perf_counter() - started)
        return min(timings), len(rows)
    finally:
        await conn.close()


@contextlib.contextmanager
def workers(env: dict[str, str], count: int) -> Iterator[list[subprocess.Popen]]:
    """`count` worker processes, yielded once each has started and the queue is consumed."""
    processes, logs = [], []
    for n in range(count):
        logs.append(os.path.join(env["METERGRAPH_DATA_DIR"], f"worker-{count}-{n}.log"))
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker"],
                env=env,
                cwd=ROOT,
                stdout=open(logs[-1], "w"),
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 60
        while not all("Starting worker" in open(log).read() for log in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError("a worker did not start: " + "".join(open(log).read()[-1000:] for log in logs))
            time.sleep(0.1)
        asyncio.run(_pinged(env["REDIS_URL"], count))
        time.sleep(1.0)  # the startup hook (database, partitions) of the slower one
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


async def _pinged(redis_url: str, count: int) -> None:
    from workers.settings import queue_client

    client = queue_client(redis_url)
    try:
        jobs = [await client.enqueue_job("ping_worker", f"ping-{n}") for n in range(count * 4)]
        for job in jobs:
            await job.result(timeout=60)
    finally:
        await client.aclose(close_connection_pool=True)


def run_job(base: str, token: str) -> tuple[float, dict]:
    """Seconds from createBillJob to COMPLETE, and the finished job."""
    started = time.perf_counter()
    created = gql(
        base,
        token,
        """mutation { createBillJob(input: {lastDateInBillingPeriod: "2026-01-31"}) {
      billJob { id } userErrors { message } } }""",
    )["createBillJob"]
    assert not created["userErrors"], created
    job_id = created["billJob"]["id"]
    while True:
        # The status alone while polling: the bill ids of a big job are a large response,
        # and serving it 50 times a second would take CPU from the worker being measured.
        status = gql(base, token, "query($id: ID!) { billJob(id: $id) { status } }", {"id": job_id})["billJob"]
        if status["status"] in ("COMPLETE", "CANCELLED", "FAILED"):
            elapsed = time.perf_counter() - started
            job = gql(
                base,
                token,
                """query($id: ID!) { billJob(id: $id) { status total pending failed billIds dtStarted dtCompleted
          failures { reason } } }""",
                {"id": job_id},
            )["billJob"]
            if job["status"] != "COMPLETE" or job["failed"]:
                raise RuntimeError(f"bill job ended {job['status']}: {job['failures'][:3]}")
            return elapsed, job
        time.sleep(0.02)


def _spent(before: float | None, after: float | None) -> float:
    return after - before if before is not None and after is not None else float("nan")


def worked(job: dict) -> float:
    """Seconds the job itself took by the database's clock (taken up, INITIALIZING, to
    COMPLETE): what the API, the queue and the polling add is the rest of job_seconds."""
    started, completed = (datetime.fromisoformat(job[k].replace("Z", "+00:00")) for k in ("dtStarted", "dtCompleted"))
    return (completed - started).total_seconds()


def total_billed(base: str, token: str) -> str:
    page = gql(
        base,
        token,
        (
            '{ bills(first: 100, filter: {billDate: "2026-02-01"}) { totalCount nodes { billTotal '
            "lineItems { totalCount } } } }"
        ),
    )
    return f"bills={page['bills']['totalCount']} lines_per_bill={page['bills']['nodes'][0]['lineItems']['totalCount']}"


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--accounts", type=int, default=1000)
    options.add_argument("--measurements", type=int, default=1_000_000)
    options.add_argument("--redis-db", type=int, default=redis_db(10))
    options.add_argument(
        "--counters", action="store_true", help="a counter pricing on every account, two adjustments each (§8)"
    )
    options.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="recalculations per worker count; their medians are compared (a shared, noisy machine)",
    )
    options.add_argument(
        "--scale",
        type=int,
        default=10 if full_mode() else 0,
        help="also run with this many times the accounts and measurements, and compare the ratios (BENCH=full: 10)",
    )
    options.add_argument(
        "--consecutive",
        type=int,
        default=20 if full_mode() else 0,
        help="recalculations in a row on one worker: the last must take no longer than the first (BENCH=full: 20)",
    )
    args = options.parse_args()
    figures = measure(args, args.accounts, args.measurements, args.consecutive)
    results = [
        figure("job_to_group_by_ratio", figures["ratio"], "<= 3.0"),
        figure("job_seconds", figures["job"], unit="s"),
        figure("group_by_seconds", figures["group_by"], unit="s"),
        figure("two_worker_speedup", figures["speedup"], ">= 1.0"),
    ]
    if args.consecutive:
        first_jobs, last_jobs = ends(figures["consecutive"])
        results += [
            figure("consecutive_first_seconds", first_jobs, unit="s"),
            figure("consecutive_last_seconds", last_jobs, unit="s"),
            figure("consecutive_last_to_first", last_jobs / first_jobs, "<= 1.1"),
        ]
    if args.scale > 1:
        big = measure(args, args.accounts * args.scale, args.measurements * args.scale, 0)
        print(f"growth: ratio x{args.scale}={big['ratio']:.2f} vs x1={figures['ratio']:.2f}")
        results += [
            figure(f"job_to_group_by_ratio_x{args.scale}", big["ratio"], "<= 3.0"),
            # "no worse than at the base size", within the noise of a shared machine
            figure(f"ratio_growth_x{args.scale}", big["ratio"] / figures["ratio"], "<= 1.1"),
        ]
    print_result("bill_run", results, accounts=args.accounts, measurements=args.measurements, counters=args.counters)


# Jobs at each end of a `--consecutive` series compared by their medians.
ENDS = 5


def ends(seconds: list[float]) -> tuple[float, float]:
    """The median of the first ENDS jobs and of the last ENDS (fewer in a short series)."""
    count = max(1, min(ENDS, len(seconds) // 2))
    return statistics.median(seconds[:count]), statistics.median(seconds[-count:])


def measure(args: argparse.Namespace, accounts: int, measurements: int, consecutive: int) -> dict:
    """One run over `accounts` and `measurements`: its figures (printed as it goes)."""
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        env = env_for(database_url, with_redis_db(redis_url, args.redis_db), data)
        metergraph("migrate", env=env)
        credentials = json.loads(metergraph("bootstrap", "--org", "Bench", env=env))
        org = credentials["organizationId"]
        with served_api_process(env) as (base, api):
            token = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
            raise_rate_limits(base, token)
            setup_started = time.perf_counter()
            create_catalog(base, token, accounts)
            setup = time.perf_counter() - setup_started
            copy = asyncio.run(copy_measurements(database_url, org, measurements))
            if args.counters:  # _bill_run_counters: the counter load of --counters
                counter = create_counter_pricing(gql, base, token, START)
                print(f"counter adjustments={asyncio.run(copy_adjustments(database_url, org, counter))}")
            group_by, grouped = asyncio.run(group_by_seconds(database_url, org))
            with workers(env, 1) as (worker,):
                cpu_before = [process_cpu_seconds(p.pid) for p in (worker, api)]
                first, job = run_job(base, token)
                cpu = [_spent(before, process_cpu_seconds(p.pid)) for before, p in zip(cpu_before, (worker, api))]
                ones = [run_job(base, token)[0] for _ in range(args.repeats)]
                in_a_row = [run_job(base, token)[0] for _ in range(consecutive)]
            with workers(env, 2):
                twos = [run_job(base, token) for _ in range(args.repeats)]
                job_two = twos[-1][1]
            billed = total_billed(base, token)
    print(
        f"accounts={accounts} measurements={measurements} aggregations=3 (SUM tiered, "
        "COUNT, MAX volume) + standing charge"
    )
    print(f"setup: catalog and accounts through the API {setup:.1f}s; COPY of the measurements {copy:.1f}s")
    print(
        f"job total={job['total']} bills={len(job['billIds'])} failed={job['failed']}; {billed}; "
        f"two-worker run bills={len(job_two['billIds'])}"
    )
    print(f"group_by_seconds={group_by:.3f} (accounts grouped: {grouped})")
    print(f"job_seconds (1 worker, bills created)={first:.2f} (INITIALIZING to COMPLETE: {worked(job):.2f})")
    print(f"CPU seconds meanwhile: worker {cpu[0]:.2f}, API {cpu[1]:.2f} (answering the polls)")
    met = "met" if first / group_by <= 3.0 else "NOT met"
    print(f"job_to_group_by_ratio={first / group_by:.1f}  target <= 3.0: {met}")
    again_one, again_two = statistics.median(ones), statistics.median(t for t, _ in twos)
    if args.repeats > 1:
        print(
            f"recalculations 1 worker={[round(t, 2) for t in ones]} 2 "
            f"workers={[round(t, 2) for t, _ in twos]} (medians below)"
        )
    print(f"recalculation_seconds 1 worker={again_one:.2f} 2 workers={again_two:.2f}")
    print(
        f"two_worker_speedup={again_one / again_two:.2f}  target > 1: "
        f"{'met' if again_one / again_two > 1 else 'NOT met'}"
    )
    if consecutive:
        first_jobs, last_jobs = ends(in_a_row)
        print(
            f"consecutive recalculations ({consecutive}, 1 worker): medians of the first and last {ENDS}: "
            f"{first_jobs:.2f}s, {last_jobs:.2f}s; all={[round(t, 2) for t in in_a_row]}"
        )
    return {
        "ratio": first / group_by,
        "job": first,
        "group_by": group_by,
        "speedup": again_one / again_two,
        "consecutive": in_a_row,
    }


if __name__ == "__main__":
    main()
