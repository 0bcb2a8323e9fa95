"""A charge on a bill that also draws on a commitment and a balance (SEMANTICS §9.2 rule 2,
§7.2 item 5, §11.2 rules 1, 2 and 5), through the public API and real bill jobs.

acme (USD) has a monthly usage plan from 2026-01-01 (1.00 a request, no standing charge,
arrears), a prepaid commitment of 100.00 for January–March (no fees, 10 % surcharge),
and a balance "wallet" credited 40.00 on 01-01 (20 % surcharge). January uses 120
requests; an ad hoc charge of 50.00 (service 01-15) is billed 02-01, on the monthly bill.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scenarios import (
    CREATE_BALANCE,
    CREATE_COMMITMENT,
    CREDIT,
    ERRORS,
    Story,
    amounts,
    band,
    lines,
    money,
    requests_catalog,
)

D = Decimal
JAN = "2026-01-01T00:00:00Z"
CHARGE = f"""mutation($input: CreateChargeInput!) {{ createCharge(input: $input) {{ charge {{ id }} {ERRORS} }} }}"""
UPDATE_ACCOUNT = f"""mutation($input: UpdateAccountInput!) {{ updateAccount(input: $input) {{ account {{ id }}
  {ERRORS} }} }}"""


async def setup(tenant, *, charge: str = "50", order: list[str] | None = None) -> tuple[Story, str]:
    story = Story(tenant)
    await story.product(requests_catalog())
    account_id = await story.account("acme", [("usage-plan", JAN)])
    if order is not None:
        await story.ok(
            UPDATE_ACCOUNT,
            {"input": {"id": account_id, "version": 1, "creditApplicationOrder": order}},
            "updateAccount",
        )
    await story.ok(
        CREATE_COMMITMENT,
        {"input": {"accountId": account_id, "currency": "USD", "amount": "100", "amountPrePaid": "100",
                   "startDate": "2026-01-01", "endDate": "2026-04-01", "overageSurchargePercent": "10"}},
        "createCommitment",
    )  # fmt: skip
    wallet = await story.ok(
        CREATE_BALANCE,
        {"input": {"accountId": account_id, "code": "wallet", "name": "Wallet", "currency": "USD", "startDate": JAN,
                   "endDate": "2100-01-01T00:00:00Z", "overageSurchargePercent": "20"}},
        "createBalance",
    )  # fmt: skip
    await story.ok(
        CREDIT,
        {"input": {"balanceId": wallet["balance"]["id"], "amount": "40", "appliedDate": JAN}},
        "createBalanceTransaction",
    )
    await story.ok(
        CHARGE,
        {"input": {"accountId": account_id, "code": "setup", "name": "Setup", "currency": "USD", "amount": charge,
                   "billDate": "2026-02-01", "servicePeriodStartDate": "2026-01-15T00:00:00Z",
                   "servicePeriodEndDate": "2026-01-16T00:00:00Z"}},
        "createCharge",
    )  # fmt: skip
    await story.ingest(
        [{"meter": "app", "account": "acme", "ts": "2026-01-10T00:00:00Z", "measure": {"requests": 120}}]
    )
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    return story, account_id


async def test_the_commitment_skips_the_charge_and_the_balance_surcharges_what_is_left_once(tenant, bill_queue):
    """Order [PREPAYMENT, BALANCE] (the default).
    - The commitment draws on USAGE only (AD_HOC never draws on commitments): min(100, 120) = 100;
      20 of the usage stays uncovered.
    - The balance covers lines in bill order: the usage's 20 first, then 20 of the charge's 50:
      −40 (min(40, 20 + 50)); 30 of the charge stays uncovered.
    - Overage, counted once: the usage's 20 was covered after all (no commitment surcharge);
      the charge's 30 belongs to the balance, the last exhausted source it was eligible for:
      30 × 20 % = 6.00.
    Total 120 + 50 − 100 − 40 + 6 = 36.00."""
    story, _ = await setup(tenant)
    bill = await story.bill("acme", "2026-02-01")
    assert amounts(bill) == [
        ("USAGE", D("120.00")),
        ("AD_HOC", D("50.00")),
        ("COMMITMENT_CONSUMED", D("-100.00")),
        ("BALANCE_CONSUMED", D("-40.00")),
        ("OVERAGE_SURCHARGE", D("6.00")),
    ]
    assert money(bill["billTotal"]) == D("36.00") == sum(x for _, x in amounts(bill))


async def test_balance_first_then_the_commitment_owns_the_usage_overage(tenant, bill_queue):
    """Order [BALANCE, PREPAYMENT]: the balance covers the usage first: −40 (80 of the usage
    and all 50 of the charge left). The commitment then draws min(100, 80) = 80 of the usage.
    The charge's 50 was eligible only for the balance, exhausted: 50 × 20 % = 10.00. No
    commitment overage (it covered all it was offered). 120 + 50 − 40 − 80 + 10 = 60.00."""
    story, _ = await setup(tenant, order=["BALANCE", "PREPAYMENT"])
    bill = await story.bill("acme", "2026-02-01")
    assert amounts(bill) == [
        ("USAGE", D("120.00")),
        ("AD_HOC", D("50.00")),
        ("COMMITMENT_CONSUMED", D("-80.00")),
        ("BALANCE_CONSUMED", D("-40.00")),
        ("OVERAGE_SURCHARGE", D("10.00")),
    ]
    assert money(bill["billTotal"]) == D("60.00")


async def test_a_negative_charge_is_never_eligible(tenant, bill_queue):
    """A charge of −50.00 is an ad hoc credit (§9.3): never balance-eligible. The commitment
    draws 100 of the usage, the balance the other 20 (it is not netted with the credit):
    120 − 50 − 100 − 20 = −50.00; nothing is uncovered, so no surcharge."""
    story, _ = await setup(tenant, charge="-50")
    bill = await story.bill("acme", "2026-02-01")
    assert amounts(bill) == [
        ("USAGE", D("120.00")),
        ("AD_HOC", D("-50.00")),
        ("COMMITMENT_CONSUMED", D("-100.00")),
        ("BALANCE_CONSUMED", D("-20.00")),
    ]
    assert money(bill["billTotal"]) == D("-50.00")
