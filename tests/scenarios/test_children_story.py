"""Parent and child accounts through the public API (SEMANTICS §7.3), a real arq worker.

Storage at 0 @ 0.15, 500 @ 0.10 a GB, monthly, no standing charge. acme (PARENT_BREAKDOWN,
the default) has two children without plans: acme 300 + acme-a 200 + acme-b 200 GB =
700 GB rated as one block: 95.00, one line per account (40.72, 27.14, 27.14 by units,
largest remainder). globex (CHILD) has globex-a without a plan: globex-a gets its own
bill under globex's plan (200 GB = 30.00), and globex-b with its own plan is rated alone
(600 GB = 85.00). initech (PARENT_SUMMARY) 100 + initech-a 500 GB = 600 GB is one block
line of 85.00. One job over all accounts bills each account once.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scenarios import ERRORS, Story, band, lines, money

D = Decimal
JAN = "2026-01-01T00:00:00Z"


def catalog() -> dict:
    return {
        "code": "storage",
        "name": "Storage",
        "meters": [
            {
                "code": "storage",
                "name": "Storage",
                "dataFields": [{"category": "MEASURE", "code": "gb", "name": "GB", "unit": "GB"}],
                "aggregations": [{"code": "gb", "name": "GB", "targetField": "gb", "aggregation": "SUM", "unit": "GB"}],
            }
        ],
        "planTemplates": [
            {
                "code": "storage",
                "name": "Storage",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [
                    {
                        "aggregationCode": "gb",
                        "startDate": JAN,
                        "pricingBands": [band("0", "0.15"), band("500", "0.10")],
                    }
                ],
                "plans": [{"code": "storage", "name": "Storage"}],
            }
        ],
    }


async def account(story: Story, code: str, *, plan: bool, parent: str | None = None, mode: str | None = None) -> str:
    attach = {"planCode": "storage", "startDate": JAN, **({"childBillingMode": mode} if mode else {})}
    data = {
        "code": code,
        "name": code.title(),
        "emailAddress": f"{code}@example.com",
        "accountPlans": [attach] if plan else [],
        **({"parentAccountId": parent} if parent else {}),
    }
    payload = await story.ok(
        f"""mutation($input: CreateAccountInput!) {{ createAccount(input: $input) {{
      account {{ id }} {ERRORS} }} }}""",
        {"input": data},
        "createAccount",
    )
    return payload["account"]["id"]


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(catalog())
    acme = await account(story, "acme", plan=True)
    story.ids = {"acme": acme}
    story.ids["acme-a"] = await account(story, "acme-a", plan=False, parent=acme)
    story.ids["acme-b"] = await account(story, "acme-b", plan=False, parent=acme)
    globex = await account(story, "globex", plan=True, mode="CHILD")
    story.ids["globex-a"] = await account(story, "globex-a", plan=False, parent=globex)
    story.ids["globex-b"] = await account(story, "globex-b", plan=True, parent=globex)
    initech = await account(story, "initech", plan=True, mode="PARENT_SUMMARY")
    story.ids["initech-a"] = await account(story, "initech-a", plan=False, parent=initech)
    await story.ingest(
        [
            {"meter": "storage", "account": code, "ts": "2026-01-15T00:00:00Z", "measure": {"gb": gb}}
            for code, gb in (
                ("acme", 300),
                ("acme-a", 200),
                ("acme-b", 200),
                ("globex", 100),
                ("globex-a", 200),
                ("globex-b", 600),
                ("initech", 100),
                ("initech-a", 500),
            )
        ]
    )
    story.job = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    return story


async def test_a_block_is_rated_together_and_broken_down_per_account(story):
    acme = await story.bill("acme", "2026-02-01")
    usage = [(line["childAccountId"], money(line["units"]), money(line["subtotal"])) for line in lines(acme, "USAGE")]
    assert usage == [
        (None, D(300), D("40.72")),
        (story.ids["acme-a"], D(200), D("27.14")),
        (story.ids["acme-b"], D(200), D("27.14")),
    ]
    assert money(acme["billTotal"]) == D("95.00")


async def test_child_mode_and_a_child_with_its_own_plan(story):
    globex = await story.bill("globex", "2026-02-01")
    assert [(line["childAccountId"], money(line["subtotal"])) for line in lines(globex, "USAGE")] == [
        (None, D("15.00"))
    ]
    child = await story.bill("globex-a", "2026-02-01")
    assert child["accountId"] == story.ids["globex-a"] and money(child["billTotal"]) == D("30.00")
    own = await story.bill("globex-b", "2026-02-01")
    assert money(own["billTotal"]) == D("85.00")


async def test_parent_summary_is_one_line_for_the_block(story):
    initech = await story.bill("initech", "2026-02-01")
    usage = [
        (line["childAccountId"], money(line["units"]), money(line["subtotal"])) for line in lines(initech, "USAGE")
    ]
    assert usage == [(None, D(600), D("85.00"))]
    assert money(initech["billTotal"]) == D("85.00")


async def test_one_job_bills_each_account_once(story):
    bills = await story.bills(billDate="2026-02-01")
    assert sorted(b["accountCode"] for b in bills) == ["acme", "globex", "globex-a", "globex-b", "initech"]
    assert story.job["failed"] == 0 and len(story.job["billIds"]) == 5
    again = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    assert len(await story.bills(billDate="2026-02-01")) == 5 and len(again["billIds"]) == 5
