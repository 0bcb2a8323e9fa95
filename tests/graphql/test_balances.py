"""Balances, their credits and transaction types through the public GraphQL API (SEMANTICS
§11.1): create, read, update, delete; creditApplicationOrder on accounts and the
organization; bad input answered with userErrors at the input path and nothing written."""

from __future__ import annotations

import pytest

from app.models.balances import Balance, BalanceTransaction
from app.models.events import Event
from tests.case_ids import case_id
from tests.conftest import data_of

ERRORS = "userErrors { field code message }"
BALANCE = """id version accountId code name currency startDate endDate rolloverEndDate rolloverAmount productIds
  lineItemTypes overageSurchargePercent balanceDrawDownDescription overageDescription description amount
  transactionSummary { totalCreditAmount totalDebitAmount initialCreditAmount expiredBalanceAmount rolloverConsumed
    balanceConsumed rolloverExpiredAmount }
  transactions { totalCount nodes { amount appliedDate transactionType { code } } }"""
CREATE_BALANCE = f"""mutation($input: CreateBalanceInput!) {{ createBalance(input: $input) {{
  balance {{ {BALANCE} }} {ERRORS} }} }}"""
UPDATE_BALANCE = f"""mutation($input: UpdateBalanceInput!) {{ updateBalance(input: $input) {{
  balance {{ {BALANCE} }} {ERRORS} }} }}"""
DELETE_BALANCE = f"mutation($input: DeleteInput!) {{ deleteBalance(input: $input) {{ deletedId {ERRORS} }} }}"
CREDIT = f"""mutation($input: CreateBalanceTransactionInput!) {{ createBalanceTransaction(input: $input) {{
  balanceTransaction {{ id version amount appliedDate paid currencyPaid }} {ERRORS} }} }}"""
DELETE_CREDIT = f"""mutation($input: DeleteInput!) {{ deleteBalanceTransaction(input: $input) {{
  deletedId {ERRORS} }} }}"""
CREATE_TYPE = f"""mutation($input: CreateTransactionTypeInput!) {{ createTransactionType(input: $input) {{
  transactionType {{ id code name archived }} {ERRORS} }} }}"""
CREATE_ACCOUNT = f"""mutation($input: CreateAccountInput!) {{ createAccount(input: $input) {{
  account {{ id version creditApplicationOrder }} {ERRORS} }} }}"""

FAR = "2100-01-01T00:00:00+00:00"
START, END, ROLL = "2026-01-01T00:00:00+00:00", "2026-07-01T00:00:00+00:00", "2026-10-01T00:00:00+00:00"


async def account(tenant, code="acme", **fields) -> dict:
    data = data_of(
        await tenant.gql(
            CREATE_ACCOUNT, {"input": {"code": code, "name": code, "emailAddress": f"{code}@example.com", **fields}}
        )
    )["createAccount"]
    assert data["userErrors"] == []
    return data["account"]


def balance_input(account_id, **fields) -> dict:
    return {
        "accountId": account_id,
        "code": "wallet",
        "name": "Wallet",
        "currency": "USD",
        "startDate": START,
        "endDate": END,
        **fields,
    }


async def create_balance(tenant, account_id, **fields) -> dict:
    return data_of(await tenant.gql(CREATE_BALANCE, {"input": balance_input(account_id, **fields)}))["createBalance"]


