"""Plan group invariants held by other rows (SEMANTICS §10.1–10.2, §5.2): a change to an
account plan, a template or a group that would break what a link or an attachment was
checked against is refused at its input path, and changes nothing."""

from __future__ import annotations

from app.models.accounts import AccountPlan
from app.models.catalog import PlanTemplate
from app.models.plan_groups import PlanGroup
from tests.conftest import data_of
from tests.graphql.test_charges_groups import CREATE_GROUP, ERRORS, LINK, START, account_id, errors, plan_of

ATTACH = f"""mutation($input: CreateAccountPlanInput!) {{ createAccountPlan(input: $input) {{
  accountPlan {{ id version }} {ERRORS} }} }}"""
UPDATE_ATTACHMENT = f"""mutation($input: UpdateAccountPlanInput!) {{ updateAccountPlan(input: $input) {{
  accountPlan {{ id version endDate }} {ERRORS} }} }}"""
REPLACE = f"""mutation($input: ReplaceAccountPlanInput!) {{ replaceAccountPlan(input: $input) {{
  accountPlan {{ id }} {ERRORS} }} }}"""
UPDATE_TEMPLATE = f"""mutation($input: UpdatePlanTemplateInput!) {{ updatePlanTemplate(input: $input) {{
  planTemplate {{ id version currency billFrequency }} {ERRORS} }} }}"""
UPDATE_GROUP = f"""mutation($input: UpdatePlanGroupInput!) {{ updatePlanGroup(input: $input) {{
  planGroup {{ id version accountId }} {ERRORS} }} }}"""
MARCH = "2026-03-01T00:00:00Z"


async def group_of(tenant, *plans: str, code: str = "pro") -> str:
    created = data_of(await tenant.gql(CREATE_GROUP, {"input": {"code": code, "name": "Pro", "currency": "USD"}}))
    group_id = created["createPlanGroup"]["planGroup"]["id"]
    for plan in plans:
        linked = data_of(await tenant.gql(LINK, {"input": {"planGroupId": group_id, "planId": plan}}))
        assert linked["createPlanGroupLink"]["userErrors"] == [], linked
    return group_id


async def attach(tenant, **fields) -> dict:
    payload = data_of(await tenant.gql(ATTACH, {"input": fields}))["createAccountPlan"]
    assert payload["userErrors"] == [], payload
    return payload["accountPlan"]


async def test_extending_a_direct_plan_into_a_group_of_its_product_is_refused(tenant):
    account = await account_id(tenant)
    login = await plan_of(tenant, "login")
    group = await group_of(tenant, login)
    direct = await attach(tenant, accountId=account, planId=login, startDate=START, endDate=MARCH)
    await attach(tenant, accountId=account, planGroupId=group, startDate=MARCH, code="acme-pro")
    extended = data_of(
        await tenant.gql(UPDATE_ATTACHMENT, {"input": {"id": direct["id"], "version": 1, "endDate": None}})
    )["updateAccountPlan"]
    assert (extended["accountPlan"], errors(extended)) == (None, [("input.startDate", "INVALID")])
    assert "acme-pro" in extended["userErrors"][0]["message"]
    stored = await AccountPlan.get(id=direct["id"])
    assert (stored.version, stored.end_date is not None) == (1, True)


async def test_replacing_by_a_plan_whose_product_an_attached_group_holds_is_refused(tenant):
    account = await account_id(tenant)
    login, storage = await plan_of(tenant, "login"), await plan_of(tenant, "storage")
    login2 = await plan_of(tenant, "login2")
    group = await group_of(tenant, storage)
    direct = await attach(tenant, accountId=account, planId=login, startDate=START)
    await attach(tenant, accountId=account, planGroupId=group, startDate=START, code="acme-pro")
    # login2 is a product of its own: fine beside the group. The group holds storage's product.
    replaced_fine = {"accountPlanId": direct["id"], "version": 1, "date": MARCH, "planId": login2}
    assert data_of(await tenant.gql(REPLACE, {"input": replaced_fine}))["replaceAccountPlan"]["userErrors"] == []
    newest = await AccountPlan.get(plan_id=login2)
    by_storage = {"accountPlanId": str(newest.id), "version": 1, "date": "2026-04-01T00:00:00Z", "planId": storage}
    refused = data_of(await tenant.gql(REPLACE, {"input": by_storage}))["replaceAccountPlan"]
    assert (refused["accountPlan"], errors(refused)) == (None, [("input.date", "INVALID")])
    assert await AccountPlan.filter(organization_id=tenant.organization_id).count() == 3
    assert (await AccountPlan.get(id=newest.id)).end_date is None


async def test_a_template_change_that_breaks_a_group_link_is_refused(tenant):
    await tenant.gql('mutation { createCurrency(input: {code: "EUR", name: "Euro"}) { currency { id } } }')
    login, storage = await plan_of(tenant, "login"), await plan_of(tenant, "storage")
    await group_of(tenant, login, storage)
    template = await PlanTemplate.get(organization_id=tenant.organization_id, code="login-t")
    for change, path in (({"currency": "EUR"}, "input.currency"), ({"billFrequency": "WEEKLY"}, "input.billFrequency")):
        payload = data_of(
            await tenant.gql(UPDATE_TEMPLATE, {"input": {"id": str(template.id), "version": 1, **change}})
        )["updatePlanTemplate"]
        assert (payload["planTemplate"], errors(payload)) == (None, [(path, "IN_USE")]), payload
    stored = await PlanTemplate.get(id=template.id)
    assert (stored.version, stored.currency, stored.bill_frequency) == (1, "USD", "MONTHLY")
    renamed = data_of(await tenant.gql(UPDATE_TEMPLATE, {"input": {"id": str(template.id), "version": 1, "name": "N"}}))
    assert renamed["updatePlanTemplate"]["userErrors"] == []


async def test_a_group_attached_to_an_account_cannot_become_bespoke_to_another(tenant):
    acme, globex = await account_id(tenant, "acme"), await account_id(tenant, "globex")
    group = await group_of(tenant)
    await attach(tenant, accountId=acme, planGroupId=group, startDate=START)
    moved = data_of(await tenant.gql(UPDATE_GROUP, {"input": {"id": group, "version": 1, "accountId": globex}}))
    assert errors(moved["updatePlanGroup"]) == [("input.accountId", "IN_USE")]
    assert (await PlanGroup.get(id=group)).account_id is None
    own = data_of(await tenant.gql(UPDATE_GROUP, {"input": {"id": group, "version": 1, "accountId": acme}}))
    assert own["updatePlanGroup"]["userErrors"] == []


async def test_a_plan_in_a_shared_group_cannot_become_bespoke(tenant):
    acme = await account_id(tenant, "acme")
    login = await plan_of(tenant, "login")
    await group_of(tenant, login)
    update = f"""mutation($input: UpdatePlanInput!) {{ updatePlan(input: $input) {{
      plan {{ id accountId }} {ERRORS} }} }}"""
    payload = data_of(await tenant.gql(update, {"input": {"id": login, "version": 1, "accountId": acme}}))["updatePlan"]
    assert (payload["plan"], errors(payload)) == (None, [("input.accountId", "IN_USE")])
    assert "pro" in payload["userErrors"][0]["message"]
