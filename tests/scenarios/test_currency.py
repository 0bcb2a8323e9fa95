"""Story: a UK plan (priced in GBP) billed to accounts in USD (SEMANTICS §7.2 item 6).

700 requests tiered 0 @ 0.15 / 500 @ 0.10 cost 95.00 GBP. With the organization's rate
GBP → USD 1.25 the line converts to 118.75 USD; a job's own rate (1.30) overrides it for
that job (123.50). Without any GBP → USD rate the account's bill fails with a reason and
the other accounts of the run are billed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import BILLS, Story, band, lines, money

JAN = "2026-01-01T00:00:00Z"


def catalog() -> dict:
    pricing = {
        "aggregationCode": "requests",
        "startDate": JAN,
        "pricingBands": [band("0", "0.15"), band("500", "0.10")],
    }
    return {
        "code": "uk",
        "name": "UK",
        "meters": [
            {
                "code": "uk",
                "name": "UK",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"}
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "uk-gbp",
                "name": "UK (GBP)",
                "currency": "GBP",
                "billFrequency": "MONTHLY",
                "pricings": [pricing],
                "plans": [{"code": "uk-gbp", "name": "UK"}],
            },
            {
                "code": "uk-usd",
                "name": "UK (USD)",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [pricing],
                "plans": [{"code": "uk-usd", "name": "UK in dollars"}],
            },
        ],
    }


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.currency("GBP")
    await story.product(catalog())
    await story.account("london", [("uk-gbp", JAN)])
    await story.account("boston", [("uk-usd", JAN)])
    await story.ingest(
        [
            {"meter": "uk", "account": account, "ts": "2026-01-20T00:00:00Z", "measure": {"requests": 700}}
            for account in ("london", "boston")
        ]
    )
    return story


async def test_gbp_plan_billed_in_usd_at_the_organization_rate(story):
    await story.configure(currencyConversions=[{"from": "GBP", "to": "USD", "multiplier": "1.25"}])
    job = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    assert (job["total"], job["failed"], job["failures"]) == (2, 0, [])
    bill = await story.bill("london", "2026-02-01")
    assert bill["currency"] == "USD"
    [line] = lines(bill)
    assert (
        line["currency"],
        money(line["subtotal"]),
        money(line["conversionRate"]),
        money(line["convertedSubtotal"]),
    ) == ("GBP", Decimal("95.00"), Decimal("1.25"), Decimal("118.75"))
    assert money(bill["billTotal"]) == Decimal("118.75")
    boston = await story.bill("boston", "2026-02-01")
    assert [(x["currency"], money(x["conversionRate"]), money(x["convertedSubtotal"])) for x in lines(boston)] == [
        ("USD", Decimal(1), Decimal("95.00"))
    ]


async def test_a_job_rate_overrides_the_organization_rate(story):
    await story.configure(currencyConversions=[{"from": "GBP", "to": "USD", "multiplier": "1.25"}])
    await story.bill_run(
        lastDateInBillingPeriod="2026-01-31", currencyConversions=[{"from": "GBP", "to": "USD", "multiplier": "1.3"}]
    )
    bill = await story.bill("london", "2026-02-01")
    assert money(bill["billTotal"]) == Decimal("123.50")
    assert money(lines(bill)[0]["conversionRate"]) == Decimal("1.3")


async def test_a_missing_rate_fails_only_that_account(story):
    job = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    london = data_of(await story.tenant.gql('{ accounts(filter: {codes: ["london"]}) { nodes { id } } }'))["accounts"][
        "nodes"
    ][0]["id"]
    assert (job["status"], job["total"], job["pending"], job["failed"]) == ("COMPLETE", 2, 0, 1)
    [failure] = job["failures"]
    assert failure["accountId"] == london and "GBP" in failure["reason"]
    bills = data_of(await story.tenant.gql(BILLS, {"filter": {"billDate": "2026-02-01"}}))["bills"]["nodes"]
    assert [b["accountCode"] for b in bills] == ["boston"]
    assert job["billIds"] == [bills[0]["id"]]
