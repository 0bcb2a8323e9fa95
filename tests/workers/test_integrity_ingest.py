"""A hostile measurement fails alone (findings 2, 8 and 12), through the real ingest route
and a real arq worker: its batch is processed once, the other items are stored, the
failure names the field; what a client reads of a failed attempt carries no exception text."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

from app.db import connection
from app.models.ingest import IngestFailure, MeasurementBatch
from app.services.ingest import store
from tests.workers import (
    accepted_batch,
    ingest_queue,  # noqa: F401 - fixture
    make_meter,
    post_measurements,
    run_burst_worker,
)

TS = (datetime.now(UTC) - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
DATA_FIELDS = [{"category": "WHO", "code": "w", "name": "W"}, {"category": "MEASURE", "code": "gb", "name": "GB"}]


def item(uid: str, **extra: object) -> dict:
    return {
        "meter": "hostile",
        "account": "acme",
        "ts": TS,
        "uid": uid,
        "who": {"w": "eu"},
        "measure": {"gb": 1},
        **extra,
    }


async def failures(batch_id: uuid.UUID) -> dict[str, tuple[str, str]]:
    rows = await IngestFailure.filter(batch_id=batch_id)
    return {r.uid: (r.code, r.reason) for r in rows}


async def stored_uids(organization_id: str) -> list[str]:
    async with connection() as conn:
        rows = await conn.fetch("SELECT uid FROM measurements WHERE organization_id = $1", uuid.UUID(organization_id))
    return sorted(r["uid"] for r in rows)


async def test_one_hostile_item_fails_alone_and_the_batch_is_processed_once(tenant, ingest_queue):
    # Stored as an older version of the API allowed: 900 terms (the work bound refuses more).
    await make_meter(
        tenant.organization_id,
        "hostile",
        DATA_FIELDS,
        [{"category": "WHAT", "code": "echo", "name": "Echo", "calculation": "+".join(["w"] * 900)}],
    )
    batch_id = await accepted_batch(tenant, [item("ok-1"), item("hostile", who={"w": "x" * 500}), item("ok-2")])
    worker = await run_burst_worker()

    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.stored, batch.rejected, batch.attempts) == ("PROCESSED", 2, 1, 0)
    assert worker.jobs_retried == 0 and worker.jobs_failed == 0
    code, reason = (await failures(batch_id))["hostile"]
    assert code == "DERIVED_FIELD" and "'echo'" in reason and "longer than 4096 characters" in reason
    assert await stored_uids(tenant.organization_id) == ["ok-1", "ok-2"]


async def test_a_number_numeric_cannot_hold_fails_its_item_not_the_batch(tenant, ingest_queue):
    await make_meter(tenant.organization_id, "hostile", DATA_FIELDS, [])
    body = json.dumps({"measurements": [item("ok"), item("long", measure={"gb": "HUGE"})]})
    body = body.replace('"HUGE"', "0." + "1" * 17000).encode()
    response = await post_measurements(tenant, body=body)
    assert response.status_code == 200, response.text
    batch_id = uuid.UUID(response.json()["batchId"])
    await run_burst_worker()

    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.stored, batch.rejected, batch.attempts) == ("PROCESSED", 1, 1, 0)
    assert (await failures(batch_id))["long"][0] == "WRONG_TYPE"


async def test_a_number_no_decimal_holds_fails_its_item_not_the_batch(tenant, ingest_queue):
    # An exponent beyond ±10^18 (Decimal refuses to build it): accepted like any number,
    # then refused per item as out of bounds; once it was a server error at acceptance.
    await make_meter(tenant.organization_id, "hostile", DATA_FIELDS, [])
    body = json.dumps({"measurements": [item("ok"), item("tiny", measure={"gb": "TINY"})]})
    response = await post_measurements(tenant, body=body.replace('"TINY"', "1.5e-99999999999999999999").encode())
    assert response.status_code == 200, response.text
    batch_id = uuid.UUID(response.json()["batchId"])
    await run_burst_worker()

    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.stored, batch.rejected, batch.attempts) == ("PROCESSED", 1, 1, 0)
    code, reason = (await failures(batch_id))["tiny"]
    assert code == "WRONG_TYPE" and "measure.'gb'" in reason and "finite" in reason
    assert await stored_uids(tenant.organization_id) == ["ok"]


async def test_a_failed_attempt_shows_a_reference_not_the_error(tenant, ingest_queue, monkeypatch):
    await make_meter(tenant.organization_id, "hostile", DATA_FIELDS, [])
    real = store.mark_processed
    failed: list[bool] = []

    async def fail_once(conn, *args):
        if not failed:
            failed.append(True)
            raise RuntimeError("password=hunter2 at /srv/metergraph/secrets.py")
        return await real(conn, *args)

    monkeypatch.setattr(store, "mark_processed", fail_once)
    batch_id = await accepted_batch(tenant, [item("one")])
    await run_burst_worker()

    batch = await MeasurementBatch.get(id=batch_id)
    assert (batch.status, batch.attempts) == ("PROCESSED", 1)
    assert batch.last_error.startswith("processing failed: internal error (reference ")
    assert "hunter2" not in batch.last_error and "RuntimeError" not in batch.last_error
