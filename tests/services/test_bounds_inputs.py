"""String and list lengths of every GraphQL input, bounded in one place (issue 11, "bounds
on every input"): refused before any resolver runs, naming the path, nothing stored."""

from __future__ import annotations

import pytest

from app.graphql.input_bounds import MAX_ITEMS, MAX_LOOKUP, MAX_STRING
from app.models.catalog import Product
from tests.conftest import data_of

CREATE = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id } userErrors { field code message } } }"""
PRODUCTS = """query($codes: [String!]) { products(filter: {codes: $codes}) { totalCount } }"""


def refused(result: dict) -> tuple[str, str]:
    assert result.get("data") is None, result
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    return error["extensions"]["field"], error["message"]


async def nothing_stored(tenant) -> bool:
    return not await Product.filter(organization_id=tenant.organization_id).exists()


async def test_a_long_string_in_a_variable_is_refused_with_its_path(tenant):
    result = await tenant.gql(
        CREATE,
        {
            "input": {
                "code": "p",
                "name": "P",
                "meters": [
                    {
                        "code": "m",
                        "name": "M",
                        "dataFields": [{"category": "WHO", "code": "w", "name": "x" * (MAX_STRING + 1)}],
                    }
                ],
            }
        },
    )
    field, message = refused(result)
    assert field == "$input.meters[0].dataFields[0].name" and f"longer than {MAX_STRING}" in message
    assert await nothing_stored(tenant)


async def test_a_long_string_written_in_the_document_is_refused_with_its_path(tenant):
    long = "y" * (MAX_STRING + 1)
    result = await tenant.gql(
        f'mutation {{ createProduct(input: {{code: "p", name: "{long}"}}) {{ product {{ id }} }} }}'
    )
    assert refused(result)[0] == "createProduct(input:).name"
    assert await nothing_stored(tenant)


async def test_a_long_list_is_refused(tenant):
    assert refused(await tenant.gql(PRODUCTS, {"codes": ["c"] * (MAX_ITEMS + 1)}))[0] == "$codes"
    assert data_of(await tenant.gql(PRODUCTS, {"codes": ["c"] * MAX_ITEMS}))["products"]["totalCount"] == 0


async def test_json_contents_are_bounded_too(tenant):
    many = {f"k{n}": "v" for n in range(MAX_ITEMS + 1)}
    result = await tenant.gql(CREATE, {"input": {"code": "p", "name": "P", "customFields": many}})
    assert refused(result)[0] == "$input.customFields"
    nested: object = "z" * (MAX_STRING + 1)
    for _ in range(200):
        nested = [nested]
    result = await tenant.gql(CREATE, {"input": {"code": "p", "name": "P", "customFields": {"deep": nested}}})
    assert refused(result)[0].startswith("$input.customFields.deep[0][0]")
    assert await nothing_stored(tenant)


@pytest.mark.parametrize("length", [1, MAX_STRING])
async def test_values_within_the_bounds_reach_the_resolver(tenant, length):
    result = await tenant.gql(CREATE, {"input": {"code": "p", "name": "P", "customFields": {"note": "n" * length}}})
    assert data_of(result)["createProduct"]["userErrors"] == []


async def test_a_meter_whose_derived_fields_take_too_much_work_gets_a_user_error_at_the_field(tenant):
    heavy = "+".join(["w"] * 1100)
    result = await tenant.gql(
        CREATE,
        {
            "input": {
                "code": "p",
                "name": "P",
                "meters": [
                    {
                        "code": "m",
                        "name": "M",
                        "dataFields": [{"category": "WHO", "code": "w", "name": "W"}],
                        "derivedFields": [
                            {"category": "WHAT", "code": f"d{n}", "name": "D", "calculation": heavy} for n in range(2)
                        ],
                    }
                ],
            }
        },
    )
    (error,) = data_of(result)["createProduct"]["userErrors"]
    assert error["field"] == ["input", "meters", "0", "derivedFields", "1", "calculation"]
    assert "more than 2000" in error["message"]
    assert await nothing_stored(tenant)


@pytest.mark.parametrize(
    "document",
    [
        '{ product(code: "%s") { id } }',
        '{ accounts(filter: {codes: ["%s"]}) { totalCount } }',
        '{ currencies(codes: ["%s"]) { totalCount } }',
    ],
)
async def test_a_lookup_longer_than_any_column_is_the_clients_mistake_not_a_crash(tenant, document):
    """Found by the fuzz: the ORM refused to compare a 3,000-character code (INTERNAL)."""
    assert refused(await tenant.gql(document % ("c" * (MAX_LOOKUP + 1))))[1].endswith(
        f"longer than {MAX_LOOKUP} characters"
    )
    result = await tenant.gql("query($c: String) { product(code: $c) { id } }", {"c": "c" * 3000})
    assert refused(result)[0] == "$c"


async def test_a_lookup_longer_than_its_own_column_names_the_field_and_its_limit(tenant):
    result = await tenant.gql('{ currencies(codes: ["%s"]) { totalCount } }' % ("c" * MAX_LOOKUP))
    assert result["errors"] == [
        {
            "message": "code: longer than the 80 characters its field holds",
            "locations": [{"line": 1, "column": 3}],
            "path": ["currencies"],
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]
    result = await tenant.gql('{ currencies(codes: ["%s"]) { totalCount } }' % ("c" * 80))
    assert data_of(result)["currencies"]["totalCount"] == 0


@pytest.mark.parametrize("field", ["product", "meter", "aggregation", "plan", "pricing", "account"])
async def test_nul_in_a_string_is_refused_naming_it(tenant, field):
    """Found by the fuzz: PostgreSQL text cannot hold NUL (INTERNAL)."""
    field_path, message = refused(await tenant.gql(f'{{ {field}(code: "a\\u0000b") {{ id }} }}'))
    assert field_path == f"{field}(code:)" and message.endswith("must not contain NUL")


async def test_nul_in_a_mutation_variable_is_refused(tenant):
    result = await tenant.gql(CREATE, {"input": {"code": "p", "name": "a\x00b"}})
    assert refused(result)[0] == "$input.name"
    assert await nothing_stored(tenant)
