"""Bills, bill jobs and previews through GraphQL (CONTRACT §3–4, SEMANTICS §7.4–7.5):
every query and mutation, the status rules with their exact error paths, permissions and
tenant isolation.

Bills come from real bill jobs run by a real arq burst worker (`tests.scenarios`).
"""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import asyncpg
import pytest

from app.db import asyncpg_url, count_statements
from app.models.billing import Bill, BillJob
from tests.conftest import data_of
from tests.graphql.test_permissions_enforced import custom_policy, principal
from tests.scenarios import (
    APPROVE,
    BILL,
    BILL_JOB,
    BILLS,
    CREATE_BILL_JOB,
    ERRORS,
    JOB,
    LOCK,
    RECALCULATE,
    Story,
    band,
    bill_queue,  # noqa: F401 - fixture
    money,
    run_worker,
)

JAN = "2026-01-01T00:00:00Z"
CANCEL = f"""mutation($id: ID!) {{ cancelBillJob(input: {{id: $id}}) {{ billJob {{ {JOB} }} {ERRORS} }} }}"""
ONE_BILL = f"""query($id: ID!) {{ bill(id: $id) {{ {BILL} account {{ id code }} billJob {{ id status }} }} }}"""
PREVIEW = """query($a: ID!, $last: Date, $date: Date, $f: BillFrequency) {
  billPreview(accountId: $a, lastDateInBillingPeriod: $last, billDate: $date, billingFrequency: $f) {
    accountId accountCode billDate dueDate billingFrequency startDate endDate lastDateInBillingPeriod currency
    accountPlanIds billTotal lineItems { lineItemType description productId planId pricingId aggregationId meterId
      quantity
      units unit subtotal currency conversionRate convertedSubtotal averageUnitPrice servicePeriodStartDate
        servicePeriodEndDate
      usagePerPricingBand { lowerLimit unitPrice fixedPrice bandUnits bandQuantity bandSubtotal } } } }"""
NESTED = """{ bills(first: 100) { nodes { id account { code } billJob { status bills { totalCount } failures { reason
  } }
  lineItems { nodes { lineItemType usagePerPricingBand { bandSubtotal } } } } } }"""


def catalog() -> dict:
    return {
        "code": "web",
        "name": "Web",
        "meters": [
            {
                "code": "web",
                "name": "Web",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {
                        "code": "requests",
                        "name": "Requests",
                        "targetField": "requests",
                        "aggregation": "SUM",
                        "unit": "requests",
                    }
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "web",
                "name": "Web",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": "10",
                "pricings": [
                    {
                        "aggregationCode": "requests",
                        "startDate": JAN,
                        "pricingBands": [band("0", "0.15"), band("500", "0.10")],
                    }
                ],
                "plans": [{"code": "web", "name": "Web"}],
            }
        ],
    }


def codes(errors: list[dict]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in errors]


def top_code(result: dict) -> str | None:
    return result["errors"][0]["extensions"]["code"] if result.get("errors") else None


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(catalog())
    story.alpha = await story.account("alpha", [("web", JAN)], purchaseOrderNumber="PO-7")
    story.beta = await story.account("beta", [("web", JAN)])
    await story.ingest(
        [
            {"meter": "web", "account": "alpha", "ts": "2026-01-10T00:00:00Z", "measure": {"requests": 700}},
            {"meter": "web", "account": "beta", "ts": "2026-01-11T00:00:00Z", "measure": {"requests": 100}},
        ]
    )
    return story


@pytest.fixture
async def billed(story):
    story.job = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    story.a = await story.bill("alpha", "2026-02-01")
    story.b = await story.bill("beta", "2026-02-01")
    return story


# ------------------------------------------------------------------ jobs and reads


async def _create_january_job(story) -> dict:
    created = await story.ok(
        CREATE_BILL_JOB,
        {"input": {"lastDateInBillingPeriod": "2026-01-31", "billingFrequency": "MONTHLY"}},
        "createBillJob",
    )
    return created["billJob"]


@pytest.fixture
async def january(story):
    """January's bill job, created and run to completion: (the created job, the finished job)."""
    job = await _create_january_job(story)
    return job, await story.finish(job)


