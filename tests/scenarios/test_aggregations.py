"""Stories of aggregations beyond one sum (SEMANTICS §3.3–3.4, §7.2 item 1).

Segmented: storage is priced per region, eu at 1.00/GB, us at 2.00/GB, each segment with
its own pricing and line; usage in a region no segment matches (ap) is not billed.

Compound: a call centre bills `aggregation.calls + aggregation.minutes / 60` at 0.50 per
unit: 100 calls and 120 minutes are 102 units = 51.00. An account with calls but no
minutes has a null compound quantity (evaluateNullAggregations false): no line.
"""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios import Story, amounts, band, lines, money

JAN = "2026-01-01T00:00:00Z"


def storage_catalog() -> dict:
    def regional(region: str, price: str) -> dict:
        return {
            "aggregationCode": "gb",
            "segment": {"region": region},
            "startDate": JAN,
            "pricingBands": [band("0", price)],
            "description": f"Storage ({region})",
        }

    return {
        "code": "storage",
        "name": "Storage",
        "meters": [
            {
                "code": "storage",
                "name": "Storage",
                "dataFields": [
                    {"category": "WHERE", "code": "region", "name": "Region"},
                    {"category": "MEASURE", "code": "gb", "name": "GB", "unit": "GB"},
                ],
                "aggregations": [
                    {
                        "code": "gb",
                        "name": "GB",
                        "targetField": "gb",
                        "aggregation": "SUM",
                        "unit": "GB",
                        "segmentedFields": ["region"],
                        "segments": [{"region": "eu"}, {"region": "us"}],
                    }
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "storage",
                "name": "Storage",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [regional("eu", "1.00"), regional("us", "2.00")],
                "plans": [{"code": "storage", "name": "Storage"}],
            }
        ],
    }


def calls_catalog() -> dict:
    return {
        "code": "calls",
        "name": "Calls",
        "meters": [
            {
                "code": "calls",
                "name": "Calls",
                "dataFields": [
                    {"category": "MEASURE", "code": "calls", "name": "Calls"},
                    {"category": "MEASURE", "code": "minutes", "name": "Minutes"},
                ],
                "aggregations": [
                    {"code": "calls", "name": "Calls", "targetField": "calls", "aggregation": "SUM"},
                    {"code": "minutes", "name": "Minutes", "targetField": "minutes", "aggregation": "SUM"},
                ],
            }
        ],
        "compoundAggregations": [
            {
                "code": "call_units",
                "name": "Call units",
                "unit": "units",
                "calculation": "aggregation.calls + aggregation.minutes / 60",
            }
        ],
        "planTemplates": [
            {
                "code": "calls",
                "name": "Calls",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [
                    {"compoundAggregationCode": "call_units", "startDate": JAN, "pricingBands": [band("0", "0.50")]}
                ],
                "plans": [{"code": "calls", "name": "Calls"}],
            }
        ],
    }


def stored(region: str, gb: str) -> dict:
    return {
        "meter": "storage",
        "account": "globe",
        "ts": "2026-01-05T00:00:00Z",
        "where": {"region": region},
        "measure": {"gb": float(gb)},
    }


async def test_each_segment_is_priced_by_its_own_pricing(tenant, bill_queue):
    story = Story(tenant)
    await story.product(storage_catalog())
    await story.account("globe", [("storage", JAN)])
    await story.ingest([stored("eu", "6"), stored("eu", "4"), stored("us", "5"), stored("ap", "3")])
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    bill = await story.bill("globe", "2026-02-01")
    assert [
        (x["segment"], money(x["quantity"]), money(x["subtotal"]), x["description"]) for x in lines(bill, "USAGE")
    ] == [
        ({"region": "eu"}, Decimal(10), Decimal("10.00"), "Storage (eu)"),
        ({"region": "us"}, Decimal(5), Decimal("10.00"), "Storage (us)"),
    ]
    assert money(bill["billTotal"]) == Decimal("20.00")


async def test_compound_aggregation_combines_raw_values(tenant, bill_queue):
    story = Story(tenant)
    await story.product(calls_catalog())
    await story.account("centre", [("calls", JAN)])
    await story.account("silent", [("calls", JAN)])
    await story.ingest(
        [
            {
                "meter": "calls",
                "account": "centre",
                "ts": "2026-01-03T00:00:00Z",
                "measure": {"calls": 60, "minutes": 50},
            },
            {
                "meter": "calls",
                "account": "centre",
                "ts": "2026-01-04T00:00:00Z",
                "measure": {"calls": 40, "minutes": 70},
            },
            {"meter": "calls", "account": "silent", "ts": "2026-01-04T00:00:00Z", "measure": {"calls": 7}},
        ]
    )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    centre = await story.bill("centre", "2026-02-01")
    [line] = lines(centre)
    assert line["compoundAggregationId"] is not None and line["aggregationId"] is None
    assert (money(line["quantity"]), money(line["units"]), line["unit"], money(line["subtotal"])) == (
        Decimal(102),
        Decimal(102),
        "units",
        Decimal("51.00"),
    )
    assert money(centre["billTotal"]) == Decimal("51.00")
    silent = [b for b in await story.bills(billDate="2026-02-01") if b["accountCode"] == "silent"]
    assert all(amounts(b) == [] and money(b["billTotal"]) == 0 for b in silent)
