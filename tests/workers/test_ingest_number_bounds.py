"""Numbers at the edges of what a measurement may carry (SEMANTICS §6), through the real
ingest route and a real arq worker: a valid JSON number beyond the bounds fails its item
only (the rest of the batch goes in), and a zero is a zero whatever exponent it is
written with."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.db import connection
from app.models.ingest import IngestFailure, MeasurementBatch
from tests.workers import (
    ingest_queue,  # noqa: F401 - fixture
    make_meter,
    post_measurements,
    run_burst_worker,
)

TS = (datetime.now(UTC) - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
LONG_INTEGER = "9" * 5000  # more digits than Python converts to int (4300 by default)


def item(uid: str, gb: str = "1", divisor: str = "4") -> str:
    """One measurement of tests.workers' storage meter, its numbers written as given."""
    return (
        f'{{"uid":"{uid}","meter":"storage","account":"acme","ts":"{TS}",'
        f'"who":{{"region":"eu"}},"measure":{{"gb":{gb},"divisor":{divisor}}}}}'
    )


def body(*items: str) -> bytes:
    return ('{"measurements":[' + ",".join(items) + "]}").encode()


async def processed(tenant, payload: bytes) -> tuple[MeasurementBatch, dict, dict]:
    response = await post_measurements(tenant, body=payload)
    assert response.status_code == 200, response.text
    batch_id = uuid.UUID(response.json()["batchId"])
    await run_burst_worker()
    batch = await MeasurementBatch.get(id=batch_id)
    failures = {f.uid: (f.code, f.reason) for f in await IngestFailure.filter(batch_id=batch_id)}
    async with connection() as conn:
        rows = await conn.fetch("SELECT uid, data::text AS data FROM measurements WHERE batch_id = $1", batch_id)
    stored = {r["uid"]: json.loads(r["data"], parse_float=Decimal) for r in rows}
    return batch, failures, stored


async def test_an_integer_too_long_for_python_fails_its_item_not_the_batch(tenant, ingest_queue):
    # Valid JSON like 1e1001, which already failed only its item; it was a 400 for the whole
    # batch, naming a field "measure.]".
    await make_meter(tenant.organization_id)
    batch, failures, stored = await processed(
        tenant, body(item("ok"), item("long", gb=LONG_INTEGER), item("negative", divisor="-" + LONG_INTEGER))
    )

    assert (batch.status, batch.stored, batch.rejected, batch.attempts) == ("PROCESSED", 1, 2, 0)
    assert {uid: code for uid, (code, _) in failures.items()} == {"long": "WRONG_TYPE", "negative": "WRONG_TYPE"}
    assert "measure.'gb'" in failures["long"][1] and "finite" in failures["long"][1]
    assert "measure.'divisor'" in failures["negative"][1]
    assert stored == {"ok": {"region": "eu", "gb": 1, "divisor": 4, "cost": Decimal("0.25"), "share": Decimal("0.25")}}


async def test_an_integer_too_long_outside_a_section_refuses_the_batch_naming_its_field(tenant, ingest_queue):
    response = await post_measurements(tenant, body=body(item("ok"), item("ok-2").replace('"ok-2"', LONG_INTEGER)))
    assert response.status_code == 400
    assert response.json()["message"].startswith("measurements[1].uid: ")


async def test_a_zero_with_an_exponent_beyond_the_bounds_is_stored_as_zero(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    batch, failures, stored = await processed(
        tenant,
        body(
            item("big-exponent", gb="0e5000"),
            item("small-exponent", gb="-0.0e-1100"),
            item("still-out-of-bounds", gb="1e-1100"),
            item("divides-by-it", divisor="0E+2000"),
        ),
    )

    assert (batch.status, batch.stored, batch.rejected) == ("PROCESSED", 2, 2), failures
    for uid in ("big-exponent", "small-exponent"):
        assert stored[uid] == {"region": "eu", "gb": 0, "divisor": 4, "cost": 0, "share": 0}
        assert stored[uid]["gb"] == 0 and type(stored[uid]["gb"]) is int  # stored as 0, not as sent
    assert failures["still-out-of-bounds"][0] == "WRONG_TYPE"
    assert failures["divides-by-it"] == ("DERIVED_FIELD", "derived field 'share' evaluated to null")
