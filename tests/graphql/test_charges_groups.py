"""Charges and plan groups through GraphQL (SEMANTICS §9.1–9.2, §10.1–10.3): bad input at its
exact path with nothing written, stale versions, refused deletes, and the events of a change."""

from __future__ import annotations

import pytest

from app.models.charges import Charge
from app.models.events import Event
from app.models.plan_groups import PlanGroup, PlanGroupLink
from tests.conftest import data_of

ERRORS = "userErrors { field code message }"
CREATE_CHARGE = f"""mutation($input: CreateChargeInput!) {{ createCharge(input: $input) {{
  charge {{ id version amount units unitPrice description billId }} {ERRORS} }} }}"""
UPDATE_CHARGE = f"""mutation($input: UpdateChargeInput!) {{ updateCharge(input: $input) {{
  charge {{ id version amount units unitPrice }} {ERRORS} }} }}"""
DELETE_CHARGE = f"mutation($input: DeleteInput!) {{ deleteCharge(input: $input) {{ deletedId {ERRORS} }} }}"
CREATE_GROUP = f"""mutation($input: CreatePlanGroupInput!) {{ createPlanGroup(input: $input) {{
  planGroup {{ id version code minimumSpend standingCharge }} {ERRORS} }} }}"""
UPDATE_GROUP = f"""mutation($input: UpdatePlanGroupInput!) {{ updatePlanGroup(input: $input) {{
  planGroup {{ id version name }} {ERRORS} }} }}"""
LINK = f"""mutation($input: CreatePlanGroupLinkInput!) {{ createPlanGroupLink(input: $input) {{
  planGroupLink {{ id productId }} {ERRORS} }} }}"""
START = "2026-01-01T00:00:00Z"


def errors(payload: dict) -> list[tuple[str, str]]:
    return [(".".join(e["field"]), e["code"]) for e in payload["userErrors"]]


async def account_id(tenant, code: str = "acme") -> str:
    created = data_of(
        await tenant.gql(
            f"mutation($i: CreateAccountInput!) {{ createAccount(input: $i) {{ account {{ id }} {ERRORS} }} }}",
            {"i": {"code": code, "name": code, "emailAddress": f"{code}@example.com"}},
        )
    )["createAccount"]
    return created["account"]["id"]


def charge(account: str, **fields) -> dict:
    return {
        "accountId": account,
        "code": "setup",
        "name": "Setup",
        "currency": "USD",
        "billDate": "2026-02-01",
        "servicePeriodStartDate": START,
        "servicePeriodEndDate": START,
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"amount": "25", "units": "10"}, [("input.amount", "INVALID"), ("input.units", "INVALID")]),
        ({}, [("input.amount", "REQUIRED")]),
        ({"units": "10"}, [("input.unitPrice", "REQUIRED")]),
        ({"amount": "0"}, [("input.amount", "INVALID")]),
        ({"units": "-1", "unitPrice": "2"}, [("input.units", "INVALID")]),
        ({"amount": "1", "currency": "XYZ"}, [("input.currency", "NOT_FOUND")]),
        ({"amount": "1", "code": " padded"}, [("input.code", "INVALID")]),
        ({"amount": "1", "name": ""}, [("input.name", "INVALID")]),
        ({"amount": "1", "notes": "x" * 201}, [("input.notes", "INVALID")]),
        (
            {"amount": "1", "servicePeriodStartDate": "2026-01-02T00:00:00Z"},
            [("input.servicePeriodEndDate", "INVALID")],
        ),
        ({"amount": "1", "entityType": "BALANCE"}, [("input.entityId", "REQUIRED")]),
        (
            {"amount": "1", "entityType": "BALANCE", "entityId": "00000000-0000-0000-0000-000000000001"},
            [("input.entityId", "NOT_FOUND")],
        ),
        ({"amount": "1", "accountId": "not-an-id"}, [("input.accountId", "NOT_FOUND")]),
    ],
)
async def test_bad_charge_input_names_its_path_and_writes_nothing(tenant, fields, expected):
    account = await account_id(tenant)
    payload = data_of(await tenant.gql(CREATE_CHARGE, {"input": charge(account, **fields)}))["createCharge"]
    assert payload["charge"] is None
    assert errors(payload) == expected
    assert await Charge.filter(organization_id=tenant.organization_id).count() == 0


