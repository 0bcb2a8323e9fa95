"""Story: an organization configured once bills itself (SEMANTICS §13).

Europe/Berlin, a daily run at 02:00 local (interval 24, offset 2), auto-approval 2 HOURS
after the period, a monthly plan of 0.10 per request from 2024-10-01 (local). Berlin is on
CET (UTC+1) from 10-27, so 11-01 02:00 local is 01:00 UTC; October's period ends at 11-01
00:00 local (10-31 23:00 UTC) and its late-data window closes 24 h later, at 11-02 00:00.

1. Usage through October: 1000 + 2000 requests.
2. The month-end run, 11-01 02:00, makes October's bill (dated 11-01) as a scheduled job,
3. with the late usage that arrived on the 1st before it (100 requests at 10-31 23:30):
   3100 × 0.10 = 310.00.
5. Approved at max(period end 11-01 00:00, created 02:00) + 2 h = 11-01 04:00, not before.
4. 50 more October requests arrive on 11-02: the 11-02 02:00 run is past the window, so
   October stays 310.00 and APPROVED, untouched.
6. A person's recalculation picks them up: 3150 × 0.10 = 315.00, PENDING, and never
   auto-approved again.
7. The lock date 2024-10-31 is refused while it is PENDING; approved by hand, the lock
   date locks it.

The ticks are the worker's own call with "now" injected; bills' creation times are set to
the run instant, as if the run had happened then.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.db import connection
from app.services.scheduling import run_scheduled_billing
from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, band, money, run_worker

BERLIN = ZoneInfo("Europe/Berlin")
OCT = "2024-09-30T22:00:00Z"  # 10-01 00:00 in Berlin
JOB = "query($id: ID!) { billJob(id: $id) { scheduled triggeredAt type billDate status } }"
LOCK_DATE = f"""mutation($input: UpdateBillConfigInput!) {{ updateBillConfig(input: $input) {{
  billConfig {{ billLockDate version }} {ERRORS} }} }}"""
LOCKED = "query($id: ID!) { bill(id: $id) { status locked lockedByLockDate } }"


def berlin(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=BERLIN)


def catalog() -> dict:
    return {
        "code": "api",
        "name": "API",
        "meters": [
            {
                "code": "api",
                "name": "API",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"}
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "api",
                "name": "API",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [{"aggregationCode": "requests", "startDate": OCT, "pricingBands": [band("0", "0.10")]}],
                "plans": [{"code": "api", "name": "API"}],
            }
        ],
    }


def requests(n: int, at: datetime) -> dict:
    return {"meter": "api", "account": "acme", "ts": at.astimezone(UTC).isoformat(), "measure": {"requests": n}}


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.configure(
        timezone="Europe/Berlin",
        monthEpoch="2024-01-01",
        scheduledBillInterval="24",
        scheduledBillOffset=2,
        autoApproveBillsGracePeriod=2,
        autoApproveBillsGracePeriodUnit="HOURS",
    )
    await story.product(catalog())
    await story.account("acme", [("api", OCT)])
    story.queue = bill_queue  # type: ignore[attr-defined]
    return story


async def tick(story: Story, now: datetime) -> list[str]:
    """The scheduler tick at `now`, then the worker runs what it started; the ids of the
    scheduled jobs of this organization."""
    organization_id = uuid.UUID(str(story.tenant.organization_id))
    runs = [
        r
        for r in await run_scheduled_billing(now, enqueue=story.queue.enqueue_job)
        if r.organization_id == organization_id
    ]  # type: ignore[attr-defined]
    await run_worker()
    for run in runs:
        async with connection() as conn:
            await conn.execute(
                "UPDATE bills SET dt_created = $2 WHERE organization_id = $1 AND dt_created > $2",
                organization_id,
                run.run_at,
            )
    return [job_id for run in runs for job_id in run.bill_job_ids]


async def test_an_organization_configured_once_bills_itself(story):
    # 1. Usage through October.
    await story.ingest([requests(1000, berlin(10, 5, 12)), requests(2000, berlin(10, 20, 12))])
    # 3. Late usage on the 1st, before the month-end run.
    await story.ingest([requests(100, berlin(10, 31, 23, 30))])

    # 2. The month-end run (the first ever: nothing earlier is caught up).
    job_ids = await tick(story, berlin(11, 1, 2, 5))
    jobs = [data_of(await story.tenant.gql(JOB, {"id": i}))["billJob"] for i in job_ids]
    assert [(j["billDate"], j["scheduled"], j["triggeredAt"], j["status"]) for j in jobs] == [
        ("2024-11-01", True, "2024-11-01T01:00:00+00:00", "COMPLETE"),  # October
        ("2024-12-01", True, "2024-11-01T01:00:00+00:00", "COMPLETE"),  # November, started
    ]
    october = await story.bill("acme", "2024-11-01")
    assert (money(october["billTotal"]), october["status"]) == (Decimal("310.00"), "PENDING")

    # 5. Approval once the grace has passed: 04:00 local.
    assert await tick(story, berlin(11, 1, 3, 59)) == []
    assert (await story.bill("acme", "2024-11-01"))["status"] == "PENDING"
    await tick(story, berlin(11, 1, 4, 0))
    approved = await story.bill("acme", "2024-11-01")
    assert approved["status"] == "APPROVED"

    # 4. Later late usage: the 11-02 run is past October's window (closed 11-02 00:00).
    await story.ingest([requests(50, berlin(10, 31, 12))])
    assert len(await tick(story, berlin(11, 2, 2, 5))) == 1  # November's bill only
    untouched = await story.bill("acme", "2024-11-01")
    assert (money(untouched["billTotal"]), untouched["status"], untouched["version"]) == (
        Decimal("310.00"),
        "APPROVED",
        approved["version"],
    )

    # 6. A person's recalculation: 315.00, PENDING, never auto-approved again.
    await story.recalculate([october["id"]])
    await tick(story, berlin(11, 5, 2, 5))
    recalculated = await story.bill("acme", "2024-11-01")
    assert (money(recalculated["billTotal"]), recalculated["status"]) == (Decimal("315.00"), "PENDING")

    # 7. The lock date: refused while PENDING (naming the bill), then locks it.
    refused = data_of(await story.tenant.gql(LOCK_DATE, {"input": {"billLockDate": "2024-10-31", "version": 1}}))
    errors = refused["updateBillConfig"]["userErrors"]
    assert errors and october["id"] in " ".join(e["message"] for e in errors)
    await story.approve([october["id"]])
    version = data_of(await story.tenant.gql("{ billConfig { version } }"))["billConfig"]["version"]
    locked = await story.ok(
        LOCK_DATE, {"input": {"billLockDate": "2024-10-31", "version": version}}, "updateBillConfig"
    )
    assert locked["billConfig"]["billLockDate"] == "2024-10-31"
    bill = data_of(await story.tenant.gql(LOCKED, {"id": october["id"]}))["bill"]
    assert (bill["status"], bill["locked"], bill["lockedByLockDate"]) == ("APPROVED", True, True)
