"""Shared pieces of the memo and statement stories (SEMANTICS §12): one product with a
`requests` meter priced 0.10 per request in USD, monthly from January 2026, the reason
picklists and the memo mutations."""

from __future__ import annotations

from typing import Any

from tests.conftest import data_of
from tests.scenarios import ERRORS, Story, band

JAN = "2026-01-01T00:00:00Z"
FEB = "2026-02-01T00:00:00Z"
MEMO_LINE = """id version position lineItemType description productId subtotal currency conversionRate
  convertedSubtotal reasonId referencedBillId referencedLineItemId servicePeriodStartDate servicePeriodEndDate"""
CREATE_MEMO = f"""mutation($input: CreateBillLineItemInput!) {{ createBillLineItem(input: $input) {{
  lineItem {{ {MEMO_LINE} }} {ERRORS} }} }}"""
UPDATE_MEMO = f"""mutation($input: UpdateBillLineItemInput!) {{ updateBillLineItem(input: $input) {{
  lineItem {{ {MEMO_LINE} }} {ERRORS} }} }}"""
DELETE_MEMO = f"""mutation($input: DeleteInput!) {{ deleteBillLineItem(input: $input) {{ deletedId {ERRORS} }} }}"""
SET_PENDING = f"""mutation($input: SetBillPendingInput!) {{ setBillPending(input: $input) {{
  bill {{ id version status }} {ERRORS} }} }}"""
BILL_STATE = """query($id: ID!) { bill(id: $id) { id version status locked billTotal jsonStatementGenerated
  csvStatementGenerated statementStale lineItems(first: 100) { nodes { id version position lineItemType
  convertedSubtotal quantity reasonId referencedLineItemId } } } }"""


def catalog() -> dict:
    return {
        "code": "memo",
        "name": "Memo",
        "meters": [
            {
                "code": "memo",
                "name": "Memo",
                "dataFields": [{"category": "MEASURE", "code": "requests", "name": "Requests"}],
                "aggregations": [
                    {"code": "requests", "name": "Requests", "targetField": "requests", "aggregation": "SUM"}
                ],
            }
        ],
        "planTemplates": [
            {
                "code": "memo",
                "name": "Memo",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "pricings": [
                    {
                        "aggregationCode": "requests",
                        "startDate": JAN,
                        "pricingBands": [band("0", "0.10"), band("1000", "0.10")],
                    }
                ],
                "plans": [{"code": "memo", "name": "Memo"}],
            }
        ],
    }


def requests(n: int, ts: str, account: str = "acme") -> dict:
    return {"meter": "memo", "account": account, "ts": ts, "measure": {"requests": n}}


async def reason(story: Story, kind: str, code: str, name: str) -> str:
    payload = await story.ok(
        f"""mutation($input: CreateReasonInput!) {{ create{kind}Reason(input: $input) {{
      {kind[0].lower() + kind[1:]}Reason {{ id }} {ERRORS} }} }}""",
        {"input": {"code": code, "name": name}},
        f"create{kind}Reason",
    )
    return payload[f"{kind[0].lower() + kind[1:]}Reason"]["id"]


def memo_input(bill_id: str, line_type: str, amount: str, reason_id: str, **more: Any) -> dict:
    return {
        "billId": bill_id,
        "lineItemType": line_type,
        "amount": amount,
        "reasonId": reason_id,
        "description": f"{line_type.title()} {amount}",
        "servicePeriodStartDate": JAN,
        "servicePeriodEndDate": FEB,
        **more,
    }


async def add_memo(story: Story, **fields: Any) -> dict:
    return (await story.ok(CREATE_MEMO, {"input": memo_input(**fields)}, "createBillLineItem"))["lineItem"]


async def refused(story: Story, operation: str, input: dict, name: str) -> list[tuple[list[str], str]]:
    payload = data_of(await story.tenant.gql(operation, {"input": input}))[name]
    assert payload["userErrors"], payload
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def bill_state(story: Story, bill_id: str) -> dict:
    return data_of(await story.tenant.gql(BILL_STATE, {"id": bill_id}))["bill"]
