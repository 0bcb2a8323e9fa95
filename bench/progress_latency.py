"""`billJobProgress` latency: publish → client, with 100 websocket subscribers.

A real API process (`metergraph serve`) and `--subscribers` graphql-transport-ws clients
(the `websockets` library, in this process), each on its own connection subscribed to
`billJobProgress`. Subscriptions are capped per principal (50), so the subscribers are
spread over two organizations, each with a bill job (PENDING: no worker runs, so only
this script changes them). Each round does what a worker does after a chunk: bump the
job rows (version, pending) in PostgreSQL, then publish their progress on Redis; the
latency of a subscriber is from the publish to its receiving the event with that
version (the API reads the row again for every subscriber and sends it). Printed: p50
and p99 over all rounds and subscribers. Target (issue #18): p99 <= 50 ms.

    .venv/bin/python bench/progress_latency.py [--subscribers 100] [--rounds 30] [--redis-db 13]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from typing import Any

import asyncpg
import redis.asyncio as aioredis
import websockets
from _harness import (
    client_token,
    env_for,
    figure,
    metergraph,
    print_result,
    raise_rate_limits,
    redis_db,
    scratch_database,
    served_api,
    services,
    with_redis_db,
)
from bill_run import gql

from app.progress import channel, progress_fields

SUBSCRIPTION = "subscription($id: ID!) { billJobProgress(id: $id) { id status pending } }"
ORGANIZATIONS = 2


class Subscriber:
    def __init__(self, ws_url: str, token: str, job_id: str) -> None:
        self.ws_url, self.token, self.job_id = ws_url, token, job_id
        self.received: dict[str, float] = {}  # pending value (the round) → when received
        self.ready = asyncio.Event()
        self.ws: Any = None

    async def run(self) -> None:
        async with websockets.connect(self.ws_url, subprotocols=["graphql-transport-ws"], max_size=None) as ws:
            self.ws = ws
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {self.token}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            payload = {"query": SUBSCRIPTION, "variables": {"id": self.job_id}}
            await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
            async for raw in ws:
                now = time.perf_counter()
                message = json.loads(raw)
                if message["type"] != "next":
                    raise RuntimeError(f"subscription ended: {message}")
                job = message["payload"]["data"]["billJobProgress"]
                self.received.setdefault(str(job["pending"]), now)
                self.ready.set()  # the first event: the job's current state


async def bump(conn: asyncpg.Connection, jobs: list[tuple[str, str]], value: int) -> list[Any]:
    rows = []
    for organization_id, job_id in jobs:
        rows.append(
            await conn.fetchrow(
                """UPDATE bill_jobs SET version = version + 1, pending = $3, dt_last_modified = now()
                   WHERE organization_id = $1 AND id = $2
                   RETURNING id, status, total, pending, failed, result_bill_ids, version""",
                uuid.UUID(organization_id),
                uuid.UUID(job_id),
                value,
            )
        )
    return rows


async def measure(database_url: str, redis_url: str, ws_url: str, tenants: list[dict], args: Any) -> list[float]:
    subscribers = [
        Subscriber(ws_url, tenants[n % len(tenants)]["token"], tenants[n % len(tenants)]["job"])
        for n in range(args.subscribers)
    ]
    tasks = [asyncio.create_task(s.run()) for s in subscribers]
    conn = await asyncpg.connect(database_url)
    redis = aioredis.from_url(redis_url)
    latencies: list[float] = []
    try:
        await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in subscribers)), 60)
        jobs = [(t["organization"], t["job"]) for t in tenants]
        for round_ in range(1, args.rounds + 1):
            rows = await bump(conn, jobs, 1_000_000 + round_)
            published = time.perf_counter()
            for row in rows:
                fields = progress_fields(_Row(row))
                await redis.publish(channel(row["id"]), json.dumps(fields))
            deadline = time.perf_counter() + 10
            key = str(1_000_000 + round_)
            while not all(key in s.received for s in subscribers):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"round {round_}: not every subscriber got the event")
                await asyncio.sleep(0.001)
            latencies += [(s.received[key] - published) * 1000 for s in subscribers]
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await redis.aclose()
        await conn.close()
    return latencies


class _Row:
    def __init__(self, record: Any) -> None:
        self.id, self.status, self.total = record["id"], record["status"], record["total"]
        self.pending, self.failed, self.version = record["pending"], record["failed"], record["version"]
        self.bill_count = len(json.loads(record["result_bill_ids"] or "[]"))


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--subscribers", type=int, default=100)
    options.add_argument("--rounds", type=int, default=30)
    options.add_argument("--redis-db", type=int, default=redis_db(13))
    args = options.parse_args()
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        redis_url = with_redis_db(redis_url, args.redis_db)
        env = env_for(database_url, redis_url, data)
        metergraph("migrate", env=env)
        tenants = []
        for n in range(ORGANIZATIONS):
            credentials = json.loads(metergraph("bootstrap", "--org", f"Bench {n}", env=env))
            tenants.append({"organization": credentials["organizationId"], "credentials": credentials})
        with served_api(env) as base:
            for tenant in tenants:
                credentials = tenant["credentials"]
                tenant["token"] = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
                raise_rate_limits(base, tenant["token"])
                created = gql(
                    base,
                    tenant["token"],
                    """mutation { createBillJob(input: {lastDateInBillingPeriod: "2026-01-31"}) {
                      billJob { id } userErrors { message } } }""",
                )["createBillJob"]
                tenant["job"] = created["billJob"]["id"]
            ws_url = base.replace("http://", "ws://") + "/graphql"
            latencies = asyncio.run(measure(database_url, redis_url, ws_url, tenants, args))
    p50, p99 = statistics.median(latencies), statistics.quantiles(latencies, n=100)[-1]
    print(f"subscribers={args.subscribers} rounds={args.rounds} events={len(latencies)}")
    print(f"progress_p50_ms={p50:.1f} progress_p99_ms={p99:.1f}")
    print(f"target p99<=50ms: {'met' if p99 <= 50 else 'NOT met'}")
    print_result(
        "progress_latency",
        [figure("progress_p50_ms", p50, unit="ms"), figure("progress_p99_ms", p99, "<= 50", unit="ms")],
        subscribers=args.subscribers,
    )


if __name__ == "__main__":
    main()
