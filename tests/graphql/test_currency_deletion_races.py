"""Deleting a currency while another request writes an entity in it (SEMANTICS §1, §2.2).

The delete checks that nothing names the currency, and the writer checks that the
currency exists: each check was made outside the other's transaction, so with the two
requests overlapping both could pass, leaving an account (or plan group, plan template,
organization currency) in a currency that no longer exists, whose next bill fails
"currency … is not defined". Whatever the interleaving, exactly one of the two must win:
the delete is refused IN_USE, or the write fails NOT_FOUND on its currency field."""

import asyncio

import pytest

from app.models.organization import Currency
from tests.case_ids import case_id
from tests.conftest import data_of
from tests.graphql.test_organization import add_currency

ERRORS = "userErrors { field code message }"
DELETE = "mutation($i: DeleteInput!) { deleteCurrency(input: $i) { deletedId " + ERRORS + " } }"
ACCOUNT = "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } " + ERRORS + " } }"
PLAN_GROUP = "mutation($i: CreatePlanGroupInput!) { createPlanGroup(input: $i) { planGroup { id } " + ERRORS + " } }"
PRODUCT = "mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } " + ERRORS + " } }"
TEMPLATE = (
    "mutation($i: CreatePlanTemplateInput!) { createPlanTemplate(input: $i) { planTemplate { id } " + ERRORS + " } }"
)
CONFIG = (
    "mutation($i: UpdateOrganizationConfigInput!) { updateOrganizationConfig(input: $i) { "
    "organizationConfig { currency } " + ERRORS + " } }"
)
UPDATE_PLAN_GROUP = (
    "mutation($i: UpdatePlanGroupInput!) { updatePlanGroup(input: $i) { planGroup { version } " + ERRORS + " } }"
)
CONFIG_VERSION = "{ organizationConfig { version } }"
ROUNDS = 12


async def write_account(tenant, code: str, n: int) -> dict:
    data = {"code": f"acct-{n}", "name": "Acme", "emailAddress": "acme@example.com", "currency": code}
    return data_of(await tenant.gql(ACCOUNT, {"i": data}))["createAccount"]


async def write_plan_group(tenant, code: str, n: int) -> dict:
    data = {"code": f"group-{n}", "name": "Bundle", "currency": code}
    return data_of(await tenant.gql(PLAN_GROUP, {"i": data}))["createPlanGroup"]


async def write_plan_group_currency(tenant, code: str, n: int) -> dict:
    """An update (the check before its transaction, the write in it), where the others create."""
    if n == 0:
        tenant.group = (await write_plan_group(tenant, "USD", n))["planGroup"]["id"]
    query = "query($id: ID!) { planGroup(id: $id) { version } }"
    version = data_of(await tenant.gql(query, {"id": tenant.group}))["planGroup"]["version"]
    data = {"id": tenant.group, "version": version, "currency": code}
    return data_of(await tenant.gql(UPDATE_PLAN_GROUP, {"i": data}))["updatePlanGroup"]


async def write_plan_template(tenant, code: str, n: int) -> dict:
    return data_of(await tenant.gql(TEMPLATE, {"i": template(tenant.product_id, code, n)}))["createPlanTemplate"]


def template(product_id: str, code: str, n: int) -> dict:
    return {
        "code": f"tpl-{n}",
        "name": "Standard",
        "currency": code,
        "billFrequency": "MONTHLY",
        "productId": product_id,
    }


async def write_config_currency(tenant, code: str, n: int) -> dict:
    version = data_of(await tenant.gql(CONFIG_VERSION))["organizationConfig"]["version"]
    return data_of(await tenant.gql(CONFIG, {"i": {"version": version, "currency": code}}))["updateOrganizationConfig"]


def code_of(n: int) -> str:
    return "X" + chr(ord("A") + n // 26) + chr(ord("A") + n % 26)


@pytest.mark.parametrize(
    "write",
    [write_account, write_plan_group, write_plan_group_currency, write_plan_template, write_config_currency],
    ids=case_id,
)
async def test_a_currency_deleted_while_an_entity_is_written_in_it_is_never_both(tenant, write):
    product = data_of(await tenant.gql(PRODUCT, {"i": {"code": "p", "name": "P"}}))["createProduct"]
    tenant.product_id = product["product"]["id"]
    for n in range(ROUNDS):
        code = code_of(n)
        currency = (await add_currency(tenant, code))["currency"]

        async def delete(currency=currency, n=n) -> dict:
            await asyncio.sleep(0.01 * (n % 3 == 2))  # and every third round the delete starts later
            return data_of(await tenant.gql(DELETE, {"i": {"id": currency["id"], "version": currency["version"]}}))[
                "deleteCurrency"
            ]

        async def written(code=code, n=n) -> dict:
            await asyncio.sleep(0.002 * (n % 4))  # the writer starts a little later each round
            return await write(tenant, code, n)

        deleted, wrote = await asyncio.gather(delete(), written())
        exists = await Currency.filter(organization_id=tenant.organization_id, code=code).exists()
        if deleted["userErrors"]:
            [error] = deleted["userErrors"]
            assert error["code"] == "IN_USE", deleted
            assert wrote["userErrors"] == [] and exists, (deleted, wrote)
        else:
            assert not exists
            [error] = wrote["userErrors"]
            assert (error["code"], error["field"][-1]) == ("NOT_FOUND", "currency"), wrote
