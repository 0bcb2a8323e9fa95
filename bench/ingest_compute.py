"""The worker's compute for bench/ingest.py's batches, in process: no database, no queue.

CPU time (min over repeats) per measurement of: decoding a batch, checking it
(`BatchChecks.prepare`), of which the data fields alone (`data_checks`: the meter without
its derived field) and the derived field's calculation alone (`derived`), encoding the
stored values as JSON (`encode`), preparing it (decode excluded: checks, JSON, binary COPY rows),
and a whole group of GROUP_LIMIT batches from bodies to the COPY data of its claims and its
measurements, as `process` does it. These are
the parts of bench/ingest.py's worker CPU that Python code decides; being in one process
they are far less sensitive to a loaded machine than the end-to-end figures.

    .venv/bin/python bench/ingest_compute.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from _harness import figure, print_result
from ingest import BATCH, DATA_FIELDS, DERIVED_FIELDS, item_suffixes

from app.domain.measurements import BatchChecks, meter_schema
from app.services.ingest import process, rows, store
from app.services.ingest.process import GROUP_LIMIT
from app.services.ingest.store import LockedBatch
from app.services.ingest.wire import decode_batch, encode


def bodies(count: int) -> list[bytes]:
    suffixes = item_suffixes()
    return [
        b'{"measurements":[' + b",".join(f'{{"uid":"r{r}'.encode() + s for s in suffixes) + b"]}" for r in range(count)
    ]


def cpu_per_item(work: Callable[[], object], items: int, repeats: int) -> float:
    """Microseconds of CPU per item, the least of `repeats` runs."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best / items * 1e6


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--repeats", type=int, default=30)
    args = options.parse_args()
    organization_id, accepted_at = uuid.uuid4(), datetime.now(UTC)
    schemas = {"api": meter_schema(uuid.uuid4(), "api", DATA_FIELDS, DERIVED_FIELDS)}
    batches = [LockedBatch(uuid.uuid4(), organization_id, body, accepted_at) for body in bodies(GROUP_LIMIT)]
    accounts = {f"customer-{i:03d}": uuid.uuid4() for i in range(100)}
    first, items = batches[0], decode_batch(batches[0].body)
    checks = BatchChecks(accepted_at)
    data_only = meter_schema(uuid.uuid4(), "api", DATA_FIELDS, [])
    stored = [checks.prepare(item, schemas["api"]) for item in items]
    calculation = schemas["api"].derived[0].expression
    assert calculation is not None

    def group() -> bytes:
        # The Python of `process._process_locked` for a group, its statements left out.
        prepared = []
        for batch in batches:
            items = decode_batch(batch.body)
            process.meter_codes(items)
            prepared.append(rows.prepare_batch(batch, items, schemas))
            del items
        process.account_codes(prepared)
        uids = process.group_uids(prepared)
        store.claims_copy_data(organization_id, sorted(uids.owners), uids.owners, uids.fields)
        return rows.copy_data(organization_id, [p.valid for p in prepared], accounts)

    figures = {
        "decode": cpu_per_item(lambda: decode_batch(first.body), BATCH, args.repeats),
        "checks": cpu_per_item(lambda: [checks.prepare(i, schemas["api"]) for i in items], BATCH, args.repeats),
        "data_checks": cpu_per_item(lambda: [checks.prepare(i, data_only) for i in items], BATCH, args.repeats),
        "derived": cpu_per_item(lambda: [calculation.evaluate(v) for v in stored], BATCH, args.repeats),
        "encode": cpu_per_item(lambda: [encode(v) for v in stored], BATCH, args.repeats),
        "prepare": cpu_per_item(lambda: rows.prepare_batch(first, items, schemas), BATCH, args.repeats),
        "group": cpu_per_item(group, BATCH * len(batches), max(3, args.repeats // 3)),
    }
    print(" ".join(f"{name}_us={value:.2f}" for name, value in figures.items()))
    print_result("ingest_compute", [figure(f"{name}_cpu_per_measurement", v, unit="us") for name, v in figures.items()])


if __name__ == "__main__":
    main()
