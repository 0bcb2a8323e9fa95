"""JSON numbers in GraphQL requests keep every digit (app.graphql.json_numbers).

A number with a fraction went through a Python float: 1.2345678901234567891 became
1.2345678901234568, stored with no error. These send the request bodies as text (a test
client's `json=` would itself go through floats) and read what was stored from the
database as text.
"""

from __future__ import annotations

import json
import uuid

from tortoise import connections

from app.models.catalog import Product
from app.services import ingest
from tests.conftest import data_of
from tests.workers import ingest_queue, make_meter  # noqa: F401 - fixture

LONG = "1.2345678901234567891"  # 20 significant digits: no float holds it
SUBMIT = """mutation($input: SubmitMeasurementsInput!) { submitMeasurements(input: $input) { batchId
  userErrors { field code message } } }"""


async def post(tenant, body: str) -> dict:
    response = await tenant.client.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {tenant.token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def item(uid: str, gb: str) -> str:
    """A measurement as JSON text, its `gb` written as given."""
    return (
        f'{{"meter": "storage", "account": "exact", "ts": "2026-01-05T00:00:00Z", "uid": "{uid}",'
        f' "measure": {{"gb": {gb}}}}}'
    )


async def stored_gb(organization_id: object) -> dict[str, str]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT uid, data->>'gb' AS gb FROM measurements WHERE organization_id = $1",
        [uuid.UUID(str(organization_id))],
    )
    return {row["uid"]: row["gb"] for row in rows}


async def process(payload: dict) -> None:
    assert payload["userErrors"] == [], payload
    await ingest.process_measurement_batch(uuid.UUID(payload["batchId"]))


async def test_a_measurement_sent_in_variables_is_stored_with_every_digit(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    items = ", ".join([item("long", LONG), item("tiny", "5e-30"), item("whole", "7"), item("plain", "0.1")])
    body = f'{{"query": {json.dumps(SUBMIT)}, "variables": {{"input": {{"measurements": [{items}]}}}}}}'
    await process(data_of(await post(tenant, body))["submitMeasurements"])
    assert await stored_gb(tenant.organization_id) == {
        "long": LONG,
        "tiny": "0.000000000000000000000000000005",
        "whole": "7",
        "plain": "0.1",
    }


async def test_a_measurement_written_in_the_document_is_stored_with_every_digit(tenant, ingest_queue):
    await make_meter(tenant.organization_id)
    literal = f"""mutation {{ submitMeasurements(input: {{measurements: [{{meter: "storage", account: "exact",
      ts: "2026-01-05T00:00:00Z", uid: "literal", measure: {{gb: {LONG}}}}}]}}) {{ batchId
      userErrors {{ field code message }} }} }}"""
    await process(data_of(await post(tenant, json.dumps({"query": literal})))["submitMeasurements"])
    assert await stored_gb(tenant.organization_id) == {"literal": LONG}


async def test_a_decimal_input_sent_as_a_json_number_keeps_every_digit(tenant):
    product = await Product.create(organization_id=uuid.UUID(str(tenant.organization_id)), code="p", name="P")
    query = """mutation($input: CreatePlanTemplateInput!) { createPlanTemplate(input: $input) {
      planTemplate { standingCharge } userErrors { field code message } } }"""
    fields = f'"productId": "{product.id}", "code": "t", "name": "T", "currency": "USD", "billFrequency": "MONTHLY"'
    body = f'{{"query": {json.dumps(query)}, "variables": {{"input": {{{fields}, "standingCharge": {LONG}}}}}}}'
    payload = data_of(await post(tenant, body))["createPlanTemplate"]
    assert payload["userErrors"] == []
    assert payload["planTemplate"]["standingCharge"] == LONG


async def test_other_json_inputs_still_take_numbers_with_fractions(tenant):
    """Custom fields are stored as JSON: a number with a fraction is kept as the float it
    always was, and a non-finite one is still refused with its path."""
    query = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
      product { customFields } userErrors { field code message } } }"""
    body = json.dumps({"query": query, "variables": {"input": {"code": "c", "name": "C", "customFields": {"r": 0.5}}}})
    payload = data_of(await post(tenant, body))["createProduct"]
    assert payload["userErrors"] == [] and payload["product"]["customFields"] == {"r": 0.5}
    refused = await post(tenant, body.replace("0.5", "1e400").replace('"c"', '"d"'))
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
    assert "customFields.r" in refused["errors"][0]["message"], refused