async def test_charge_update_switches_figures_and_refuses_a_stale_version_and_events_are_billing(tenant):
    account = await account_id(tenant)
    created = data_of(await tenant.gql(CREATE_CHARGE, {"input": charge(account, amount="-20")}))["createCharge"]
    assert (created["charge"]["amount"], created["charge"]["description"]) == ("-20", None)
    the_id = created["charge"]["id"]
    half = data_of(await tenant.gql(UPDATE_CHARGE, {"input": {"id": the_id, "version": 1, "units": "2"}}))
    assert errors(half["updateCharge"]) == [("input.amount", "INVALID"), ("input.units", "INVALID")]
    switched = {"id": the_id, "version": 1, "amount": None, "units": "2", "unitPrice": "3"}
    done = data_of(await tenant.gql(UPDATE_CHARGE, {"input": switched}))["updateCharge"]
    assert done["charge"] == {"id": the_id, "version": 2, "amount": None, "units": "2", "unitPrice": "3"}
    stale = data_of(await tenant.gql(UPDATE_CHARGE, {"input": {**switched, "units": "4"}}))["updateCharge"]
    assert errors(stale) == [("input.version", "CONFLICT")]
    moved = data_of(
        await tenant.gql(
            UPDATE_CHARGE, {"input": {"id": the_id, "version": 2, "accountId": await account_id(tenant, "other")}}
        )
    )
    assert errors(moved["updateCharge"]) == [("input.accountId", "INVALID")]
    gone = data_of(await tenant.gql(DELETE_CHARGE, {"input": {"id": the_id, "version": 2}}))["deleteCharge"]
    assert gone["userErrors"] == []
    types = (
        await Event.filter(organization_id=tenant.organization_id, entity_id=the_id)
        .order_by("sequence")
        .values_list("type", flat=True)
    )
    assert types == ["billing.charge.created", "billing.charge.updated", "billing.charge.deleted"]


async def plan_of(tenant, product: str, currency: str = "USD", frequency: str = "MONTHLY") -> str:
    created = data_of(
        await tenant.gql(
            f"mutation($i: CreateProductInput!) {{ createProduct(input: $i) {{ product {{ id }} {ERRORS} }} }}",
            {
                "i": {
                    "code": product,
                    "name": product,
                    "planTemplates": [
                        {
                            "code": f"{product}-t",
                            "name": "T",
                            "currency": currency,
                            "billFrequency": frequency,
                            "plans": [{"code": f"{product}-p", "name": "P"}],
                        }
                    ],
                }
            },
        )
    )["createProduct"]
    assert created["userErrors"] == [], created
    found = data_of(await tenant.gql("query($c: String) { plan(code: $c) { id } }", {"c": f"{product}-p"}))
    return found["plan"]["id"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"minimumSpend": "-1"}, [("input.minimumSpend", "INVALID")]),
        ({"standingCharge": "-0.01"}, [("input.standingCharge", "INVALID")]),
        ({"currency": "XYZ"}, [("input.currency", "NOT_FOUND")]),
        ({"code": ""}, [("input.code", "INVALID")]),
        ({"minimumSpendDescription": "x" * 201}, [("input.minimumSpendDescription", "INVALID")]),
        ({"accountId": "00000000-0000-0000-0000-000000000000"}, [("input.accountId", "NOT_FOUND")]),
    ],
)
async def test_bad_plan_group_input_names_its_path_and_writes_nothing(tenant, fields, expected):
    group = {"code": "pro", "name": "Pro", "currency": "USD", **fields}
    payload = data_of(await tenant.gql(CREATE_GROUP, {"input": group}))["createPlanGroup"]
    assert (payload["planGroup"], errors(payload)) == (None, expected)
    assert await PlanGroup.filter(organization_id=tenant.organization_id).count() == 0


async def test_links_one_plan_per_product_same_currency_and_schedule(tenant):
    await tenant.gql('mutation { createCurrency(input: {code: "EUR", name: "Euro"}) { currency { id } } }')
    group = data_of(await tenant.gql(CREATE_GROUP, {"input": {"code": "pro", "name": "Pro", "currency": "USD"}}))
    group_id = group["createPlanGroup"]["planGroup"]["id"]
    assert group["createPlanGroup"]["planGroup"]["minimumSpend"] == "0"
    login = await plan_of(tenant, "login")
    ok = data_of(await tenant.gql(LINK, {"input": {"planGroupId": group_id, "planId": login}}))["createPlanGroupLink"]
    assert ok["userErrors"] == []
    cases = [
        (await plan_of(tenant, "login2"), None),  # another product: fine
        (await plan_of(tenant, "euro", currency="EUR"), ("input.planId", "INVALID")),
        (await plan_of(tenant, "weekly", frequency="WEEKLY"), ("input.planId", "INVALID")),
    ]
    for plan, expected in cases:
        payload = data_of(await tenant.gql(LINK, {"input": {"planGroupId": group_id, "planId": plan}}))
        assert errors(payload["createPlanGroupLink"]) == ([expected] if expected else [])
    login_again = data_of(await tenant.gql(LINK, {"input": {"planGroupId": group_id, "planId": login}}))
    assert errors(login_again["createPlanGroupLink"]) == [("input.planId", "DUPLICATE")]
    unknown = data_of(await tenant.gql(LINK, {"input": {"planGroupId": "nope", "planId": login}}))
    assert errors(unknown["createPlanGroupLink"]) == [("input.planGroupId", "NOT_FOUND")]
    assert await PlanGroupLink.filter(organization_id=tenant.organization_id).count() == 2
    currency_locked = data_of(
        await tenant.gql(UPDATE_GROUP, {"input": {"id": group_id, "version": 1, "currency": "EUR"}})
    )["updatePlanGroup"]
    assert errors(currency_locked) == [("input.currency", "IN_USE")]
    renamed = data_of(await tenant.gql(UPDATE_GROUP, {"input": {"id": group_id, "version": 1, "name": "Pro 2"}}))
    assert renamed["updatePlanGroup"]["planGroup"] == {"id": group_id, "version": 2, "name": "Pro 2"}
    group_with_plans = data_of(
        await tenant.gql(
            "query($id: ID!) { planGroup(id: $id) { plans { totalCount } links { totalCount } } }", {"id": group_id}
        )
    )["planGroup"]
    assert group_with_plans == {"plans": {"totalCount": 2}, "links": {"totalCount": 2}}


