"""Lookahead loading of nested catalog reads (app.graphql.prefetch): root fields load every
relation their selection names ahead, one statement per level, and answer exactly what the
per-field DataLoaders answer."""

from __future__ import annotations

import pytest
from strawberry.types.nodes import SelectedField

from app.db import count_statements
from app.graphql import cost_sizes
from app.graphql.prefetch import depth, lookahead, selection
from tests.conftest import data_of
from tests.graphql.test_products import CREATE, catalog_input

PRICING = """id startDate pricingBands { lowerLimit unitPrice fixedPrice }
  aggregation { code meter { code } } compoundAggregation { code }
  plan { code standingCharge planTemplate { code } } planTemplate { code currency }"""
AGGREGATIONS = f"""aggregations(first: 100) {{ totalCount nodes {{ code aggregation rounding quantityPerUnit segments
  meter {{ code }} pricings {{ totalCount nodes {{ {PRICING} }} }} }} }}"""
METER = f"""code dataFields {{ code category unit }} derivedFields {{ code calculation }} {AGGREGATIONS}"""
TEMPLATE = f"""code currency billFrequency standingCharge
  pricings {{ nodes {{ {PRICING} }} }}
  plans {{ totalCount nodes {{ code currency billFrequency standingCharge minimumSpend overriddenFields
    planTemplate {{ code }} pricings {{ nodes {{ {PRICING} }} }} }} }}"""
PRODUCT = f"""code name customFields
  meters {{ totalCount nodes {{ {METER} }} }}
  compoundAggregations {{ nodes {{ code calculation pricings {{ nodes {{ {PRICING} }} }} }} }}
  planTemplates {{ nodes {{ {TEMPLATE} }} }}
  plans(first: 2, after: "bzow") {{ pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ code pricings {{ nodes {{ id compoundAggregation {{ code }} }} }} }} }} }}"""

# query → the statements it costs, whatever the number of rows: one per relation it names
# (a list under a type, or the row a field points to), except rows the walk has read
# already (a pricing's aggregation under a meter's aggregations, a plan's template...).
QUERIES = {
    # product, meters, aggregations, their pricings, those pricings' templates, compounds,
    # their pricings, those pricings' plans, templates, their pricings, their plans, those
    # plans' pricings, the product's plans.
    'query { product(code: "p1") { ' + PRODUCT + " } }": 13,
    "query { products(first: 100) { nodes { " + PRODUCT + " } } }": 13,
    # meters, aggregations, their pricings, those pricings' templates (none prices a plan).
    "query { meters(first: 100) { nodes { " + METER + " } } }": 4,
    # templates, their pricings, those pricings' aggregations, their meters, plans, their
    # pricings, those pricings' compounds, totalCount.
    "query { planTemplates(first: 100) { totalCount nodes { " + TEMPLATE + " } } }": 8,
    # pricings, their aggregations, those aggregations' meters, compounds, plans, templates.
    "query { pricings(first: 100) { nodes { " + PRICING + " } } }": 6,
    # Fragments, aliases with their own pages, @skip / @include: products, templates,
    # meters, aggregations, their pricings.
    """query($skip: Boolean!) { products(first: 2) { ...P edges { cursor node { code
        first: meters(first: 1) { nodes { ...M } }
        rest: meters(first: 5, after: "bzow") { edges { cursor node { ...M } } }
        hidden: meters @skip(if: $skip) { nodes { code aggregations { nodes { pricings { totalCount } } } } } } } } }
      fragment P on ProductConnection { nodes { ... on Product { code planTemplates { nodes { code @include(if: true)
        } } } } }
      fragment M on Meter { code aggregations { nodes { code pricings { nodes { id plan { code } } } } } }""": 5,
}


@pytest.fixture
async def catalog(tenant):
    for code in ("p0", "p1", "p2"):
        payload = data_of(await tenant.gql(CREATE, {"input": catalog_input(code, plans=3)}))["createProduct"]
        assert payload["userErrors"] == []
    await tenant.gql("{ products(first: 1) { nodes { code } } }")  # authenticates the token once
    return tenant


async def _no_walk(self, *level) -> None:  # noqa: ANN001, ANN002
    """Root fields skip the walk: every nested field then reads through its DataLoader."""


async def _read(tenant, query: str) -> tuple[dict, int]:
    with count_statements() as counter:
        data = data_of(await tenant.gql(query, {"skip": True}))
    # Not a relation read: the cost check's one look at the organization's list sizes
    # before a query that is costly by its document alone (app.graphql.cost).
    return data, len([s for s in counter.statements if cost_sizes.SIZES_TAG not in s])


