"""Stories of memo lines (SEMANTICS §12.1): credits and debits on PENDING bills, the credit
cap, recalculation keeping them, stable line ids, and a locked bill corrected on the next
bill."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scenarios import Story, money
from tests.scenarios.memos import (
    CREATE_MEMO,
    DELETE_MEMO,
    SET_PENDING,
    UPDATE_MEMO,
    add_memo,
    bill_state,
    catalog,
    memo_input,
    reason,
    refused,
    requests,
)

JAN_BILL, FEB_BILL = "2026-02-01", "2026-03-01"


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(catalog())
    await story.account("acme", [("memo", "2026-01-01T00:00:00Z")])
    # 1,200 requests × 0.10 = 120.00: 1,000 in the first band and 200 in the second.
    await story.ingest([requests(1200, "2026-01-15T00:00:00Z")])
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    return story


async def test_memos_count_in_the_total_and_survive_recalculation_with_stable_ids(story):
    """USAGE 120.00; CREDIT_MEMO 20.00 on it → −20.00; DEBIT_MEMO 15.00 → +15.00:
    120 − 20 + 15 = 115.00. A credit of 101.00 on the usage line is over its cap
    120 − 20 = 100 and refused; 100.00 would fit. 100 late requests → USAGE 130.00, memos
    kept: 130 − 20 + 15 = 125.00, the usage line keeps its id."""
    bill = await story.bill("acme", JAN_BILL)
    [usage] = bill["lineItems"]["nodes"]
    usage_id = (await bill_state(story, bill["id"]))["lineItems"]["nodes"][0]["id"]
    outage, onboarding = (
        await reason(story, "Credit", "outage", "Outage"),
        await reason(story, "Debit", "onb", "Onboarding"),
    )
    credit = await add_memo(
        story,
        bill_id=bill["id"],
        line_type="CREDIT_MEMO",
        amount="20.00",
        reason_id=outage,
        referencedBillId=bill["id"],
        referencedLineItemId=usage_id,
    )
    debit = await add_memo(story, bill_id=bill["id"], line_type="DEBIT_MEMO", amount="15", reason_id=onboarding)
    assert (money(credit["convertedSubtotal"]), money(debit["convertedSubtotal"])) == (Decimal("-20.00"), Decimal("15"))
    assert (credit["position"], debit["position"], credit["conversionRate"]) == (1, 2, "1")
    state = await bill_state(story, bill["id"])
    assert (money(state["billTotal"]), state["version"]) == (Decimal("115.00"), bill["version"] + 2)

    over = memo_input(
        bill["id"], "CREDIT_MEMO", "101.00", outage, referencedBillId=bill["id"], referencedLineItemId=usage_id
    )
    assert await refused(story, CREATE_MEMO, over, "createBillLineItem") == [(["input", "amount"], "INVALID")]
    assert money((await bill_state(story, bill["id"]))["billTotal"]) == Decimal("115.00")  # nothing written

    await story.ingest([requests(100, "2026-01-20T00:00:00Z")])
    await story.recalculate([bill["id"]])
    again = await bill_state(story, bill["id"])
    assert money(again["billTotal"]) == Decimal("125.00")
    assert [
        (li["id"], li["lineItemType"], money(li["convertedSubtotal"]), li["position"])
        for li in again["lineItems"]["nodes"]
    ] == [
        (usage_id, "USAGE", Decimal("130.00"), 0),
        (credit["id"], "CREDIT_MEMO", Decimal("-20.00"), 1),
        (debit["id"], "DEBIT_MEMO", Decimal("15.00"), 2),
    ]
    assert usage["lineItemType"] == "USAGE"


async def test_memo_update_delete_and_cap_counting_other_credits(story):
    """Credits of 60.00 and 40.00 fill the 120.00 usage line's cap (120 − 60 − 40 = 20 left for
    either, counting itself out on update: 60 may grow to 80.00, not 80.01). Deleting the 40.00
    credit gives 120 − 80 = 40.00."""
    bill = await story.bill("acme", JAN_BILL)
    usage_id = (await bill_state(story, bill["id"]))["lineItems"]["nodes"][0]["id"]
    outage = await reason(story, "Credit", "outage", "Outage")
    ref = {"referencedBillId": bill["id"], "referencedLineItemId": usage_id}
    first = await add_memo(story, bill_id=bill["id"], line_type="CREDIT_MEMO", amount="60", reason_id=outage, **ref)
    second = await add_memo(story, bill_id=bill["id"], line_type="CREDIT_MEMO", amount="40", reason_id=outage, **ref)
    too_much = {"id": first["id"], "version": first["version"], "amount": "80.01"}
    assert await refused(story, UPDATE_MEMO, too_much, "updateBillLineItem") == [(["input", "amount"], "INVALID")]
    grown = (await story.ok(UPDATE_MEMO, {"input": {**too_much, "amount": "80"}}, "updateBillLineItem"))["lineItem"]
    assert (money(grown["convertedSubtotal"]), grown["version"]) == (Decimal("-80.00"), 2)
    stale = {"id": first["id"], "version": 1, "amount": "1"}
    assert await refused(story, UPDATE_MEMO, stale, "updateBillLineItem") == [(["input", "version"], "CONFLICT")]
    await story.ok(DELETE_MEMO, {"input": {"id": second["id"], "version": 1}}, "deleteBillLineItem")
    state = await bill_state(story, bill["id"])
    assert money(state["billTotal"]) == Decimal("40.00")
    assert [(li["lineItemType"], li["position"]) for li in state["lineItems"]["nodes"]] == [
        ("USAGE", 0),
        ("CREDIT_MEMO", 1),
    ]
    calculated = {"id": usage_id, "version": 1}
    assert await refused(story, DELETE_MEMO, calculated, "deleteBillLineItem") == [(["input", "id"], "INVALID_STATE")]


async def test_a_locked_bill_is_corrected_on_the_next_bill(story):
    """January (120.00) is approved and locked: a memo on it is refused. February's bill
    (50 requests = 5.00) carries a 30.00 credit referencing January's usage line:
    5 − 30 = −25.00 (a total may go negative); January stays 120.00."""
    jan = await story.bill("acme", JAN_BILL)
    usage_id = (await bill_state(story, jan["id"]))["lineItems"]["nodes"][0]["id"]
    outage = await reason(story, "Credit", "outage", "Outage")
    [approved] = await story.approve([jan["id"]])
    on_approved = memo_input(jan["id"], "DEBIT_MEMO", "1", outage)
    assert await refused(story, CREATE_MEMO, on_approved, "createBillLineItem") == [
        (["input", "billId"], "INVALID_STATE")
    ]
    await story.lock(approved)
    locked = memo_input(jan["id"], "CREDIT_MEMO", "1", outage)
    assert await refused(story, CREATE_MEMO, locked, "createBillLineItem") == [(["input", "billId"], "INVALID_STATE")]
    pending = {"id": jan["id"], "version": approved["version"] + 1}
    assert await refused(story, SET_PENDING, pending, "setBillPending") == [(["input", "id"], "INVALID_STATE")]

    await story.ingest([requests(50, "2026-02-10T00:00:00Z")])
    await story.bill_run(lastDateInBillingPeriod="2026-02-28")
    feb = await story.bill("acme", FEB_BILL)
    correction = await add_memo(
        story,
        bill_id=feb["id"],
        line_type="CREDIT_MEMO",
        amount="30.00",
        reason_id=outage,
        referencedBillId=jan["id"],
        referencedLineItemId=usage_id,
    )
    assert (correction["referencedBillId"], correction["referencedLineItemId"]) == (jan["id"], usage_id)
    assert money((await bill_state(story, feb["id"]))["billTotal"]) == Decimal("-25.00")
    assert money((await bill_state(story, jan["id"]))["billTotal"]) == Decimal("120.00")
    # A later bill is no reference for an earlier one.
    feb_usage = (await bill_state(story, feb["id"]))["lineItems"]["nodes"][0]["id"]
    backwards = memo_input(
        jan["id"], "CREDIT_MEMO", "1", outage, referencedBillId=feb["id"], referencedLineItemId=feb_usage
    )
    assert await refused(story, CREATE_MEMO, backwards, "createBillLineItem") == [
        (["input", "billId"], "INVALID_STATE")
    ]


async def test_set_back_to_pending_then_a_memo(story):
    """An APPROVED bill is set back to PENDING by a person, then takes a memo: 120 + 5 = 125.00."""
    bill = await story.bill("acme", JAN_BILL)
    [approved] = await story.approve([bill["id"]])
    onboarding = await reason(story, "Debit", "onb", "Onboarding")
    back = (
        await story.ok(SET_PENDING, {"input": {"id": bill["id"], "version": approved["version"]}}, "setBillPending")
    )["bill"]
    assert (back["status"], back["version"]) == ("PENDING", approved["version"] + 1)
    await add_memo(story, bill_id=bill["id"], line_type="DEBIT_MEMO", amount="5", reason_id=onboarding)
    assert money((await bill_state(story, bill["id"]))["billTotal"]) == Decimal("125.00")
