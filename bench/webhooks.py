"""Webhook delivery: 10,000 events to one local receiver through one real worker (SEMANTICS §14).

The worker is a `metergraph worker` process (the production path: its dispatcher LISTENs
on `metergraph_events` and delivers what it dispatched in the same process); the receiver
is a minimal keep-alive HTTP server in its own process that records when each `webhook-id`
arrives (and checks the Standard Webhooks signature of every 100th with `standardwebhooks`).
Two phases of `--events` events each:
- a backlog: committed as fast as the writer goes (`--backlog-batch` events per
  transaction, so writing is quicker than delivering), so the delivery rate is what limits.
  delivered_per_second = events received / (last receipt − first commit). (A paced phase
  cannot show it: events committed at 1,000/s are never delivered faster than 1,000/s.)
- paced at `--rate` events/s, `--batch` per transaction: p50/p99_commit_to_receipt_s, from the commit returning to
  the receiver reading the request, and p99_commit_to_dispatch_s, its first leg (from the
  commit to the dispatcher's pass that made the delivery).
- write_overhead_ratio: a real service write with its event against the same write without
  it: `update_versioned` of an account (BEGIN; SELECT … FOR UPDATE; UPDATE; SELECT; COMMIT,
  through Tortoise as every mutation; the lock also reads the row's image (its `old`) and the
  read-back also records the event) against the same call with the event left out (the
  same statements without those parts; nothing else changes). The median
  over `--overhead-rounds` rounds of (median time with the event / median without) − 1,
  the kinds taking turns transaction by transaction; measured once the deliveries are
  done, the worker live (its dispatcher wakes on each commit, as in production).
  overhead_on_a_bare_update: the same event on a transaction of one UPDATE statement (the
  smallest write there is: the upper bound of the ratio).
- worker_cpu_ms_per_event and one_core_capacity_per_second: the worker's own CPU time per
  delivered event over both phases, and the rate that would make on a core of its own
  (wall-clock figures depend on what else the machine runs: load_average says how busy).

    .venv/bin/python bench/webhooks.py [--events 10000] [--rate 1000] [--batch 10]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from _harness import (
    ROOT,
    SECRET_KEY,
    env_for,
    figure,
    print_result,
    redis_db,
    scratch_database,
    services,
    with_redis_db,
)

from app.db import close_db, connection, init_db, run_migrations
from app.models.accounts import Account
from app.services import events as events_module
from app.services import versioning, webhooks
from app.services.events import NewEvent, record_events
from app.services.organizations import create_organization
from app.settings import Settings, use_settings

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


# --- the receiver (its own process) -----------------------------------------------------


def _receive(port_out, report_in, secret_in) -> None:  # noqa: ANN001 - multiprocessing pipes
    from standardwebhooks import Webhook

    arrivals: dict[str, float] = {}
    bad = [0]
    requests = [0]  # every request, repeats included
    secret: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line)
                headers = {k.lower(): v for k, v in headers.items()}
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                message_id = headers.get("webhook-id", "")
                arrivals.setdefault(message_id, time.time())
                requests[0] += 1
                if len(arrivals) % 100 == 0 and secret:
                    try:
                        Webhook(secret[0]).verify(body, headers)
                    except Exception:  # noqa: BLE001 - counted, reported
                        bad[0] += 1
                writer.write(OK)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):  # closed, or shut down
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        port_out.send(server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        secret.append(await loop.run_in_executor(None, secret_in.recv))
        await loop.run_in_executor(None, report_in.recv)  # "report"
        report_in.send((arrivals, bad[0], requests[0]))
        server.close()

    asyncio.run(main())


# --- the benchmark ----------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc): on a shared machine the CPU per
    event says more about the code than the wall clock does."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_worker(database_url: str, redis_url: str, queue: str, data_dir: str) -> subprocess.Popen:
    env = env_for(database_url, redis_url, data_dir) | {"METERGRAPH_WEBHOOK_ALLOW_PRIVATE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--queue-name", queue, "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(data_dir, "worker.log"), "w"),
    )


async def write_events(org: uuid.UUID, count: int, batch: int, rate: float) -> dict[uuid.UUID, float]:
    """Commit `count` events, `batch` per transaction, at `rate` events/s (0: unpaced);
    returns when each was committed."""
    committed: dict[uuid.UUID, float] = {}
    started = time.perf_counter()
    for first in range(0, count, batch):
        events = [
            NewEvent("billing.bill.updated", "bill", uuid.uuid4(), {"old": {"n": i}, "new": {"n": i + 1}})
            for i in range(first, min(first + batch, count))
        ]
        async with connection() as conn, conn.transaction():
            await record_events(conn, org, events)
        now = time.time()
        committed.update((e.id, now) for e in events)
        if rate:
            ahead = (first + batch) / rate - (time.perf_counter() - started)
            if ahead > 0:
                await asyncio.sleep(ahead)
    return committed


async def wait_until_settled(org: uuid.UUID, count: int, timeout: float) -> None:
    """Until `count` deliveries of the organization are no longer PENDING (or the timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with connection() as conn:
            done = await conn.fetchval(
                "SELECT count(*) FROM webhook_deliveries WHERE organization_id = $1 AND status <> 'PENDING'", org
            )
        if done >= count:
            return
        await asyncio.sleep(0.1)


# --- the write overhead -----------------------------------------------------------------

UPDATE_ACCOUNT = "UPDATE accounts SET name = $3, version = version + 1 WHERE organization_id = $1 AND id = $2"


class _NoEvents:
    """Stands in for `app.services.events` inside `update_versioned`: the write without its
    event. The same statements (the version-checking row lock, the UPDATE, the read-back)
    without the event's parts: no row image read with the lock, no event recorded by the
    read-back."""

    @staticmethod
    async def lock_versioned(connection, model, organization_id, id_, version):  # noqa: ANN001, ANN205
        sql = f"SELECT r.id FROM {model._meta.db_table} AS r WHERE r.organization_id = $1 AND r.id = $2"
        _, rows = await connection.execute_query(
            sql + " AND r.version = $3 FOR UPDATE OF r", [organization_id, id_, version]
        )
        return "{}" if rows else None

    @staticmethod
    async def reread_updated(connection, model, organization_id, id_, _old):  # noqa: ANN001, ANN205
        sql = f"SELECT r.* FROM {model._meta.db_table} AS r WHERE r.organization_id = $1 AND r.id = $2"
        _, rows = await connection.execute_query(sql, [organization_id, id_])
        return model._init_from_db(**dict(rows[0]))


class Writer:
    """The four kinds of write transaction, on one account whose version it follows."""

    def __init__(self, org: uuid.UUID, account: uuid.UUID) -> None:
        self.org, self.account, self.version = org, account, 1

    async def run(self, kind: str, i: int) -> float:
        name = f"Bench {i}"
        if kind.startswith("service"):
            versioning.events = events_module if kind == "service_event" else _NoEvents  # type: ignore[assignment]
            started = time.perf_counter()
            await versioning.update_versioned(Account, self.org, self.account, self.version, {"name": name}, "bench")
            spent = time.perf_counter() - started
            versioning.events = events_module
        else:
            started = time.perf_counter()
            async with connection() as conn, conn.transaction():
                await conn.execute(UPDATE_ACCOUNT, self.org, self.account, name)
                if kind == "bare_event":
                    change = NewEvent("configuration.account.updated", "account", self.account, {"new": {"name": name}})
                    await record_events(conn, self.org, [change])
            spent = time.perf_counter() - started
        self.version += 1
        return spent


KINDS = ("service", "service_event", "bare", "bare_event")


async def write_overhead(org: uuid.UUID, rounds: int, per_round: int) -> dict[str, float]:
    """Per kind with an event, the median over `rounds` of (its median time in the round /
    the same kind's median without the event in the same round) − 1. Within a round the
    kinds take turns transaction by transaction, so load from elsewhere hits all alike."""
    writer = Writer(org, (await Account.create(organization_id=org, code="bench", name="Bench")).id)
    ratios: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(rounds):
        spent: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for i in range(per_round):
            for kind in KINDS:
                spent[kind].append(await writer.run(kind, i))
        medians = {kind: statistics.median(values) for kind, values in spent.items()}
        for plain in ("service", "bare"):
            ratios[plain].append(medians[plain] * 1000)  # its own median in ms, for scale
            ratios[plain + "_event"].append(medians[plain + "_event"] / medians[plain] - 1)
    return {kind: statistics.median(values) for kind, values in ratios.items()}


async def backend_cpu(database: str) -> float:
    """CPU so far of every PostgreSQL backend connected to `database` (the scratch database:
    this run's and its worker's connections; PostgreSQL on this machine, visible in /proc)."""
    async with connection() as conn:
        pids = [r["pid"] for r in await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)]
    return sum(cpu_seconds(pid) for pid in pids if Path(f"/proc/{pid}/stat").exists())


