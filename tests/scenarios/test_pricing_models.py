"""Story: an API business prices the same month of usage three ways (SEMANTICS §4.4).

- requests, tiered 0 @ 0.15 / 500 @ 0.10: 700 requests = 500 × 0.15 + 200 × 0.10 = 95.00;
- requests, volume with the same bands: 700 falls in the second band = 700 × 0.10 = 70.00;
- seats, stairstep 12 / 25 / 50 at 0 / 4 / 6 (all unit prices 0): 4 seats = 12 (a lower
  limit is exclusive except for the first band), 5 seats = 25, 7 seats = 50.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scenarios import Story, amounts, band, lines, money

JAN = "2026-01-01T00:00:00Z"
STAIRS = [band("0", "0", "12"), band("4", "0", "25"), band("6", "0", "50")]


def catalog() -> dict:
    def pricing(code: str, bands: list[dict], cumulative: bool) -> dict:
        return {"aggregationCode": code, "startDate": JAN, "pricingBands": bands, "cumulative": cumulative}

    return {
        "code": "api",
        "name": "API",
        "meters": [
            {
                "code": "api",
                "name": "API",
                "dataFields": [
                    {"category": "MEASURE", "code": "requests", "name": "Requests"},
                    {"category": "MEASURE", "code": "seats", "name": "Seats"},
                ],
                "aggregations": [
                    {
                        "code": "requests_tiered",
                        "name": "Requests (tiered)",
                        "targetField": "requests",
                        "aggregation": "SUM",
                        "unit": "requests",
                    },
                    {
                        "code": "requests_volume",
                        "name": "Requests (volume)",
                        "targetField": "requests",
                        "aggregation": "SUM",
                        "unit": "requests",
                    },
                    {"code": "seats", "name": "Seats", "targetField": "seats", "aggregation": "MAX", "unit": "seats"},
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "api-monthly",
                "name": "API monthly",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [
                    pricing("requests_tiered", [band("0", "0.15"), band("500", "0.10")], True),
                    pricing("requests_volume", [band("0", "0.15"), band("500", "0.10")], False),
                    pricing("seats", STAIRS, False),
                ],
                "plans": [{"code": "api-standard", "name": "Standard"}],
            }
        ],
    }


def usage(account: str, requests: list[int], seats: int) -> list[dict]:
    items = [
        {"meter": "api", "account": account, "ts": f"2026-01-{day + 1:02d}T12:00:00Z", "measure": {"requests": n}}
        for day, n in enumerate(requests)
    ]
    return [*items, {"meter": "api", "account": account, "ts": "2026-01-31T23:59:59Z", "measure": {"seats": seats}}]


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(catalog())
    for code in ("four", "five", "seven"):
        await story.account(code, [("api-standard", JAN)])
    await story.ingest(usage("four", [300, 250, 150], 4) + usage("five", [700], 5) + usage("seven", [699, 1], 7))
    # Outside the period: the day before and the first instant of the next period.
    await story.ingest(
        [
            {"meter": "api", "account": "four", "ts": "2025-12-31T23:59:59Z", "measure": {"requests": 1000}},
            {"meter": "api", "account": "four", "ts": "2026-02-01T00:00:00Z", "measure": {"requests": 1000}},
        ]
    )
    return story


async def test_tiered_volume_and_stairstep_on_one_bill(story):
    job = await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    assert (job["total"], job["pending"], job["failed"], len(job["billIds"])) == (3, 0, 0, 3)

    bill = await story.bill("four", "2026-02-01")
    assert (bill["startDate"], bill["endDate"], bill["lastDateInBillingPeriod"]) == (
        "2026-01-01",
        "2026-02-01",
        "2026-01-31",
    )
    assert (bill["billingFrequency"], bill["currency"], bill["status"], bill["locked"]) == (
        "MONTHLY",
        "USD",
        "PENDING",
        False,
    )
    usage_lines = lines(bill, "USAGE")
    assert [(money(x["quantity"]), money(x["units"]), money(x["subtotal"])) for x in usage_lines] == [
        (Decimal(700), Decimal(700), Decimal("95.00")),
        (Decimal(700), Decimal(700), Decimal("70.00")),
        (Decimal(4), Decimal(4), Decimal("12.00")),
    ]
    assert money(bill["billTotal"]) == Decimal("177.00")

    tiered, volume, stairs = usage_lines
    assert [
        (money(b["lowerLimit"]), money(b["unitPrice"]), money(b["bandUnits"]), money(b["bandSubtotal"]))
        for b in tiered["usagePerPricingBand"]
    ] == [(0, Decimal("0.15"), 500, Decimal("75")), (500, Decimal("0.10"), 200, Decimal("20"))]
    assert money(tiered["averageUnitPrice"]).quantize(Decimal("0.0001")) == Decimal("0.1357")
    # Volume: one band prices every unit.
    assert [
        (money(b["lowerLimit"]), money(b["bandUnits"]), money(b["bandSubtotal"]))
        for b in volume["usagePerPricingBand"]
        if money(b["bandUnits"]) != 0
    ] == [(500, 700, Decimal(70))]
    assert stairs["unit"] == "seats" and money(stairs["averageUnitPrice"]) == 3
    assert all(x["servicePeriodStartDate"].startswith("2026-01-01T00:00:00") for x in usage_lines)
    assert all(x["servicePeriodEndDate"].startswith("2026-02-01T00:00:00") for x in usage_lines)


@pytest.mark.parametrize("account,stairstep,total", [("five", "25.00", "190.00"), ("seven", "50.00", "215.00")])
async def test_stairstep_steps_up_past_each_lower_limit(story, account, stairstep, total):
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    bill = await story.bill(account, "2026-02-01")
    assert amounts(bill) == [("USAGE", Decimal("95.00")), ("USAGE", Decimal("70.00")), ("USAGE", Decimal(stairstep))]
    assert money(bill["billTotal"]) == Decimal(total)
