"""Measurements, ingest batches and usage across tenants.

A's batch (REST, processed by a burst worker) stored three measurements of `a-account`,
`a-child` and the global meter, and rejected one. B must not find any of it by any filter,
nor compute usage of A's accounts or A's aggregations. Ingest names meters and accounts
by CODE: B naming A's codes ingests into B's own organization (an unknown account code is
auto-created there: correct, not a leak) and A's account, measurements and uid claims
stay as they were; B cannot post into A's organization either.
"""

from __future__ import annotations

from app.models.accounts import Account
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import (
    FEB,
    JAN,
    World,
    accepted,
    global_meter_input,
    measurement,
    mutation,
    on_session_queue,
)
from tests.workers import post_measurements, run_burst_worker

MEASUREMENTS = "measurements(first: 100{args}) {{ totalCount nodes {{ uid accountId meterId batchId }} }}"
USAGE = f"""query($account: ID!, $aggregation: ID, $compound: ID) {{
  usage(accountId: $account, aggregationId: $aggregation, compoundAggregationId: $compound,
    from: "{JAN}", to: "{FEB}") {{
    quantity units }} }}"""
BATCH = (
    "query($id: ID!) { ingestBatch(id: $id) { id status stored duplicates rejected failures { "
    "nodes { index uid code } } } }"
)


async def q_ingest_batch(w: World) -> None:
    batch = w.ids["a_batch"]
    for spelling in (batch, batch.upper(), batch.replace("-", "")):
        assert (await w.as_a(BATCH, {"id": spelling}))["ingestBatch"]["id"] == batch
        assert (await w.as_b(BATCH, {"id": spelling}))["ingestBatch"] is None, spelling


async def q_measurements(w: World) -> None:
    a = w.a_has
    filters = [
        "",
        f'accountId: "{a["account"]["id"]}"',
        f'accountCode: "{a["account"]["code"]}"',
        f'accountId: "{a["childAccount"]["id"]}"',
        f'meterId: "{a["meter"]["id"]}"',
        f'meterCode: "{a["meter"]["code"]}"',
        f'meterCode: "{a["globalMeter"]["code"]}"',
        f'batchId: "{w.ids["a_batch"]}"',
        'uid: "a-uid-1"',
        f'from: "{JAN}", to: "{FEB}"',
    ]
    for flt in filters:
        query = "{ " + MEASUREMENTS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"
        assert (await w.as_a(query))["measurements"]["totalCount"] > 0, query  # the filter does find A's
        assert (await w.as_b(query))["measurements"] == {"totalCount": 0, "nodes": []}, query


async def q_usage(w: World) -> None:
    a, b = w.a_has, await w.b_catalog()
    mine = {"account": a["account"]["id"], "aggregation": a["aggregation"]["id"]}
    assert (await w.as_a(USAGE, mine))["usage"] == {"quantity": "3", "units": "3"}
    for variables in (
        mine,
        {"account": a["account"]["id"], "compound": a["compoundAggregation"]["id"]},
        {"account": a["account"]["id"], "aggregation": a["globalAggregation"]["id"]},
        {"account": a["childAccount"]["id"], "aggregation": a["aggregation"]["id"]},
        {"account": b["account"]["id"], "aggregation": a["aggregation"]["id"]},  # B's account, A's aggregation
        {"account": b["account"]["id"], "compound": a["compoundAggregation"]["id"]},
        {"account": a["account"]["id"], "aggregation": b["aggregation"]["id"]},  # A's account, B's aggregation
        {"account": a["account"]["id"], "compound": b["compoundAggregation"]["id"]},
    ):
        assert (await w.as_b(USAGE, variables))["usage"] is None, variables
    # B's own account and aggregation work (no usage yet): the nulls above are about A.
    own = await w.as_b(USAGE, {"account": b["account"]["id"], "aggregation": b["aggregation"]["id"]})
    assert own["usage"] == {"quantity": None, "units": None}


SUBMIT = mutation("submitMeasurements", "SubmitMeasurementsInput", "result batchId")


async def m_submit_measurements(w: World) -> None:
    a_account = w.a_has["account"]
    # B's token cannot post into A's organization.
    async with on_session_queue(w.app):
        response = await post_measurements(
            w.b, [measurement("a", "b-into-a", a_account["code"], 1)], organization_id=w.ids["a_org"]
        )
    assert response.status_code == 403, response.text
    # A's meter code, account code and uid, from B: B has no such meter, so it is refused,
    # in B's batch; no account is made for it.
    same = [measurement("a", "a-uid-1", a_account["code"], 5)]
    async with on_session_queue(w.app):
        first = accepted((await w.as_b(SUBMIT, {"input": {"measurements": same}}))["submitMeasurements"])
        await run_burst_worker()
    batch = (await w.as_b(BATCH, {"id": first["batchId"]}))["ingestBatch"]
    assert batch == {
        "id": first["batchId"],
        "status": "PROCESSED",
        "stored": 0,
        "duplicates": 0,
        "rejected": 1,
        "failures": {"nodes": [{"index": 0, "uid": "a-uid-1", "code": "UNKNOWN_METER"}]},
    }
    assert await Account.filter(organization_id=w.ids["b_org"], code=a_account["code"]).count() == 0
    # Once B has a meter of that code, the same measurement is B's: stored (A's claim of the
    # uid is A's), for an account auto-created in B with A's account's code.
    meter = accepted(
        (
            await w.as_b(
                mutation("createMeter", "CreateMeterInput", "meter { id }"),
                {
                    "input": {
                        **global_meter_input("b"),
                        "code": "a-meter",
                        "aggregations": [],
                        "dataFields": [
                            {"category": "WHO", "code": "region", "name": "Region"},
                            {"category": "MEASURE", "code": "gb", "name": "GB"},
                        ],
                    }
                },
            )
        )["createMeter"]
    )
    async with on_session_queue(w.app):
        response = await post_measurements(w.b, same)
        assert response.status_code == 200, response.text
        await run_burst_worker()
    batch = (await w.as_b(BATCH, {"id": response.json()["batchId"]}))["ingestBatch"]
    assert (batch["status"], batch["stored"], batch["duplicates"], batch["rejected"]) == ("PROCESSED", 1, 0, 0)
    created = await Account.get(organization_id=w.ids["b_org"], code=a_account["code"])
    assert created.auto_created and str(created.id) != a_account["id"]
    stored = (await w.as_b("{ " + MEASUREMENTS.format(args="") + " }"))["measurements"]
    assert stored == {
        "totalCount": 1,
        "nodes": [
            {
                "uid": "a-uid-1",
                "accountId": str(created.id),
                "meterId": meter["meter"]["id"],
                "batchId": response.json()["batchId"],
            }
        ],
    }


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {"ingestBatch": q_ingest_batch, "measurements": q_measurements, "usage": q_usage},
        "Mutation": {"submitMeasurements": m_submit_measurements},
    }