async def test_a_created_bill_job_is_pending_with_nothing_billed(story):
    # given accounts with January usage
    # when a bill job is created for January
    job = await _create_january_job(story)
    # then it waits, with its arguments and nothing billed yet
    assert (job["status"], job["type"], job["lastDateInBillingPeriod"], job["billDate"], job["billingFrequency"]) == (
        "PENDING",
        "CREATE",
        "2026-01-31",
        None,
        "MONTHLY",
    )
    assert (job["accountIds"], job["total"], job["billIds"], job["failures"], job["dtStarted"]) == (
        None,
        0,
        [],
        [],
        None,
    )


async def test_a_finished_bill_job_counts_the_bills_it_made(january):
    # given January's job run by a worker
    job, done = january
    # then it billed both accounts, none pending or failed, and recorded when
    assert (done["total"], done["pending"], done["failed"], len(done["billIds"])) == (2, 0, 0, 2)
    assert done["dtStarted"] and done["dtCompleted"] and done["version"] > job["version"]


async def test_a_bill_of_the_job_holds_its_period_lines_and_total(story, january):
    # given January's job run by a worker
    job, done = january
    # when alpha's bill is read
    alpha = await story.bill("alpha", "2026-02-01")
    # then it belongs to the job and holds the period, the account's fields, its lines and total
    assert alpha["id"] in done["billIds"] and alpha["billJobId"] == job["id"]
    assert (alpha["accountId"], alpha["billingFrequency"], alpha["currency"], alpha["status"], alpha["locked"]) == (
        story.alpha,
        "MONTHLY",
        "USD",
        "PENDING",
        False,
    )
    assert (alpha["startDate"], alpha["endDate"], alpha["lastDateInBillingPeriod"], alpha["dueDate"]) == (
        "2026-01-01",
        "2026-02-01",
        "2026-01-31",
        "2026-03-03",
    )  # 30 days after the bill date
    assert alpha["purchaseOrderNumber"] == "PO-7" and alpha["lastCalculatedDate"] is not None
    assert [(x["lineItemType"], money(x["convertedSubtotal"])) for x in alpha["lineItems"]["nodes"]] == [
        ("USAGE", Decimal("95.00")),
        ("STANDING_CHARGE", Decimal("10.00")),
    ]
    assert [x["position"] for x in alpha["lineItems"]["nodes"]] == [0, 1]
    assert money(alpha["billTotal"]) == Decimal("105.00")


async def test_a_bill_read_by_id_shows_its_account_and_job(story, january):
    # given January's job run by a worker, and alpha's bill in the list
    job, _ = january
    alpha = await story.bill("alpha", "2026-02-01")
    # when the bill is read by its id
    one = data_of(await story.tenant.gql(ONE_BILL, {"id": alpha["id"]}))["bill"]
    # then it shows its account, its finished job and the same lines
    assert one["account"] == {"id": story.alpha, "code": "alpha"}
    assert one["billJob"] == {"id": job["id"], "status": "COMPLETE"}
    assert one["lineItems"] == alpha["lineItems"]


