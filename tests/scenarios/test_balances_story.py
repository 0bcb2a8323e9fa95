"""Balances told through the public API (SEMANTICS §11): drawn after a commitment across
monthly bills, topped up mid-period, and expiring with a rollover.

Every story: one account on a monthly plan, usage at 1.00 a request, no standing charge,
bills in arrears on the 1st (a real arq worker runs every bill job).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import CREATE_BALANCE, CREDIT, ERRORS, Story, amounts, band, money, requests_catalog

D = Decimal
JAN = "2026-01-01T00:00:00Z"
BALANCE = """query($id: ID!) { balance(id: $id) { amount transactionSummary { totalCreditAmount totalDebitAmount
  initialCreditAmount expiredBalanceAmount rolloverConsumed balanceConsumed rolloverExpiredAmount } } }"""


async def start(tenant) -> tuple[Story, str]:
    story = Story(tenant)
    await story.product(requests_catalog())
    return story, await story.account("acme", [("usage-plan", JAN)])


async def balance(story: Story, account_id: str, **fields) -> str:
    data = {"accountId": account_id, "code": "wallet", "name": "Wallet", "currency": "USD", "startDate": JAN}
    payload = await story.ok(CREATE_BALANCE, {"input": {**data, **fields}}, "createBalance")
    return payload["balance"]["id"]


async def credit(story: Story, balance_id: str, amount: str, applied: str) -> None:
    await story.ok(
        CREDIT,
        {"input": {"balanceId": balance_id, "amount": amount, "appliedDate": applied}},
        "createBalanceTransaction",
    )


async def usage(story: Story, *monthly: tuple[str, int]) -> None:
    await story.ingest([{"meter": "app", "account": "acme", "ts": ts, "measure": {"requests": n}} for ts, n in monthly])


async def read(story: Story, balance_id: str) -> dict:
    return data_of(await story.tenant.gql(BALANCE, {"id": balance_id}))["balance"]


def summary(found: dict) -> dict[str, Decimal]:
    return {k: money(v) for k, v in found["transactionSummary"].items()}


def invariant_holds(found: dict) -> bool:
    s = summary(found)
    rest = s["totalDebitAmount"] + s["expiredBalanceAmount"] + s["rolloverExpiredAmount"] + money(found["amount"])
    return s["totalCreditAmount"] == rest


async def test_a_balance_drawn_across_two_monthly_bills_after_a_commitment(tenant, bill_queue):
    """Commitment 100 (prepaid, no fees) for January–March; balance 150 credited 01-01 for
    the first half-year, 10 % surcharge; order [PREPAYMENT, BALANCE] (the default).

    - 02-01 (January, 80): the commitment draws 80 (20 left), the balance nothing: 0.00.
    - 03-01 (February, 120): the commitment draws 20, the balance 100 (50 left): 0.00.
    - 04-01 (March, 60): the commitment has nothing left, the balance draws 50; 10 stay
      uncovered and the balance, the last exhausted source, surcharges 10 % = 1.00:
      60 − 50 + 1 = 11.00.
    The balance then has 0: 150 credited = 150 drawn."""
    story, account_id = await start(tenant)
    await story.ok(
        f"""mutation($input: CreateCommitmentInput!) {{ createCommitment(input: $input) {{ commitment {{ id }}
          {ERRORS} }} }}""",
        {"input": {"accountId": account_id, "currency": "USD", "amount": "100", "amountPrePaid": "100",
                   "startDate": "2026-01-01", "endDate": "2026-04-01"}},
        "createCommitment",
    )  # fmt: skip
    wallet = await balance(story, account_id, endDate="2026-07-01T00:00:00Z", overageSurchargePercent="10")
    await credit(story, wallet, "150", JAN)
    await usage(story, ("2026-01-10T00:00:00Z", 80), ("2026-02-10T00:00:00Z", 120), ("2026-03-10T00:00:00Z", 60))
    for last in ("2026-01-31", "2026-02-28", "2026-03-31"):
        await story.bill_run(lastDateInBillingPeriod=last)

    feb, mar, apr = [await story.bill("acme", d) for d in ("2026-02-01", "2026-03-01", "2026-04-01")]
    assert amounts(feb) == [("USAGE", D("80.00")), ("COMMITMENT_CONSUMED", D("-80.00"))]
    assert amounts(mar) == [
        ("USAGE", D("120.00")),
        ("COMMITMENT_CONSUMED", D("-20.00")),
        ("BALANCE_CONSUMED", D("-100.00")),
    ]
    assert amounts(apr) == [("USAGE", D("60.00")), ("BALANCE_CONSUMED", D("-50.00")), ("OVERAGE_SURCHARGE", D("1.00"))]
    assert [money(b["billTotal"]) for b in (feb, mar, apr)] == [D("0.00"), D("0.00"), D("11.00")]
    found = await read(story, wallet)
    assert (money(found["amount"]), summary(found)["balanceConsumed"]) == (D("0"), D("150"))
    assert invariant_holds(found)


async def test_a_top_up_mid_period(tenant, bill_queue):
    """Balance 50 credited 01-01; January uses 80, so 02-01 draws 50 and bills 30. A top-up
    of 100 applied 02-15 is not the 02-01 bill's (rule 4: credits applied by its bill date),
    even when that bill is recalculated: it still draws 50. February uses 70: 03-01 has
    50 + 100 − 50 = 100 available and draws 70: 0.00. 30 are left."""
    story, account_id = await start(tenant)
    wallet = await balance(story, account_id, endDate="2100-01-01T00:00:00Z")  # open while the test runs
    await credit(story, wallet, "50", JAN)
    await usage(story, ("2026-01-10T00:00:00Z", 80))
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    feb = await story.bill("acme", "2026-02-01")
    assert (amounts(feb)[-1], money(feb["billTotal"])) == (("BALANCE_CONSUMED", D("-50.00")), D("30.00"))

    await credit(story, wallet, "100", "2026-02-15T00:00:00Z")
    assert money((await read(story, wallet))["amount"]) == D("100")
    await story.recalculate([feb["id"]])
    assert amounts(await story.bill("acme", "2026-02-01"))[-1] == ("BALANCE_CONSUMED", D("-50.00"))

    await usage(story, ("2026-02-10T00:00:00Z", 70))
    await story.bill_run(lastDateInBillingPeriod="2026-02-28")
    mar = await story.bill("acme", "2026-03-01")
    assert (amounts(mar), money(mar["billTotal"])) == (
        [("USAGE", D("70.00")), ("BALANCE_CONSUMED", D("-70.00"))],
        D("0.00"),
    )
    found = await read(story, wallet)
    assert (money(found["amount"]), summary(found)["totalCreditAmount"], summary(found)["initialCreditAmount"]) == (
        D("30"),
        D("150"),
        D("50"),
    )
    assert invariant_holds(found)


async def test_expiry_with_rollover(tenant, bill_queue):
    """Balance 200 credited 01-01 for [01-01, 03-01), rolling at most 30 over until 04-01.

    - 02-01 (January, 100) and 03-01 (February, 60) draw from the window: 160.
    - At 03-01 R = 200 − 160 = 40: 30 roll over, 10 expire.
    - 04-01 (March, 20: service from 03-01, in the rollover window) draws 20 of the 30.
    - 05-01 (April, 25: service from 04-01, after the rollover) draws nothing: 25.00.
    - The 10 left of the rollover expired at 04-01.
    Summary: 200 = (160 + 20) + 10 + 10 + 0."""
    story, account_id = await start(tenant)
    wallet = await balance(
        story, account_id, endDate="2026-03-01T00:00:00Z", rolloverEndDate="2026-04-01T00:00:00Z",
        rolloverAmount="30",
    )  # fmt: skip
    await credit(story, wallet, "200", JAN)
    await usage(
        story,
        ("2026-01-10T00:00:00Z", 100),
        ("2026-02-10T00:00:00Z", 60),
        ("2026-03-10T00:00:00Z", 20),
        ("2026-04-10T00:00:00Z", 25),
    )
    for last in ("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"):
        await story.bill_run(lastDateInBillingPeriod=last)
    drawn = [amounts(await story.bill("acme", d))[1:] for d in ("2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01")]
    assert drawn == [
        [("BALANCE_CONSUMED", D("-100.00"))],
        [("BALANCE_CONSUMED", D("-60.00"))],
        [("BALANCE_CONSUMED", D("-20.00"))],
        [],
    ]
    found = await read(story, wallet)
    assert summary(found) == {
        "totalCreditAmount": D("200"),
        "totalDebitAmount": D("180"),
        "initialCreditAmount": D("200"),
        "expiredBalanceAmount": D("10"),
        "rolloverConsumed": D("20"),
        "balanceConsumed": D("160"),
        "rolloverExpiredAmount": D("10"),
    }
    assert money(found["amount"]) == D("0")
    assert invariant_holds(found)


async def test_an_ad_hoc_charge_alone_on_its_day_draws_on_the_balance(tenant, bill_queue):
    """Balance 100 credited 01-01. An ad hoc charge of 40 (service 01-10) billed 01-15, a day
    without a plan bill: its AD_HOC bill draws 40 (AD_HOC lines may draw on balances):
    0.00. January's usage of 80 on 02-01 then finds 60 left: 80 − 60 = 20.00."""
    story, account_id = await start(tenant)
    wallet = await balance(story, account_id, endDate="2100-01-01T00:00:00Z")
    await credit(story, wallet, "100", JAN)
    await story.ok(
        f"""mutation($input: CreateChargeInput!) {{ createCharge(input: $input) {{ charge {{ id }} {ERRORS} }} }}""",
        {"input": {"accountId": account_id, "code": "setup", "name": "Setup", "currency": "USD", "amount": "40",
                   "billDate": "2026-01-15", "servicePeriodStartDate": "2026-01-10T00:00:00Z",
                   "servicePeriodEndDate": "2026-01-11T00:00:00Z"}},
        "createCharge",
    )  # fmt: skip
    await story.bill_run(billDate="2026-01-15")
    ad_hoc = await story.bill("acme", "2026-01-15")
    assert (ad_hoc["billingFrequency"], amounts(ad_hoc), money(ad_hoc["billTotal"])) == (
        "AD_HOC",
        [("AD_HOC", D("40.00")), ("BALANCE_CONSUMED", D("-40.00"))],
        D("0.00"),
    )
    await usage(story, ("2026-01-20T00:00:00Z", 80))
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    feb = await story.bill("acme", "2026-02-01")
    assert (amounts(feb)[-1], money(feb["billTotal"])) == (("BALANCE_CONSUMED", D("-60.00")), D("20.00"))
    assert money((await read(story, wallet))["amount"]) == D("0")
