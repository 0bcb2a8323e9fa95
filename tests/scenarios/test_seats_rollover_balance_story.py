"""Seats (counters billed in advance, with mid-period adjustments) drawing on a balance and
its rollover across the balance's end date (SEMANTICS §8.2, §8.4, §11.2 rules 1, 5, 6),
through the public API and real bill jobs.

The seat plan of the counter stories: monthly from 2024-06-01, bands {0: $10}, {10: $8},
tiered, running totals in advance, every proration on. Adjustments: 8 on 06-01, 14 on
06-16, 11 on 06-25, 12 on 07-10. `Price(8) = 80`, `Price(11) = 108`, `Price(12) = 116`,
`Price(14) = 132`.

Balance "seats-credit": window [06-01, 07-01), rollover uncapped until 08-01, types
COUNTER_RUNNING_TOTAL_CHARGE and COUNTER_ADJUSTMENT_DEBIT, 10 % surcharge, 200.00 credited
on 06-01.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import data_of
from tests.scenarios import CREATE_BALANCE, CREDIT, ERRORS, Story, amounts, band, money
from tests.scenarios.test_counters_story import ADJUST, COUNTER, JUNE, PRICING, catalog  # product "team"

D = Decimal
BALANCE = """query($id: ID!) { balance(id: $id) { amount transactionSummary { totalCreditAmount totalDebitAmount
  expiredBalanceAmount rolloverConsumed balanceConsumed rolloverExpiredAmount } } }"""


async def test_advance_seats_draw_the_window_then_the_rollover(tenant, bill_queue):
    """Bill 07-01: RUNNING_TOTAL June 80 × 30/30 = 80.00 (service 06-01: window),
    RUNNING_TOTAL July (advance) 108 × 31/31 = 108.00 (service 07-01: rollover),
    ADJUSTMENT_DEBIT (132 − 80) × 15/30 = 26.00 (06-16: window), ADJUSTMENT_CREDIT
    (108 − 132) × 6/30 = −4.80 (never eligible).
    The window draws first: 80 + 26 = 106; R = 200 − 106 = 94 rolls over (no cap) and covers
    94 of July's 108; 14 stay uncovered, the balance's: 14 × 10 % = 1.40. One line −200.00.
    Total 80 + 108 + 26 − 4.80 − 200 + 1.40 = 10.60.

    Bill 08-01: RUNNING_TOTAL August 116 × 31/31 = 116.00 (service 08-01: after the
    rollover, not eligible); ADJUSTMENT_DEBIT 07-10 (116 − 108) × 22/31 = 5.677… → 5.68
    (service 07-10: rollover window, but the rollover is spent): no draw, surcharge
    5.68 × 10 % = 0.568 → 0.57. Total 116 + 5.68 + 0.57 = 122.25.
    Summary: 200 = (106 + 94) + 0 + 0 + 0."""
    story = Story(tenant)
    product_id = await story.product(catalog())
    counter = (
        await story.ok(
            COUNTER, {"input": {"code": "seats", "name": "Seats", "unit": "seats", "productId": product_id}},
            "createCounter",
        )
    )["counter"]["id"]  # fmt: skip
    template = data_of(await tenant.gql('{ planTemplate(code: "seats") { id } }'))["planTemplate"]["id"]
    await story.ok(
        PRICING,
        {"input": {"planTemplateId": template, "counterId": counter, "startDate": JUNE,
                   "pricingBands": [band("0", "10"), band("10", "8")]}},
        "createCounterPricing",
    )  # fmt: skip
    acme = await story.account("acme", [("seats-plan", JUNE)])
    for day, seats in (("2024-06-01", 8), ("2024-06-16", 14), ("2024-06-25", 11), ("2024-07-10", 12)):
        data = {"counterId": counter, "accountId": acme, "date": day, "value": seats}
        await story.ok(ADJUST, {"input": data}, "createCounterAdjustment")
    balance = (
        await story.ok(
            CREATE_BALANCE,
            {"input": {"accountId": acme, "code": "seats-credit", "name": "Seats credit", "currency": "USD",
                       "startDate": JUNE, "endDate": "2024-07-01T00:00:00Z", "rolloverEndDate": "2024-08-01T00:00:00Z",
                       "lineItemTypes": ["COUNTER_RUNNING_TOTAL_CHARGE", "COUNTER_ADJUSTMENT_DEBIT"],
                       "overageSurchargePercent": "10"}},
            "createBalance",
        )
    )["balance"]["id"]  # fmt: skip
    await story.ok(
        CREDIT, {"input": {"balanceId": balance, "amount": "200", "appliedDate": JUNE}}, "createBalanceTransaction"
    )

    await story.bill_run(lastDateInBillingPeriod="2024-06-30")
    july = await story.bill("acme", "2024-07-01")
    assert amounts(july) == [
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("80.00")),
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("108.00")),
        ("COUNTER_ADJUSTMENT_DEBIT", D("26.00")),
        ("COUNTER_ADJUSTMENT_CREDIT", D("-4.80")),
        ("BALANCE_CONSUMED", D("-200.00")),
        ("OVERAGE_SURCHARGE", D("1.40")),
    ]
    assert money(july["billTotal"]) == D("10.60") == sum(x for _, x in amounts(july))

    await story.bill_run(lastDateInBillingPeriod="2024-07-31")
    august = await story.bill("acme", "2024-08-01")
    assert amounts(august) == [
        ("COUNTER_RUNNING_TOTAL_CHARGE", D("116.00")),
        ("COUNTER_ADJUSTMENT_DEBIT", D("5.68")),
        ("OVERAGE_SURCHARGE", D("0.57")),
    ]
    assert money(august["billTotal"]) == D("122.25")
    found = data_of(await tenant.gql(BALANCE, {"id": balance}))["balance"]
    assert {k: money(v) for k, v in found["transactionSummary"].items()} == {
        "totalCreditAmount": D("200"),
        "totalDebitAmount": D("200"),
        "expiredBalanceAmount": D("0"),
        "rolloverConsumed": D("94"),
        "balanceConsumed": D("106"),
        "rolloverExpiredAmount": D("0"),
    }
    assert money(found["amount"]) == D("0")
