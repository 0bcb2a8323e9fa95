"""Products and the nested createProduct (CONTRACT §4): the whole catalog in one input,
all or nothing; nested reads cost one SQL statement per level."""

from __future__ import annotations

import copy

from app.db import count_statements
from app.models.catalog import Aggregation, CompoundAggregation, Meter, Plan, PlanTemplate, Pricing, Product
from tests.conftest import data_of

CREATE = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id code name } userErrors { field code message } }
}"""

CATALOG = """query($code: String!) { product(code: $code) {
  code
  meters { totalCount nodes { code dataFields { code category } derivedFields { code calculation }
    aggregations { nodes { code aggregation quantityPerUnit rounding pricings { totalCount } } } } }
  compoundAggregations { nodes { code calculation pricings { nodes { pricingBands { lowerLimit unitPrice } } } } }
  planTemplates { nodes { code currency billFrequency
    pricings { nodes { aggregation { code } pricingBands { lowerLimit unitPrice fixedPrice } } }
    plans { nodes { code standingCharge pricings { nodes { aggregation { code } compoundAggregation { code } } } } } } }
} }"""


def band(lower: str, unit: str, fixed: str = "0") -> dict:
    return {"lowerLimit": lower, "unitPrice": unit, "fixedPrice": fixed}


def pricing(code_key: str, code: str, bands: list[dict]) -> dict:
    return {code_key: code, "startDate": "2026-01-01T00:00:00Z", "pricingBands": bands}


def catalog_input(code: str, plans: int = 3) -> dict:
    return {
        "code": code,
        "name": f"Product {code}",
        "meters": [
            {
                "code": f"{code}-api",
                "name": "API",
                "dataFields": [
                    {"category": "MEASURE", "code": "requests", "name": "Requests"},
                    {"category": "MEASURE", "code": "bytes", "name": "Bytes", "unit": "B"},
                    {"category": "WHERE", "code": "region", "name": "Region"},
                ],
                "derivedFields": [{"category": "MEASURE", "code": "kb", "name": "KB", "calculation": "bytes / 1000"}],
                "aggregations": [
                    {
                        "code": f"{code}_requests",
                        "name": "Requests",
                        "targetField": "requests",
                        "aggregation": "SUM",
                        "quantityPerUnit": "1000",
                        "rounding": "UP",
                    },
                    {"code": f"{code}_kb", "name": "KB", "targetField": "kb", "aggregation": "MAX"},
                ],
            }
        ],
        "compoundAggregations": [
            {
                "code": f"{code}_mix",
                "name": "Mix",
                "calculation": f"aggregation.{code}_requests + aggregation.{code}_kb / 60",
            }
        ],
        "planTemplates": [
            {
                "code": f"{code}-standard",
                "name": "Standard",
                "currency": "USD",
                "billFrequency": "MONTHLY",
                "standingCharge": "30",
                "pricings": [pricing("aggregationCode", f"{code}_requests", [band("0", "0.15"), band("500", "0.10")])],
                "plans": [
                    {
                        "code": f"{code}-plan-{i}",
                        "name": f"Plan {i}",
                        "pricings": [pricing("compoundAggregationCode", f"{code}_mix", [band("0", "1")])],
                    }
                    for i in range(plans)
                ],
            }
        ],
    }


async def test_whole_catalog_in_one_input(tenant):
    payload = data_of(await tenant.gql(CREATE, {"input": catalog_input("acme")}))["createProduct"]
    assert payload["userErrors"] == []
    assert payload["product"]["code"] == "acme"
    product = data_of(await tenant.gql(CATALOG, {"code": "acme"}))["product"]
    meter = product["meters"]["nodes"][0]
    assert [f["code"] for f in meter["dataFields"]] == ["requests", "bytes", "region"]
    assert meter["derivedFields"] == [{"code": "kb", "calculation": "bytes / 1000"}]
    aggregations = {a["code"]: a for a in meter["aggregations"]["nodes"]}
    assert aggregations["acme_requests"]["quantityPerUnit"] == "1000"
    assert aggregations["acme_requests"]["pricings"]["totalCount"] == 1
    template = product["planTemplates"]["nodes"][0]
    assert template["pricings"]["nodes"] == [
        {"aggregation": {"code": "acme_requests"}, "pricingBands": [band("0", "0.15"), band("500", "0.10")]}
    ]
    assert [p["code"] for p in template["plans"]["nodes"]] == ["acme-plan-0", "acme-plan-1", "acme-plan-2"]
    assert template["plans"]["nodes"][0]["standingCharge"] == "30"
    assert template["plans"]["nodes"][0]["pricings"]["nodes"] == [
        {"aggregation": None, "compoundAggregation": {"code": "acme_mix"}}
    ]
    assert (
        product["compoundAggregations"]["nodes"][0]["pricings"]["nodes"]
        == [{"pricingBands": [{"lowerLimit": "0", "unitPrice": "1"}]}] * 3
    )


async def _counts(org) -> tuple[int, ...]:
    return tuple(
        [
            await model.filter(organization_id=org).count()
            for model in (Product, Meter, Aggregation, CompoundAggregation, PlanTemplate, Plan, Pricing)
        ]
    )


async def test_bad_band_in_third_plan_leaves_nothing_behind(tenant):
    bad = catalog_input("bad")
    bad["planTemplates"][0]["plans"][2]["pricings"][0]["pricingBands"] = [band("0", "1"), band("0", "2")]
    before = await _counts(tenant.organization_id)
    payload = data_of(await tenant.gql(CREATE, {"input": bad}))["createProduct"]
    assert payload["product"] is None
    assert [e["field"] for e in payload["userErrors"]] == [
        ["input", "planTemplates", "0", "plans", "2", "pricings", "0", "pricingBands", "1", "lowerLimit"]
    ]
    assert await _counts(tenant.organization_id) == before


async def test_every_problem_reported_with_its_path(tenant):
    bad = catalog_input("many")
    bad["meters"][0]["aggregations"][1]["aggregation"] = "UNIQUE"  # UNIQUE on a MEASURE field
    bad["meters"][0]["derivedFields"][0]["calculation"] = "bytes / nothing"
    bad["compoundAggregations"][0]["calculation"] = "aggregation.missing * 2"
    bad["planTemplates"][0]["currency"] = "XYZ"
    bad["planTemplates"][0]["pricings"][0]["aggregationCode"] = "no_such_aggregation"
    payload = data_of(await tenant.gql(CREATE, {"input": bad}))["createProduct"]
    fields = {tuple(e["field"]) for e in payload["userErrors"]}
    assert {
        ("input", "meters", "0", "aggregations", "1", "aggregation"),
        ("input", "meters", "0", "derivedFields", "0", "calculation"),
        ("input", "compoundAggregations", "0", "calculation"),
        ("input", "planTemplates", "0", "currency"),
        ("input", "planTemplates", "0", "pricings", "0", "aggregationCode"),
    } <= fields
    assert await Product.filter(organization_id=tenant.organization_id, code="many").count() == 0


async def test_duplicate_codes_inside_the_input_and_against_the_database(tenant):
    first = data_of(await tenant.gql(CREATE, {"input": catalog_input("dup")}))["createProduct"]
    assert first["userErrors"] == []
    again = catalog_input("dup2")
    again["meters"][0]["aggregations"][0]["code"] = "dup_requests"  # taken by the first product
    again["meters"].append(copy.deepcopy(again["meters"][0]))  # the same meter twice in one input
    again["meters"][1]["aggregations"] = []
    payload = data_of(await tenant.gql(CREATE, {"input": again}))["createProduct"]
    errors = {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]}
    assert (("input", "meters", "1", "code"), "DUPLICATE") in errors
    assert payload["product"] is None
    assert await Product.filter(organization_id=tenant.organization_id, code="dup2").count() == 0


async def test_nested_parent_ids_are_refused(tenant):
    bad = catalog_input("nest")
    bad["meters"][0]["productId"] = "00000000-0000-0000-0000-000000000001"
    payload = data_of(await tenant.gql(CREATE, {"input": bad}))["createProduct"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "meters", "0", "productId"], "INVALID")
    ]


async def test_product_update_delete_and_isolation(tenant, other_tenant):
    created = data_of(await tenant.gql(CREATE, {"input": {"code": "solo", "name": "Solo"}}))["createProduct"]["product"]
    update = """mutation($i: UpdateProductInput!) { updateProduct(input: $i) { product { name version } userErrors {
      field code } } }"""
    delete = (
        """mutation($i: DeleteInput!) { deleteProduct(input: $i) { deletedId userErrors { field code message } } }"""
    )
    foreign = data_of(await other_tenant.gql(update, {"i": {"id": created["id"], "version": 1, "name": "Stolen"}}))[
        "updateProduct"
    ]
    assert foreign["userErrors"] == [{"field": ["input", "id"], "code": "NOT_FOUND"}]
    assert data_of(await other_tenant.gql('{ product(code: "solo") { id } products { totalCount } }')) == {
        "product": None,
        "products": {"totalCount": 0},
    }
    renamed = data_of(await tenant.gql(update, {"i": {"id": created["id"], "version": 1, "name": "Renamed"}}))[
        "updateProduct"
    ]
    assert renamed == {"product": {"name": "Renamed", "version": 2}, "userErrors": []}
    stale = data_of(await tenant.gql(update, {"i": {"id": created["id"], "version": 1, "name": "Late"}}))[
        "updateProduct"
    ]
    assert stale["userErrors"] == [{"field": ["input", "version"], "code": "CONFLICT"}]
    deleted = data_of(await tenant.gql(delete, {"i": {"id": created["id"], "version": 2}}))["deleteProduct"]
    assert deleted == {"deletedId": created["id"], "userErrors": []}


async def test_delete_refused_while_the_product_holds_a_catalog(tenant):
    data_of(await tenant.gql(CREATE, {"input": catalog_input("held", plans=1)}))
    product = await Product.get(organization_id=tenant.organization_id, code="held")
    result = data_of(
        await tenant.gql(
            "mutation($i: DeleteInput!) { deleteProduct(input: $i) { deletedId userErrors { code message } } }",
            {"i": {"id": str(product.id), "version": product.version}},
        )
    )["deleteProduct"]
    assert result["deletedId"] is None
    assert result["userErrors"][0]["code"] == "IN_USE"
    assert "meters held-api" in result["userErrors"][0]["message"]
    assert await Product.filter(id=product.id).exists()


FULL_CATALOG = """{ products(first: 100) { nodes { code
  meters(first: 100) { nodes { code aggregations(first: 100) { nodes { code pricings { nodes { id } } } } } }
  compoundAggregations { nodes { code } }
  planTemplates { nodes { code pricings { nodes { id aggregation { code } } }
    plans { nodes { code pricings { nodes { id compoundAggregation { code } } } } } } }
} } }"""


async def _statements_for_catalog(tenant) -> int:
    with count_statements() as counter:
        data = data_of(await tenant.gql(FULL_CATALOG))
    assert data["products"]["nodes"]
    return len(counter.statements)


async def test_nested_reads_cost_the_same_statements_for_2_and_20_products(client):
    from tests.conftest import new_tenant

    small, large = await new_tenant(client, "Small"), await new_tenant(client, "Large")
    for tenant, count in ((small, 2), (large, 20)):
        for i in range(count):
            payload = data_of(await tenant.gql(CREATE, {"input": catalog_input(f"p{i}", plans=2)}))["createProduct"]
            assert payload["userErrors"] == []
    small_count = await _statements_for_catalog(small)
    large_count = await _statements_for_catalog(large)
    assert small_count == large_count
    # products, meters, aggregations, aggregation pricings, compounds, templates, template
    # pricings, their aggregations, plans, plan pricings, their compounds: one each.
    assert small_count <= 11


async def test_delete_refused_while_a_commitment_names_the_product(tenant):
    from datetime import date
    from decimal import Decimal

    from app.models.accounts import Account, Commitment

    product = await Product.create(organization_id=tenant.organization_id, code="committed", name="Committed")
    account = await Account.create(organization_id=tenant.organization_id, code="acc-committed", name="A")
    await Commitment.create(
        organization_id=tenant.organization_id,
        account_id=account.id,
        currency="USD",
        amount=Decimal(100),
        start_date=date(2026, 1, 1),
        end_date=date(2027, 1, 1),
        product_ids=[str(product.id)],
    )
    result = data_of(
        await tenant.gql(
            "mutation($i: DeleteInput!) { deleteProduct(input: $i) { deletedId userErrors { code message } } }",
            {"i": {"id": str(product.id), "version": 1}},
        )
    )["deleteProduct"]
    assert [e["code"] for e in result["userErrors"]] == ["IN_USE"]
    assert "commitments" in result["userErrors"][0]["message"]
