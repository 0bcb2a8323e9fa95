"""Bills, bill jobs, previews and the bill lifecycle across tenants.

A has one COMPLETE bill job and the PENDING bill it made for `a-account` (January 2026,
with `a-child`'s usage). B must not find them by any filter, preview A's account, run,
cancel, recalculate, approve or lock them, nor bill A's accounts by naming them or by
running a job for "every account" of its own. `billJobProgress` (a subscription) is
checked through the schema's `subscribe`, the execution both websocket protocols use
(`isolation.subscriptions`): over HTTP POST the subscription resolver is not run at all.
"""

from __future__ import annotations

import uuid

from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.subscriptions import subscribe_first
from tests.graphql.isolation.world import BILL_JOB, World, bill_run, mutation, not_found, refused

BILLS = "bills(first: 100{args}) {{ totalCount nodes {{ id accountId }} }}"
BILL = "query($id: ID!) { bill(id: $id) { id accountId } }"
JOBS = "billJobs(first: 100{args}) {{ totalCount nodes {{ id }} }}"
PREVIEW = """query($account: ID!) { billPreview(accountId: $account, billDate: "2026-02-01") {
  accountId billTotal lineItems { lineItemType subtotal } } }"""
PROGRESS = "subscription($id: ID!) { billJobProgress(id: $id) { id status billIds } }"


async def q_bills(w: World) -> None:
    a = w.a_has
    filters = [
        "",
        f'ids: ["{w.ids["a_bill"]}"]',
        f'accountId: "{a["account"]["id"]}"',
        f'billJobId: "{w.ids["a_bill_job"]}"',
        'billDate: "2026-02-01"',
        "status: PENDING",
        "locked: false",
    ]
    for flt in filters:
        query = "{ " + BILLS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"
        assert w.ids["a_bill"] in {n["id"] for n in (await w.as_a(query))["bills"]["nodes"]}, query
        assert (await w.as_b(query))["bills"] == {"totalCount": 0, "nodes": []}, query


async def q_bill(w: World) -> None:
    bill = w.ids["a_bill"]
    for spelling in (bill, bill.upper(), bill.replace("-", "")):
        assert (await w.as_a(BILL, {"id": spelling}))["bill"]["id"] == bill
        assert (await w.as_b(BILL, {"id": spelling}))["bill"] is None, spelling


async def q_bill_jobs(w: World) -> None:
    for flt in ("", "status: COMPLETE"):
        query = "{ " + JOBS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"
        assert w.ids["a_bill_job"] in {n["id"] for n in (await w.as_a(query))["billJobs"]["nodes"]}, query
        assert (await w.as_b(query))["billJobs"] == {"totalCount": 0, "nodes": []}, query


async def q_bill_job(w: World) -> None:
    job = w.ids["a_bill_job"]
    for spelling in (job, job.upper(), job.replace("-", "")):
        assert (await w.as_a(BILL_JOB, {"id": spelling}))["billJob"]["id"] == job
        assert (await w.as_b(BILL_JOB, {"id": spelling}))["billJob"] is None, spelling


