"""Every Decimal a client sends is bounded where GraphQL parses it (finding 8): no huge
exponent, no thousands of digits, no NaN or Infinity reaches a service; the refusal names
the input path and nothing is stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.decimals import MAX_EXPONENT, MAX_SIGNIFICANT_DIGITS, decimal_problem
from app.models.catalog import PlanTemplate, Product
from tests.case_ids import case_id
from tests.conftest import data_of

CREATE = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id planTemplates { nodes { standingCharge } } }
    userErrors { field code message } } }"""


def product(charge: object, code: str = "p") -> dict:
    return {
        "input": {
            "code": code,
            "name": "P",
            "planTemplates": [
                {"code": "t", "name": "T", "currency": "USD", "billFrequency": "MONTHLY", "standingCharge": charge}
            ],
        }
    }


@pytest.mark.parametrize(
    "value",
    [
        "1e20000000",
        "-1e20000000",
        "1e-20000000",
        "NaN",
        "Infinity",
        "-Infinity",
        "sNaN",
        "1" * (MAX_SIGNIFICANT_DIGITS + 1),
        "1." + "0" * 500,
        "0E+1000",
        f"1e{MAX_EXPONENT + 1}",
        f"1e-{MAX_EXPONENT + 1}",
        "9" * 200,
        "not a number",
    ],
    ids=case_id,
)
async def test_out_of_bounds_decimal_is_refused_naming_the_path(tenant, value):
    result = await tenant.gql(CREATE, product(value))
    assert result.get("data") is None
    (error,) = result["errors"]
    assert "$input" in error["message"] and ".planTemplates[0].standingCharge" in error["message"], error["message"]
    assert len(error["message"]) < 400  # the value is not echoed whole
    assert not await Product.filter(organization_id=tenant.organization_id).exists()


async def test_out_of_bounds_literal_is_refused(tenant):
    result = await tenant.gql("""mutation { createProduct(input: {code: "p", name: "P", planTemplates: [
        {code: "t", name: "T", currency: "USD", billFrequency: MONTHLY, standingCharge: "1e20000000"}]}) {
        product { id } } }""")
    assert result.get("data") is None
    (error,) = result["errors"]
    assert error["message"].startswith("createProduct(input:).planTemplates[0].standingCharge: Decimal '1e20000000'")
    assert not await Product.filter(organization_id=tenant.organization_id).exists()


async def test_literals_within_bounds_and_defaults_still_work(tenant):
    result = await tenant.gql("""mutation { createProduct(input: {code: "p", name: "P", planTemplates: [
        {code: "t", name: "T", currency: "USD", billFrequency: MONTHLY, standingCharge: "12.5"}]}) {
        product { planTemplates { nodes { standingCharge } } } } }""")
    assert data_of(result)["createProduct"]["product"]["planTemplates"]["nodes"] == [{"standingCharge": "12.5"}]
    result = await tenant.gql(
        'mutation { createProduct(input: {code: "q", name: "Q", planTemplates: ['
        '{code: "t", name: "T", currency: "USD", billFrequency: MONTHLY, standingCharge: 3}]})'
        " { product { id } } }"
    )
    assert "errors" not in result


@pytest.mark.parametrize(
    "value,stored",
    [
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("0.000000000000000000000000000001", "1E-30"),
        ("1E+30", "1E+30"),
        ("12.50", "12.50"),
        (7, "7"),
    ],
    ids=case_id,
)
async def test_decimals_within_bounds_are_kept_exactly(tenant, value, stored):
    data = data_of(await tenant.gql(CREATE, product(value)))["createProduct"]
    assert data["userErrors"] == []
    template = await PlanTemplate.get(organization_id=tenant.organization_id, code="t")
    assert template.standing_charge == Decimal(stored)


@pytest.mark.parametrize(
    "value,ok",
    [
        (Decimal("1e30"), True),
        (Decimal("9.99e30"), True),
        (Decimal("1e31"), False),
        (Decimal("1e-30"), True),
        (Decimal("1e-31"), False),
        (Decimal("0E-31"), False),
        (Decimal("0"), True),
        (Decimal("1" * 30), True),
        (Decimal("1" * 31), False),
        (Decimal("1" + "0" * 30), True),
    ],
    ids=case_id,
)
def test_the_bounds(value, ok):
    assert (decimal_problem(value) is None) is ok


@pytest.mark.parametrize("value", ["1e20000000", Decimal("1e-40"), 10**40, "1" * 5000], ids=case_id)
def test_services_refuse_out_of_bounds_decimals_from_any_caller(value):
    from app.domain.catalog.pricing.values import amount
    from app.domain.problems import ProblemCollector

    at = ProblemCollector()
    assert amount({"standingCharge": value}, "standingCharge", at, default=None) is None
    (problem,) = at.problems
    assert problem.path[-1] == "standingCharge" and problem.message != ""
