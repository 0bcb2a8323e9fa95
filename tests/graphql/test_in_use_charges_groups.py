"""Deletes refused while charges, plan groups, balances or bills depend on the entity
(SEMANTICS §1, §9, §10.3, §11): IN_USE at `input.id`, the dependants named, nothing
deleted; once the dependant is gone the delete goes through."""

from __future__ import annotations

import pytest

from app.models.accounts import Account
from app.models.billing import Bill
from app.models.catalog import Plan
from app.services import billing
from app.services.billing.commands import CreateBillJob
from tests.conftest import data_of
from tests.graphql.test_charges_groups import CREATE_CHARGE, CREATE_GROUP, ERRORS, LINK, account_id, charge, plan_of

DELETE = "mutation($input: DeleteInput!) {{ {name}(input: $input) {{ deletedId {errors} }} }}"
CREATE_BALANCE = f"""mutation($input: CreateBalanceInput!) {{ createBalance(input: $input) {{
  balance {{ id }} {ERRORS} }} }}"""


async def delete(tenant, name: str, the_id: str, version: int = 1) -> dict:
    payload = data_of(
        await tenant.gql(DELETE.format(name=name, errors=ERRORS), {"input": {"id": the_id, "version": version}})
    )
    return payload[name]


def refusal(payload: dict) -> tuple[list[tuple[tuple[str, ...], str]], str]:
    assert payload["deletedId"] is None
    (error,) = payload["userErrors"]
    return [(tuple(error["field"]), error["code"])], error["message"]


def created(payload: dict, key: str) -> str:
    assert payload["userErrors"] == [], payload
    return payload[key]["id"]


async def with_charge(tenant, account: str) -> tuple[str, str]:
    payload = data_of(await tenant.gql(CREATE_CHARGE, {"input": charge(account, amount="25")}))["createCharge"]
    return "deleteCharge", created(payload, "charge")


async def with_bespoke_group(tenant, account: str) -> tuple[str, str]:
    group = {"code": "pro", "name": "Pro", "currency": "USD", "accountId": account}
    payload = data_of(await tenant.gql(CREATE_GROUP, {"input": group}))["createPlanGroup"]
    return "deletePlanGroup", created(payload, "planGroup")


async def with_balance(tenant, account: str) -> tuple[str, str]:
    balance = {
        "accountId": account,
        "code": "wallet",
        "name": "Wallet",
        "currency": "USD",
        "startDate": "2026-01-01T00:00:00Z",
        "endDate": "2027-01-01T00:00:00Z",
    }
    payload = data_of(await tenant.gql(CREATE_BALANCE, {"input": balance}))["createBalance"]
    return "deleteBalance", created(payload, "balance")


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (with_charge, "in use by charges setup"),
        (with_bespoke_group, "in use by bespoke plan groups pro"),
        (with_balance, "in use by balances wallet"),
    ],
)
async def test_an_account_with_a_charge_a_bespoke_group_or_a_balance_is_not_deleted(tenant, make, named):
    account = await account_id(tenant)
    remove, dependant = await make(tenant, account)
    errors, message = refusal(await delete(tenant, "deleteAccount", account))
    assert (errors, message) == ([(("input", "id"), "IN_USE")], named)
    assert await Account.filter(organization_id=tenant.organization_id, id=account).exists()
    assert (await delete(tenant, remove, dependant))["userErrors"] == []
    assert (await delete(tenant, "deleteAccount", account))["deletedId"] == account


async def test_an_account_with_bills_is_not_deleted_and_every_dependant_is_named(tenant):
    """A charge dated 2026-02-01 on an account without plans: the job for that day makes its
    AD_HOC bill. The charge and the bill are both named; without the charge the bill still
    holds the account."""
    account = await account_id(tenant)
    await with_charge(tenant, account)
    await with_balance(tenant, account)
    job = await billing.create_bill_job(
        tenant.organization_id, CreateBillJob(bill_date="2026-02-01"), actor="tester", enqueue=None
    )
    await billing.run_bill_job(tenant.organization_id, job.id)
    bill = await Bill.get(organization_id=tenant.organization_id, account_id=account)
    errors, message = refusal(await delete(tenant, "deleteAccount", account))
    assert (errors, message) == (
        [(("input", "id"), "IN_USE")],
        f"in use by charges setup; balances wallet; bills {bill.id}",
    )
    charge_id = data_of(await tenant.gql("{ charges { edges { node { id version } } } }"))["charges"]["edges"][0][
        "node"
    ]
    assert (await delete(tenant, "deleteCharge", charge_id["id"], charge_id["version"]))["userErrors"] == []
    errors, message = refusal(await delete(tenant, "deleteAccount", account))
    assert message == f"in use by balances wallet; bills {bill.id}"


async def test_a_plan_linked_into_a_group_is_not_deleted_and_the_group_is_named(tenant):
    plan = await plan_of(tenant, "logins")
    group = created(
        data_of(await tenant.gql(CREATE_GROUP, {"input": {"code": "pro", "name": "Pro", "currency": "USD"}}))[
            "createPlanGroup"
        ],
        "planGroup",
    )
    link = created(
        data_of(await tenant.gql(LINK, {"input": {"planGroupId": group, "planId": plan}}))["createPlanGroupLink"],
        "planGroupLink",
    )
    errors, message = refusal(await delete(tenant, "deletePlan", plan))
    assert (errors, message) == ([(("input", "id"), "IN_USE")], "in use by plan groups pro")
    assert await Plan.filter(organization_id=tenant.organization_id, id=plan).exists()
    assert (await delete(tenant, "deletePlanGroupLink", link))["userErrors"] == []
    assert (await delete(tenant, "deletePlan", plan))["deletedId"] == plan