async def test_a_bill_jobs_bills_are_paged(story, january):
    # given January's job, which made two bills
    job, _ = january
    # when its bills are read one per page
    nested = data_of(
        await story.tenant.gql(
            """query($id: ID!) { billJob(id: $id) {
      bills(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { accountCode } } } }""",
            {"id": job["id"]},
        )
    )
    # then the first page holds alpha's and says more follow
    page = nested["billJob"]["bills"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"], page["nodes"]) == (2, True, [{"accountCode": "alpha"}])


async def test_bill_and_job_lists_filter_and_page(billed):
    everything = await billed.bills()
    assert [b["accountCode"] for b in everything] == ["alpha", "beta"]
    cases = {
        "accountId": ({"accountId": billed.alpha}, ["alpha"]),
        "billDate": ({"billDate": "2026-02-01"}, ["alpha", "beta"]),
        "other billDate": ({"billDate": "2026-03-01"}, []),
        "status": ({"status": "PENDING"}, ["alpha", "beta"]),
        "locked": ({"locked": True}, []),
        "billJobId": ({"billJobId": billed.job["id"]}, ["alpha", "beta"]),
        "ids": ({"ids": [billed.b["id"]]}, ["beta"]),
        "several": ({"status": "APPROVED", "accountId": billed.alpha}, []),
    }
    for name, (flt, expected) in cases.items():
        assert [b["accountCode"] for b in await billed.bills(**flt)] == expected, name
    bad = await billed.tenant.gql(BILLS, {"filter": {"accountId": "not-an-id"}})
    assert top_code(bad) == "BAD_USER_INPUT"

    page = data_of(await billed.tenant.gql("{ bills(first: 1) { totalCount edges { cursor node { accountCode } } } }"))[
        "bills"
    ]
    after = page["edges"][0]["cursor"]
    rest = data_of(
        await billed.tenant.gql(
            "query($a: String) { bills(first: 5, after: $a) { nodes { accountCode } } }", {"a": after}
        )
    )
    assert (page["totalCount"], rest["bills"]["nodes"]) == (2, [{"accountCode": "beta"}])

    second = await billed.bill_run(billDate="2026-02-01", accountIds=[billed.beta])
    jobs = data_of(await billed.tenant.gql("{ billJobs { totalCount nodes { id status accountIds } } }"))["billJobs"]
    assert [j["id"] for j in jobs["nodes"]] == [second["id"], billed.job["id"]]  # newest first
    assert jobs["nodes"][0]["accountIds"] == [billed.beta]
    filtered = data_of(await billed.tenant.gql("{ billJobs(filter: {status: CANCELLED}) { totalCount } }"))["billJobs"]
    assert filtered["totalCount"] == 0
    assert data_of(await billed.tenant.gql(BILL_JOB, {"id": str(uuid.uuid4())}))["billJob"] is None
    assert data_of(await billed.tenant.gql(BILL_JOB, {"id": "nonsense"}))["billJob"] is None
    assert data_of(await billed.tenant.gql(ONE_BILL, {"id": str(uuid.uuid4())}))["bill"] is None


async def test_account_bills_edge(billed):
    query = (
        "query($id: ID!) { account(id: $id) { code bills { totalCount nodes { accountCode billDate billTotal } } } }"
    )
    alpha = data_of(await billed.tenant.gql(query, {"id": billed.alpha}))["account"]
    assert alpha["bills"]["totalCount"] == 1
    assert [(b["accountCode"], b["billDate"]) for b in alpha["bills"]["nodes"]] == [("alpha", "2026-02-01")]


async def test_nested_bill_reads_cost_one_statement_per_level(billed):
    async def statements() -> int:
        with count_statements() as counter:
            data = data_of(await billed.tenant.gql(NESTED))
        assert data["bills"]["nodes"]
        return len(counter.statements)

    two = await statements()
    await billed.account("gamma", [("web", JAN)])
    await billed.account("delta", [("web", JAN)])
    await billed.bill_run(lastDateInBillingPeriod="2026-02-28")
    assert len(await billed.bills()) == 6
    assert await statements() == two


async def test_create_bill_job_refuses_bad_input_with_paths(story, other_tenant):
    foreign = data_of(
        await other_tenant.gql("""mutation { createAccount(input: {code: "x", name: "X", emailAddress:
          "x@example.com"}) {
      account { id } } }""")
    )["createAccount"]["account"]["id"]
    cases = [
        ({}, [(["input", "lastDateInBillingPeriod"], "REQUIRED")]),
        ({"lastDateInBillingPeriod": "2026-01-31", "billDate": "2026-02-01"}, [(["input", "billDate"], "INVALID")]),
        # Found by probing previews: billing's period steps left the calendar from 9999-12-31.
        ({"billDate": "3000-01-01"}, [(["input", "billDate"], "INVALID")]),
        ({"billDate": "1899-12-31"}, [(["input", "billDate"], "INVALID")]),
        ({"lastDateInBillingPeriod": "2999-12-31"}, [(["input", "lastDateInBillingPeriod"], "INVALID")]),
        ({"lastDateInBillingPeriod": "9999-12-31"}, [(["input", "lastDateInBillingPeriod"], "INVALID")]),
        (
            {"billDate": "2026-02-01", "accountIds": [story.alpha, foreign, "nope"]},
            [(["input", "accountIds", "2"], "INVALID"), (["input", "accountIds", "1"], "NOT_FOUND")],
        ),
        (
            {"billDate": "2026-02-01", "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": "0"}]},
            [
                (["input", "currencyConversions", "0", "from"], "NOT_FOUND"),
                (["input", "currencyConversions", "0", "multiplier"], "INVALID"),
            ],
        ),
    ]
    for job_input, expected in cases:
        payload = data_of(await story.tenant.gql(CREATE_BILL_JOB, {"input": job_input}))["createBillJob"]
        assert payload["billJob"] is None
        assert sorted(codes(payload["userErrors"])) == sorted(expected), job_input
    assert await BillJob.filter(organization_id=story.tenant.organization_id).count() == 0