async def test_create_credit_read_update_and_delete_a_balance(tenant):
    acme = await account(tenant)
    created = await create_balance(
        tenant, acme["id"], rolloverEndDate=ROLL, rolloverAmount="800", lineItemTypes=["USAGE", "AD_HOC"],
        overageSurchargePercent="10", balanceDrawDownDescription="Prepaid",
    )  # fmt: skip
    assert created["userErrors"] == []
    balance = created["balance"]
    assert (balance["amount"], balance["lineItemTypes"], balance["rolloverAmount"]) == ("0", ["USAGE", "AD_HOC"], "800")

    kind = data_of(await tenant.gql(CREATE_TYPE, {"input": {"code": "payment", "name": "Payment"}}))
    type_id = kind["createTransactionType"]["transactionType"]["id"]
    for amount, applied in (("5000", START), ("250.50", "2026-02-01T00:00:00+00:00")):
        credit = data_of(
            await tenant.gql(
                CREDIT,
                {"input": {"balanceId": balance["id"], "amount": amount, "appliedDate": applied,
                           "transactionTypeId": type_id, "paid": "10", "currencyPaid": "USD"}},
            )
        )["createBalanceTransaction"]  # fmt: skip
        assert credit["userErrors"] == []
    read = data_of(await tenant.gql(f'{{ balance(code: "wallet") {{ {BALANCE} }} }}'))["balance"]
    assert read["transactions"]["totalCount"] == 2
    assert read["transactions"]["nodes"][0]["transactionType"] == {"code": "payment"}
    summary = read["transactionSummary"]
    assert (summary["totalCreditAmount"], summary["initialCreditAmount"], summary["totalDebitAmount"]) == (
        "5250.50",
        "5000",
        "0",
    )
    nested = data_of(await tenant.gql('{ account(code: "acme") { balances { nodes { code amount } } } }'))
    assert nested["account"]["balances"]["nodes"][0]["code"] == "wallet"

    updated = data_of(
        await tenant.gql(UPDATE_BALANCE, {"input": {"id": balance["id"], "version": 1, "name": "Prepaid wallet"}})
    )["updateBalance"]
    assert (updated["userErrors"], updated["balance"]["version"]) == ([], 2)
    stale = data_of(await tenant.gql(UPDATE_BALANCE, {"input": {"id": balance["id"], "version": 1, "name": "x"}}))
    assert stale["updateBalance"]["userErrors"][0]["code"] == "CONFLICT"

    refused = data_of(await tenant.gql(DELETE_BALANCE, {"input": {"id": balance["id"], "version": 2}}))
    assert refused["deleteBalance"]["userErrors"][0]["code"] == "IN_USE"  # it has credits
    for node in await BalanceTransaction.filter(balance_id=balance["id"]):
        gone = data_of(await tenant.gql(DELETE_CREDIT, {"input": {"id": str(node.id), "version": 1}}))
        assert gone["deleteBalanceTransaction"]["userErrors"] == []
    deleted = data_of(await tenant.gql(DELETE_BALANCE, {"input": {"id": balance["id"], "version": 2}}))
    assert deleted["deleteBalance"] == {"deletedId": balance["id"], "userErrors": []}
    # Each change recorded its event in its transaction (SEMANTICS §14.1).
    events = await Event.filter(entity_id=balance["id"]).order_by("sequence").values_list("type", flat=True)
    assert events == [f"configuration.balance.{action}" for action in ("created", "updated", "deleted")]
    mine = Event.filter(organization_id=tenant.organization_id)
    credits = await mine.filter(type="configuration.balancetransaction.created").count()
    assert (credits, await mine.filter(type="configuration.balancetransaction.deleted").count()) == (2, 2)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"currency": "EUR"}, "currency", "NOT_FOUND"),
        ({"code": " spaced "}, "code", "INVALID"),
        ({"endDate": START}, "endDate", "INVALID"),
        ({"rolloverEndDate": END}, "rolloverEndDate", "INVALID"),  # must be after the end
        ({"rolloverAmount": "100"}, "rolloverEndDate", "REQUIRED"),
        ({"rolloverEndDate": ROLL, "rolloverAmount": "-1"}, "rolloverAmount", "INVALID"),
        ({"lineItemTypes": ["USAGE", "COMMITMENT_CONSUMED"]}, "lineItemTypes.1", "INVALID"),
        ({"productIds": ["00000000-0000-0000-0000-000000000001"]}, "productIds.0", "NOT_FOUND"),
    ],
    ids=case_id,
)
async def test_bad_balance_input_has_its_path_and_writes_nothing(tenant, fields, field, code):
    acme = await account(tenant)
    result = await tenant.gql(CREATE_BALANCE, {"input": balance_input(acme["id"], **fields)})
    if "errors" in result:  # an enum outside the schema is refused by GraphQL itself
        assert fields.get("lineItemTypes")
    else:
        errors = data_of(result)["createBalance"]["userErrors"]
        assert [(".".join(e["field"]), e["code"]) for e in errors] == [(f"input.{field}", code)]
    assert await Balance.filter(account_id=acme["id"]).count() == 0


async def test_currency_mismatch_without_a_conversion_is_refused(tenant):
    acme = await account(tenant)
    await tenant.gql('mutation { createCurrency(input: {code: "GBP", name: "Pound"}) { userErrors { code } } }')
    result = data_of(await tenant.gql(CREATE_BALANCE, {"input": balance_input(acme["id"], currency="GBP")}))
    assert [(e["field"], e["code"]) for e in result["createBalance"]["userErrors"]] == [
        (["input", "currency"], "INVALID")
    ]
    assert await Balance.filter(account_id=acme["id"]).count() == 0


