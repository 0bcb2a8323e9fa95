"""Memo reasons, memo lines, setBillPending and statements across tenants (SEMANTICS §12).

A has a credit and a debit reason, a DEBIT_MEMO line on its PENDING January bill and a
JSON statement of that bill (`build_memos`). B must not list or read A's reasons, change
or delete them, add a memo to A's bill or name A's reason, product or line in a memo on
its own bill, change or delete A's memo, set A's bill PENDING, generate A's statement or
download it (404, as for a bill that does not exist).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Tenant, data_of
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import ERRORS, World, bill_run, not_found, refused

REASON = "id version code"
LINE = "lineItem { id }"


async def build_memos(a: Tenant, ids: dict[str, str], has: dict[str, dict[str, Any]]) -> None:
    """A's reasons, a memo on A's bill and the bill's JSON statement (after `build_billing`)."""
    for kind in ("Credit", "Debit"):
        field = f"{kind.lower()}Reason"
        made = data_of(
            await a.gql(
                f"""mutation($input: CreateReasonInput!) {{ create{kind}Reason(input: $input) {{
              {field} {{ {REASON} }} {ERRORS} }} }}""",
                {"input": {"code": f"a-{kind.lower()}", "name": f"A {kind}"}},
            )
        )[f"create{kind}Reason"]
        assert made["userErrors"] == [], made
        has[field] = made[field]
    memo = data_of(
        await a.gql(
            f"""mutation($input: CreateBillLineItemInput!) {{ createBillLineItem(input: $input) {{
          lineItem {{ id version }} {ERRORS} }} }}""",
            {"input": _memo(ids["a_bill"], has["debitReason"]["id"], "DEBIT_MEMO")},
        )
    )["createBillLineItem"]
    assert memo["userErrors"] == [], memo
    has["memoLine"] = {**memo["lineItem"], "code": None}
    generated = data_of(
        await a.gql(
            f"""mutation($id: ID!) {{ generateBillStatement(input: {{billId: $id, mode: JSON}}) {{
          bill {{ id version }} {ERRORS} }} }}""",
            {"id": ids["a_bill"]},
        )
    )["generateBillStatement"]
    assert generated["userErrors"] == [], generated
    has["bill"]["version"] = generated["bill"]["version"]
    ids["a_usage_line"] = data_of(
        await a.gql("query($id: ID!) { bill(id: $id) { lineItems { nodes { id } } } }", {"id": ids["a_bill"]})
    )["bill"]["lineItems"]["nodes"][0]["id"]


def _memo(bill_id: str, reason_id: str, line_type: str, **more: Any) -> dict:
    return {
        "billId": bill_id,
        "lineItemType": line_type,
        "amount": "1.00",
        "reasonId": reason_id,
        "description": "Isolation",
        "servicePeriodStartDate": "2026-01-01T00:00:00Z",
        "servicePeriodEndDate": "2026-02-01T00:00:00Z",
        **more,
    }


def _reason_queries(kind: str) -> tuple[Check, Check]:
    field, many = f"{kind.lower()}Reason", f"{kind.lower()}Reasons"

    async def q_list(w: World) -> None:
        a_reason = w.a_has[field]
        for flt in ("", f'filter: {{codes: ["{a_reason["code"]}"]}}', "filter: {archived: false}"):
            query = f"{{ {many}(first: 100{', ' + flt if flt else ''}) {{ totalCount nodes {{ id }} }} }}"
            assert a_reason["id"] in {n["id"] for n in (await w.as_a(query))[many]["nodes"]}, query
            assert (await w.as_b(query))[many] == {"totalCount": 0, "nodes": []}, query

    async def q_one(w: World) -> None:
        a_reason = w.a_has[field]
        for args in (f'id: "{a_reason["id"]}"', f'code: "{a_reason["code"]}"', f'id: "{a_reason["id"].upper()}"'):
            query = f"{{ {field}({args}) {{ id }} }}"
            assert (await w.as_a(query))[field] == {"id": a_reason["id"]}, query
            assert (await w.as_b(query))[field] is None, query

    return q_list, q_one


def _reason_mutations(kind: str) -> tuple[Check, Check, Check]:
    field = f"{kind.lower()}Reason"

    async def m_create(w: World) -> None:
        # The same code as A's is B's own, in B's list only.
        code = w.a_has[field]["code"]
        made = await w.b_run(
            f"create{kind}Reason", "CreateReasonInput", f"{field} {{ {REASON} }}", {"code": code, "name": "B"}
        )
        assert made["userErrors"] == [] and made[field]["id"] != w.a_has[field]["id"], made

    async def m_update(w: World) -> None:
        reason = w.a_has[field]
        for change in ({"name": "taken"}, {"archived": True}):
            payload = await w.b_run(
                f"update{kind}Reason",
                "UpdateReasonInput",
                f"{field} {{ id }}",
                {"id": reason["id"], "version": reason["version"], **change},
            )
            not_found(payload, "id")

    async def m_delete(w: World) -> None:
        reason = w.a_has[field]
        payload = await w.b_run(
            f"delete{kind}Reason", "DeleteInput", "deletedId", {"id": reason["id"], "version": reason["version"]}
        )
        not_found(payload, "id")

    return m_create, m_update, m_delete