async def write_cpu(org: uuid.UUID, database: str, blocks: int, per_block: int) -> dict[str, float]:
    """The event's CPU per service write, less load-sensitive than the wall-clock ratio: blocks
    of `per_block` writes of one kind, the kinds taking turns, the database backends' and this
    process's CPU per write of each kind; the median over blocks of each, with the event's
    share (with − without). A clock tick is 10 ms: 1,000 writes a block read to 10 µs."""
    writer = Writer(org, (await Account.create(organization_id=org, code="cpu", name="Cpu")).id)
    spent: dict[str, dict[str, list[float]]] = {k: {"backend": [], "client": []} for k in ("service", "service_event")}
    for block in range(blocks):
        for kind in ("service", "service_event") if block % 2 == 0 else ("service_event", "service"):
            backend, client = await backend_cpu(database), time.process_time()
            for i in range(per_block):
                await writer.run(kind, i)
            spent[kind]["client"].append((time.process_time() - client) / per_block * 1e6)
            spent[kind]["backend"].append((await backend_cpu(database) - backend) / per_block * 1e6)
    medians = {k: {side: statistics.median(v) for side, v in sides.items()} for k, sides in spent.items()}
    return {
        f"event_{side}_cpu_us": medians["service_event"][side] - medians["service"][side]
        for side in ("backend", "client")
    } | {f"service_{side}_cpu_us": medians["service"][side] for side in ("backend", "client")}