async def test_attaching_a_group_needs_exactly_a_group_or_a_plan(tenant):
    account = await account_id(tenant)
    group = data_of(await tenant.gql(CREATE_GROUP, {"input": {"code": "pro", "name": "Pro", "currency": "USD"}}))
    group_id = group["createPlanGroup"]["planGroup"]["id"]
    attach = f"""mutation($input: CreateAccountPlanInput!) {{ createAccountPlan(input: $input) {{
      accountPlan {{ id planId planGroupId productId }} {ERRORS} }} }}"""
    both = {"accountId": account, "planGroupId": group_id, "planId": await plan_of(tenant, "x"), "startDate": START}
    assert errors(data_of(await tenant.gql(attach, {"input": both}))["createAccountPlan"]) == [
        ("input.planGroupId", "INVALID")
    ]
    bad_end = {"accountId": account, "planGroupId": group_id, "startDate": START, "endDate": START}
    assert errors(data_of(await tenant.gql(attach, {"input": bad_end}))["createAccountPlan"]) == [
        ("input.endDate", "INVALID")
    ]
    fine = {"accountId": account, "planGroupId": group_id, "startDate": START}
    attached = data_of(await tenant.gql(attach, {"input": fine}))["createAccountPlan"]["accountPlan"]
    assert (attached["planId"], attached["planGroupId"], attached["productId"]) == (None, group_id, None)
    replace = f"""mutation($input: ReplaceAccountPlanInput!) {{ replaceAccountPlan(input: $input) {{
      accountPlan {{ id }} {ERRORS} }} }}"""
    by_plan = {"accountPlanId": attached["id"], "version": 1, "date": "2026-02-01T00:00:00Z", "planId": both["planId"]}
    refused = data_of(await tenant.gql(replace, {"input": by_plan}))["replaceAccountPlan"]
    assert errors(refused) == [("input.accountPlanId", "INVALID")]


async def test_a_direct_plan_beside_a_group_of_its_product_follows_the_overlap_rule(tenant):
    account = await account_id(tenant)
    login = await plan_of(tenant, "login")
    group = data_of(await tenant.gql(CREATE_GROUP, {"input": {"code": "pro", "name": "Pro", "currency": "USD"}}))
    group_id = group["createPlanGroup"]["planGroup"]["id"]
    await tenant.gql(LINK, {"input": {"planGroupId": group_id, "planId": login}})
    attach = f"""mutation($input: CreateAccountPlanInput!) {{ createAccountPlan(input: $input) {{
      accountPlan {{ id }} {ERRORS} }} }}"""
    grouped = {"accountId": account, "planGroupId": group_id, "startDate": START, "code": "acme-pro"}
    assert data_of(await tenant.gql(attach, {"input": grouped}))["createAccountPlan"]["userErrors"] == []
    direct = {"accountId": account, "planId": login, "startDate": "2026-03-01T00:00:00Z"}
    refused = data_of(await tenant.gql(attach, {"input": direct}))["createAccountPlan"]
    assert errors(refused) == [("input.startDate", "INVALID")]
    assert "acme-pro" in refused["userErrors"][0]["message"] and "login" in refused["userErrors"][0]["message"]
    config = data_of(await tenant.gql("{ organizationConfig { version } }"))["organizationConfig"]
    allow = f"""mutation($input: UpdateOrganizationConfigInput!) {{ updateOrganizationConfig(input: $input) {{
      {ERRORS} }} }}"""
    await tenant.gql(allow, {"input": {"version": config["version"], "allowOverlappingPlans": True}})
    assert data_of(await tenant.gql(attach, {"input": direct}))["createAccountPlan"]["userErrors"] == []
