"""A child's lines in PARENT_BREAKDOWN drawing on the parent's balance (SEMANTICS §7.3,
§11.2 rules 1–3 and 5), through the public API and a real bill job.

Storage at a flat 1.00 a GB, monthly from 2026-01-01, arrears. acme (PARENT_BREAKDOWN, the
default) has the plan; its child acme-a has none, so their usage is one block: acme 30 GB,
acme-a 50 GB → 80.00 as two lines, 30.00 (acme) and 50.00 (acme-a). acme's balance
"wallet" (storage only, 10 % surcharge) has 60.00 credited on 01-01.
"""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios import CREATE_BALANCE, CREDIT, ERRORS, Story, band, lines, money

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
                "dataFields": [{"category": "MEASURE", "code": "gb", "name": "GB"}],
                "aggregations": [{"code": "gb", "name": "GB", "targetField": "gb", "aggregation": "SUM"}],
            }
        ],
        "planTemplates": [
            {
                "code": "storage",
                "name": "Storage",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [{"aggregationCode": "gb", "startDate": JAN, "pricingBands": [band("0", "1")]}],
                "plans": [{"code": "storage", "name": "Storage"}],
            }
        ],
    }


async def test_the_child_line_draws_on_the_parent_balance_after_the_parent_line(tenant, bill_queue):
    """Lines in bill order: acme 30.00, then acme-a 50.00. The parent's balance covers
    acme's 30 and 30 of acme-a's: −60.00. acme-a's other 20 stay uncovered, the balance's:
    20 × 10 % = 2.00. Total 30 + 50 − 60 + 2 = 22.00."""
    story = Story(tenant)
    product_id = await story.product(catalog())
    acme = await story.account("acme", [("storage", JAN)])
    await story.account("acme-a", parentAccountId=acme)
    wallet = await story.ok(
        CREATE_BALANCE,
        {"input": {"accountId": acme, "code": "wallet", "name": "Wallet", "currency": "USD", "startDate": JAN,
                   "endDate": "2100-01-01T00:00:00Z", "productIds": [product_id], "overageSurchargePercent": "10"}},
        "createBalance",
    )  # fmt: skip
    await story.ok(
        CREDIT, {"input": {"balanceId": wallet["balance"]["id"], "amount": "60", "appliedDate": JAN}},
        "createBalanceTransaction",
    )  # fmt: skip
    await story.ingest(
        [
            {"meter": "storage", "account": code, "ts": "2026-01-15T00:00:00Z", "measure": {"gb": gb}}
            for code, gb in (("acme", 30), ("acme-a", 50))
        ]
    )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    bill = await story.bill("acme", "2026-02-01")
    shown = [(x["lineItemType"], x["childAccountId"] is not None, money(x["convertedSubtotal"])) for x in lines(bill)]
    assert shown == [
        ("USAGE", False, D("30.00")),
        ("USAGE", True, D("50.00")),
        ("BALANCE_CONSUMED", False, D("-60.00")),
        ("OVERAGE_SURCHARGE", False, D("2.00")),
    ]
    assert money(bill["billTotal"]) == D("22.00")
