"""Seats billed through counters, told through the public API (SEMANTICS §8.4), billed by
real bill jobs.

A USD seat plan bills monthly on the 1st from 2024-06-01 (June has 30 days, July 31). Its
template prices the counter "seats" with bands {0: $10}, {10: $8}, all defaults: tiered,
running totals in advance, every proration on. So `Price(8) = 80`, `Price(14) = 100 + 4×8
= 132`, `Price(11) = 100 + 1×8 = 108`.

acme holds 8 seats from 06-01, raises to 14 on 06-16 (mid-month increase) and lowers to 11
on 06-25 (a later decrease). The bill of 2024-07-01 carries:

| line | arithmetic | amount |
|---|---|---|
| COUNTER_RUNNING_TOTAL_CHARGE June, 8 seats | 80 × 30/30 | 80.00 |
| COUNTER_RUNNING_TOTAL_CHARGE July (advance), 11 seats | 108 × 31/31 | 108.00 |
| COUNTER_ADJUSTMENT_DEBIT 06-16, +6 seats | (132 − 80) × 15/30 | 26.00 |
| COUNTER_ADJUSTMENT_CREDIT 06-25, −3 seats | (108 − 132) × 6/30 | −4.80 |
| bill total | | **209.20** |

The debit lists the bands it fills: 2 units at $10 (20) and 4 at $8 (32). `counterValue`
reads 14 seats on 06-20 and 11 on 07-02. August's bill (08-01) carries only August's
running total, 108 × 31/31 = 108.00. Once the 07-01 bill is approved and locked, an
adjustment dated inside its counter lines' service periods (06-20) is refused, and so is
a second adjustment for an existing date, a negative count, and a counter pricing naming
both a plan and a template.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, amounts, band, lines, money

D = Decimal
JUNE = "2024-06-01T00:00:00Z"
COUNTER = f"""mutation($input: CreateCounterInput!) {{ createCounter(input: $input) {{ counter {{ id code unit }}
  {ERRORS} }} }}"""
PRICING = f"""mutation($input: CreateCounterPricingInput!) {{ createCounterPricing(input: $input) {{
  counterPricing {{ id cumulative runningTotalBillInAdvance proRateRunningTotal }} {ERRORS} }} }}"""
ADJUST = f"""mutation($input: CreateCounterAdjustmentInput!) {{ createCounterAdjustment(input: $input) {{
  counterAdjustment {{ id date value }} {ERRORS} }} }}"""
VALUE = """query($account: ID!, $counter: ID!, $at: DateTime!) {
  counterValue(accountId: $account, counterId: $counter, at: $at) { value adjustmentDate } }"""
TEMPLATE = 'query { planTemplate(code: "seats") { id } plan(code: "seats-plan") { id } }'
COUNTER_LINES = """query($id: ID!) { bill(id: $id) { lineItems(first: 100) { nodes {
  lineItemType counterId unit units convertedSubtotal
  usagePerPricingBand { lowerLimit bandUnits bandSubtotal } } } } }"""


def catalog() -> dict:
    return {
        "code": "team",
        "name": "Team",
        "planTemplates": [
            {
                "code": "seats",
                "name": "Seats",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "plans": [{"code": "seats-plan", "name": "Seats"}],
            }
        ],
    }


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    story.product_id = await story.product(catalog())
    counter = await story.ok(
        COUNTER,
        {"input": {"code": "seats", "name": "Seats", "unit": "seats", "productId": story.product_id}},
        "createCounter",
    )
    story.counter = counter["counter"]["id"]
    owners = data_of(await tenant.gql(TEMPLATE))
    story.template, story.plan = owners["planTemplate"]["id"], owners["plan"]["id"]
    pricing = {
        "planTemplateId": story.template,
        "counterId": story.counter,
        "startDate": JUNE,
        "description": "Seats",
        "pricingBands": [band("0", "10"), band("10", "8")],
    }
    created = await story.ok(PRICING, {"input": pricing}, "createCounterPricing")
    assert created["counterPricing"] | {"id": None} == {
        "id": None,
        "cumulative": True,
        "runningTotalBillInAdvance": True,
        "proRateRunningTotal": True,
    }
    story.acme = await story.account("acme", [("seats-plan", JUNE)])
    for day, seats in (("2024-06-01", 8), ("2024-06-16", 14), ("2024-06-25", 11)):
        await adjust(story, day, seats)
    return story


async def adjust(story: Story, day: str, seats: int) -> dict:
    data = {"counterId": story.counter, "accountId": story.acme, "date": day, "value": seats}
    return data_of(await story.tenant.gql(ADJUST, {"input": data}))["createCounterAdjustment"]


async def test_a_seat_plan_with_a_mid_month_increase_and_a_later_decrease(story):
    await story.bill_run(lastDateInBillingPeriod="2024-06-30")
    bill = await story.bill("acme", "2024-07-01")
    assert amounts(bill) == [
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("80.00")),
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("108.00")),
        ("COUNTER_ADJUSTMENT_DEBIT", D("26.00")),
        ("COUNTER_ADJUSTMENT_CREDIT", D("-4.80")),
    ]
    assert money(bill["billTotal"]) == D("209.20")
    assert [line["description"] for line in lines(bill)] == ["Seats"] * 4
    shown = data_of(await story.tenant.gql(COUNTER_LINES, {"id": bill["id"]}))["bill"]["lineItems"]["nodes"]
    assert {(line["counterId"], line["unit"]) for line in shown} == {(story.counter, "seats")}
    assert [money(line["units"]) for line in shown] == [8, 11, 6, 3]
    debit = shown[2]["usagePerPricingBand"]
    assert [(money(b["lowerLimit"]), money(b["bandUnits"]), money(b["bandSubtotal"])) for b in debit] == [
        (0, 2, 20),
        (10, 4, 32),
    ]
    await story.bill_run(lastDateInBillingPeriod="2024-07-31")
    assert amounts(await story.bill("acme", "2024-08-01")) == [("COUNTER_RUNNING_TOTAL_CHARGE", D("108.00"))]


async def test_counter_value_at_an_instant(story):
    async def value(at: str) -> int | None:
        found = data_of(await story.tenant.gql(VALUE, {"account": story.acme, "counter": story.counter, "at": at}))
        return found["counterValue"]["value"]

    assert await value("2024-05-31T23:59:59Z") is None
    assert await value("2024-06-20T12:00:00Z") == 14
    assert await value("2024-07-02T00:00:00Z") == 11


async def test_locked_bill_and_bad_input_are_refused(story):
    await story.bill_run(lastDateInBillingPeriod="2024-06-30")
    bill = await story.bill("acme", "2024-07-01")
    await story.approve([bill["id"]])
    await story.lock(await story.bill("acme", "2024-07-01"))
    locked = await adjust(story, "2024-06-20", 9)
    assert [(e["field"], e["code"]) for e in locked["userErrors"]] == [(["input", "date"], "INVALID_STATE")]
    twice = await adjust(story, "2024-06-16", 15)
    assert [e["code"] for e in twice["userErrors"]] == ["INVALID_STATE"]  # inside the locked bill too
    duplicate = await adjust(story, "2024-09-01", 3)
    assert duplicate["userErrors"] == []
    again = await adjust(story, "2024-09-01", 4)
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(["input", "date"], "DUPLICATE")]
    negative = await adjust(story, "2024-09-02", -1)
    assert [(e["field"], e["code"]) for e in negative["userErrors"]] == [(["input", "value"], "INVALID")]
    both = {
        "planId": story.plan,
        "planTemplateId": story.template,
        "counterId": story.counter,
        "startDate": JUNE,
        "pricingBands": [band("0", "1")],
    }
    refused = data_of(await story.tenant.gql(PRICING, {"input": both}))["createCounterPricing"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "planTemplateId"], "INVALID")]
    total = data_of(await story.tenant.gql("{ counterAdjustments { totalCount } }"))["counterAdjustments"]
    assert total["totalCount"] == 4


UPDATE_ADJUSTMENT = f"""mutation($input: UpdateCounterAdjustmentInput!) {{ updateCounterAdjustment(input: $input) {{
  counterAdjustment {{ id version value }} {ERRORS} }} }}"""
ADJUSTMENTS = (
    """query($account: ID!) { counterAdjustments(filter: {accountId: $account}) { nodes { id version date } } }"""
)
PREVIEW = """query($account: ID!) { billPreview(accountId: $account, billDate: "2024-08-01") {
  billTotal lineItems { lineItemType counterId units convertedSubtotal } } }"""


async def test_a_changed_adjustment_shows_on_recalculation_and_in_the_preview(story):
    """06-25 corrected from 11 to 12 seats: `Price(12) = 116`; the credit becomes (116 − 132) × 6/30
    = −3.20 and July's advance running total 116 × 31/31 = 116.00, so the bill of 07-01 is
    80 + 116 + 26 − 3.20 = **218.80**. The preview of 08-01 shows August's running total, 116.00."""
    await story.bill_run(lastDateInBillingPeriod="2024-06-30")
    bill = await story.bill("acme", "2024-07-01")
    nodes = data_of(await story.tenant.gql(ADJUSTMENTS, {"account": story.acme}))["counterAdjustments"]["nodes"]
    late = next(n for n in nodes if n["date"] == "2024-06-25")
    await story.ok(
        UPDATE_ADJUSTMENT,
        {"input": {"id": late["id"], "version": late["version"], "value": 12}},
        "updateCounterAdjustment",
    )
    await story.recalculate([bill["id"]])
    bill = await story.bill("acme", "2024-07-01")
    assert amounts(bill) == [
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("80.00")),
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("116.00")),
        ("COUNTER_ADJUSTMENT_DEBIT", D("26.00")),
        ("COUNTER_ADJUSTMENT_CREDIT", D("-3.20")),
    ]
    assert money(bill["billTotal"]) == D("218.80")
    (preview,) = data_of(await story.tenant.gql(PREVIEW, {"account": story.acme}))["billPreview"]
    assert [(li["lineItemType"], money(li["convertedSubtotal"])) for li in preview["lineItems"]] == [
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("116.00"))
    ]
    assert preview["lineItems"][0]["counterId"] == story.counter