async def m_create_bill_line_item(w: World) -> None:
    a, ids = w.a_has, w.ids
    on_a = await w.b_run(
        "createBillLineItem",
        "CreateBillLineItemInput",
        LINE,
        _memo(ids["a_bill"], a["debitReason"]["id"], "DEBIT_MEMO"),
    )
    not_found(on_a, "billId")
    b = await w.b_catalog()
    job = await bill_run(w.app, w.b, {"billDate": "2026-02-01"})
    [b_bill] = job["billIds"]
    for memo, path in (
        (_memo(b_bill, a["creditReason"]["id"], "CREDIT_MEMO"), "reasonId"),
        (_memo(b_bill, a["debitReason"]["id"], "DEBIT_MEMO"), "reasonId"),
        (_memo(b_bill, await _b_reason(w), "DEBIT_MEMO", productId=a["product"]["id"]), "productId"),
        (
            _memo(
                b_bill,
                await _b_reason(w),
                "DEBIT_MEMO",
                referencedBillId=ids["a_bill"],
                referencedLineItemId=ids["a_usage_line"],
            ),
            "referencedBillId",
        ),
    ):
        not_found(await w.b_run("createBillLineItem", "CreateBillLineItemInput", LINE, memo), path)
    assert b["account"]["id"] != a["account"]["id"]


async def _b_reason(w: World) -> str:
    found = (await w.as_b('{ debitReason(code: "b-debit") { id } }'))["debitReason"]
    if found:
        return found["id"]
    made = await w.b_run(
        "createDebitReason", "CreateReasonInput", "debitReason { id }", {"code": "b-debit", "name": "B"}
    )
    return made["debitReason"]["id"]


async def m_update_bill_line_item(w: World) -> None:
    memo = w.a_has["memoLine"]
    for change in ({"amount": "2"}, {"description": "B was here"}):
        payload = await w.b_run(
            "updateBillLineItem",
            "UpdateBillLineItemInput",
            LINE,
            {"id": memo["id"], "version": memo["version"], **change},
        )
        not_found(payload, "id")


async def m_delete_bill_line_item(w: World) -> None:
    memo = w.a_has["memoLine"]
    payload = await w.b_run(
        "deleteBillLineItem", "DeleteInput", "deletedId", {"id": memo["id"], "version": memo["version"]}
    )
    not_found(payload, "id")


async def m_set_bill_pending(w: World) -> None:
    bill = w.a_has["bill"]
    payload = await w.b_run(
        "setBillPending", "SetBillPendingInput", "bill { id }", {"id": bill["id"], "version": bill["version"]}
    )
    not_found(payload, "id")


async def m_generate_bill_statement(w: World) -> None:
    bill = w.ids["a_bill"]
    payload = await w.b_run("generateBillStatement", "GenerateBillStatementInput", "bill { id }", {"billId": bill})
    refused(payload, (("billId",), "NOT_FOUND"))
    # The download route answers B as for a bill that does not exist; A downloads it.
    for extension in ("json", "csv"):
        theirs = await w.b.client.get(
            f"/bills/{bill}/statement.{extension}", headers={"Authorization": f"Bearer {w.b.token}"}
        )
        assert theirs.status_code == 404 and bill not in theirs.text, theirs.text
    mine = await w.a.client.get(f"/bills/{bill}/statement.json", headers={"Authorization": f"Bearer {w.a.token}"})
    assert mine.status_code == 200 and mine.json()["bill"]["billId"] == bill


def generated() -> dict[str, dict[str, Check]]:
    queries: dict[str, Check] = {}
    mutations: dict[str, Check] = {
        "createBillLineItem": m_create_bill_line_item,
        "updateBillLineItem": m_update_bill_line_item,
        "deleteBillLineItem": m_delete_bill_line_item,
        "setBillPending": m_set_bill_pending,
        "generateBillStatement": m_generate_bill_statement,
    }
    for kind in ("Credit", "Debit"):
        queries[f"{kind.lower()}Reasons"], queries[f"{kind.lower()}Reason"] = _reason_queries(kind)
        create, update, delete = _reason_mutations(kind)
        mutations.update({f"create{kind}Reason": create, f"update{kind}Reason": update, f"delete{kind}Reason": delete})
    return {"Query": queries, "Mutation": mutations}
