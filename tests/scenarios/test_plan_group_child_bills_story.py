"""A child billed in CHILD mode under its parent's plan group (SEMANTICS §10.2 rules 2, 4–5,
§7.3), through the public API and a real bill job.

Parent "hq" attaches group "pro" (Team Login at 0.10 per login, minimumSpend 50.00,
standingCharge 20.00, both in arrears) from 2024-03-01 with childBillingMode CHILD; its
child "branch" has no plan of its own, so it gets a bill of its own under the group's
member plan (March, bill dated 04-01).

- branch: 300 logins × 0.10 = **30.00**, one USAGE line carrying the member plan's planId
  and the group's planGroupId (a member line, §10.2 rule 2); no group lines: the group's
  standing charge and minimum belong to the account plan that attached it, the parent's,
  exactly as a plan's own standing charge and minimums stay on the parent's bill in CHILD
  mode (§7.3 decision), so the group is charged once per period, not once per child.
- hq: 100 logins × 0.10 = 10.00; G = 10.00 (the parent's bill only: no bill depends on
  another account's recalculation); group MINIMUM_SPEND 50 − 10 = 40.00; group
  STANDING_CHARGE 20.00; total **70.00**.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import data_of
from tests.scenarios import Story, amounts, band
from tests.scenarios.test_plan_groups_story import ATTACH, GROUP_LINES, group, plan_id, product

D = Decimal


async def test_a_child_bill_under_the_parents_group_has_member_lines_and_no_group_lines(tenant, bill_queue):
    story = Story(tenant)
    await story.product(product("login", "logins", [band("0", "0.10")], ["team-login"]))
    group_id = await group(
        story,
        "pro",
        ["team-login"],
        minimumSpend="50",
        standingCharge="20",
        minimumSpendBillInAdvance=False,
        standingChargeBillInAdvance=False,
    )
    hq = await story.account("hq")
    await story.account("branch", parentAccountId=hq)
    attach = {
        "accountId": hq,
        "planGroupId": group_id,
        "startDate": "2024-03-01T00:00:00Z",
        "childBillingMode": "CHILD",
    }
    await story.ok(ATTACH, {"input": attach}, "createAccountPlan")
    await story.ingest(
        [
            {"meter": "login", "account": "hq", "ts": "2024-03-10T00:00:00Z", "measure": {"logins": 100}},
            {"meter": "login", "account": "branch", "ts": "2024-03-10T00:00:00Z", "measure": {"logins": 300}},
        ]
    )
    await story.bill_run(lastDateInBillingPeriod="2024-03-31")
    team_login = await plan_id(story, "team-login")

    branch = await story.bill("branch", "2024-04-01")
    assert amounts(branch) == [("USAGE", D("30.00"))]
    branch_lines = data_of(await tenant.gql(GROUP_LINES, {"id": branch["id"]}))["bill"]["lineItems"]["nodes"]
    assert [(li["lineItemType"], li["planId"], li["planGroupId"]) for li in branch_lines] == [
        ("USAGE", team_login, group_id)
    ]

    parent = await story.bill("hq", "2024-04-01")
    assert amounts(parent) == [("USAGE", D("10.00")), ("STANDING_CHARGE", D("20.00")), ("MINIMUM_SPEND", D("40.00"))]
    parent_lines = data_of(await tenant.gql(GROUP_LINES, {"id": parent["id"]}))["bill"]["lineItems"]["nodes"]
    assert [(li["lineItemType"], li["planId"], li["planGroupId"]) for li in parent_lines] == [
        ("USAGE", team_login, group_id),
        ("STANDING_CHARGE", None, group_id),
        ("MINIMUM_SPEND", None, group_id),
    ]
