"""Balances, their credits and transaction types across tenants (SEMANTICS §11).

Balances and transaction types have codes and are generated with the other configuration
kinds (`entities.KINDS`). Credits have no code and no update: their reads and deletes are
checked here; and B creating a balance on A's account or naming A's product, or crediting
A's balance or naming A's transaction type, is refused NOT_FOUND at the exact path.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Tenant, data_of
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import JAN, World, accepted, mutation, not_found

# A's balance lies in the future: no bill of A's world draws on it, so building it changes
# no bill another check reads.
START, END = "2099-01-01T00:00:00+00:00", "2100-01-01T00:00:00+00:00"
CREDITS = "balanceTransactions(first: 100{args}) {{ totalCount nodes {{ id amount }} }}"


async def build_balances(t: Tenant, p: str, has: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A transaction type, a balance of the account for the product, and one credit."""
    kind = data_of(
        await t.gql(
            mutation("createTransactionType", "CreateTransactionTypeInput", "transactionType { id code version }"),
            {"input": {"code": f"{p}-payment", "name": "Payment"}},
        )
    )
    kind = accepted(kind["createTransactionType"])["transactionType"]
    balance = data_of(
        await t.gql(
            mutation("createBalance", "CreateBalanceInput", "balance { id code version }"),
            {
                "input": {
                    "accountId": has["account"]["id"],
                    "code": f"{p}-wallet",
                    "name": "Wallet",
                    "currency": "USD",
                    "startDate": START,
                    "endDate": END,
                    "productIds": [has["product"]["id"]],
                }
            },
        )
    )
    balance = accepted(balance["createBalance"])["balance"]
    credit = data_of(
        await t.gql(
            mutation("createBalanceTransaction", "CreateBalanceTransactionInput", "balanceTransaction { id version }"),
            {
                "input": {
                    "balanceId": balance["id"],
                    "amount": "500",
                    "appliedDate": START,
                    "transactionTypeId": kind["id"],
                }
            },
        )
    )
    credit = accepted(credit["createBalanceTransaction"])["balanceTransaction"]
    return {"transactionType": kind, "balance": balance, "balanceTransaction": {**credit, "code": None}}


async def q_balance_transactions(w: World) -> None:
    mine = w.a_has["balanceTransaction"]["id"]
    for flt in ("", f'balanceId: "{w.a_has["balance"]["id"]}"'):
        query = "{ " + CREDITS.format(args=f", filter: {{{flt}}}" if flt else "") + " }"
        assert mine in {n["id"] for n in (await w.as_a(query))["balanceTransactions"]["nodes"]}, query
        assert (await w.as_b(query))["balanceTransactions"] == {"totalCount": 0, "nodes": []}, query


async def m_delete_balance_transaction(w: World) -> None:
    mine = w.a_has["balanceTransaction"]
    payload = await w.b_run("deleteBalanceTransaction", "DeleteInput", "deletedId", {"id": mine["id"], "version": 1})
    not_found(payload, "id")


async def m_create_balance(w: World) -> None:
    a = w.a_has
    data = {"code": "b-wallet", "name": "W", "currency": "USD", "startDate": JAN, "endDate": END}
    on_a = await w.b_run(
        "createBalance", "CreateBalanceInput", "balance { id }", {**data, "accountId": a["account"]["id"]}
    )
    not_found(on_a, "accountId")
    b = await w.b_catalog()
    naming_a = {**data, "accountId": b["account"]["id"], "productIds": [a["product"]["id"]]}
    not_found(await w.b_run("createBalance", "CreateBalanceInput", "balance { id }", naming_a), "productIds", "0")


async def m_create_balance_transaction(w: World) -> None:
    a = w.a_has
    payload = await w.b_run(
        "createBalanceTransaction",
        "CreateBalanceTransactionInput",
        "balanceTransaction { id }",
        {"balanceId": a["balance"]["id"], "amount": "5", "appliedDate": JAN},
    )
    not_found(payload, "balanceId")


async def m_create_transaction_type(w: World) -> None:
    # A's code is free in B's organization: codes are unique per organization only.
    code = w.a_has["transactionType"]["code"]
    made = await w.b_run(
        "createTransactionType",
        "CreateTransactionTypeInput",
        "transactionType { id code }",
        {"code": code, "name": "B's"},
    )
    assert accepted(made)["transactionType"]["code"] == code


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {"balanceTransactions": q_balance_transactions},
        "Mutation": {
            "createBalance": m_create_balance,
            "createBalanceTransaction": m_create_balance_transaction,
            "deleteBalanceTransaction": m_delete_balance_transaction,
            "createTransactionType": m_create_transaction_type,
        },
    }