async def test_another_organizations_account_is_not_found(tenant, other_tenant):
    theirs = await account(other_tenant, "globex")
    result = data_of(await tenant.gql(CREATE_BALANCE, {"input": balance_input(theirs["id"])}))
    assert [(e["field"], e["code"]) for e in result["createBalance"]["userErrors"]] == [
        (["input", "accountId"], "NOT_FOUND")
    ]
    assert await Balance.filter(account_id=theirs["id"]).count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"amount": "0"}, "amount", "INVALID"),
        ({"amount": "-5"}, "amount", "INVALID"),
        ({"amount": "5", "appliedDate": FAR}, "appliedDate", "INVALID"),  # not before the end date
        ({"amount": "5", "currencyPaid": "XYZ"}, "currencyPaid", "NOT_FOUND"),
        (
            {"amount": "5", "transactionTypeId": "00000000-0000-0000-0000-000000000001"},
            "transactionTypeId",
            "NOT_FOUND",
        ),
    ],
    ids=case_id,
)
async def test_bad_credit_input_has_its_path_and_writes_nothing(tenant, fields, field, code):
    acme = await account(tenant)
    balance = (await create_balance(tenant, acme["id"], endDate=FAR))["balance"]  # appliedDate defaults to now
    result = data_of(await tenant.gql(CREDIT, {"input": {"balanceId": balance["id"], **fields}}))
    errors = result["createBalanceTransaction"]["userErrors"]
    assert [(".".join(e["field"]), e["code"]) for e in errors] == [(f"input.{field}", code)]
    assert await BalanceTransaction.filter(balance_id=balance["id"]).count() == 0


async def test_credit_application_order_on_accounts_and_the_organization(tenant):
    acme = await account(tenant, creditApplicationOrder=["BALANCE"])
    assert acme["creditApplicationOrder"] == ["BALANCE"]
    twice = data_of(
        await tenant.gql(
            CREATE_ACCOUNT,
            {"input": {"code": "b", "name": "b", "emailAddress": "b@example.com",
                       "creditApplicationOrder": ["BALANCE", "BALANCE"]}},
        )
    )["createAccount"]  # fmt: skip
    assert [(e["field"], e["code"]) for e in twice["userErrors"]] == [
        (["input", "creditApplicationOrder", "1"], "DUPLICATE")
    ]
    config = data_of(await tenant.gql("{ organizationConfig { version creditApplicationOrder } }"))
    assert config["organizationConfig"]["creditApplicationOrder"] == ["PREPAYMENT", "BALANCE"]
    changed = data_of(
        await tenant.gql(
            "mutation($input: UpdateOrganizationConfigInput!) { updateOrganizationConfig(input: $input) { "
            f"organizationConfig {{ creditApplicationOrder }} {ERRORS} }} }}",
            {"input": {"version": config["organizationConfig"]["version"],
                       "creditApplicationOrder": ["BALANCE", "PREPAYMENT"]}},
        )
    )["updateOrganizationConfig"]  # fmt: skip
    assert changed == {"organizationConfig": {"creditApplicationOrder": ["BALANCE", "PREPAYMENT"]}, "userErrors": []}


CREATE_CHARGE = f"""mutation($input: CreateChargeInput!) {{ createCharge(input: $input) {{
  charge {{ id entityType entityId lineItemType }} {ERRORS} }} }}"""


async def test_a_balance_charge_names_a_balance_of_its_own_account(tenant):
    """SEMANTICS §9.1: entityType BALANCE with entityId = a balance of the same account; its
    line is a BALANCE_FEE. Another account's balance is not found."""
    acme, other = await account(tenant), await account(tenant, "other")
    wallet = (await create_balance(tenant, acme["id"]))["balance"]["id"]
    fee = {
        "code": "wallet-fee", "name": "Wallet fee", "currency": "USD", "amount": "5", "billDate": "2026-02-01",
        "servicePeriodStartDate": START, "servicePeriodEndDate": START, "entityType": "BALANCE", "entityId": wallet,
    }  # fmt: skip
    made = data_of(await tenant.gql(CREATE_CHARGE, {"input": {"accountId": acme["id"], **fee}}))["createCharge"]
    assert (made["userErrors"], made["charge"]["lineItemType"], made["charge"]["entityId"]) == (
        [],
        "BALANCE_FEE",
        wallet,
    )
    elsewhere = {"accountId": other["id"], **fee, "code": "other-fee"}
    refused = data_of(await tenant.gql(CREATE_CHARGE, {"input": elsewhere}))["createCharge"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "entityId"], "NOT_FOUND")]
