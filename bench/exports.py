"""Benchmark: export 1,000,000 measurements through the real streamed route
(`GET /exports/measurements.csv`, SEMANTICS §15.2) from an API served as `metergraph serve`
in its own process, and show that the server's memory stays flat.

Measurements are COPYed as bench/bill_run.py does. The export runs twice, over a tenth of
the month and over the whole month; the API's resident memory (VmRSS in
/proc/<pid>/status) is sampled while each runs. Flat memory: the peak growth of the whole
export is about that of the tenth, not ten times it.

    python bench/exports.py [--measurements 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

from _harness import (
    client_token,
    env_for,
    figure,
    free_port,
    metergraph,
    print_result,
    raise_rate_limits,
    scratch_database,
    services,
    with_redis_db,
)
from bill_run import END, START, copy_measurements, create_catalog

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def served(env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`metergraph serve` on a free port: (base URL, its pid)."""
    port = free_port()
    log = open(os.path.join(env["METERGRAPH_DATA_DIR"], "api.log"), "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(base + "/healthz", timeout=1).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the API did not become healthy")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def export(base: str, token: str, pid: int, params: dict[str, str]) -> dict:
    """Stream one export, reading it in 64 KiB pieces; rows, bytes, seconds and the API's
    RSS before and at its peak while the export ran (sampled every 20 ms)."""
    before, peak, done = rss_kb(pid), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    request = urllib.request.Request(f"{base}/exports/measurements.csv?{urlencode(params)}")
    request.add_header("Authorization", f"Bearer {token}")
    started, size, rows = time.perf_counter(), 0, 0
    with urllib.request.urlopen(request, timeout=600) as response:
        while piece := response.read(65536):
            size += len(piece)
            rows += piece.count(b"\n")  # one LF per CSV row; a CRLF may straddle two pieces
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return {"rows": rows - 1, "bytes": size, "seconds": seconds, "rss_before_kb": before, "rss_peak_kb": peak[0]}


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--measurements", type=int, default=1_000_000)
    options.add_argument("--accounts", type=int, default=100)
    options.add_argument("--redis-db", type=int, default=3)
    args = options.parse_args()
    with (
        services() as (server_url, redis_url),
        scratch_database(server_url) as database_url,
        tempfile.TemporaryDirectory() as data,
    ):
        env = env_for(database_url, with_redis_db(redis_url, args.redis_db), data)
        metergraph("migrate", env=env)
        credentials = json.loads(metergraph("bootstrap", "--org", "Bench", env=env))
        with served(env) as (base, pid):
            token = client_token(base, credentials["accessKeyId"], credentials["apiSecret"])
            raise_rate_limits(base, token)
            create_catalog(base, token, args.accounts)
            copy = asyncio.run(copy_measurements(database_url, credentials["organizationId"], args.measurements))
            tenth = START + (END - START) / 10
            small = export(base, token, pid, {"from": START.isoformat(), "to": tenth.isoformat()})
            whole = export(base, token, pid, {"from": START.isoformat(), "to": END.isoformat()})
            hwm = rss_kb(pid, "VmHWM")
    print(f"measurements={args.measurements} accounts={args.accounts}; COPY {copy:.1f}s")
    for name, run in (("tenth", small), ("whole", whole)):
        growth = (run["rss_peak_kb"] - run["rss_before_kb"]) / 1024
        print(
            f"{name}: rows={run['rows']} bytes={run['bytes']} seconds={run['seconds']:.1f} "
            f"rows/s={run['rows'] / run['seconds']:.0f} rss before={run['rss_before_kb'] / 1024:.1f} MiB "
            f"peak={run['rss_peak_kb'] / 1024:.1f} MiB growth={growth:.1f} MiB"
        )
    print(f"API VmHWM at the end: {hwm / 1024:.1f} MiB")
    assert whole["rows"] == args.measurements, whole
    small_growth = max(small["rss_peak_kb"] - small["rss_before_kb"], 1)
    whole_growth = whole["rss_peak_kb"] - whole["rss_before_kb"]
    print_result(
        "exports",
        [
            figure("export_rows_per_second", whole["rows"] / whole["seconds"], unit="rows/s"),
            figure("rss_growth_mib", whole_growth / 1024, "<= 64", unit="MiB"),
            figure("rss_growth_whole_to_tenth", whole_growth / small_growth, "<= 2.0"),
        ],
        measurements=args.measurements,
    )


if __name__ == "__main__":
    main()
