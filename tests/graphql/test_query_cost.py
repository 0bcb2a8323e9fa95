"""Query cost analysis (issue 11, finding 7): a query whose estimated size is over the
limit is refused before anything runs, with its cost and the limit; what the data cannot
fill is not held against a query."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, build_schema, parse

from app.db import count_statements
from app.graphql import cost, cost_sizes
from app.graphql.schema import schema
from tests.conftest import data_of

BENCH = Path(__file__).resolve().parents[2] / "bench"
CREATE_PRODUCT = (
    "mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { field message } } }"
)


def static_cost(query: str, variables: dict | None = None, sizes: dict | None = None) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return cost.estimate(schema._schema, document, operation, variables or {}, sizes or {})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The connection object and its 20 default nodes.
        ("{ products { nodes { code } } }", 1 + 20),
        ("{ products(first: 3) { nodes { code } totalCount pageInfo { hasNextPage } } }", 1 + 3 + 1),
        # edges and their node are objects of the response too.
        ("{ products(first: 2) { edges { cursor node { code } } } }", 1 + 2 + 2),
        # Nesting multiplies: 5 products × (1 connection + 4 meters).
        ("{ products(first: 5) { nodes { meters(first: 4) { nodes { code } } } } }", 1 + 5 + 5 * (1 + 4)),
        # A plain list counts LIST_SIZE items; scalars and introspection count nothing.
        ('{ meter(id: "x") { dataFields { code } } __schema { types { name } } }', 1 + 1 * cost.LIST_SIZE),
        # A single object below a page is one per item: the meter of each of 20 aggregations.
        ("{ aggregations { nodes { meter { code } } } }", 1 + 20 + 20),
        # Fragments count like the fields they hold.
        ("query { ...F } fragment F on Query { products(first: 2) { nodes { code } } }", 1 + 2),
        ("{ me { ... on Me { organizationId } } }", 1),
    ],
)
def test_static_estimate(query, expected):
    assert static_cost(query) == expected


def test_unions_and_interfaces_count_like_objects():
    """None in the schema today; a field that returns one must not hide what is below it."""
    sdl = """type Query { things: [Thing] node: Node }
      union Thing = A | B
      interface Node { id: ID children: [Node] }
      type A implements Node { id: ID children: [Node] }
      type B { name: String }"""
    other = build_schema(sdl)
    document = parse("{ things { ... on A { children { id } } } node { children { children { id } } } }")
    operation = document.definitions[0]
    size = cost.LIST_SIZE
    assert cost.estimate(other, document, operation, {}, {}) == size + size * size + 1 + size + size * size


def test_first_from_variables_and_bounds():
    query = "query($n: Int) { products(first: $n) { nodes { code } } }"
    assert static_cost(query, {"n": 7}) == 1 + 7
    assert static_cost(query, {}) == 1 + 20  # an absent variable: the default page
    # Out of range is refused by the resolver; the estimate clamps it.
    assert static_cost(query, {"n": 10_000}) == 1 + 100


def test_known_sizes_bound_the_pages():
    query = "{ products(first: 100) { nodes { meters(first: 100) { nodes { code } } } } }"
    assert static_cost(query) == 1 + 100 + 100 * (1 + 100)
    sizes = {("Query", "products"): 3, ("Product", "meters"): 2}
    assert static_cost(query, sizes=sizes) == 1 + 3 + 3 * (1 + 2)
    # A page smaller than the lists still reads them whole: 3 × 1 meter shown, 3 × 1 more read.
    one = "{ products(first: 100) { nodes { meters(first: 1) { nodes { code } } } } }"
    assert static_cost(one, sizes=sizes) == 1 + 3 + 3 * (1 + 1) + 3 * 1
    assert static_cost(one) == 1 + 100 + 100 * (1 + 1)  # by the document alone, sizes unknown


def _turns(turns: int) -> str:
    """Aggregations, each one's meter, its aggregations ... `turns` times."""
    inner = "aggregations(first: 100) { nodes { code } }"
    for _ in range(turns - 1):
        inner = f"aggregations(first: 100) {{ nodes {{ code meter {{ {inner} }} }} }}"
    return inner


def _cycle(turns: int) -> str:
    return f"query($id: ID!) {{ meter(id: $id) {{ {_turns(turns)} }} }}"


async def _meter_with_aggregations(tenant, count: int) -> str:
    product = {
        "code": "wide",
        "name": "Wide",
        "meters": [
            {
                "code": "events",
                "name": "Events",
                "dataFields": [{"category": "MEASURE", "code": f"f{i}", "name": f"F{i}"} for i in range(5)],
                "aggregations": [
                    {"code": f"a{i}", "name": f"A{i}", "targetField": f"f{i % 5}", "aggregation": "SUM"}
                    for i in range(count)
                ],
            }
        ],
    }
    assert data_of(await tenant.gql(CREATE_PRODUCT, {"i": product}))["createProduct"]["userErrors"] == []
    meters = data_of(await tenant.gql('{ meters(filter: {codes: ["events"]}) { nodes { id } } }'))["meters"]["nodes"]
    return meters[0]["id"]


