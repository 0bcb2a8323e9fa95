"""Story: sequential invoice numbers (SEMANTICS §2.1: with a prefix set, each new bill gets
prefix + next number, start 100 → first bill INVOICE-101; §7.4: runs are idempotent, under
concurrency too).

Six accounts, prefix INV-, start 100. Four bill jobs are queued before a worker runs them
together: March for accounts 0–2, March for accounts 3–5, March for everyone (the same
bills again) and April for everyone. Twelve bills are made, so the numbers are exactly
INV-101 … INV-112, each once, whatever order the jobs interleave in. Recalculating keeps a
bill's number, and a later bill continues at INV-113.

At the top of the start numbers (999,999,999) the first bill is INV-1000000000.
"""

from __future__ import annotations

from tests.scenarios import CREATE_BILL_JOB, Story, run_worker
from tests.scenarios.test_auckland_dst_bills_story import catalog

START = "2024-03-01T00:00:00Z"


async def test_concurrent_jobs_number_each_new_bill_once_without_gaps(tenant, bill_queue):
    story = Story(tenant)
    await story.configure(billPrefix="INV-", sequenceStartNumber=100)
    await story.product(catalog())
    ids = [await story.account(f"a{i}", [("usage-plan", START)]) for i in range(6)]
    for job in (
        {"lastDateInBillingPeriod": "2024-03-31", "accountIds": ids[:3]},
        {"lastDateInBillingPeriod": "2024-03-31", "accountIds": ids[3:]},
        {"lastDateInBillingPeriod": "2024-03-31"},
        {"lastDateInBillingPeriod": "2024-04-30"},
    ):
        await story.ok(CREATE_BILL_JOB, {"input": job}, "createBillJob")
    await run_worker()

    bills = await story.bills()
    numbers = sorted(b["sequentialInvoiceNumber"] for b in bills)
    assert numbers == sorted(f"INV-{n}" for n in range(101, 113))
    before = {b["id"]: b["sequentialInvoiceNumber"] for b in bills}

    await story.recalculate(list(before))
    assert {b["id"]: b["sequentialInvoiceNumber"] for b in await story.bills()} == before

    await story.bill_run(lastDateInBillingPeriod="2024-05-31", accountIds=ids[:1])
    assert (await story.bill("a0", "2024-06-01"))["sequentialInvoiceNumber"] == "INV-113"


async def test_the_largest_start_number_still_numbers_bills(tenant, bill_queue):
    story = Story(tenant)
    await story.configure(billPrefix="INV-", sequenceStartNumber=999_999_999)
    await story.product(catalog())
    await story.account("acme", [("usage-plan", START)])
    job = await story.bill_run(lastDateInBillingPeriod="2024-03-31")
    assert job["failures"] == []
    assert (await story.bill("acme", "2024-04-01"))["sequentialInvoiceNumber"] == "INV-1000000000"