@pytest.mark.parametrize(
    "query", list(QUERIES), ids=["product", "products", "meters", "planTemplates", "pricings", "fragments"]
)
async def test_lookahead_reads_each_level_once_and_answers_like_the_loaders(catalog, query, monkeypatch):
    ahead, statements = await _read(catalog, query)
    monkeypatch.setattr(lookahead._Walk, "level", _no_walk)
    loaded, loader_statements = await _read(catalog, query)
    assert ahead == loaded
    assert statements <= min(QUERIES[query], loader_statements)


async def test_the_data_is_what_was_created(catalog):
    data, _ = await _read(catalog, 'query { product(code: "p1") { ' + PRODUCT + " } }")
    product = data["product"]
    aggregations = {a["code"]: a for m in product["meters"]["nodes"] for a in m["aggregations"]["nodes"]}
    assert set(aggregations) == {"p1_requests", "p1_kb"}
    assert aggregations["p1_requests"]["meter"] == {"code": "p1-api"}
    template_pricing = aggregations["p1_requests"]["pricings"]["nodes"][0]
    assert template_pricing["planTemplate"] == {"code": "p1-standard", "currency": "USD"}
    assert template_pricing["aggregation"] == {"code": "p1_requests", "meter": {"code": "p1-api"}}
    plans = product["planTemplates"]["nodes"][0]["plans"]["nodes"]
    assert [(p["code"], p["standingCharge"], p["planTemplate"]["code"]) for p in plans] == [
        (f"p1-plan-{i}", "30", "p1-standard") for i in range(3)
    ]
    assert plans[0]["pricings"]["nodes"][0]["compoundAggregation"] == {"code": "p1_mix"}
    page = product["plans"]
    assert [e["node"]["code"] for e in page["edges"]] == ["p1-plan-1", "p1-plan-2"]
    assert page["pageInfo"]["hasPreviousPage"] is True and page["pageInfo"]["hasNextPage"] is False
    assert [e["cursor"] for e in page["edges"]] == [page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"]]


async def test_statements_do_not_grow_with_the_rows(catalog):
    query = 'query { product(code: "p1") { ' + PRODUCT + " } }"
    _, before = await _read(catalog, query)
    for code in ("p3", "p4", "p5"):
        data_of(await catalog.gql(CREATE, {"input": catalog_input(code, plans=3)}))
    _, with_more_products = await _read(catalog, "query { products(first: 100) { nodes { " + PRODUCT + " } } }")
    _, one_product = await _read(catalog, query)
    assert one_product == before
    assert with_more_products <= QUERIES["query { products(first: 100) { nodes { " + PRODUCT + " } } }"]


async def test_bad_page_arguments_below_a_root_are_reported_not_prefetched(catalog):
    result = await catalog.gql("{ products { nodes { code meters(first: 500) { nodes { code } } } } }")
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    result = await catalog.gql('{ product(code: "p1") { meters(after: "nonsense") { nodes { code } } } }')
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def _field(name: str, *selections: SelectedField) -> SelectedField:
    return SelectedField(name=name, directives={}, arguments={}, selections=list(selections))


def test_the_catalog_benchmarks_depth_completes_synchronously():
    # products { nodes { meters { nodes { aggregations { nodes { pricings { nodes {
    #   pricingBands { lowerLimit } } } } } } } } }: 15 path elements in one recursion, within
    # what the compiled execution may span (see app.graphql.prefetch.depth).
    bands = _field("pricingBands", _field("lowerLimit"))
    pricings = _field("pricings", _field("nodes", _field("id"), bands))
    aggregations = _field("aggregations", _field("nodes", _field("code"), pricings))
    meters = _field("meters", _field("nodes", _field("code"), aggregations))
    assert selection.below(pricings) == 5  # nodes, i, pricingBands, j, lowerLimit
    assert selection.node_offsets(meters.selections) == {2}
    assert not depth.root(frozenset({2})).needs_handover([meters])  # products.nodes.i


def test_deeper_completion_is_handed_over_at_the_highest_connections():
    # c0 { nodes { code c1 { nodes { code ... } } } }: three path elements a level, three
    # times deeper than one synchronous completion may go.
    chain = [_field(f"c{depth.SYNC_PATH_LIMIT - 1}", _field("nodes", _field("code")))]
    for level in reversed(range(depth.SYNC_PATH_LIMIT - 1)):
        chain.insert(0, _field(f"c{level}", _field("nodes", _field("code"), chain[0])))
    at, handed = depth.root(frozenset({2})), []
    for connection in chain:  # as the lookahead walk decides, level by level
        handed.append(at.needs_handover([connection]))
        at = at.under(frozenset({2}), handed[-1])
    over = handed.count(True)
    assert 0 < over < len(chain)
    # The highest levels (the fewest objects) hand over; the rest complete synchronously.
    assert handed == [True] * over + [False] * (len(chain) - over)
    assert 3 * (len(chain) - over) <= depth.SYNC_PATH_LIMIT
