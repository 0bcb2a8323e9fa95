"""Checks that know the item (issue 11, findings 4 and 5).

- A DENY on one item holds on single-item reads (by id and by code), on the bill
  mutations naming several bills, and on attaching a policy; an ALLOW on one item lets
  that item be read.
- Lists (root and nested) leave out the items denied one by one, keeping cursors.
- Nested edges answer a type-level DENY like the root list does: FORBIDDEN.
"""

from __future__ import annotations

import uuid

from tests.conftest import data_of
from tests.graphql.test_access import ATTACH
from tests.graphql.test_permissions_enforced import code_of, custom_policy, policy_ids, principal

PRODUCT = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
  product { id meters { nodes { id code } } aggregations { nodes { id code } } }
  userErrors { field code message } } }"""
METER = "query($id: ID, $code: String) { meter(id: $id, code: $code) { id code } }"
METERS = "{ meters(first: 10) { totalCount nodes { code } edges { cursor node { code } } pageInfo { endCursor } } }"
NESTED = "{ products { nodes { code meters { nodes { code } } } } }"


def _meter(code: str) -> dict:
    return {
        "code": code,
        "name": code,
        "dataFields": [{"category": "MEASURE", "code": "n", "name": "N"}],
        "aggregations": [
            {"code": f"{code.replace('-', '_')}_n", "name": "N", "targetField": "n", "aggregation": "SUM"}
        ],
    }


async def catalog(tenant) -> dict[str, str]:
    """A product with meters m-a, m-b, m-c → {code: id}."""
    meters = [_meter(code) for code in ("m-a", "m-b", "m-c")]
    made = data_of(await tenant.gql(PRODUCT, {"input": {"code": "p", "name": "P", "meters": meters}}))
    payload = made["createProduct"]
    assert payload["userErrors"] == [], payload
    return {m["code"]: m["id"] for m in payload["product"]["meters"]["nodes"]}


async def deny_meter(tenant, meter_id: str) -> str:
    policy = await custom_policy(
        tenant,
        f"Not {meter_id[:8]}",
        [{"effect": "DENY", "action": ["config:retrieve"], "resource": [f"config:meter/item/{meter_id}"]}],
    )
    return await principal(tenant, managed=["Administrator"], custom=[policy])


async def test_single_reads_check_the_item_read(tenant):
    meters = await catalog(tenant)
    token = await deny_meter(tenant, meters["m-b"])
    for variables in ({"id": meters["m-b"]}, {"id": meters["m-b"].upper()}, {"code": "m-b"}):
        result = await tenant.gql(METER, variables, token=token)
        assert code_of(result) == "FORBIDDEN" and result["data"]["meter"] is None, (variables, result)
    assert data_of(await tenant.gql(METER, {"code": "m-a"}, token=token))["meter"]["id"] == meters["m-a"]
    # Reaching the meter from its aggregation is the same read.
    aggregations = await tenant.gql("{ aggregations { nodes { code meter { code } } } }", token=token)
    assert code_of(aggregations) == "FORBIDDEN"
    shown = {a["code"]: a["meter"] for a in aggregations["data"]["aggregations"]["nodes"]}
    assert shown == {"m_a_n": {"code": "m-a"}, "m_b_n": None, "m_c_n": {"code": "m-c"}}


async def test_an_allow_on_one_item_reads_that_item_only(tenant):
    meters = await catalog(tenant)
    policy = await custom_policy(
        tenant,
        "Only m-a",
        [{"effect": "ALLOW", "action": ["config:retrieve"], "resource": [f"config:meter/item/{meters['m-a']}"]}],
    )
    token = await principal(tenant, custom=[policy])
    assert data_of(await tenant.gql(METER, {"id": meters["m-a"]}, token=token))["meter"]["code"] == "m-a"
    assert data_of(await tenant.gql(METER, {"code": "m-a"}, token=token))["meter"]["code"] == "m-a"
    assert code_of(await tenant.gql(METER, {"code": "m-b"}, token=token)) == "FORBIDDEN"
    assert code_of(await tenant.gql(METERS, token=token)) == "FORBIDDEN"  # the collection is not allowed


async def test_lists_leave_out_items_denied_one_by_one(tenant):
    meters = await catalog(tenant)
    token = await deny_meter(tenant, meters["m-b"])
    page = data_of(await tenant.gql(METERS, token=token))["meters"]
    assert [n["code"] for n in page["nodes"]] == ["m-a", "m-c"]
    assert [e["node"]["code"] for e in page["edges"]] == ["m-a", "m-c"]
    # Cursors keep their positions: m-c is the third meter, and paging on skips nothing.
    everything = data_of(await tenant.gql(METERS))["meters"]
    assert [e["cursor"] for e in page["edges"]] == [everything["edges"][0]["cursor"], everything["edges"][2]["cursor"]]
    assert page["pageInfo"]["endCursor"] == everything["pageInfo"]["endCursor"]
    nested = data_of(await tenant.gql(NESTED, token=token))["products"]["nodes"]
    assert [[m["code"] for m in p["meters"]["nodes"]] for p in nested] == [["m-a", "m-c"]]


async def test_nested_edges_answer_a_type_level_deny_like_the_root_list(tenant):
    await catalog(tenant)
    data_of(
        await tenant.gql(
            'mutation { createAccount(input: {code: "acc", name: "Acc", '
            'emailAddress: "a@example.com"}) { userErrors { code } } }'
        )
    )
    no_meters = await custom_policy(
        tenant, "No meters", [{"effect": "DENY", "action": ["config:retrieve"], "resource": ["config:meter"]}]
    )
    no_bills = await custom_policy(
        tenant, "No bills", [{"effect": "DENY", "action": ["config:retrieve"], "resource": ["config:bill/*"]}]
    )
    token = await principal(tenant, managed=["Administrator"], custom=[no_meters, no_bills])
    assert code_of(await tenant.gql("{ meters { totalCount } }", token=token)) == "FORBIDDEN"
    for query, path in (
        (NESTED, ["products", "nodes", 0, "meters"]),
        ("{ aggregations { nodes { meter { id } } } }", ["aggregations", "nodes", 0, "meter"]),
        ("{ accounts { nodes { bills { totalCount } } } }", ["accounts", "nodes", 0, "bills"]),
    ):
        result = await tenant.gql(query, token=token)
        assert code_of(result) == "FORBIDDEN", (query, result)
        assert result["errors"][0]["path"] == path, result
        assert "m-a" not in str(result["data"]), result


async def test_bill_mutations_check_every_bill_named(tenant):
    denied, other = str(uuid.uuid4()), str(uuid.uuid4())
    policy = await custom_policy(
        tenant,
        "Not that bill",
        [{"effect": "DENY", "action": ["bills:run", "bills:approve"], "resource": [f"bills:bill/item/{denied}"]}],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[policy])
    recalculate = (
        "mutation($ids: [ID!]!) { recalculateBills(input: {billIds: $ids}) { billJob { id } userErrors { code } } }"
    )
    approve = "mutation($ids: [ID!]!) { approveBills(input: {billIds: $ids}) { bills { id } userErrors { code } } }"
    for mutation in (recalculate, approve):
        assert code_of(await tenant.gql(mutation, {"ids": [other, denied]}, token=token)) == "FORBIDDEN", mutation
        # Another bill passes authorization and is then simply unknown.
        assert code_of(await tenant.gql(mutation, {"ids": [other]}, token=token)) is None, mutation


async def test_attaching_checks_the_policy_and_the_principal(tenant):
    ids = await policy_ids(tenant)
    robot = data_of(await tenant.gql('mutation { createServiceUser(input: {name: "target"}) { serviceUser { id } } }'))
    target = robot["createServiceUser"]["serviceUser"]["id"]
    no_read_only = await custom_policy(
        tenant,
        "Keep ReadOnly",
        [
            {
                "effect": "DENY",
                "action": ["users:manage"],
                "resource": [f"users:permissionPolicy/item/{ids['ReadOnly']}"],
            }
        ],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[no_read_only])
    attach = {"principalType": "SERVICE_USER", "principalId": target}
    read_only = {"input": {**attach, "policyId": ids["ReadOnly"]}}
    assert code_of(await tenant.gql(ATTACH, read_only, token=token)) == "FORBIDDEN"
    done = data_of(await tenant.gql(ATTACH, {"input": {**attach, "policyId": ids["IngestOnly"]}}, token=token))
    assert done["attachPermissionPolicy"]["userErrors"] == []
    hands_off = await custom_policy(
        tenant,
        "Hands off target",
        [{"effect": "DENY", "action": ["users:manage"], "resource": [f"users:serviceUser/item/{target}"]}],
    )
    token = await principal(tenant, managed=["Administrator"], custom=[hands_off])
    assert code_of(await tenant.gql(ATTACH, read_only, token=token)) == "FORBIDDEN"
