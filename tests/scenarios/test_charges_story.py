"""Ad hoc charges through the public API (SEMANTICS §9.4), billed by real bill jobs.

A USD account bills monthly on the 1st (a usage plan without usage, no standing charge),
`daysBeforeBillDue` 30, and the organization converts GBP → USD at 1.25.

- "Setup": units 10 × unitPrice 2.50 USD, billDate 2024-07-01. The account's MONTHLY bill
  of 07-01 carries it as one AD_HOC line: 10 × 2.50 = **25.00**, units 10, average unit
  price 2.50; the bill total is 25.00 and the charge's billId is that bill.
- "Training": amount 120.00 GBP, billDate 2024-07-15, a day without a plan bill. A job for
  that day makes an AD_HOC bill: period [07-14, 07-15), one AD_HOC line of subtotal 120.00
  GBP, converted 120 × 1.25 = **150.00** USD, due 07-15 + 30 days = **2024-08-14**.
- An account without plans is credited −20.00 USD on 07-15: its own AD_HOC bill of −20.00.
- amount 25 with units 10 is refused naming amount and units; nothing is stored.
- Once the 07-01 bill is approved and locked, the "Setup" charge cannot change.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, amounts, lines, money, requests_catalog

D = Decimal
JUNE = "2024-06-01T00:00:00Z"
CHARGE_FIELDS = "id version code amount units unitPrice billDate billId lineItemType entityType description"
CREATE = f"""mutation($input: CreateChargeInput!) {{ createCharge(input: $input) {{ charge {{ {CHARGE_FIELDS} }}
  {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateChargeInput!) {{ updateCharge(input: $input) {{ charge {{ {CHARGE_FIELDS} }}
  {ERRORS} }} }}"""
CHARGE = f"query($id: ID!) {{ charge(id: $id) {{ {CHARGE_FIELDS} }} }}"


def charge(account_id: str, code: str, bill_date: str, **figures: str) -> dict:
    return {
        "accountId": account_id,
        "code": code,
        "name": code.title(),
        "currency": "USD",
        "billDate": bill_date,
        "servicePeriodStartDate": f"{bill_date}T00:00:00Z",
        "servicePeriodEndDate": f"{bill_date}T00:00:00Z",
        **figures,
    }


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.currency("GBP")
    await story.configure(currencyConversions=[{"from": "GBP", "to": "USD", "multiplier": "1.25"}])
    await story.product(requests_catalog(JUNE))
    story.acme = await story.account("acme", [("usage-plan", JUNE)], daysBeforeBillDue=30)
    story.solo = await story.account("solo", daysBeforeBillDue=30)
    return story


async def create(story: Story, data: dict) -> dict:
    return (await story.ok(CREATE, {"input": data}, "createCharge"))["charge"]


async def test_units_times_unit_price_on_the_monthly_bill(story):
    setup = await create(story, charge(story.acme, "setup", "2024-07-01", units="10", unitPrice="2.5"))
    assert (setup["lineItemType"], setup["entityType"], setup["billId"]) == ("AD_HOC", "AD_HOC", None)
    await story.bill_run(lastDateInBillingPeriod="2024-06-30")
    bill = await story.bill("acme", "2024-07-01")
    assert bill["billingFrequency"] == "MONTHLY"
    assert amounts(bill) == [("AD_HOC", D("25.00"))]
    (line,) = lines(bill, "AD_HOC")
    assert (money(line["units"]), money(line["averageUnitPrice"]), line["description"]) == (D(10), D("2.5"), "Setup")
    assert money(bill["billTotal"]) == D("25.00")
    stored = data_of(await story.tenant.gql(CHARGE, {"id": setup["id"]}))["charge"]
    assert stored["billId"] == bill["id"]


async def test_a_day_without_a_bill_gets_an_ad_hoc_bill_in_the_bill_currency(story):
    await create(story, {**charge(story.acme, "training", "2024-07-15", amount="120"), "currency": "GBP"})
    await create(story, charge(story.solo, "goodwill", "2024-07-15", amount="-20"))
    job = await story.bill_run(billDate="2024-07-15")
    assert (job["total"], job["failed"]) == (2, 0)
    bill = await story.bill("acme", "2024-07-15")
    assert (bill["billingFrequency"], bill["startDate"], bill["endDate"], bill["dueDate"]) == (
        "AD_HOC",
        "2024-07-14",
        "2024-07-15",
        "2024-08-14",
    )
    (line,) = lines(bill)
    assert (line["lineItemType"], line["currency"], money(line["subtotal"])) == ("AD_HOC", "GBP", D("120.00"))
    assert (money(line["conversionRate"]), money(line["convertedSubtotal"])) == (D("1.25"), D("150.00"))
    assert money(bill["billTotal"]) == D("150.00")
    credit = await story.bill("solo", "2024-07-15")
    assert (credit["billingFrequency"], amounts(credit), money(credit["billTotal"])) == (
        "AD_HOC",
        [("AD_HOC", D("-20.00"))],
        D("-20.00"),
    )


async def test_amount_with_units_is_refused_naming_both(story):
    payload = data_of(
        await story.tenant.gql(CREATE, {"input": charge(story.acme, "both", "2024-07-01", amount="25", units="10")})
    )["createCharge"]
    assert payload["charge"] is None
    fields = {tuple(e["field"]) for e in payload["userErrors"]}
    assert {("input", "amount"), ("input", "units")} <= fields
    assert data_of(await story.tenant.gql("{ charges { totalCount } }"))["charges"]["totalCount"] == 0


async def test_a_change_shows_on_recalculation_and_a_locked_bill_refuses_changes(story):
    setup = await create(story, charge(story.acme, "setup", "2024-07-01", units="10", unitPrice="2.5"))
    await story.bill_run(lastDateInBillingPeriod="2024-06-30")
    bill = await story.bill("acme", "2024-07-01")
    changed = (await story.ok(UPDATE, {"input": {"id": setup["id"], "version": 1, "units": "4"}}, "updateCharge"))[
        "charge"
    ]
    assert changed["billId"] == bill["id"]
    await story.recalculate([bill["id"]])
    bill = await story.bill("acme", "2024-07-01")
    assert amounts(bill) == [("AD_HOC", D("10.00"))]  # 4 × 2.50
    await story.approve([bill["id"]])
    await story.lock(await story.bill("acme", "2024-07-01"))
    refused = data_of(await story.tenant.gql(UPDATE, {"input": {"id": setup["id"], "version": 2, "units": "5"}}))[
        "updateCharge"
    ]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "id"], "INVALID_STATE")]
    late = data_of(await story.tenant.gql(CREATE, {"input": charge(story.acme, "late", "2024-07-01", amount="5")}))
    assert [e["code"] for e in late["createCharge"]["userErrors"]] == ["INVALID_STATE"]