async def test_cancel_bill_job(story):
    job = (await story.ok(CREATE_BILL_JOB, {"input": {"lastDateInBillingPeriod": "2026-01-31"}}, "createBillJob"))[
        "billJob"
    ]
    cancelled = (await story.ok(CANCEL, {"id": job["id"]}, "cancelBillJob"))["billJob"]
    assert cancelled["status"] == "CANCELLED" and cancelled["dtCompleted"] is not None
    await run_worker()  # the queued run finds the job cancelled and bills nothing
    assert await story.bills() == []
    again = data_of(await story.tenant.gql(CANCEL, {"id": job["id"]}))["cancelBillJob"]
    assert (again["billJob"], codes(again["userErrors"])) == (None, [(["input", "id"], "INVALID_STATE")])
    for unknown in (str(uuid.uuid4()), "nope"):
        missing = data_of(await story.tenant.gql(CANCEL, {"id": unknown}))["cancelBillJob"]
        assert codes(missing["userErrors"]) == [(["input", "id"], "NOT_FOUND")]


# ------------------------------------------------------------------ approve and lock


async def test_approve_bills_moves_pending_to_approved(billed):
    approved = await billed.approve([billed.a["id"], billed.b["id"], billed.a["id"]])
    assert [(b["id"], b["status"], b["version"]) for b in approved] == [
        (billed.a["id"], "APPROVED", billed.a["version"] + 1),
        (billed.b["id"], "APPROVED", billed.b["version"] + 1),
    ]
    # Approving an APPROVED bill changes nothing (a retried request succeeds).
    again = await billed.approve([billed.a["id"]])
    assert again == [approved[0]]


async def test_approve_bills_is_all_or_nothing_with_a_path_per_bad_id(billed):
    await billed.approve([billed.b["id"]])
    await billed.lock(await billed.bill("beta", "2026-02-01"))
    unknown = str(uuid.uuid4())
    payload = data_of(await billed.tenant.gql(APPROVE, {"ids": [billed.a["id"], unknown, billed.b["id"], "x"]}))[
        "approveBills"
    ]
    assert payload["bills"] is None
    assert codes(payload["userErrors"]) == [
        (["input", "billIds", "1"], "NOT_FOUND"),
        (["input", "billIds", "2"], "INVALID_STATE"),
        (["input", "billIds", "3"], "INVALID"),
    ]
    alpha = await Bill.get(id=billed.a["id"])
    assert (alpha.status, alpha.version) == ("PENDING", billed.a["version"])
    empty = data_of(await billed.tenant.gql(APPROVE, {"ids": []}))["approveBills"]
    assert codes(empty["userErrors"]) == [(["input", "billIds"], "REQUIRED")]


async def test_lock_bill_rules(billed):
    pending = data_of(await billed.tenant.gql(LOCK, {"id": billed.a["id"], "version": billed.a["version"]}))["lockBill"]
    assert (pending["bill"], codes(pending["userErrors"])) == (None, [(["input", "id"], "INVALID_STATE")])

    [approved] = await billed.approve([billed.a["id"]])
    stale = data_of(await billed.tenant.gql(LOCK, {"id": billed.a["id"], "version": billed.a["version"]}))["lockBill"]
    assert codes(stale["userErrors"]) == [(["input", "version"], "CONFLICT")]

    locked = await billed.lock(approved)
    assert (locked["status"], locked["locked"], locked["version"]) == ("APPROVED", True, approved["version"] + 1)
    twice = data_of(await billed.tenant.gql(LOCK, {"id": billed.a["id"], "version": locked["version"]}))["lockBill"]
    assert codes(twice["userErrors"]) == [(["input", "id"], "INVALID_STATE")]
    for unknown in (str(uuid.uuid4()), "nope"):
        missing = data_of(await billed.tenant.gql(LOCK, {"id": unknown, "version": 1}))["lockBill"]
        assert codes(missing["userErrors"]) == [(["input", "id"], "NOT_FOUND")]
    row = await Bill.get(id=billed.a["id"])
    assert (row.locked, row.version) == (True, locked["version"])


