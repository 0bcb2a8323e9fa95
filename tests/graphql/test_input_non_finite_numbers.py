"""Bad input gets a clear error and changes nothing: a number that is not finite
in a JSON input (`1e400`, `NaN`, `Infinity`: Python's JSON reader accepts them, PostgreSQL's
json refuses them) was an INTERNAL error from the database; it is refused before anything
runs, with the path of the value, and nothing is written."""

from __future__ import annotations

import json

import pytest

from app.models.catalog import Product

CREATE = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id } userErrors { field code message } } }"""


async def _post(tenant, variables: str) -> dict:
    """CREATE with `variables` as written (json.dumps cannot write 1e400 or NaN as such)."""
    body = '{"query": ' + json.dumps(CREATE) + ', "variables": ' + variables + "}"
    response = await tenant.client.post(
        "/graphql",
        content=body.encode(),
        headers={"Authorization": f"Bearer {tenant.token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
async def test_a_custom_field_that_is_not_a_finite_number_is_refused_at_its_path(tenant, number):
    result = await _post(tenant, '{"input": {"code": "p", "name": "P", "customFields": {"size": ' + number + "}}}")
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "$input.customFields.size"}
    assert error["message"] == "$input.customFields.size: must be a finite number"
    assert not await Product.filter(organization_id=tenant.organization_id).exists()


async def test_a_literal_that_is_not_a_finite_number_is_refused_at_its_path(tenant):
    result = await tenant.gql(
        'mutation { createProduct(input: {code: "p", name: "P", customFields: {size: 1e400}}) { product { id } } }'
    )
    assert result["data"] is None
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "createProduct(input:).customFields.size: must be a finite number"
    assert not await Product.filter(organization_id=tenant.organization_id).exists()


async def test_finite_numbers_in_custom_fields_are_still_accepted(tenant):
    result = await _post(tenant, '{"input": {"code": "p", "name": "P", "customFields": {"size": 1e30, "n": -0.5}}}')
    assert result["data"]["createProduct"]["userErrors"] == [], result
