"""`usage(accountId, aggregationId, from, to)` over many measurements, through the API.

The bill-run data (`bill_run.create_catalog`, `bill_run.copy_measurements`): one meter,
`--accounts` accounts, `--measurements` spread evenly over January 2026, laid out as
ingest writes a backlog. They are vacuumed, as autovacuum would have done to a month of
measurements (the first read of fresh rows also writes their hint bits). Then `--queries`
sequential HTTP requests, each an account chosen at random and one of the three
aggregations (SUM, COUNT, MAX) over the whole month (a random half-month for one in
four). Printed: p50 and p99 in ms, the rows one account holds, and the plan of the
query the resolver's aggregation runs (`EXPLAIN (ANALYZE, BUFFERS)` of the equivalent
SQL: the index `measurements_bill_idx` on (organization, account, meter, ts) must serve it).
Target (issue #18): p50 <= 20 ms at 10M measurements (BENCH=full; short mode uses 1M).

    .venv/bin/python bench/usage_query.py [--accounts 1000] [--measurements 1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import urllib.request
import uuid
from datetime import timedelta

import asyncpg
from _harness import (
    client_token,
    env_for,
    figure,
    full_mode,
    metergraph,
    print_result,
    raise_rate_limits,
    redis_db,
    scratch_database,
    served_api,
    services,
)
from bill_run import END, START, copy_measurements, create_catalog, with_redis_db

QUERY = """query($a: ID!, $g: ID!, $from: DateTime!, $to: DateTime!) {
  usage(accountId: $a, aggregationId: $g, from: $from, to: $to) { quantity units } }"""
PLAN = """EXPLAIN (ANALYZE, BUFFERS) SELECT sum((data->>'requests')::numeric) FROM measurements
          WHERE organization_id = $1 AND account_id = $2 AND meter_id = $3 AND ts >= $4 AND ts < $5"""


async def ids(database_url: str, organization_id: str) -> tuple[list, list, uuid.UUID, list[str]]:
    conn = await asyncpg.connect(database_url)
    try:
        org = uuid.UUID(organization_id)
        accounts = [r["id"] for r in await conn.fetch("SELECT id FROM accounts WHERE organization_id = $1", org)]
        aggregations = [
            r["id"] for r in await conn.fetch("SELECT id FROM aggregations WHERE organization_id = $1", org)
        ]
        meter = await conn.fetchval("SELECT id FROM meters WHERE organization_id = $1", org)
        plan = [r[0] for r in await conn.fetch(PLAN, org, accounts[0], meter, START, END)]
        return accounts, aggregations, meter, plan
    finally:
        await conn.close()


async def vacuum(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("VACUUM (ANALYZE) measurements")
    finally:
        await conn.close()


def timed_query(base: str, token: str, variables: dict) -> float:
    request = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": QUERY, "variables": variables}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    body = json.loads(urllib.request.urlopen(request, timeout=60).read())
    elapsed = (time.perf_counter() - started) * 1000
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return elapsed


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--accounts", type=int, default=1000)
    options.add_argument("--measurements", type=int, default=10_000_000 if full_mode() else 1_000_000)
    options.add_argument("--queries", type=int, default=200)
    options.add_argument("--redis-db", type=int, default=redis_db(12))
    args = options.parse_args()
    chooser = random.Random(18)
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        env = env_for(database_url, with_redis_db(redis_url, args.redis_db), data)
        metergraph("migrate", env=env)
        credentials = json.loads(metergraph("bootstrap", "--org", "Bench", env=env))
        org = credentials["organizationId"]
        with served_api(env) as base:
            token = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
            raise_rate_limits(base, token)
            create_catalog(base, token, args.accounts)
            asyncio.run(copy_measurements(database_url, org, args.measurements))
            asyncio.run(vacuum(database_url))
            accounts, aggregations, _, plan = asyncio.run(ids(database_url, org))
            timings = []
            for n in range(args.queries + 10):
                start, end = START, END
                if n % 4 == 3:
                    start = START + timedelta(days=chooser.randrange(15))
                    end = start + timedelta(days=15)
                variables = {
                    "a": str(chooser.choice(accounts)),
                    "g": str(chooser.choice(aggregations)),
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                }
                elapsed = timed_query(base, token, variables)
                if n >= 10:  # the first ten warm the caches and connections
                    timings.append(elapsed)
    p50, p99 = statistics.median(timings), statistics.quantiles(timings, n=100)[-1]
    print(
        f"accounts={args.accounts} measurements={args.measurements} "
        f"rows_per_account={args.measurements // len(accounts)}"
    )
    print("plan of one account's month (SUM):\n  " + "\n  ".join(plan))
    print(f"usage_p50_ms={p50:.1f} usage_p99_ms={p99:.1f} over {len(timings)} queries")
    print(f"target p50<=20ms: {'met' if p50 <= 20 else 'NOT met'}")
    print_result(
        "usage_query",
        [figure("usage_p50_ms", p50, "<= 20", unit="ms"), figure("usage_p99_ms", p99, unit="ms")],
        measurements=args.measurements,
    )


if __name__ == "__main__":
    main()
