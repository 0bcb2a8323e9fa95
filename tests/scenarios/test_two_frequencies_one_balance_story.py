"""Two bills of different frequencies on the same day drawing on one balance (SEMANTICS
§11.2 rule 4: bills draw in (billDate, frequency DAILY < WEEKLY < MONTHLY < ANNUALLY <
AD_HOC) order; a locked later bill keeps its draw), through the public API and real bill
jobs.

acme (USD) has a monthly plan on "app" from 2026-08-01 (epoch the 1st) and a weekly plan
on "calls" from 2026-08-25 (weekly bills on Tuesdays, the organization's default epoch);
2026-09-01 is a Tuesday, so both bill that day: MONTHLY for August (50 requests at 1.00 =
50.00), WEEKLY for [08-25, 09-01) (70 calls at 1.00 = 70.00). A balance "wallet" of 100.00
(credited 08-01, no surcharge) covers every line.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import data_of
from tests.scenarios import CREATE_BALANCE, CREDIT, ERRORS, Story, amounts, band, money, run_worker

D = Decimal
AUG = "2026-08-01T00:00:00Z"
DAY = "2026-09-01"
PENDING_JOBS = "{ billJobs(first: 50, filter: {status: PENDING}) { nodes { id type } } }"


def product(code: str, frequency: str) -> dict:
    return {
        "code": code,
        "name": code.title(),
        "meters": [
            {
                "code": code,
                "name": code.title(),
                "dataFields": [{"category": "MEASURE", "code": "n", "name": "N"}],
                "aggregations": [{"code": code, "name": code.title(), "targetField": "n", "aggregation": "SUM"}],
            }
        ],
        "planTemplates": [
            {
                "code": code,
                "name": code.title(),
                "currency": "USD",
                "billFrequency": frequency,
                "pricings": [{"aggregationCode": code, "startDate": AUG, "pricingBands": [band("0", "1")]}],
                "plans": [{"code": f"{code}-plan", "name": code.title()}],
            },
        ],
    }


async def setup(tenant) -> Story:
    story = Story(tenant)
    await story.product(product("app", "MONTHLY"))
    await story.product(product("calls", "WEEKLY"))
    account_id = await story.account("acme", [("app-plan", AUG), ("calls-plan", "2026-08-25T00:00:00Z")])
    wallet = await story.ok(
        CREATE_BALANCE,
        {"input": {"accountId": account_id, "code": "wallet", "name": "Wallet", "currency": "USD", "startDate": AUG,
                   "endDate": "2100-01-01T00:00:00Z"}},
        "createBalance",
    )  # fmt: skip
    await story.ok(
        CREDIT,
        {"input": {"balanceId": wallet["balance"]["id"], "amount": "100", "appliedDate": AUG}},
        "createBalanceTransaction",
    )
    await story.ingest(
        [
            {"meter": "app", "account": "acme", "ts": "2026-08-10T00:00:00Z", "measure": {"n": 50}},
            {"meter": "calls", "account": "acme", "ts": "2026-08-28T00:00:00Z", "measure": {"n": 70}},
        ]
    )
    return story


async def day_bills(story: Story) -> dict[str, dict]:
    return {b["billingFrequency"]: b for b in await story.bills(billDate=DAY) if b["accountCode"] == "acme"}


async def run_queued(story: Story, bill_queue) -> int:
    jobs = data_of(await story.tenant.gql(PENDING_JOBS))["billJobs"]["nodes"]
    for job in jobs:
        await bill_queue.enqueue_job("run_bill_job", job["id"], story.tenant.organization_id)
    await run_worker()
    return len(jobs)


def weekly_first(bills: dict[str, dict]) -> None:
    """WEEKLY draws first: min(100, 70) = 70 → 0.00; MONTHLY then min(30, 50) = 30 → 20.00."""
    assert amounts(bills["WEEKLY"]) == [("USAGE", D("70.00")), ("BALANCE_CONSUMED", D("-70.00"))]
    assert amounts(bills["MONTHLY"]) == [("USAGE", D("50.00")), ("BALANCE_CONSUMED", D("-30.00"))]
    assert (money(bills["WEEKLY"]["billTotal"]), money(bills["MONTHLY"]["billTotal"])) == (D("0.00"), D("20.00"))


async def test_one_job_draws_weekly_before_monthly(tenant, bill_queue):
    story = await setup(tenant)
    await story.bill_run(billDate=DAY)
    weekly_first(await day_bills(story))


async def test_recalculating_the_weekly_bill_queues_the_monthly_bill_of_the_same_day(tenant, bill_queue):
    """Both billed by one job (WEEKLY 70, MONTHLY 30). Late weekly usage of −20 (a correction:
    70 − 20 = 50); recalculating WEEKLY alone draws 50, 20 less. MONTHLY, the same day but
    later in rule 4's order, drew on the balance: it is queued, and its recalculation draws
    min(100 − 50, 50) = 50 → 0.00."""
    story = await setup(tenant)
    await story.bill_run(billDate=DAY)
    weekly_first(await day_bills(story))
    await story.ingest([{"meter": "calls", "account": "acme", "ts": "2026-08-29T00:00:00Z", "measure": {"n": -20}}])
    await story.recalculate([(await day_bills(story))["WEEKLY"]["id"]])
    assert amounts((await day_bills(story))["WEEKLY"]) == [("USAGE", D("50.00")), ("BALANCE_CONSUMED", D("-50.00"))]
    assert await run_queued(story, bill_queue) == 1
    monthly = (await day_bills(story))["MONTHLY"]
    assert amounts(monthly) == [("USAGE", D("50.00")), ("BALANCE_CONSUMED", D("-50.00"))]
    assert money(monthly["billTotal"]) == D("0.00")


async def test_a_locked_later_bill_keeps_its_draw(tenant, bill_queue):
    """MONTHLY billed alone (draws 50), approved and locked. WEEKLY, before it in rule 4's
    order, sees 100 − 50 (the locked later bill's draw) = 50: 70 − 50 = 20.00. MONTHLY is
    unchanged and nothing is queued."""
    story = await setup(tenant)
    await story.bill_run(billDate=DAY, billingFrequency="MONTHLY")
    monthly = (await day_bills(story))["MONTHLY"]
    await story.approve([monthly["id"]])
    await story.lock((await day_bills(story))["MONTHLY"])
    await story.bill_run(billDate=DAY)
    bills = await day_bills(story)
    assert amounts(bills["WEEKLY"]) == [("USAGE", D("70.00")), ("BALANCE_CONSUMED", D("-50.00"))]
    assert money(bills["WEEKLY"]["billTotal"]) == D("20.00")
    assert amounts(bills["MONTHLY"]) == [("USAGE", D("50.00")), ("BALANCE_CONSUMED", D("-50.00"))]
    assert data_of(await story.tenant.gql(PENDING_JOBS))["billJobs"]["nodes"] == []


async def test_a_new_earlier_bill_held_back_by_a_later_one_is_queued_with_it(tenant, bill_queue):
    """MONTHLY billed alone first draws 50 and stays unlocked. WEEKLY, billed next, comes
    before it in rule 4's order but may take only what no stored bill holds: 100 − 50 = 50
    (70 − 50 = 20.00). Held back, the new bill is queued together with MONTHLY, and their
    recalculation in order gives rule 4's draws: WEEKLY 70, MONTHLY 30."""
    story = await setup(tenant)
    await story.bill_run(billDate=DAY, billingFrequency="MONTHLY")
    await story.bill_run(billDate=DAY, billingFrequency="WEEKLY")
    held = await day_bills(story)
    assert amounts(held["WEEKLY"]) == [("USAGE", D("70.00")), ("BALANCE_CONSUMED", D("-50.00"))]
    assert amounts(held["MONTHLY"]) == [("USAGE", D("50.00")), ("BALANCE_CONSUMED", D("-50.00"))]
    assert await run_queued(story, bill_queue) == 1
    weekly_first(await day_bills(story))
