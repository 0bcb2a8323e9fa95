"""The event's CPU per versioned write, write by write: `update_versioned` of an account
with its event and without (bench/webhooks.py's two service kinds), the kinds taking turns
transaction by transaction; per write the client's thread CPU, the database backends' CPU
(`/proc/<pid>/schedstat`, nanoseconds: no 10 ms clock ticks to average away) and the wall
time; the medians of each. On a shared machine a per-write median moves less than the
blocks of `bench/webhooks.py --cpu-blocks`.

To compare two checkouts, run the script of each (copy it into one that lacks it),
alternating.

    .venv/bin/python bench/event_write_cpu.py [--writes 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

from _harness import SECRET_KEY, print_result, scratch_database, services

KINDS = ("service", "service_event")
SIDES = ("client", "backend", "wall")


async def run(url: str, redis_url: str, writes: int) -> dict[str, float]:
    import webhooks  # the Writer of bench/webhooks.py: the same two service kinds

    from app.db import close_db, connection, init_db, run_migrations
    from app.models.accounts import Account
    from app.services.organizations import create_organization
    from app.settings import Settings, use_settings

    use_settings(Settings(database_url=url, redis_url=redis_url, secret_key=SECRET_KEY, data_dir=Path("/tmp")))
    await run_migrations(url)
    await init_db(url)
    try:
        org = (await create_organization("Event write CPU")).id
        writer = webhooks.Writer(org, (await Account.create(organization_id=org, code="cpu", name="Cpu")).id)
        for i in range(300):  # warm: prepared statements, the pool's connections
            for kind in KINDS:
                await writer.run(kind, i)
        async with connection() as conn:
            query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            pids = [r["pid"] for r in await conn.fetch(query)]
        stats = [open(f"/proc/{pid}/schedstat", "rb", buffering=0) for pid in pids]  # noqa: SIM115

        def backend_us() -> float:
            total = 0
            for stat in stats:
                stat.seek(0)
                total += int(stat.read().split()[0])
            return total / 1e3

        spent: dict[str, dict[str, list[float]]] = {kind: {side: [] for side in SIDES} for kind in KINDS}
        for i in range(writes):
            for kind in KINDS if i % 2 == 0 else KINDS[::-1]:
                backend, client, wall = backend_us(), time.thread_time(), time.perf_counter()
                await writer.run(kind, i)
                spent[kind]["wall"].append((time.perf_counter() - wall) * 1e6)
                spent[kind]["client"].append((time.thread_time() - client) * 1e6)
                spent[kind]["backend"].append(backend_us() - backend)
        for stat in stats:
            stat.close()
    finally:
        await close_db()
    medians = {
        kind: {side: statistics.median(values) for side, values in sides.items()} for kind, sides in spent.items()
    }
    return {
        **{f"event_{side}_us": medians["service_event"][side] - medians["service"][side] for side in SIDES},
        **{f"service_{side}_us": medians["service"][side] for side in SIDES},
        "ratio_of_medians": medians["service_event"]["wall"] / medians["service"]["wall"] - 1,
    }


def main(args: argparse.Namespace) -> None:
    with services() as (server_url, redis_url), scratch_database(server_url) as url:
        figures = asyncio.run(run(url, redis_url, args.writes))
    for name, value in figures.items():
        print(f"{name}: {value:.1f}" if not name.startswith("ratio") else f"{name}: {value:.3f}")
    print(f"load average {os.getloadavg()[0]:.1f}")
    print_result("event_write_cpu", [], **figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--writes", type=int, default=3000, help="writes of each kind")
    main(parser.parse_args())
