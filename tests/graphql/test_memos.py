"""Memo reasons and memo lines through GraphQL (SEMANTICS §12.1): the picklists' CRUD and
archive, every refused memo input with its exact path and nothing written, and the events
the changes record (SEMANTICS §14.1)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from app.models.events import Event
from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, bill_queue, money  # noqa: F401 - bill_queue is a fixture
from tests.scenarios.memos import (
    CREATE_MEMO,
    UPDATE_MEMO,
    add_memo,
    bill_state,
    catalog,
    memo_input,
    reason,
    refused,
    requests,
)

CREATE_REASON = f"""mutation($input: CreateReasonInput!) {{ createCreditReason(input: $input) {{
  creditReason {{ id version code name archived }} {ERRORS} }} }}"""
UPDATE_REASON = f"""mutation($input: UpdateReasonInput!) {{ updateCreditReason(input: $input) {{
  creditReason {{ id version code name archived }} {ERRORS} }} }}"""
DELETE_REASON = f"""mutation($input: DeleteInput!) {{ deleteCreditReason(input: $input) {{ deletedId {ERRORS} }} }}"""
REASONS = "query($f: ReasonFilter) { creditReasons(filter: $f) { totalCount nodes { code archived } } }"


@pytest.fixture
async def story(tenant, bill_queue):  # noqa: F811 - the fixture imported above
    story = Story(tenant)
    await story.product(catalog())
    await story.account("acme", [("memo", "2026-01-01T00:00:00Z")])
    await story.ingest([requests(1200, "2026-01-15T00:00:00Z")])  # 120.00
    await story.bill_run(lastDateInBillingPeriod="2026-01-31")
    return story


async def test_reason_picklists_crud_archive_and_events(tenant):
    story = Story(tenant)
    made = (await story.ok(CREATE_REASON, {"input": {"code": "outage", "name": "Outage"}}, "createCreditReason"))[
        "creditReason"
    ]
    assert (made["version"], made["archived"]) == (1, False)
    duplicate = {"code": "outage", "name": "Again"}
    assert await refused(story, CREATE_REASON, duplicate, "createCreditReason") == [(["input", "code"], "DUPLICATE")]
    bad = {"code": " x", "name": ""}
    assert await refused(story, CREATE_REASON, bad, "createCreditReason") == [
        (["input", "name"], "INVALID"),
        (["input", "code"], "INVALID"),
    ]
    archived = (
        await story.ok(
            UPDATE_REASON, {"input": {"id": made["id"], "version": 1, "archived": True}}, "updateCreditReason"
        )
    )["creditReason"]
    assert (archived["version"], archived["archived"]) == (2, True)
    stale = {"id": made["id"], "version": 1, "name": "x"}
    assert await refused(story, UPDATE_REASON, stale, "updateCreditReason") == [(["input", "version"], "CONFLICT")]
    listed = data_of(await tenant.gql(REASONS, {"f": {"archived": False}}))["creditReasons"]
    assert listed == {"totalCount": 0, "nodes": []}
    # A debit reason may share the code: the lists are separate.
    await reason(story, "Debit", "outage", "Outage")
    await story.ok(DELETE_REASON, {"input": {"id": made["id"], "version": 2}}, "deleteCreditReason")
    types = (
        await Event.filter(organization_id=tenant.organization_id, entity_id=uuid.UUID(made["id"]))
        .order_by("sequence")
        .values_list("type", flat=True)
    )
    assert types == [
        "configuration.creditreason.created",
        "configuration.creditreason.updated",
        "configuration.creditreason.deleted",
    ]


async def test_every_bad_memo_input_is_refused_at_its_path_and_writes_nothing(story):
    """Each input below is refused whole; the bill stays at 120.00 with one line and its version."""
    bill = await story.bill("acme", "2026-02-01")
    usage_id = (await bill_state(story, bill["id"]))["lineItems"]["nodes"][0]["id"]
    credit, debit = await reason(story, "Credit", "outage", "Outage"), await reason(story, "Debit", "onb", "Onb")
    archived = await reason(story, "Credit", "old", "Old")
    await story.ok(UPDATE_REASON, {"input": {"id": archived, "version": 1, "archived": True}}, "updateCreditReason")
    memo = await add_memo(story, bill_id=bill["id"], line_type="DEBIT_MEMO", amount="1", reason_id=debit)
    before = await bill_state(story, bill["id"])
    unknown = str(uuid.uuid4())
    cases = [
        (memo_input(bill["id"], "CREDIT_MEMO", "0", credit), [(["input", "amount"], "INVALID")]),
        (memo_input(bill["id"], "CREDIT_MEMO", "-5", credit), [(["input", "amount"], "INVALID")]),
        (memo_input(bill["id"], "DEBIT_MEMO", "1.001", debit), [(["input", "amount"], "INVALID")]),
        (memo_input(bill["id"], "USAGE", "1", debit), [(["input", "lineItemType"], "INVALID")]),
        (memo_input(bill["id"], "CREDIT_MEMO", "1", debit), [(["input", "reasonId"], "NOT_FOUND")]),
        (memo_input(bill["id"], "CREDIT_MEMO", "1", archived), [(["input", "reasonId"], "INVALID")]),
        (memo_input(bill["id"], "CREDIT_MEMO", "1", "nope"), [(["input", "reasonId"], "NOT_FOUND")]),
        (memo_input(unknown, "CREDIT_MEMO", "1", credit), [(["input", "billId"], "NOT_FOUND")]),
        (memo_input("nope", "CREDIT_MEMO", "1", credit), [(["input", "billId"], "NOT_FOUND")]),
        (memo_input(bill["id"], "DEBIT_MEMO", "1", debit, description=""), [(["input", "description"], "INVALID")]),
        (
            memo_input(bill["id"], "DEBIT_MEMO", "1", debit, description="x" * 201),
            [(["input", "description"], "INVALID")],
        ),
        (
            memo_input(bill["id"], "DEBIT_MEMO", "1", debit, servicePeriodEndDate="2025-12-31T00:00:00Z"),
            [(["input", "servicePeriodEndDate"], "INVALID")],
        ),
        (  # -infinity as stored by the driver, read back without its offset (app.domain.date_range)
            memo_input(bill["id"], "DEBIT_MEMO", "1", debit, servicePeriodStartDate="0001-01-01T00:00:00Z"),
            [(["input", "servicePeriodStartDate"], "INVALID")],
        ),
        (memo_input(bill["id"], "DEBIT_MEMO", "1", debit, productId=unknown), [(["input", "productId"], "NOT_FOUND")]),
        (
            memo_input(bill["id"], "DEBIT_MEMO", "1", debit, referencedBillId=bill["id"]),
            [(["input", "referencedLineItemId"], "REQUIRED")],
        ),
        (
            memo_input(bill["id"], "DEBIT_MEMO", "1", debit, referencedLineItemId=usage_id),
            [(["input", "referencedBillId"], "REQUIRED")],
        ),
        (
            memo_input(bill["id"], "DEBIT_MEMO", "1", debit, referencedBillId=bill["id"], referencedLineItemId=unknown),
            [(["input", "referencedLineItemId"], "NOT_FOUND")],
        ),
        (
            memo_input(
                bill["id"], "CREDIT_MEMO", "1", credit, referencedBillId=bill["id"], referencedLineItemId=memo["id"]
            ),
            [(["input", "referencedLineItemId"], "INVALID")],
        ),
        (
            memo_input(
                bill["id"], "CREDIT_MEMO", "120.01", credit, referencedBillId=bill["id"], referencedLineItemId=usage_id
            ),
            [(["input", "amount"], "INVALID")],
        ),
    ]
    for memo_fields, errors in cases:
        assert await refused(story, CREATE_MEMO, memo_fields, "createBillLineItem") == errors, memo_fields
    for change, errors in (
        ({"amount": None}, [(["input", "amount"], "REQUIRED")]),
        ({"reasonId": credit}, [(["input", "reasonId"], "NOT_FOUND")]),  # a debit memo names a debit reason
        (
            {"description": None, "amount": "0"},
            [(["input", "description"], "REQUIRED"), (["input", "amount"], "INVALID")],
        ),
    ):
        update = {"id": memo["id"], "version": memo["version"], **change}
        assert await refused(story, UPDATE_MEMO, update, "updateBillLineItem") == errors, change
    after = await bill_state(story, bill["id"])
    assert (after["version"], money(after["billTotal"]), len(after["lineItems"]["nodes"])) == (
        before["version"],
        Decimal("121.00"),
        2,
    )
    # The bill's events: the memo's change of the bill, nothing for the refusals.
    updates = await Event.filter(
        organization_id=story.tenant.organization_id, entity_id=uuid.UUID(bill["id"]), type="billing.bill.updated"
    ).count()
    assert updates == 1
