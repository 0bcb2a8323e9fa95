"""Every benchmark in one command (`make bench`): one table of figure, target, met / not met.

Runs each script of bench/ (all but `_*.py` and this one), one after the other, so they
never compete for the two cores; echoes its output, and reads the figures from its
`RESULT {json}` lines (`_harness.print_result`). A script that prints none, or fails, is
listed as such: any script added to bench/ is picked up once it prints that line.

Short mode by default; `BENCH=full` asks each script for its long runs (bill runs at
10,000 accounts / 10M measurements and so on). The results go to
`bench/results/<UTC time>.json` (not committed), and the table shows the previous
file's value of each figure beside the new one.

    BENCH=full .venv/bin/python bench/run_all.py [--only bill_run,ingest] [--skip lock_date]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PREFIX = "RESULT "


def scripts(only: set[str], skip: set[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != Path(__file__).name)
    return [p for p in found if (not only or p.stem in only) and p.stem not in skip]


def run(script: Path, timeout: float) -> tuple[list[dict], str | None, float]:
    """The script's RESULT payloads, an error (None when it ran cleanly), seconds taken."""
    started = time.perf_counter()
    print(f"\n=== {script.stem} ===", flush=True)
    payloads: list[dict] = []
    proc = subprocess.Popen(
        [sys.executable, str(script)], cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if line.startswith(PREFIX):
                try:
                    payloads.append(json.loads(line[len(PREFIX) :]))
                except json.JSONDecodeError:
                    print(f"(unreadable RESULT line) {line}", end="")
            else:
                print("  " + line, end="", flush=True)
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return payloads, f"timed out after {timeout:.0f}s", time.perf_counter() - started
    error = None if code == 0 else f"exit status {code}"
    if error is None and not payloads:
        error = "printed no RESULT line"
    return payloads, error, time.perf_counter() - started


def previous_values() -> dict[tuple[str, str], float]:
    files = sorted(RESULTS.glob("*.json")) if RESULTS.is_dir() else []
    if not files:
        return {}
    last = json.loads(files[-1].read_text())
    return {
        (bench["bench"], f["name"]): f["value"] for bench in last.get("results", []) for f in bench.get("figures", [])
    }


def table(results: list[dict], errors: dict[str, str], before: dict[tuple[str, str], float]) -> str:
    rows = [("benchmark", "figure", "value", "previous", "target", "status")]
    for payload in results:
        for f in payload["figures"]:
            status = {True: "met", False: "NOT met", None: "-"}[f.get("met")]
            value = f"{f['value']:g}{(' ' + f['unit']) if f.get('unit') else ''}"
            previous = before.get((payload["bench"], f["name"]))
            rows.append(
                (
                    payload["bench"],
                    f["name"],
                    value,
                    "" if previous is None else f"{previous:g}",
                    f.get("target") or "",
                    status,
                )
            )
    for name, error in errors.items():
        rows.append((name, "-", "-", "", "", f"FAILED: {error}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    options = argparse.ArgumentParser()
    options.add_argument("--only", default="", help="comma-separated script names (without .py)")
    options.add_argument("--skip", default="", help="comma-separated script names to leave out")
    options.add_argument("--timeout", type=float, default=None, help="seconds per script")
    args = options.parse_args()
    mode = os.environ.setdefault("BENCH", "short")
    timeout = args.timeout or (7200.0 if mode == "full" else 1800.0)
    chosen = scripts({s for s in args.only.split(",") if s}, {s for s in args.skip.split(",") if s})
    before = previous_values()
    results: list[dict] = []
    errors: dict[str, str] = {}
    durations: dict[str, float] = {}
    for script in chosen:
        payloads, error, seconds = run(script, timeout)
        results.extend(payloads)
        durations[script.stem] = round(seconds, 1)
        if error is not None:
            errors[script.stem] = error
    print(f"\nBENCH={mode}\n" + table(results, errors, before))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    out = RESULTS / f"{stamp}.json"
    document = {"mode": mode, "started": stamp, "results": results, "errors": errors, "seconds": durations}
    out.write_text(json.dumps(document, indent=2))
    print(f"\nwritten to {out.relative_to(HERE.parent)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
