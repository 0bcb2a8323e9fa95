"""The benchmarks keep running: `make bench` runs every script of bench/, and a script that
fails loses its figures (bench/progress_latency.py once did, after a rename in the code it
imports). The quick ones run here, small, against the test services; their figures are
not looked at (tests never judge times), only that they ran and printed their RESULT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "script",
    [
        ["progress_latency.py", "--subscribers", "3", "--rounds", "2"],
        ["webhooks.py", "--overhead-only", "--overhead-rounds", "1", "--overhead-per-round", "5"],
        ["usage_query.py", "--accounts", "10", "--measurements", "2000", "--queries", "5"],
        ["http_baseline.py", "--seconds", "0.5", "--connections", "2"],
        ["ingest_compute.py", "--repeats", "1"],
    ],
    ids=lambda s: s[0],
)
def test_a_benchmark_runs_and_prints_its_result(service_urls, script):
    database_url, redis_url = service_urls
    env = os.environ | {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "BENCH_REDIS_DB": "15"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script[0]), *script[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = [json.loads(line[len("RESULT ") :]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert [r["bench"] for r in results] == [Path(script[0]).stem]
    assert all(f["value"] is not None for f in results[0]["figures"])