# --- the run ----------------------------------------------------------------------------


def latency_figures(committed: dict[uuid.UUID, float], arrivals: dict[str, float], dispatched: dict) -> dict:
    latencies = sorted(arrivals[str(i)] - t for i, t in committed.items() if str(i) in arrivals)
    # The first leg: from the commit to the dispatcher's pass that made the delivery.
    to_dispatch = sorted(max(0.0, dispatched[i] - t) for i, t in committed.items() if i in dispatched)
    received = len(latencies)
    return {
        "received": received,
        "p50_commit_to_receipt_s": latencies[received // 2] if received else float("nan"),
        "p99_commit_to_receipt_s": latencies[min(received - 1, int(received * 0.99))] if received else float("nan"),
        "p99_commit_to_dispatch_s": to_dispatch[int(len(to_dispatch) * 0.99)] if to_dispatch else float("nan"),
    }


def span(instants: Iterable[float]) -> float:
    """From the first to the last of `instants` (0 for none: --overhead-only commits none)."""
    values = list(instants)
    return max(values) - min(values) if values else 0.0


def delivery_rate(committed: dict[uuid.UUID, float], arrivals: dict[str, float]) -> float:
    received = [arrivals[str(i)] for i in committed if str(i) in arrivals]
    span = max(received, default=0.0) - min(committed.values(), default=0.0)
    return len(received) / span if received and span > 0 else 0.0


async def run(url: str, redis_url: str, args: argparse.Namespace, data_dir: str) -> dict:
    settings = Settings(database_url=url, redis_url=redis_url, secret_key=SECRET_KEY, data_dir=Path(data_dir))
    use_settings(replace(settings, webhook_allow_private=True))
    await run_migrations(url)
    await init_db(url)
    port_out, port_in = multiprocessing.Pipe()
    report_main, report_child = multiprocessing.Pipe()
    secret_main, secret_child = multiprocessing.Pipe()
    receiver = multiprocessing.Process(target=_receive, args=(port_in, report_child, secret_child), daemon=True)
    receiver.start()
    port = port_out.recv()
    worker = start_worker(url, redis_url, f"metergraph:bench-webhooks:{uuid.uuid4().hex[:8]}", data_dir)
    try:
        org = (await create_organization("Webhook bench")).id
        fields = webhooks.DestinationFields(
            name="Bench", url=f"http://127.0.0.1:{port}/hooks", event_types=["billing.*"]
        )
        created = await webhooks.create_destination(org, fields, actor="bench")
        secret_main.send(created.secret)
        await asyncio.sleep(3.0)  # the worker starts and its dispatcher listens
        worker_cpu, receiver_cpu = cpu_seconds(worker.pid), cpu_seconds(receiver.pid)
        # --overhead-only: no events to deliver, the write overhead alone (for tuning it)
        events = 0 if args.overhead_only else args.events
        backlog = await write_events(org, events, args.backlog_batch, 0)
        await wait_until_settled(org, events, args.timeout)
        paced = await write_events(org, events, args.batch, args.rate)
        await wait_until_settled(org, 2 * events, args.timeout)
        worker_cpu = cpu_seconds(worker.pid) - worker_cpu
        receiver_cpu = cpu_seconds(receiver.pid) - receiver_cpu
        async with connection() as conn:
            dispatched = {
                r["event_id"]: r["dt_created"].timestamp()
                for r in await conn.fetch(
                    "SELECT event_id, dt_created FROM webhook_deliveries WHERE organization_id = $1", org
                )
            }
        report_main.send("report")
        arrivals, bad, requests = report_main.recv()
        overhead = await write_overhead(org, args.overhead_rounds, args.overhead_per_round)
        database = url.rsplit("/", 1)[1]
        cpu = await write_cpu(org, database, args.cpu_blocks, args.cpu_per_block) if args.cpu_blocks else {}
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        receiver.join(timeout=5)
        await close_db()
    received = sum(1 for i in [*backlog, *paced] if str(i) in arrivals)
    return {
        "events": args.events,
        "backlog_received": sum(1 for i in backlog if str(i) in arrivals),
        "backlog_committed_per_second": len(backlog) / (span(backlog.values()) or 1e-9),
        "delivered_per_second": delivery_rate(backlog, arrivals),
        "backlog_p99_commit_to_receipt_s": latency_figures(backlog, arrivals, dispatched)["p99_commit_to_receipt_s"],
        **{f"paced_{k}" if k == "received" else k: v for k, v in latency_figures(paced, arrivals, dispatched).items()},
        "bad_signatures_in_sample": bad,
        # at least once: a repeat is allowed, but each one is wasted work
        "repeated_requests": requests - len(arrivals),
        "write_overhead_ratio": overhead["service_event"],
        "service_write_ms": overhead["service"],
        "overhead_on_a_bare_update": overhead["bare_event"],
        "bare_update_ms": overhead["bare"],
        # the worker's CPU per delivered event (dispatch included), and the rate that makes
        # on one core of its own
        "worker_cpu_ms_per_event": worker_cpu / received * 1000 if received else float("nan"),
        "one_core_capacity_per_second": received / worker_cpu if worker_cpu else float("nan"),
        # the receiver must never be what limits the rate: its CPU per request
        "receiver_cpu_ms_per_event": receiver_cpu / received * 1000 if received else float("nan"),
        **cpu,
        "load_average": os.getloadavg()[0],
    }


def main(args: argparse.Namespace) -> None:
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        # The worker's queue and cron jobs stay in their own Redis database (BENCH_REDIS_DB).
        redis_url = with_redis_db(redis_url, args.redis_db)
        figures = asyncio.run(run(url, redis_url, args, tmp))
    for name, value in figures.items():
        print(f"{name}: {value:.4f}" if isinstance(value, float) else f"{name}: {value}")
    print_result(
        "webhooks",
        [
            figure("delivered_per_second", figures["delivered_per_second"], ">= 1000", unit="events/s"),
            figure("p99_commit_to_receipt_s", figures["p99_commit_to_receipt_s"], "<= 1.0", unit="s"),
            figure("write_overhead_ratio", figures["write_overhead_ratio"], "<= 0.10"),
        ],
        events=figures["events"],
        received=figures["backlog_received"] + figures["paced_received"],
        worker_cpu_ms_per_event=round(figures["worker_cpu_ms_per_event"], 3),
        load_average=figures["load_average"],
        rate=args.rate,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--rate", type=float, default=1000.0, help="events committed per second in the paced phase (0: unpaced)"
    )
    parser.add_argument("--batch", type=int, default=10, help="events per writing transaction (paced phase)")
    parser.add_argument(
        "--backlog-batch", type=int, default=100, help="events per transaction in the backlog phase (fast to write)"
    )
    parser.add_argument("--overhead-rounds", type=int, default=5, help="rounds of the write overhead (median)")
    parser.add_argument("--overhead-per-round", type=int, default=400, help="transactions of each kind per round")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--redis-db", type=int, default=redis_db(13))
    parser.add_argument(
        "--cpu-blocks", type=int, default=0, help="blocks of each kind for the event's CPU per write (0: not measured)"
    )
    parser.add_argument("--cpu-per-block", type=int, default=1000, help="service writes per block (--cpu-blocks)")
    parser.add_argument(
        "--overhead-only", action="store_true", help="skip the delivery phases: the write overhead figures alone"
    )
    main(parser.parse_args())
