"""Story: usage arrives late, bills are recalculated, approved and locked (SEMANTICS §7.4–7.5).

January is billed (300 requests at 0.10 = 30.00) and approved. In February, 200 more
January requests arrive: the bill is unchanged until it is recalculated, and then shows
50.00 and is PENDING again. It is approved and locked; later January usage changes
nothing any more: recalculating it is refused, and re-running January skips it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import BILL_JOB, RECALCULATE, Story, band, money

JAN = "2026-01-01T00:00:00Z"


def catalog() -> dict:
    return {
        "code": "late",
        "name": "Late",
        "meters": [
            {
                "code": "late",
                "name": "Late",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"}
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "late",
                "name": "Late",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [{"aggregationCode": "requests", "startDate": JAN, "pricingBands": [band("0", "0.10")]}],
                "plans": [{"code": "late", "name": "Late"}],
            }
        ],
    }


def requests(n: int, ts: str) -> dict:
    return {"meter": "late", "account": "tardy", "ts": ts, "measure": {"requests": n}}


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(catalog())
    await story.account("tardy", [("late", JAN)])
    await story.ingest([requests(300, "2026-01-15T00:00:00Z")])
    return story


async def test_late_usage_changes_the_bill_on_recalculation_until_it_is_locked(story):
    first = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    bill = await story.bill("tardy", "2026-02-01")
    assert (money(bill["billTotal"]), bill["billJobId"], first["billIds"]) == (
        Decimal("30.00"),
        first["id"],
        [bill["id"]],
    )
    [approved] = await story.approve([bill["id"]])
    assert (approved["status"], approved["version"]) == ("APPROVED", bill["version"] + 1)

    await story.ingest([requests(200, "2026-01-31T23:59:59Z")])
    assert money((await story.bill("tardy", "2026-02-01"))["billTotal"]) == Decimal("30.00")  # not until recalculated

    recalculation = await story.recalculate([bill["id"]])
    assert recalculation["type"] == "RECALCULATE" and recalculation["billIds"] == [bill["id"]]
    again = await story.bill("tardy", "2026-02-01")
    assert again["id"] == bill["id"]  # in place, no duplicate
    assert (money(again["billTotal"]), again["status"], again["billJobId"]) == (
        Decimal("50.00"),
        "PENDING",
        recalculation["id"],
    )
    assert money(again["lineItems"]["nodes"][0]["quantity"]) == 500
    assert again["version"] > approved["version"]

    [approved] = await story.approve([again["id"]])
    locked = await story.lock(approved)
    assert (locked["status"], locked["locked"], locked["version"]) == ("APPROVED", True, approved["version"] + 1)

    await story.ingest([requests(1000, "2026-01-20T00:00:00Z")])
    refused = data_of(await story.tenant.gql(RECALCULATE, {"ids": [bill["id"]]}))["recalculateBills"]
    assert refused["billJob"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "billIds", "0"], "INVALID_STATE")]

    rerun = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    assert bill["id"] not in rerun["billIds"]
    final = await story.bill("tardy", "2026-02-01")
    assert (money(final["billTotal"]), final["version"], final["locked"]) == (Decimal("50.00"), locked["version"], True)
    assert len(await story.bills()) == 1


async def test_rerunning_a_period_recalculates_in_place(story):
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    await story.ingest([requests(5, "2026-01-02T00:00:00Z")])
    second = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    [bill] = await story.bills()
    assert second["billIds"] == [bill["id"]]
    assert money(bill["billTotal"]) == Decimal("30.50")
    job = data_of(await story.tenant.gql(BILL_JOB, {"id": second["id"]}))["billJob"]
    assert job["status"] == "COMPLETE" and job["dtCompleted"] is not None and job["dtStarted"] is not None
