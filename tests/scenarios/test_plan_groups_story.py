"""A plan group's minimum spend tops up two plans' usage (SEMANTICS §10.4), through the public
API and real bill jobs.

Group "Professional": USD, minimumSpend 250.00, standingCharge 20.00, both in arrears,
attached to the account from 2024-03-11 (monthly bills on the 1st). Team Login is tiered
{0: 0.10}, {1000: 0.05} per login; Matchmaking 0.02 per match. Member lines carry their
planId and the group's planGroupId; the group's own lines carry planGroupId and no planId.

Bill of 04-01 (Mar 11–31, 21/31 days): Team Login 600 × 0.10 = 60.00, Matchmaking
1,500 × 0.02 = 30.00, G = 90.00; group MINIMUM_SPEND 250 × 21/31 − 90 = 79.354… → 79.35;
group STANDING_CHARGE 20 × 21/31 = 13.548… → 13.55; total **182.90**.
Bill of 05-01 (April): 1000 × 0.10 + 400 × 0.05 = 120.00 and 2,500 × 0.02 = 50.00,
G = 170.00; minimum 250 − 170 = 80.00; standing 20.00; total **270.00**.
Bill of 06-01 (May): 100 + 2000 × 0.05 = 200.00 and 4,000 × 0.02 = 80.00, G = 280.00 ≥ 250:
no minimum line; standing 20.00; total **300.00**.

Then: a second group "Starter" holding another Team Login plan cannot be attached beside
"Professional" (refused naming the colliding account plan and the product) until
"Professional" is end-dated, a link of a
Team Login plan to an attached group is refused the same way, and "Professional" cannot
be deleted while attached.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, amounts, band, lines, money

D = Decimal
EPOCH = "2024-01-01T00:00:00Z"
GROUP = f"""mutation($input: CreatePlanGroupInput!) {{ createPlanGroup(input: $input) {{
  planGroup {{ id version code }} {ERRORS} }} }}"""
LINK = f"""mutation($input: CreatePlanGroupLinkInput!) {{ createPlanGroupLink(input: $input) {{
  planGroupLink {{ id productId }} {ERRORS} }} }}"""
ATTACH = f"""mutation($input: CreateAccountPlanInput!) {{ createAccountPlan(input: $input) {{
  accountPlan {{ id code planId planGroupId }} {ERRORS} }} }}"""
UPDATE_ATTACHMENT = f"""mutation($input: UpdateAccountPlanInput!) {{ updateAccountPlan(input: $input) {{
  accountPlan {{ id endDate }} {ERRORS} }} }}"""
DELETE_GROUP = f"""mutation($input: DeleteInput!) {{ deletePlanGroup(input: $input) {{ {ERRORS} }} }}"""
GROUP_LINES = """query($id: ID!) { bill(id: $id) { lineItems(first: 100) { nodes {
  lineItemType planId planGroupId convertedSubtotal } } } }"""


def product(code: str, field: str, bands: list[dict], plans: list[str]) -> dict:
    return {
        "code": code,
        "name": code.title(),
        "meters": [
            {
                "code": code,
                "name": code.title(),
                "dataFields": [{"category": "MEASURE", "code": field, "name": field.title()}],
                "aggregations": [{"code": field, "name": field.title(), "targetField": field, "aggregation": "SUM"}],
            }
        ],
        "planTemplates": [
            {
                "code": f"{code}-monthly",
                "name": f"{code.title()} monthly",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [{"aggregationCode": field, "startDate": EPOCH, "pricingBands": bands}],
                "plans": [{"code": plan, "name": plan.title()} for plan in plans],
            }
        ],
    }


async def plan_id(story: Story, code: str) -> str:
    return data_of(await story.tenant.gql("query($c: String) { plan(code: $c) { id } }", {"c": code}))["plan"]["id"]


async def group(story: Story, code: str, plans: list[str], **fields: str) -> str:
    created = await story.ok(
        GROUP, {"input": {"code": code, "name": code.title(), "currency": "USD", **fields}}, "createPlanGroup"
    )
    group_id = created["planGroup"]["id"]
    for plan in plans:
        await story.ok(
            LINK, {"input": {"planGroupId": group_id, "planId": await plan_id(story, plan)}}, "createPlanGroupLink"
        )
    return group_id


def figures(bill: dict) -> list[tuple[str, Decimal]]:
    """(type, converted subtotal) in bill order; the two plans' usage lines by amount,
    largest first (their order among themselves is the member account plans', by id)."""
    found = amounts(bill)
    usage_lines = sorted((f for f in found if f[0] == "USAGE"), key=lambda f: -f[1])
    return usage_lines + [f for f in found if f[0] != "USAGE"]


def usage(meter: str, field: str, ts: str, value: int) -> dict:
    return {"meter": meter, "account": "acme", "ts": ts, "measure": {field: value}}


@pytest.fixture
async def story(tenant, bill_queue):
    story = Story(tenant)
    await story.product(
        product("login", "logins", [band("0", "0.10"), band("1000", "0.05")], ["team-login", "team-login-lite"])
    )
    await story.product(product("match", "matches", [band("0", "0.02")], ["matchmaking"]))
    story.account_id = await story.account("acme")
    story.group_id = await group(
        story,
        "professional",
        ["team-login", "matchmaking"],
        minimumSpend="250",
        standingCharge="20",
        minimumSpendBillInAdvance=False,
        standingChargeBillInAdvance=False,
        minimumSpendDescription="Professional minimum",
    )
    attached = await story.ok(
        ATTACH,
        {
            "input": {
                "accountId": story.account_id,
                "planGroupId": story.group_id,
                "startDate": "2024-03-11T00:00:00Z",
                "code": "acme-pro",
            }
        },
        "createAccountPlan",
    )
    story.attachment = attached["accountPlan"]
    await story.ingest(
        [
            usage("login", "logins", "2024-03-15T00:00:00Z", 600),
            usage("match", "matches", "2024-03-15T00:00:00Z", 1500),
            usage("login", "logins", "2024-04-15T00:00:00Z", 1400),
            usage("match", "matches", "2024-04-15T00:00:00Z", 2500),
            usage("login", "logins", "2024-05-15T00:00:00Z", 3000),
            usage("match", "matches", "2024-05-15T00:00:00Z", 4000),
        ]
    )
    return story


async def test_the_group_minimum_tops_up_two_plans(story):
    assert (story.attachment["planId"], story.attachment["planGroupId"]) == (None, story.group_id)
    for last in ("2024-03-31", "2024-04-30", "2024-05-31"):
        await story.bill_run(lastDateInBillingPeriod=last)
    apr, may, jun = [await story.bill("acme", d) for d in ("2024-04-01", "2024-05-01", "2024-06-01")]
    assert figures(apr) == [
        ("USAGE", D("60.00")),
        ("USAGE", D("30.00")),
        ("STANDING_CHARGE", D("13.55")),
        ("MINIMUM_SPEND", D("79.35")),
    ]
    assert figures(may) == [
        ("USAGE", D("120.00")),
        ("USAGE", D("50.00")),
        ("STANDING_CHARGE", D("20.00")),
        ("MINIMUM_SPEND", D("80.00")),
    ]
    assert figures(jun) == [("USAGE", D("200.00")), ("USAGE", D("80.00")), ("STANDING_CHARGE", D("20.00"))]
    assert [money(b["billTotal"]) for b in (apr, may, jun)] == [D("182.90"), D("270.00"), D("300.00")]
    assert lines(may, "MINIMUM_SPEND")[0]["description"] == "Professional minimum"
    tagged = data_of(await story.tenant.gql(GROUP_LINES, {"id": may["id"]}))["bill"]["lineItems"]["nodes"]
    assert {line["planGroupId"] for line in tagged} == {story.group_id}
    assert [line["planId"] is None for line in tagged] == [False, False, True, True]


async def test_an_overlapping_group_is_refused_naming_both(story):
    starter = await group(story, "starter", ["team-login-lite"])
    refused = data_of(
        await story.tenant.gql(
            ATTACH,
            {"input": {"accountId": story.account_id, "planGroupId": starter, "startDate": "2024-04-01T00:00:00Z"}},
        )
    )["createAccountPlan"]
    assert refused["accountPlan"] is None
    (error,) = refused["userErrors"]
    assert error["field"] == ["input", "startDate"]
    assert "acme-pro" in error["message"] and story.attachment["id"] in error["message"] and "login" in error["message"]
    assert data_of(await story.tenant.gql("{ accountPlans { totalCount } }"))["accountPlans"]["totalCount"] == 1
    # End-dated at 04-01, "Professional" no longer overlaps "Starter" from then on.
    ended = {"id": story.attachment["id"], "version": 1, "endDate": "2024-04-01T00:00:00Z"}
    await story.ok(UPDATE_ATTACHMENT, {"input": ended}, "updateAccountPlan")
    await story.ok(
        ATTACH,
        {"input": {"accountId": story.account_id, "planGroupId": starter, "startDate": "2024-04-01T00:00:00Z"}},
        "createAccountPlan",
    )


async def test_a_link_and_a_delete_that_break_an_attached_group_are_refused(story):
    other = await group(story, "other", [])
    await story.ok(
        ATTACH,
        {"input": {"accountId": story.account_id, "planGroupId": other, "startDate": "2024-04-01T00:00:00Z"}},
        "createAccountPlan",
    )
    link = data_of(
        await story.tenant.gql(
            LINK, {"input": {"planGroupId": other, "planId": await plan_id(story, "team-login-lite")}}
        )
    )["createPlanGroupLink"]
    assert [(e["field"], e["code"]) for e in link["userErrors"]] == [(["input", "planId"], "INVALID")]
    assert "acme-pro" in link["userErrors"][0]["message"]
    deleted = data_of(await story.tenant.gql(DELETE_GROUP, {"input": {"id": story.group_id, "version": 1}}))
    assert [e["code"] for e in deleted["deletePlanGroup"]["userErrors"]] == ["IN_USE"]


async def test_a_child_with_its_own_group_is_rated_alone(tenant, bill_queue):
    """Parent "hq" has Team Login directly; its child "branch" attaches the group holding
    Team Login (minimum 0, standing 5.00). The child's 300 logins are its own group's
    (300 × 0.10 = 30.00, + 5.00 standing = 35.00 on the child's bill), not part of the
    parent's block: the parent's bill has only its own 100 logins = 10.00."""
    story = Story(tenant)
    await story.product(product("login", "logins", [band("0", "0.10"), band("1000", "0.05")], ["team-login"]))
    group_id = await group(story, "branch-pro", ["team-login"], standingCharge="5", standingChargeBillInAdvance=False)
    hq = await story.account("hq", [("team-login", "2024-03-01T00:00:00Z")])
    branch = await story.account("branch", parentAccountId=hq)
    attach = {"accountId": branch, "planGroupId": group_id, "startDate": "2024-03-01T00:00:00Z"}
    await story.ok(ATTACH, {"input": attach}, "createAccountPlan")
    await story.ingest(
        [
            {"meter": "login", "account": "hq", "ts": "2024-03-10T00:00:00Z", "measure": {"logins": 100}},
            {"meter": "login", "account": "branch", "ts": "2024-03-10T00:00:00Z", "measure": {"logins": 300}},
        ]
    )
    await story.bill_run(lastDateInBillingPeriod="2024-03-31")
    assert amounts(await story.bill("hq", "2024-04-01")) == [("USAGE", D("10.00"))]
    assert amounts(await story.bill("branch", "2024-04-01")) == [("USAGE", D("30.00")), ("STANDING_CHARGE", D("5.00"))]
