"""A commitment's story through the public API (SEMANTICS §5.3, §7.2 items 4–5).

An account on a monthly plan (usage at 1.00 a request, no standing charge) commits to
100.00 USD for January–March 2026, fees scheduled on the plan's bills (in arrears, the
organization's default): 100 over three fee periods is 33.33, 33.33, 33.34 on the bills
of February, March and April. It uses 30, 50 then 40 requests: the bills draw 30, 50 then
20, and April surcharges the 20 beyond the commitment at 10 %: 2.00. amountSpent is 100.00
afterwards, and recalculating March (a real arq worker runs every job) changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, amounts, band, lines, money, requests_catalog

D = Decimal
JAN = "2026-01-01T00:00:00Z"
COMMITMENT = "query($id: ID!) { commitment(id: $id) { id amountSpent } }"


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(requests_catalog())
    account_id = await story.account("acme", [("usage-plan", JAN)])
    plan_id = data_of(await tenant.gql('{ plan(code: "usage-plan") { id } }'))["plan"]["id"]
    payload = await story.ok(
        f"""mutation($input: CreateCommitmentInput!) {{ createCommitment(input: $input) {{
      commitment {{ id }} {ERRORS} }} }}""",
        {
            "input": {
                "accountId": account_id,
                "currency": "USD",
                "amount": "100",
                "startDate": "2026-01-01",
                "endDate": "2026-04-01",
                "overageSurchargePercent": "10",
                "billingPlanId": plan_id,
                "billingInterval": 1,
                "billingOffset": 0,
                "commitmentFeeDescription": "Commitment fee",
                "commitmentUsageDescription": "Drawn from commitment",
                "overageDescription": "Overage",
            }
        },
        "createCommitment",
    )
    story.commitment_id = payload["commitment"]["id"]
    await story.ingest(
        [
            {"meter": "app", "account": "acme", "ts": ts, "measure": {"requests": n}}
            for ts, n in (("2026-01-10T00:00:00Z", 30), ("2026-02-10T00:00:00Z", 50), ("2026-03-10T00:00:00Z", 40))
        ]
    )
    for last in ("2026-01-31", "2026-02-28", "2026-03-31"):
        await story.bill_run(lastDateInBillingPeriod=last)
    return story


async def amount_spent(story) -> Decimal:
    return money(data_of(await story.tenant.gql(COMMITMENT, {"id": story.commitment_id}))["commitment"]["amountSpent"])


async def test_fees_drawdown_and_overage_across_three_bills(story):
    feb, mar, apr = [await story.bill("acme", d) for d in ("2026-02-01", "2026-03-01", "2026-04-01")]
    assert amounts(feb) == [("USAGE", D("30.00")), ("COMMITMENT_FEE", D("33.33")), ("COMMITMENT_CONSUMED", D("-30.00"))]
    assert amounts(mar) == [("USAGE", D("50.00")), ("COMMITMENT_FEE", D("33.33")), ("COMMITMENT_CONSUMED", D("-50.00"))]
    assert amounts(apr) == [
        ("USAGE", D("40.00")),
        ("COMMITMENT_FEE", D("33.34")),
        ("COMMITMENT_CONSUMED", D("-20.00")),
        ("OVERAGE_SURCHARGE", D("2.00")),
    ]
    assert [money(b["billTotal"]) for b in (feb, mar, apr)] == [D("33.33"), D("33.33"), D("55.34")]
    assert [x["description"] for x in lines(apr)][1:] == ["Commitment fee", "Drawn from commitment", "Overage"]
    assert await amount_spent(story) == D("100")


async def test_recalculating_a_bill_does_not_change_amount_spent(story):
    mar = await story.bill("acme", "2026-03-01")
    await story.recalculate([mar["id"]])
    again = await story.bill("acme", "2026-03-01")
    assert amounts(again) == amounts(mar)
    assert await amount_spent(story) == D("100")
