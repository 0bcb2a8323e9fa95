"""Counter adjustments, counterValue, and counter mutations naming A's things (SEMANTICS §8).

Counters and counter pricings have codes and are generated with the other configuration
kinds (`entities.KINDS`). Adjustments have no code, so their reads and writes are checked
here; and B creating a counter under A's product, a counter pricing on A's plan or of A's
counter, or an adjustment of A's account or counter is refused NOT_FOUND at the exact path.
"""

from __future__ import annotations

from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import BAND, JAN, World, not_found, refused

ADJUSTMENTS = "counterAdjustments(first: 100{args}) {{ totalCount nodes {{ id }} }}"
ADJUSTMENT = "query($id: ID!) { counterAdjustment(id: $id) { id value } }"
VALUE = """query($account: ID!, $counter: ID!) {
  counterValue(accountId: $account, counterId: $counter, at: "2026-01-20T00:00:00Z") { value adjustmentId } }"""


async def q_counter_adjustments(w: World) -> None:
    a = w.a_has
    mine = a["counterAdjustment"]["id"]
    for flt in ("", f'ids: ["{mine}"]', f'accountId: "{a["account"]["id"]}"', f'counterId: "{a["counter"]["id"]}"'):
        query = "{ " + ADJUSTMENTS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"
        assert mine in {n["id"] for n in (await w.as_a(query))["counterAdjustments"]["nodes"]}, query
        assert (await w.as_b(query))["counterAdjustments"] == {"totalCount": 0, "nodes": []}, query


async def q_counter_adjustment(w: World) -> None:
    mine = w.a_has["counterAdjustment"]["id"]
    for spelling in (mine, mine.upper(), mine.replace("-", "")):
        assert (await w.as_a(ADJUSTMENT, {"id": spelling}))["counterAdjustment"]["id"] == mine
        assert (await w.as_b(ADJUSTMENT, {"id": spelling}))["counterAdjustment"] is None, spelling


async def q_counter_value(w: World) -> None:
    ids = {"account": w.a_has["account"]["id"], "counter": w.a_has["counter"]["id"]}
    assert (await w.as_a(VALUE, ids))["counterValue"]["value"] == 3
    refused_read = await w.b.gql(VALUE, ids)
    assert refused_read["data"] is None, refused_read
    assert refused_read["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused_read


async def m_update_counter_adjustment(w: World) -> None:
    mine = w.a_has["counterAdjustment"]
    payload = await w.b_run(
        "updateCounterAdjustment",
        "UpdateCounterAdjustmentInput",
        "counterAdjustment { id }",
        {"id": mine["id"], "version": mine["version"], "value": 99},
    )
    not_found(payload, "id")


async def m_delete_counter_adjustment(w: World) -> None:
    mine = w.a_has["counterAdjustment"]
    payload = await w.b_run("deleteCounterAdjustment", "DeleteInput", "deletedId", {"id": mine["id"], "version": 1})
    not_found(payload, "id")


async def m_create_counter(w: World) -> None:
    data = {"code": "b-seats", "name": "Seats", "unit": "seats", "productId": w.a_has["product"]["id"]}
    not_found(await w.b_run("createCounter", "CreateCounterInput", "counter { id }", data), "productId")


async def m_create_counter_pricing(w: World) -> None:
    a = w.a_has
    on_a = {"planId": a["plan"]["id"], "counterId": a["counter"]["id"], "startDate": JAN, "pricingBands": BAND}
    payload = await w.b_run("createCounterPricing", "CreateCounterPricingInput", "counterPricing { id }", on_a)
    refused(payload, (("planId",), "NOT_FOUND"), (("counterId",), "NOT_FOUND"))
    b = await w.b_catalog()
    a_counter_on_b = {**on_a, "planId": b["plan"]["id"]}
    payload = await w.b_run(
        "createCounterPricing", "CreateCounterPricingInput", "counterPricing { id }", a_counter_on_b
    )
    not_found(payload, "counterId")


async def m_create_counter_adjustment(w: World) -> None:
    a = w.a_has
    data = {"counterId": a["counter"]["id"], "accountId": a["account"]["id"], "date": "2026-01-05", "value": 7}
    payload = await w.b_run("createCounterAdjustment", "CreateCounterAdjustmentInput", "counterAdjustment { id }", data)
    refused(payload, (("counterId",), "NOT_FOUND"), (("accountId",), "NOT_FOUND"))


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {
            "counterAdjustments": q_counter_adjustments,
            "counterAdjustment": q_counter_adjustment,
            "counterValue": q_counter_value,
        },
        "Mutation": {
            "createCounter": m_create_counter,
            "createCounterPricing": m_create_counter_pricing,
            "createCounterAdjustment": m_create_counter_adjustment,
            "updateCounterAdjustment": m_update_counter_adjustment,
            "deleteCounterAdjustment": m_delete_counter_adjustment,
        },
    }