async def test_cyclic_query_is_refused_before_it_runs(tenant):
    """The finding: a short query cycling meter → aggregations → meter multiplies the rows
    at each turn (20 aggregations, four turns: 20⁴ = 160,000 aggregations and 8,000
    meters). It is refused with its cost and the limit, and no resolver runs."""
    meter_id = await _meter_with_aggregations(tenant, 20)
    query = _cycle(4)
    assert len(query) < 300
    with count_statements() as counter:
        result = await tenant.gql(query, {"id": meter_id})
    assert result.get("data") is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["limit"] == cost.MAX_COST
    assert error["extensions"]["cost"] > cost.MAX_COST
    assert f"Query cost {error['extensions']['cost']} exceeds the limit of {cost.MAX_COST}" in error["message"]
    # Only the statement that reads the organization's list sizes: no resolver ran.
    assert len(counter.statements) == 1 and cost_sizes.SIZES_TAG in counter.statements[0], counter.statements
    # Three turns fit: the same query, smaller, runs.
    smaller = data_of(await tenant.gql(_cycle(3), {"id": meter_id}))
    assert len(smaller["meter"]["aggregations"]["nodes"]) == 20


async def test_large_pages_over_small_data_run(tenant):
    """`first: 100` four levels deep is 10⁸ by the document alone; this organization holds
    one product with one meter and three aggregations, so the query runs."""
    await _meter_with_aggregations(tenant, 3)
    query = """{ products(first: 100) { nodes { code meters(first: 100) { nodes { code
      aggregations(first: 100) { nodes { code pricings(first: 100) { nodes { id } } } } } } } } }"""
    assert static_cost(query) > cost.MAX_COST
    data = data_of(await tenant.gql(query))
    [product] = data["products"]["nodes"]
    assert [len(m["aggregations"]["nodes"]) for m in product["meters"]["nodes"]] == [3]


async def test_costly_mutation_changes_nothing(tenant):
    """The check runs before the mutation: a refused one has created nothing."""
    await _meter_with_aggregations(tenant, 20)
    # Each alias asks for the product's meters and three turns of the cycle below them.
    aliases = " ".join(f"m{i}: meters(first: 100) {{ nodes {{ {_turns(3)} }} }}" for i in range(15))
    mutation = (
        f'mutation {{ createProduct(input: {{code: "late", name: "Late"}}) {{ product {{ {aliases} }} '
        "userErrors { field } } }"
    )
    result = await tenant.gql(mutation)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["QUERY_TOO_COSTLY"]
    codes = [p["code"] for p in data_of(await tenant.gql("{ products { nodes { code } } }"))["products"]["nodes"]]
    assert codes == ["wide"]


async def test_unauthenticated_costly_query_is_unauthenticated(client):
    """Without an organization every field that reads refuses, so nothing is estimated
    (nor read): the answer is UNAUTHENTICATED, the refusal a client can act on."""
    with count_statements() as counter:
        response = await client.post("/graphql", json={"query": _cycle(4), "variables": {"id": "x"}})
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
    assert not [s for s in counter.statements if cost_sizes.SIZES_TAG in s]


def _bench_module():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("catalog_query_bench", BENCH / "catalog_query.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


async def test_catalog_benchmark_query_is_under_the_limit(tenant):
    """The benchmark's full nested catalog (20 products × 10 meters × 5 aggregations, plans
    and pricings) passes the check and runs."""
    bench = _bench_module()
    for p in range(bench.PRODUCTS):
        payload = data_of(await tenant.gql(CREATE_PRODUCT, {"i": bench.product_input(p)}))["createProduct"]
        assert payload["userErrors"] == []
    document = parse(bench.QUERY)
    operation = document.definitions[0]
    named: set = set()
    assert cost.estimate(schema._schema, document, operation, {}, {}, named.add) > cost.MAX_COST
    sizes = await cost_sizes.read_sizes(uuid.UUID(tenant.organization_id), named)
    refined = cost.estimate(schema._schema, document, operation, {}, sizes)
    assert refined <= cost.MAX_COST
    print(f"catalog benchmark query: cost {refined} (limit {cost.MAX_COST})")
    data = data_of(await tenant.gql(bench.QUERY))
    assert len(data["products"]["nodes"]) == bench.PRODUCTS


async def test_costly_subscription_is_refused_before_it_starts(tenant):
    """The check runs for subscriptions too: refused before any bill job is watched."""
    from app.graphql.context import Context
    from app.services.principals import principal_from_token

    context = Context(request=None, response=None, principal=await principal_from_token(tenant.token))
    document = """subscription($id: ID!) { billJobProgress(id: $id) { bills(first: 100) { nodes {
      lineItems(first: 100) { nodes { usagePerPricingBand { bandUnits } } } } } } }"""
    stream = await schema.subscribe(document, variable_values={"id": str(uuid.uuid4())}, context_value=context)
    first = await anext(aiter(stream))
    assert [e.extensions["code"] for e in first.errors] == ["QUERY_TOO_COSTLY"]
    assert first.errors[0].extensions["cost"] > cost.MAX_COST
    await stream.aclose()
