"""Deleting the account plan that attached a plan group, once bills carry its members'
lines (SEMANTICS §1: deleteAccountPlan is refused while bills carry its lines; §10.2 rule 2).

Group "basic" has neither a minimum spend nor a standing charge, so its bills carry only
member lines: each names a member account plan derived from the attachment and the linked
plan, never the attachment itself. The delete looked only for lines naming the
attachment, so it went through and left bills whose lines no attachment explains (a
recalculation would then drop them). Parent "hq" attaches the group with childBillingMode
CHILD, so its child "branch" gets a bill of its own with member lines too: both bills
hold the attachment."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import data_of
from tests.scenarios import Story, amounts, band
from tests.scenarios.test_plan_groups_story import ATTACH, ERRORS, group, product

D = Decimal
DELETE = f"mutation($input: DeleteInput!) {{ deleteAccountPlan(input: $input) {{ deletedId {ERRORS} }} }}"


async def test_an_attachment_whose_members_were_billed_cannot_be_deleted(tenant, bill_queue):
    story = Story(tenant)
    await story.product(product("login", "logins", [band("0", "0.10")], ["team-login"]))
    group_id = await group(story, "basic", ["team-login"])
    hq = await story.account("hq")
    await story.account("branch", parentAccountId=hq)
    attach = {
        "accountId": hq,
        "planGroupId": group_id,
        "startDate": "2024-03-01T00:00:00Z",
        "childBillingMode": "CHILD",
    }
    attachment = (await story.ok(ATTACH, {"input": attach}, "createAccountPlan"))["accountPlan"]
    await story.ingest(
        [
            {"meter": "login", "account": "hq", "ts": "2024-03-10T00:00:00Z", "measure": {"logins": 100}},
            {"meter": "login", "account": "branch", "ts": "2024-03-10T00:00:00Z", "measure": {"logins": 300}},
        ]
    )
    await story.bill_run(lastDateInBillingPeriod="2024-03-31")
    parent, branch = await story.bill("hq", "2024-04-01"), await story.bill("branch", "2024-04-01")
    assert (amounts(parent), amounts(branch)) == ([("USAGE", D("10.00"))], [("USAGE", D("30.00"))])

    refused = data_of(await tenant.gql(DELETE, {"input": {"id": attachment["id"], "version": 1}}))["deleteAccountPlan"]
    assert refused["deletedId"] is None
    [error] = refused["userErrors"]
    assert (error["field"], error["code"]) == (["input", "id"], "IN_USE")
    assert parent["id"] in error["message"] and branch["id"] in error["message"]
