"""Stories of charges that do not depend on usage alone (SEMANTICS §7.2 items 2–3).

Standing charge of 30.00 a month, billed on the 1st (the organization's monthly epoch),
for accounts starting mid-January (the 16th: 16 of January's 31 days):
- in arrears: February's bill carries January's part, 30 × 16/31 = 15.48; March's bill
  carries February, 30.00;
- in advance: February's bill (the first) carries January's part *and* February, 15.48 +
  30.00; March's bill carries March.

Minimum spend of 100.00 a month on a plan whose usage costs 95.00 in January (tiered, 700
requests) and 145.00 in February (1,200 requests):
- in arrears: January tops up 5.00; February is over the minimum, nothing added;
- in advance: February's bill (the first) carries January's minimum and February's in
  advance and refunds January's min(100, 95) = 95; March's bill carries March's minimum and
  refunds February's min(100, 145) = 100. Each period nets to max(minimum, charges).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scenarios import Story, amounts, band, lines, money

JAN, MID_JAN = "2026-01-01T00:00:00Z", "2026-01-16T00:00:00Z"


def catalog() -> dict:
    return {
        "code": "app",
        "name": "App",
        "meters": [
            {
                "code": "app",
                "name": "App",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"}
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "seat",
                "name": "Seat",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": "30",
                "standingChargeDescription": "Platform fee",
                "standingChargeBillInAdvance": False,
                "plans": [
                    {"code": "seat-arrears", "name": "Arrears"},
                    {"code": "seat-advance", "name": "Advance", "standingChargeBillInAdvance": True},
                ],
            },
            {
                "code": "usage",
                "name": "Usage",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "minimumSpend": "100",
                "minimumSpendDescription": "Monthly minimum",
                "minimumSpendBillInAdvance": False,
                "pricings": [
                    {
                        "aggregationCode": "requests",
                        "startDate": JAN,
                        "pricingBands": [band("0", "0.15"), band("500", "0.10")],
                    }
                ],
                "plans": [
                    {"code": "min-arrears", "name": "Minimum in arrears"},
                    {"code": "min-advance", "name": "Minimum in advance", "minimumSpendBillInAdvance": True},
                ],
            },
        ],
    }


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(catalog())
    await story.account("arrears", [("seat-arrears", MID_JAN)])
    await story.account("advance", [("seat-advance", MID_JAN)])
    await story.account("min-arrears", [("min-arrears", JAN)])
    await story.account("min-advance", [("min-advance", JAN)])
    for account in ("min-arrears", "min-advance"):
        await story.ingest(
            [
                {"meter": "app", "account": account, "ts": "2026-01-10T00:00:00Z", "measure": {"requests": 700}},
                {"meter": "app", "account": account, "ts": "2026-02-10T00:00:00Z", "measure": {"requests": 1200}},
            ]
        )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    await story.bill_run(lastDateInBillingPeriod="2026-02-28")
    return story


def service_periods(bill: dict) -> list[tuple[str, str]]:
    return [(x["servicePeriodStartDate"][:10], x["servicePeriodEndDate"][:10]) for x in lines(bill)]


async def test_standing_charge_in_arrears_prorates_the_first_period(story):
    february, march = await story.bill("arrears", "2026-02-01"), await story.bill("arrears", "2026-03-01")
    assert amounts(february) == [("STANDING_CHARGE", Decimal("15.48"))]
    assert service_periods(february) == [("2026-01-16", "2026-02-01")]
    assert lines(february)[0]["description"] == "Platform fee"
    assert money(february["billTotal"]) == Decimal("15.48")
    assert amounts(march) == [("STANDING_CHARGE", Decimal("30.00"))]
    assert service_periods(march) == [("2026-02-01", "2026-03-01")]


async def test_standing_charge_in_advance_bills_the_next_period_too(story):
    february, march = await story.bill("advance", "2026-02-01"), await story.bill("advance", "2026-03-01")
    assert amounts(february) == [("STANDING_CHARGE", Decimal("15.48")), ("STANDING_CHARGE", Decimal("30.00"))]
    assert service_periods(february) == [("2026-01-16", "2026-02-01"), ("2026-02-01", "2026-03-01")]
    assert money(february["billTotal"]) == Decimal("45.48")
    assert amounts(march) == [("STANDING_CHARGE", Decimal("30.00"))]
    assert service_periods(march) == [("2026-03-01", "2026-04-01")]


async def test_minimum_spend_in_arrears_tops_up_only_a_short_month(story):
    february, march = await story.bill("min-arrears", "2026-02-01"), await story.bill("min-arrears", "2026-03-01")
    assert amounts(february) == [("USAGE", Decimal("95.00")), ("MINIMUM_SPEND", Decimal("5.00"))]
    assert lines(february, "MINIMUM_SPEND")[0]["description"] == "Monthly minimum"
    assert money(february["billTotal"]) == Decimal("100.00")
    assert amounts(march) == [("USAGE", Decimal("145.00"))]


async def test_minimum_spend_in_advance_is_refunded_against_the_period_charges(story):
    february, march = await story.bill("min-advance", "2026-02-01"), await story.bill("min-advance", "2026-03-01")
    assert amounts(february) == [
        ("USAGE", Decimal("95.00")),
        ("MINIMUM_SPEND", Decimal("100.00")),
        ("MINIMUM_SPEND", Decimal("100.00")),
        ("MINIMUM_SPEND_REFUND", Decimal("-95.00")),
    ]
    assert money(february["billTotal"]) == Decimal("200.00")
    assert amounts(march) == [
        ("USAGE", Decimal("145.00")),
        ("MINIMUM_SPEND", Decimal("100.00")),
        ("MINIMUM_SPEND_REFUND", Decimal("-100.00")),
    ]
    assert money(march["billTotal"]) == Decimal("145.00")
    # January nets to max(100, 95) = 100 and February to max(100, 145) = 145.
    minimum_periods = [
        (x["lineItemType"], x["servicePeriodStartDate"][:10])
        for x in lines(february) + lines(march)
        if x["lineItemType"].startswith("MINIMUM")
    ]
    assert minimum_periods == [
        ("MINIMUM_SPEND", "2026-01-01"),
        ("MINIMUM_SPEND", "2026-02-01"),
        ("MINIMUM_SPEND_REFUND", "2026-01-01"),
        ("MINIMUM_SPEND", "2026-03-01"),
        ("MINIMUM_SPEND_REFUND", "2026-02-01"),
    ]
