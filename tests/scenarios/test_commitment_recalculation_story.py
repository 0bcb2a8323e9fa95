"""Recalculating an earlier bill after a later one drew on the same commitment
(SEMANTICS §11.2 rule 4: "a changed draw queues the account's later unlocked bills on that
source for recalculation (our rule; commitments too)"), through the public API and real
bill jobs.

acme (USD) has a monthly usage plan from 2026-01-01 (1.00 a request, no standing charge,
arrears) and a prepaid commitment of 100.00 for January–March (no fees, 10 % surcharge).
January uses 60 requests, February 70:
- 02-01: USAGE 60.00, COMMITMENT_CONSUMED −60.00: 0.00.
- 03-01: USAGE 70.00, COMMITMENT_CONSUMED −40.00 (100 − 60), 30 beyond: surcharge
  30 × 10 % = 3.00: 33.00.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import data_of
from tests.scenarios import CREATE_COMMITMENT, ERRORS, Story, amounts, band, money, requests_catalog, run_worker

D = Decimal
JAN = "2026-01-01T00:00:00Z"
SPENT = "query($id: ID!) { commitment(id: $id) { amountSpent } }"
PENDING_JOBS = "{ billJobs(first: 50, filter: {status: PENDING}) { nodes { id type } } }"


async def usage(story: Story, ts: str, n: int) -> None:
    await story.ingest([{"meter": "app", "account": "acme", "ts": ts, "measure": {"requests": n}}])


async def queued_jobs(story: Story) -> list[dict]:
    return data_of(await story.tenant.gql(PENDING_JOBS))["billJobs"]["nodes"]


async def run_queued(story: Story, bill_queue) -> None:
    """What the sweep does for a queued PENDING job: enqueue run_bill_job, a worker runs it."""
    for job in await queued_jobs(story):
        await bill_queue.enqueue_job("run_bill_job", job["id"], story.tenant.organization_id)
    await run_worker()


async def test_an_earlier_bill_drawing_less_queues_the_later_one(tenant, bill_queue):
    """Late January usage of −20 (a correction: 60 − 20 = 40). Recalculating 02-01 alone
    draws 40.00. It drew 20 less, so 03-01, which drew on the same commitment, is queued
    for recalculation; run, it draws min(100 − 40, 70) = 60.00 and 10 stay beyond:
    10 × 10 % = 1.00, total 70 − 60 + 1 = 11.00. amountSpent = 40 + 60 = 100."""
    story = Story(tenant)
    await story.product(requests_catalog())
    account_id = await story.account("acme", [("usage-plan", JAN)])
    commitment = await story.ok(
        CREATE_COMMITMENT,
        {"input": {"accountId": account_id, "currency": "USD", "amount": "100", "amountPrePaid": "100",
                   "startDate": "2026-01-01", "endDate": "2026-04-01", "overageSurchargePercent": "10"}},
        "createCommitment",
    )  # fmt: skip
    await usage(story, "2026-01-10T00:00:00Z", 60)
    await usage(story, "2026-02-10T00:00:00Z", 70)
    for last in ("2026-01-31", "2026-02-28"):
        await story.bill_run(lastDateInBillingPeriod=last)
    feb, mar = await story.bill("acme", "2026-02-01"), await story.bill("acme", "2026-03-01")
    assert amounts(feb) == [("USAGE", D("60.00")), ("COMMITMENT_CONSUMED", D("-60.00"))]
    assert amounts(mar) == [
        ("USAGE", D("70.00")),
        ("COMMITMENT_CONSUMED", D("-40.00")),
        ("OVERAGE_SURCHARGE", D("3.00")),
    ]
    assert await queued_jobs(story) == []

    await usage(story, "2026-01-20T00:00:00Z", -20)
    await story.recalculate([feb["id"]])
    assert amounts(await story.bill("acme", "2026-02-01")) == [
        ("USAGE", D("40.00")),
        ("COMMITMENT_CONSUMED", D("-40.00")),
    ]
    [job] = await queued_jobs(story)
    assert job["type"] == "RECALCULATE"
    await run_queued(story, bill_queue)
    mar = await story.bill("acme", "2026-03-01")
    assert amounts(mar) == [
        ("USAGE", D("70.00")),
        ("COMMITMENT_CONSUMED", D("-60.00")),
        ("OVERAGE_SURCHARGE", D("1.00")),
    ]
    assert money(mar["billTotal"]) == D("11.00")
    spent = data_of(await story.tenant.gql(SPENT, {"id": commitment["commitment"]["id"]}))["commitment"]
    assert money(spent["amountSpent"]) == D("100")
    assert await queued_jobs(story) == []