async def test_recalculate_returns_an_approved_bill_to_pending_and_refuses_locked_ones(billed):
    [approved] = await billed.approve([billed.a["id"]])
    job = await billed.recalculate([billed.a["id"]])
    assert (job["type"], job["billIds"], job["accountIds"]) == ("RECALCULATE", [billed.a["id"]], [billed.alpha])
    again = await billed.bill("alpha", "2026-02-01")
    assert (again["status"], again["billJobId"]) == ("PENDING", job["id"]) and again["version"] > approved["version"]
    assert money(again["billTotal"]) == Decimal("105.00")

    [approved] = await billed.approve([billed.a["id"]])
    await billed.lock(approved)
    unknown = str(uuid.uuid4())
    payload = data_of(await billed.tenant.gql(RECALCULATE, {"ids": [billed.b["id"], billed.a["id"], unknown]}))[
        "recalculateBills"
    ]
    assert payload["billJob"] is None
    assert codes(payload["userErrors"]) == [
        (["input", "billIds", "1"], "INVALID_STATE"),
        (["input", "billIds", "2"], "NOT_FOUND"),
    ]
    empty = data_of(await billed.tenant.gql(RECALCULATE, {"ids": []}))["recalculateBills"]
    assert codes(empty["userErrors"]) == [(["input", "billIds"], "REQUIRED")]


async def test_concurrent_approvals_and_locks_apply_once(billed):
    results = await asyncio.gather(
        *[billed.tenant.gql(APPROVE, {"ids": [billed.a["id"], billed.b["id"]]}) for _ in range(4)]
    )
    assert all(data_of(r)["approveBills"]["userErrors"] == [] for r in results)
    assert (await Bill.get(id=billed.a["id"])).version == billed.a["version"] + 1
    version = billed.a["version"] + 1
    locks = await asyncio.gather(
        *[billed.tenant.gql(LOCK, {"id": billed.a["id"], "version": version}) for _ in range(4)]
    )
    outcomes = [codes(data_of(r)["lockBill"]["userErrors"]) for r in locks]
    assert outcomes.count([]) == 1, outcomes
    # The losers saw either the version the winner bumped or the lock it set.
    assert all(
        o in ([(["input", "version"], "CONFLICT")], [(["input", "id"], "INVALID_STATE")]) for o in outcomes if o
    ), outcomes
    assert (await Bill.get(id=billed.a["id"])).version == version + 1


async def test_approval_waits_for_a_concurrent_writer_of_the_bill(billed, settings):
    """A writer holding the bill row (as a recalculation does while it stores the bill)
    makes approveBills wait, and the approval then judges the written state."""
    conn = await asyncpg.connect(asyncpg_url(settings.database_url))
    try:
        writer = conn.transaction()
        await writer.start()
        await conn.execute(
            "UPDATE bills SET locked = true, version = version + 1 WHERE id = $1", uuid.UUID(billed.a["id"])
        )
        approval = asyncio.create_task(billed.tenant.gql(APPROVE, {"ids": [billed.a["id"]]}))
        await asyncio.sleep(0.5)
        assert not approval.done()
        await writer.commit()
        payload = data_of(await asyncio.wait_for(approval, 10))["approveBills"]
    finally:
        await conn.close()
    assert codes(payload["userErrors"]) == [(["input", "billIds", "0"], "INVALID_STATE")]
    assert (await Bill.get(id=billed.a["id"])).status == "PENDING"


# ------------------------------------------------------------------ preview


