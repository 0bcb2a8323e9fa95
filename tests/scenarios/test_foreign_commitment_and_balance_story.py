"""A commitment in EUR with a fee and a balance in GBP on a USD bill (SEMANTICS §7.2 items
4–7, §11.2 rule 3), through the public API and a real bill job: each line converted and
rounded once, the total the sum of the rounded lines.

The organization converts EUR → USD at 1.1 and GBP → USD at 1.3. acme (USD) has a monthly
usage plan from 2026-01-01 (1.00 USD a request, arrears) and uses 150 requests in January.
Commitment 50.00 EUR for January–March, one fee of 50.00 EUR dated 02-01 (service January),
no surcharge. Balance "wallet" in GBP, 100.00 credited on 01-01.
"""

from __future__ import annotations

from decimal import Decimal

from tests.scenarios import (
    CREATE_BALANCE,
    CREATE_COMMITMENT,
    CREDIT,
    ERRORS,
    Story,
    band,
    lines,
    money,
    requests_catalog,
)

D = Decimal
JAN = "2026-01-01T00:00:00Z"


async def test_fee_commitment_and_balance_each_converted_once(tenant, bill_queue):
    """Bill 02-01:
    - USAGE 150 × 1.00 = 150.00 USD.
    - COMMITMENT_FEE 50.00 EUR × 1.1 = 55.00 USD (a fee is never eligible).
    - COMMITMENT_CONSUMED: 50 EUR are 55.00 USD; min(55.00, 150.00) = 55.00 → −50.00 EUR,
      converted −55.00.
    - BALANCE_CONSUMED: 100 GBP are 130.00 USD; the 95.00 left uncovered are drawn:
      95 / 1.3 = 73.0769… → −73.08 GBP (HALF_UP), converted −95.00 (73.08 × 1.3 = 95.004
      → 95.00).
    Total 150 + 55 − 55 − 95 = 55.00, the sum of the rounded converted lines."""
    story = Story(tenant)
    for code in ("EUR", "GBP"):
        await story.currency(code)
    await story.configure(
        currencyConversions=[
            {"from": "EUR", "to": "USD", "multiplier": "1.1"},
            {"from": "GBP", "to": "USD", "multiplier": "1.3"},
        ]
    )
    await story.product(requests_catalog())
    acme = await story.account("acme", [("usage-plan", JAN)])
    await story.ok(
        CREATE_COMMITMENT,
        {"input": {"accountId": acme, "currency": "EUR", "amount": "50", "startDate": "2026-01-01",
                   "endDate": "2026-04-01",
                   "feeDates": [{"date": "2026-02-01", "amount": "50", "servicePeriodStartDate": JAN,
                                 "servicePeriodEndDate": "2026-02-01T00:00:00Z"}]}},
        "createCommitment",
    )  # fmt: skip
    wallet = await story.ok(
        CREATE_BALANCE,
        {"input": {"accountId": acme, "code": "wallet", "name": "Wallet", "currency": "GBP", "startDate": JAN,
                   "endDate": "2100-01-01T00:00:00Z"}},
        "createBalance",
    )  # fmt: skip
    await story.ok(
        CREDIT, {"input": {"balanceId": wallet["balance"]["id"], "amount": "100", "appliedDate": JAN}},
        "createBalanceTransaction",
    )  # fmt: skip
    await story.ingest(
        [{"meter": "app", "account": "acme", "ts": "2026-01-10T00:00:00Z", "measure": {"requests": 150}}]
    )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    bill = await story.bill("acme", "2026-02-01")
    shown = [
        (
            x["lineItemType"],
            x["currency"],
            money(x["subtotal"]),
            money(x["conversionRate"]),
            money(x["convertedSubtotal"]),
        )
        for x in lines(bill)
    ]
    assert shown == [
        ("USAGE", "USD", D("150.00"), D("1"), D("150.00")),
        ("COMMITMENT_FEE", "EUR", D("50.00"), D("1.1"), D("55.00")),
        ("COMMITMENT_CONSUMED", "EUR", D("-50.00"), D("1.1"), D("-55.00")),
        ("BALANCE_CONSUMED", "GBP", D("-73.08"), D("1.3"), D("-95.00")),
    ]
    assert money(bill["billTotal"]) == D("55.00") == sum(row[-1] for row in shown)
