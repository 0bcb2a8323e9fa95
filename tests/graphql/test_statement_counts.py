"""Statements a nested read costs (CONTRACT §4): for every nested edge, the same number of
SQL statements whether the query lists 2 parents or 10. A per-row read (an N+1) makes the
second count grow with the rows and fails the test. (Plan → accountPlans, listed in the
contract, is not a field of Plan in the schema, so it has no case here.)"""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio

from tests.conftest import data_of, new_tenant
from tests.graphql.test_bills import JAN
from tests.graphql.test_bills import catalog as billed_catalog
from tests.graphql.test_products import catalog_input
from tests.scenarios import BILL_QUEUE, CREATE_BILL_JOB, Story, run_worker

PARENTS = 10
BY_IDS = "(first: $n, filter: {ids: $ids})"  # `@` below: $n of the parents whose edge holds something
# edge id → the root list and the selection below each parent ($n parents).
EDGES = {
    "Product.meters": "products@ { nodes { meters { nodes { code } } } }",
    "Product.aggregations": "products@ { nodes { aggregations { nodes { code } } } }",
    "Product.compoundAggregations": "products@ { nodes { compoundAggregations { nodes { code } } } }",
    "Product.planTemplates": "products@ { nodes { planTemplates { nodes { code } } } }",
    "Product.plans": "products@ { nodes { plans { nodes { code } } } }",
    "Meter.aggregations": "meters@ { nodes { aggregations { nodes { code } } } }",
    "Aggregation.meter": "aggregations@ { nodes { meter { code } } }",
    "Aggregation.pricings": "aggregations@ { nodes { pricings { nodes { id } } } }",
    "PlanTemplate.plans": "planTemplates@ { nodes { plans { nodes { code } } } }",
    "PlanTemplate.pricings": "planTemplates@ { nodes { pricings { nodes { id } } } }",
    "Plan.planTemplate": "plans@ { nodes { planTemplate { code } } }",
    "Plan.pricings": "plans@ { nodes { pricings { nodes { id } } } }",
    "Pricing.plan": "pricings@ { nodes { plan { code } } }",
    "Pricing.planTemplate": "pricings@ { nodes { planTemplate { code } } }",
    "Pricing.aggregation": "pricings@ { nodes { aggregation { code } } }",
    "Pricing.compoundAggregation": "pricings@ { nodes { compoundAggregation { code } } }",
    "Account.parent": "accounts@ { nodes { parent { code } } }",
    "Account.children": "accounts@ { nodes { children { nodes { code } } } }",
    "Account.accountPlans": "accounts@ { nodes { accountPlans { nodes { id } } } }",
    "Account.commitments": "accounts@ { nodes { commitments { nodes { id } } } }",
    "Account.bills": "accounts@ { nodes { bills { nodes { id } } } }",
    "AccountPlan.account": "accountPlans@ { nodes { account { code } } }",
    "AccountPlan.plan": "accountPlans@ { nodes { plan { code } } }",
    "Bill.account": "bills@ { nodes { account { code } } }",
    "Bill.lineItems": "bills@ { nodes { lineItems { nodes { lineItemType } } } }",
    "Bill.billJob": "bills@ { nodes { billJob { status } } }",
    "BillJob.bills": "billJobs(first: $n) { nodes { bills { nodes { id } } } }",  # no filter; each job has bills
}
EDGES = {edge: selection.replace("@", BY_IDS) for edge, selection in EDGES.items()}


@pytest_asyncio.fixture(scope="module")
async def world(app):
    """One organization with at least PARENTS parents on each side of every edge: products
    (each a meter, aggregations, a compound, a template, plans and pricings), accounts each
    with a child, a plan and a commitment, a bill each, from a bill job each."""
    arq, previous = app.state.arq, app.state.arq.default_queue_name
    arq.default_queue_name = BILL_QUEUE  # this session's own queue (tests/scenarios)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            story = Story(await new_tenant(client, "Counted"))
            for p in range(PARENTS):
                await story.product(catalog_input(f"p{p}", plans=2))
            await story.product(billed_catalog())
            ids = [await _account_with_child_and_commitment(story, a) for a in range(PARENTS)]
            for account_id in ids:  # one job per account, so that there are PARENTS jobs
                await story.ok(
                    CREATE_BILL_JOB,
                    {"input": {"lastDateInBillingPeriod": "2026-01-31", "accountIds": [account_id]}},
                    "createBillJob",
                )
            await run_worker()
            yield story.tenant
    finally:
        arq.default_queue_name = previous
        await arq.delete(BILL_QUEUE)


async def _account_with_child_and_commitment(story: Story, a: int) -> str:
    commitment = {"currency": "USD", "amount": "1200", "startDate": "2026-01-01", "endDate": "2027-01-01"}
    child = {
        "code": f"a{a}-kid",
        "name": f"Kid {a}",
        "emailAddress": f"kid{a}@example.com",
        # A plan of its own: account plans point to many plans, not all to "web".
        "accountPlans": [{"planCode": f"p{a}-plan-0", "startDate": JAN}],
    }
    return await story.account(f"a{a}", [("web", JAN)], children=[child], commitments=[commitment])


async def _parents_with_edge(tenant, selection: str) -> list[str] | None:
    """Ids of the parents whose edge holds something (an absent parent or an empty list
    costs no statement, which would make 2 parents cheaper than 10 for the wrong reason)."""
    if "$ids" not in selection:
        return None
    probe = selection.replace("(first: $n, filter: {ids: $ids})", "(first: 100)").replace("nodes {", "nodes { id", 1)
    (listed,) = data_of(await tenant.gql(f"{{ {probe} }}")).values()
    return [node["id"] for node in listed["nodes"] if _holds(node)]


def _holds(node: dict) -> bool:
    (edge,) = (value for key, value in node.items() if key != "id")
    return edge is not None and (not isinstance(edge, dict) or "nodes" not in edge or bool(edge["nodes"]))


async def _statements(count_queries, tenant, selection: str, parents: int, ids: list[str] | None) -> int:
    variables = {"n": parents, "ids": None if ids is None else ids[:parents]}
    declared = "$n: Int" if ids is None else "$n: Int, $ids: [ID!]"
    with count_queries() as counter:
        data = data_of(await tenant.gql(f"query({declared}) {{ {selection} }}", variables))
    (listed,) = data.values()
    assert len(listed["nodes"]) == parents  # the world holds enough parents
    return len(counter.statements)


@pytest.mark.parametrize("selection", EDGES.values(), ids=EDGES.keys())
async def test_a_nested_edge_costs_the_same_statements_for_2_parents_as_for_10(world, count_queries, selection):
    # given an organization with at least 10 parents on this edge, each with children
    # when the edge is read under 2 parents, then under 10
    ids = await _parents_with_edge(world, selection)
    two = await _statements(count_queries, world, selection, 2, ids)
    ten = await _statements(count_queries, world, selection, PARENTS, ids)
    # then the statements do not grow with the parents
    assert ten == two
