"""Deleting a currency that an entity still names is refused (SEMANTICS §1: deleting an
entity others depend on is refused naming the dependants; §2.2, §9.1, §10.1, §11.1).

A charge, a plan group or a balance in EUR used not to count: EUR could be deleted under
them, and the account's next bill then failed "currency EUR is not defined in the
organization". CONTRACT §3: a payload with userErrors changed nothing."""

import pytest

from app.models.organization import Currency
from tests.case_ids import case_id
from tests.conftest import data_of
from tests.graphql.test_organization import add_currency, update

ERRORS = "userErrors { field code message }"
DELETE = "mutation($i: DeleteInput!) { deleteCurrency(input: $i) { deletedId " + ERRORS + " } }"
ACCOUNT = "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } " + ERRORS + " } }"
CHARGE = "mutation($i: CreateChargeInput!) { createCharge(input: $i) { charge { id } " + ERRORS + " } }"
PLAN_GROUP = "mutation($i: CreatePlanGroupInput!) { createPlanGroup(input: $i) { planGroup { id } " + ERRORS + " } }"
BALANCE = "mutation($i: CreateBalanceInput!) { createBalance(input: $i) { balance { id } " + ERRORS + " } }"


async def ok(tenant, operation: str, data: dict, name: str) -> dict:
    payload = data_of(await tenant.gql(operation, {"i": data}))[name]
    assert payload["userErrors"] == [], payload
    return payload


async def usd_account(tenant) -> str:
    data = {"code": "acme", "name": "Acme", "emailAddress": "acme@example.com"}
    return (await ok(tenant, ACCOUNT, data, "createAccount"))["account"]["id"]


async def eur_charge(tenant) -> str:
    await ok(
        tenant,
        CHARGE,
        {
            "accountId": await usd_account(tenant),
            "code": "setup",
            "name": "Setup",
            "currency": "EUR",
            "amount": "10",
            "billDate": "2024-04-01",
            "servicePeriodStartDate": "2024-03-01T00:00:00Z",
            "servicePeriodEndDate": "2024-04-01T00:00:00Z",
        },
        "createCharge",
    )
    return "charges setup"


async def eur_plan_group(tenant) -> str:
    await ok(tenant, PLAN_GROUP, {"code": "bundle", "name": "Bundle", "currency": "EUR"}, "createPlanGroup")
    return "plan groups bundle"


async def eur_balance(tenant) -> str:
    account_id = await usd_account(tenant)
    data = {
        "accountId": account_id,
        "code": "wallet",
        "name": "Wallet",
        "currency": "EUR",
        "startDate": "2024-03-01T00:00:00Z",
        "endDate": "2025-03-01T00:00:00Z",
    }
    await ok(tenant, BALANCE, data, "createBalance")
    return "balances wallet"


@pytest.mark.parametrize("make", [eur_charge, eur_plan_group, eur_balance], ids=case_id)
async def test_a_currency_named_by_an_entity_cannot_be_deleted(tenant, make):
    eur = (await add_currency(tenant, "EUR"))["currency"]
    # A balance or charge in EUR on a USD account needs a rate at creation; the rate is then
    # removed (allowed: a missing rate fails the bill, §7.2.6) so that only the entity holds EUR.
    await update(tenant, currencyConversions=[{"from": "EUR", "to": "USD", "multiplier": "1.1"}])
    named = await make(tenant)
    assert (await update(tenant, currencyConversions=[]))["userErrors"] == []
    payload = data_of(await tenant.gql(DELETE, {"i": {"id": eur["id"], "version": eur["version"]}}))["deleteCurrency"]
    assert payload["deletedId"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["input", "id"], "IN_USE")
    assert named in error["message"]
    assert await Currency.filter(organization_id=tenant.organization_id, code="EUR").exists()


async def test_an_unused_currency_is_deleted(tenant):
    gbp = (await add_currency(tenant, "GBP"))["currency"]
    await add_currency(tenant, "EUR")
    await eur_plan_group(tenant)  # another currency's dependants do not hold GBP
    payload = data_of(await tenant.gql(DELETE, {"i": {"id": gbp["id"], "version": gbp["version"]}}))["deleteCurrency"]
    assert payload == {"deletedId": gbp["id"], "userErrors": []}