async def test_preview_is_the_bill_a_job_would_make_and_stores_nothing(story):
    await run_worker()  # a preview reads the measurements processed so far
    preview = data_of(await story.tenant.gql(PREVIEW, {"a": story.alpha, "last": "2026-01-31"}))["billPreview"]
    assert await Bill.filter(organization_id=story.tenant.organization_id).count() == 0
    [bill] = preview
    assert (bill["accountId"], bill["accountCode"], bill["billDate"], bill["dueDate"], bill["billingFrequency"]) == (
        story.alpha,
        "alpha",
        "2026-02-01",
        "2026-03-03",
        "MONTHLY",
    )
    assert (bill["startDate"], bill["endDate"], bill["lastDateInBillingPeriod"], bill["currency"]) == (
        "2026-01-01",
        "2026-02-01",
        "2026-01-31",
        "USD",
    )
    assert len(bill["accountPlanIds"]) == 1
    assert [(x["lineItemType"], money(x["convertedSubtotal"])) for x in bill["lineItems"]] == [
        ("USAGE", Decimal("95.00")),
        ("STANDING_CHARGE", Decimal("10.00")),
    ]
    assert [money(b["bandSubtotal"]) for b in bill["lineItems"][0]["usagePerPricingBand"]] == [Decimal(75), Decimal(20)]
    assert money(bill["billTotal"]) == Decimal("105.00")

    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    stored = await story.bill("alpha", "2026-02-01")
    assert money(stored["billTotal"]) == money(bill["billTotal"])
    previewed_lines = bill["lineItems"]
    stored_lines = [{k: line[k] for k in previewed_lines[0]} for line in stored["lineItems"]["nodes"]]
    assert _numbers(previewed_lines) == _numbers(stored_lines)
    assert stored_lines[0]["meterId"] is not None
    same = data_of(await story.tenant.gql(PREVIEW, {"a": story.alpha, "date": "2026-02-01", "f": "MONTHLY"}))[
        "billPreview"
    ]
    assert same == preview
    assert (
        data_of(await story.tenant.gql(PREVIEW, {"a": story.alpha, "date": "2026-02-01", "f": "WEEKLY"}))["billPreview"]
        == []
    )


def _numbers(value):  # noqa: ANN001, ANN202 - JSON of lines, decimals compared by value
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    try:
        return Decimal(value) if isinstance(value, str) else value
    except ArithmeticError:
        return value


async def test_preview_refuses_bad_arguments(story):
    for variables in (
        {"a": story.alpha},
        {"a": story.alpha, "last": "2026-01-31", "date": "2026-02-01"},
        {"a": str(uuid.uuid4()), "last": "2026-01-31"},
        {"a": "nope", "last": "2026-01-31"},
        # Outside the bill dates billing computes: 9999-12-31 and 0001-01-01 were INTERNAL.
        {"a": story.alpha, "date": "9999-12-31"},
        {"a": story.alpha, "last": "0001-01-01"},
        {"a": story.alpha, "date": "3000-01-01"},
        {"a": story.alpha, "last": "1899-12-30"},
    ):
        result = await story.tenant.gql(PREVIEW, variables)
        assert top_code(result) == "BAD_USER_INPUT", variables
        assert result["data"] is None
    refused = await story.tenant.gql(PREVIEW, {"a": story.alpha, "date": "9999-12-31"})
    assert refused["errors"][0]["message"] == "billDate: must be between 1900-01-01 and 2999-12-31"
    # The bounds themselves are bill dates like any other (nothing bills then: no bills).
    for variables in ({"a": story.alpha, "date": "2999-12-31"}, {"a": story.alpha, "last": "1899-12-31"}):
        assert data_of(await story.tenant.gql(PREVIEW, variables))["billPreview"] == [], variables


# ------------------------------------------------------------------ who may do what