async def q_bill_preview(w: World) -> None:
    a_account = w.a_has["account"]["id"]
    previews = (await w.as_a(PREVIEW, {"account": a_account}))["billPreview"]
    assert [p["accountId"] for p in previews] == [a_account]  # A can preview it
    # B gets exactly what it gets for an account that does not exist anywhere.
    unknown = str(uuid.uuid4())
    for account in (a_account, w.a_has["childAccount"]["id"]):
        theirs, nobodys = await w.b.gql(PREVIEW, {"account": account}), await w.b.gql(PREVIEW, {"account": unknown})
        assert theirs["data"] is None and nobodys["data"] is None, theirs
        assert [(e["message"].replace(account, "?"), e["extensions"]) for e in theirs["errors"]] == [
            (e["message"].replace(unknown, "?"), e["extensions"]) for e in nobodys["errors"]
        ], (theirs, nobodys)
        assert nobodys["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def q_bill_job_progress(w: World) -> None:
    job = w.ids["a_bill_job"]
    mine = await subscribe_first(w.app, w.a.token, PROGRESS, {"id": job})
    assert mine["data"]["billJobProgress"]["id"] == job and "errors" not in mine, mine
    unknown = str(uuid.uuid4())
    for spelling in (job, job.upper()):
        theirs, nobodys = (
            await subscribe_first(w.app, w.b.token, PROGRESS, {"id": spelling}),
            await subscribe_first(w.app, w.b.token, PROGRESS, {"id": unknown}),
        )
        assert theirs["data"] is None and nobodys["data"] is None, theirs
        assert (
            [(e["message"].replace(spelling, "?"), e["extensions"]) for e in theirs["errors"]]
            == [(e["message"].replace(unknown, "?"), e["extensions"]) for e in nobodys["errors"]]
            == [("no bill job with id ?", {"code": "NOT_FOUND"})]
        ), theirs
    # Over HTTP POST a subscription is refused outright (websockets only): nothing of A's job.
    over_http = await w.b.client.post(
        "/graphql", json={"query": PROGRESS, "variables": {"id": job}}, headers={"Authorization": f"Bearer {w.b.token}"}
    )
    assert over_http.status_code == 400 and job not in over_http.text, over_http.text


CREATE_JOB = mutation("createBillJob", "CreateBillJobInput", "billJob { id }")
BILL_JOB_PAYLOAD = "billJob { id status }"


async def m_create_bill_job(w: World) -> None:
    a = w.a_has
    b = await w.b_catalog()
    for job_input, errors in (
        ({"billDate": "2026-02-01", "accountIds": [a["account"]["id"]]}, ((("accountIds", "0"), "NOT_FOUND"),)),
        (
            {"billDate": "2026-02-01", "accountIds": [b["account"]["id"], a["childAccount"]["id"]]},
            ((("accountIds", "1"), "NOT_FOUND"),),
        ),
        (
            {"billDate": "2026-02-01", "currencyConversions": [{"from": "EUR2", "to": "USD", "multiplier": "1.1"}]},
            ((("currencyConversions", "0", "from"), "NOT_FOUND"),),
        ),
    ):
        refused((await w.as_b(CREATE_JOB, {"input": job_input}))["createBillJob"], *errors)
    # B's job for every account with an active plan bills B's accounts only.
    job = await bill_run(w.app, w.b, {"billDate": "2026-02-01"})
    bills = (await w.as_b("{ " + BILLS.format(args="") + " }"))["bills"]
    assert sorted(job["billIds"]) == sorted(n["id"] for n in bills["nodes"]) and job["total"] == 1, (job, bills)
    assert {n["accountId"] for n in bills["nodes"]} == {b["account"]["id"]}


async def m_cancel_bill_job(w: World) -> None:
    payload = await w.b_run("cancelBillJob", "CancelBillJobInput", BILL_JOB_PAYLOAD, {"id": w.ids["a_bill_job"]})
    not_found(payload, "id")


async def m_recalculate_bills(w: World) -> None:
    payload = await w.b_run(
        "recalculateBills", "RecalculateBillsInput", BILL_JOB_PAYLOAD, {"billIds": [w.ids["a_bill"]]}
    )
    not_found(payload, "billIds", "0")


async def m_approve_bills(w: World) -> None:
    payload = await w.b_run("approveBills", "ApproveBillsInput", "bills { id status }", {"billIds": [w.ids["a_bill"]]})
    not_found(payload, "billIds", "0")


async def m_lock_bill(w: World) -> None:
    payload = await w.b_run(
        "lockBill",
        "LockBillInput",
        "bill { id locked }",
        {"id": w.ids["a_bill"], "version": w.a_has["bill"]["version"]},
    )
    not_found(payload, "id")


BILL_CONFIG = "{ billConfig { billLockDate version } }"


async def q_bill_config(w: World) -> None:
    # B's settings are its own (the defaults), whatever A's are.
    assert (await w.as_b(BILL_CONFIG))["billConfig"] == {"billLockDate": None, "version": 1}
    assert (await w.as_a(BILL_CONFIG))["billConfig"] == {"billLockDate": None, "version": 1}


async def m_update_bill_config(w: World) -> None:
    # B's lock date covers A's PENDING January bill: B is not refused for it, and A's bill
    # (in the snapshot) and A's settings stay as they were.
    payload = await w.b_run(
        "updateBillConfig",
        "UpdateBillConfigInput",
        "billConfig { billLockDate version }",
        {"billLockDate": "2026-12-31", "version": 1},
    )
    assert payload == {"billConfig": {"billLockDate": "2026-12-31", "version": 2}, "userErrors": []}, payload
    assert (await w.as_a(BILL_CONFIG))["billConfig"] == {"billLockDate": None, "version": 1}
    assert (await w.as_a(BILL.replace("accountId", "locked"), {"id": w.ids["a_bill"]}))["bill"]["locked"] is False


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {
            "bills": q_bills,
            "bill": q_bill,
            "billJobs": q_bill_jobs,
            "billJob": q_bill_job,
            "billPreview": q_bill_preview,
            "billConfig": q_bill_config,
        },
        "Mutation": {
            "createBillJob": m_create_bill_job,
            "cancelBillJob": m_cancel_bill_job,
            "recalculateBills": m_recalculate_bills,
            "approveBills": m_approve_bills,
            "lockBill": m_lock_bill,
            "updateBillConfig": m_update_bill_config,
        },
        "Subscription": {"billJobProgress": q_bill_job_progress},
    }