async def test_reading_needs_retrieve_running_needs_bills_run_approving_needs_bills_approve(billed):
    read_only = await principal(billed.tenant, managed=["ReadOnly"])
    assert [
        b["accountCode"] for b in data_of(await billed.tenant.gql(BILLS, {}, token=read_only))["bills"]["nodes"]
    ] == ["alpha", "beta"]
    assert (
        data_of(await billed.tenant.gql(BILL_JOB, {"id": billed.job["id"]}, token=read_only))["billJob"]["status"]
        == "COMPLETE"
    )
    refused = {
        "createBillJob": (CREATE_BILL_JOB, {"input": {"lastDateInBillingPeriod": "2026-01-31"}}),
        "cancelBillJob": (CANCEL, {"id": billed.job["id"]}),
        "recalculateBills": (RECALCULATE, {"ids": [billed.a["id"]]}),
        "approveBills": (APPROVE, {"ids": [billed.a["id"]]}),
        "lockBill": (LOCK, {"id": billed.a["id"], "version": billed.a["version"]}),
        "billPreview": (PREVIEW, {"a": billed.alpha, "last": "2026-01-31"}),
    }
    for name, (operation, variables) in refused.items():
        assert top_code(await billed.tenant.gql(operation, variables, token=read_only)) == "FORBIDDEN", name

    runner = await principal(
        billed.tenant,
        custom=[
            await custom_policy(
                billed.tenant,
                "Bill runner",
                [{"effect": "ALLOW", "action": ["bills:run", "config:retrieve"], "resource": ["*"]}],
            )
        ],
    )
    assert data_of(await billed.tenant.gql(PREVIEW, {"a": billed.alpha, "last": "2026-01-31"}, token=runner))[
        "billPreview"
    ]
    assert top_code(await billed.tenant.gql(APPROVE, {"ids": [billed.a["id"]]}, token=runner)) == "FORBIDDEN"
    approver = await principal(
        billed.tenant,
        custom=[
            await custom_policy(
                billed.tenant, "Approver", [{"effect": "ALLOW", "action": ["bills:approve"], "resource": ["*"]}]
            )
        ],
    )
    assert (
        data_of(await billed.tenant.gql(APPROVE, {"ids": [billed.a["id"]]}, token=approver))["approveBills"][
            "userErrors"
        ]
        == []
    )
    assert (
        top_code(await billed.tenant.gql(CREATE_BILL_JOB, {"input": {"billDate": "2026-02-01"}}, token=approver))
        == "FORBIDDEN"
    )
    nobody = await billed.tenant.gql(BILLS, {}, token="")
    assert top_code(nobody) == "UNAUTHENTICATED"


async def test_another_tenant_can_neither_see_nor_touch_bills_or_jobs(billed, other_tenant):
    other = other_tenant
    assert data_of(await other.gql(BILLS, {}))["bills"]["nodes"] == []
    assert data_of(await other.gql("{ billJobs { totalCount } }"))["billJobs"]["totalCount"] == 0
    assert data_of(await other.gql(ONE_BILL, {"id": billed.a["id"]}))["bill"] is None
    assert data_of(await other.gql(BILL_JOB, {"id": billed.job["id"]}))["billJob"] is None
    assert data_of(await other.gql(BILLS, {"filter": {"billJobId": billed.job["id"]}}))["bills"]["nodes"] == []

    approve = data_of(await other.gql(APPROVE, {"ids": [billed.a["id"]]}))["approveBills"]
    assert codes(approve["userErrors"]) == [(["input", "billIds", "0"], "NOT_FOUND")]
    lock = data_of(await other.gql(LOCK, {"id": billed.a["id"], "version": billed.a["version"]}))["lockBill"]
    assert codes(lock["userErrors"]) == [(["input", "id"], "NOT_FOUND")]
    recalculate = data_of(await other.gql(RECALCULATE, {"ids": [billed.a["id"]]}))["recalculateBills"]
    assert codes(recalculate["userErrors"]) == [(["input", "billIds", "0"], "NOT_FOUND")]
    cancel = data_of(await other.gql(CANCEL, {"id": billed.job["id"]}))["cancelBillJob"]
    assert codes(cancel["userErrors"]) == [(["input", "id"], "NOT_FOUND")]
    create = data_of(
        await other.gql(CREATE_BILL_JOB, {"input": {"billDate": "2026-02-01", "accountIds": [billed.alpha]}})
    )["createBillJob"]
    assert codes(create["userErrors"]) == [(["input", "accountIds", "0"], "NOT_FOUND")]
    preview = await other.gql(PREVIEW, {"a": billed.alpha, "last": "2026-01-31"})
    assert top_code(preview) == "BAD_USER_INPUT" and "alpha" not in str(preview)

    # Nothing of the first organization changed.
    for bill in (billed.a, billed.b):
        row = await Bill.get(id=bill["id"])
        assert (row.status, row.locked, row.version) == ("PENDING", False, bill["version"])
    assert (await BillJob.get(id=billed.job["id"])).status == "COMPLETE"
