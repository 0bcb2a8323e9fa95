"""Query limits, the validation cache, error masking and pagination (CONTRACT §3, DESIGN §1)."""

from __future__ import annotations

import json
import uuid

import pytest

from app.graphql.documents import validation_errors
from app.graphql.schema import schema
from app.services import organization_config
from app.settings import Settings
from tests.conftest import client_token, data_of, gql

ME = "{ me { organizationId } }"


def _nested(levels: int) -> str:
    """A selection `levels` fields deep (the field names need not exist: the depth rule
    reads only the document)."""
    return "{ " + " { ".join(f"f{i}" for i in range(levels)) + " }" * levels


def _depth_errors(result: dict) -> list[str]:
    return [e["message"] for e in result.get("errors", []) if "depth" in e["message"]]


def test_limits_are_the_documented_ones():
    assert (Settings.graphql_max_depth, Settings.graphql_max_aliases, Settings.graphql_max_tokens) == (12, 30, 5000)


async def test_query_deeper_than_limit_is_refused(tenant):
    result = await tenant.gql(_nested(14))
    assert result.get("data") is None
    assert _depth_errors(result) == ["'anonymous' exceeds maximum operation depth of 12"]
    named = await tenant.gql("query Deep " + _nested(14))
    assert _depth_errors(named) == ["'Deep' exceeds maximum operation depth of 12"]


async def test_depth_limit_boundary(tenant):
    # The rule reports once a field sits below depth 12: 13 nested fields pass, 14 do not.
    assert _depth_errors(await tenant.gql(_nested(13))) == []
    assert len(_depth_errors(await tenant.gql(_nested(14)))) == 1


async def test_more_than_30_aliases_is_refused(tenant):
    over = "{ " + " ".join(f"a{i}: me {{ organizationId }}" for i in range(31)) + " }"
    result = await tenant.gql(over)
    assert result.get("data") is None
    assert [e["message"] for e in result["errors"]] == ["31 aliases found. Allowed: 30"]
    at_limit = "{ " + " ".join(f"a{i}: me {{ organizationId }}" for i in range(30)) + " }"
    data = data_of(await tenant.gql(at_limit))
    assert len(data) == 30 and data["a29"] == {"organizationId": tenant.organization_id}


def _codes_query(n: int) -> str:
    """`n` string tokens plus 11 others (and the end of the document)."""
    return "{ currencies(codes: [" + " ".join(f'"C{i}"' for i in range(n)) + "]) { totalCount } }"


async def test_document_above_5000_tokens_is_refused(tenant):
    result = await tenant.gql(_codes_query(4989))
    assert result.get("data") is None
    assert [e["message"] for e in result["errors"]] == [
        "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."
    ]
    # One string fewer is exactly at the limit and runs.
    assert data_of(await tenant.gql(_codes_query(4988))) == {"currencies": {"totalCount": 0}}


async def test_normal_query_still_works_after_refusals(tenant):
    await tenant.gql(_nested(20))
    await tenant.gql(_codes_query(6000))
    assert data_of(await tenant.gql(ME)) == {"me": {"organizationId": tenant.organization_id}}


async def test_validation_cache_hits_for_identical_requests(tenant):
    # An identical query text validates once (DESIGN §1).
    cache = validation_errors
    query = f"{{ q{uuid.uuid4().hex}: me {{ organizationId }} }}"
    first_info = cache.cache_info()
    assert data_of(await tenant.gql(query))
    second_info = cache.cache_info()
    assert (second_info.misses, second_info.hits) == (first_info.misses + 1, first_info.hits)
    assert data_of(await tenant.gql(query))
    third_info = cache.cache_info()
    assert (third_info.misses, third_info.hits) == (second_info.misses, second_info.hits + 1)


async def test_unexpected_exception_is_masked(tenant, monkeypatch):
    async def broken(organization_id):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(organization_config, "get_config", broken)
    response = await tenant.client.post(
        "/graphql",
        json={"query": "{ organizationConfig { timezone } }"},
        headers={"Authorization": f"Bearer {tenant.token}"},
    )
    assert response.status_code == 200
    assert "secret detail" not in response.text
    assert "RuntimeError" not in response.text
    body = response.json()
    assert body["data"] is None
    assert [(e["message"], e["extensions"], e["path"]) for e in body["errors"]] == [
        ("Internal server error.", {"code": "INTERNAL"}, ["organizationConfig"])
    ]


async def test_unauthenticated_is_not_masked(client):
    result = await gql(client, ME)
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert result["errors"][0]["message"] != "Internal server error."
    tampered = await gql(client, ME, token="not-a-token")
    assert [e["extensions"]["code"] for e in tampered["errors"]] == ["UNAUTHENTICATED"]


async def test_forbidden_is_not_masked(tenant, client):
    policies = data_of(await tenant.gql("{ permissionPolicies { nodes { id name } } }"))["permissionPolicies"]["nodes"]
    read_only = next(p["id"] for p in policies if p["name"] == "ReadOnly")
    created = data_of(
        await tenant.gql(
            'mutation($p: [ID!]!) { createServiceUser(input: {name: "reader", permissionPolicyIds: $p}) '
            "{ serviceUser { id } userErrors { field } } }",
            {"p": [read_only]},
        )
    )["createServiceUser"]
    assert created["userErrors"] == []
    issued = data_of(
        await tenant.gql(
            (
                "mutation($s: ID!) { createAccessKey(input: {serviceUserId: $s}) { accessKey { "
                "accessKeyId } apiSecret userErrors { field } } }"
            ),
            {"s": created["serviceUser"]["id"]},
        )
    )["createAccessKey"]
    response = await client_token(client, issued["accessKey"]["accessKeyId"], issued["apiSecret"])
    assert response.status_code == 200, response.text
    reader = response.json()["access_token"]
    # Reading is allowed, creating is not.
    assert data_of(await gql(client, ME, token=reader)) == {"me": {"organizationId": tenant.organization_id}}
    result = await gql(
        client, 'mutation { createCurrency(input: {code: "RDR", name: "Reader"}) { currency { id } } }', token=reader
    )
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["FORBIDDEN"]
    assert "config:create" in result["errors"][0]["message"]
    codes = [n["code"] for n in data_of(await tenant.gql("{ currencies { nodes { code } } }"))["currencies"]["nodes"]]
    assert "RDR" not in codes


async def test_first_over_100_is_bad_user_input(tenant):
    result = await tenant.gql("{ currencies(first: 101) { nodes { code } } }")
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]
    assert result["errors"][0]["message"] == "first must be between 0 and 100"
    assert data_of(await tenant.gql("{ currencies(first: 100) { totalCount } }"))["currencies"]["totalCount"] == 1
    negative = await tenant.gql("{ currencies(first: -1) { nodes { code } } }")
    assert [e["extensions"]["code"] for e in negative["errors"]] == ["BAD_USER_INPUT"]


async def test_walk_all_currencies_one_by_one(tenant):
    for code in ("EUR", "GBP", "JPY"):
        payload = data_of(
            await tenant.gql(
                (
                    "mutation($c: String!) { createCurrency(input: {code: $c, name: $c}) { currency { code } "
                    "userErrors { field } } }"
                ),
                {"c": code},
            )
        )["createCurrency"]
        assert payload == {"currency": {"code": code}, "userErrors": []}
    page_query = (
        "query($after: String) { currencies(first: 1, after: $after) { nodes { code } edges { cursor node { code } } "
        "pageInfo { hasNextPage endCursor hasPreviousPage } totalCount } }"
    )
    seen, after, pages = [], None, []
    for _ in range(10):
        page = data_of(await tenant.gql(page_query, {"after": after}))["currencies"]
        pages.append(page)
        assert page["totalCount"] == 4
        assert len(page["nodes"]) == 1 and page["edges"][0]["node"] == page["nodes"][0]
        assert page["pageInfo"]["endCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen.append(page["nodes"][0]["code"])
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert seen == ["EUR", "GBP", "JPY", "USD"]  # ordered by code
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, True, False]
    # After the last item: an empty page.
    empty = data_of(await tenant.gql(page_query, {"after": after}))["currencies"]
    assert empty["nodes"] == [] and empty["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": None,
        "hasPreviousPage": True,
    }
    # Bigger pages give the same order.
    two = data_of(await tenant.gql("{ currencies(first: 3) { nodes { code } pageInfo { hasNextPage } } }"))[
        "currencies"
    ]
    assert [n["code"] for n in two["nodes"]] == ["EUR", "GBP", "JPY"] and two["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("cursor", ["garbage!", "bm9wZQ==", "bzotNQ==", "eDox"])  # "nope", "o:-5", "x:1"
async def test_invalid_cursor_is_bad_user_input(tenant, cursor):
    result = await tenant.gql("query($a: String) { currencies(first: 1, after: $a) { nodes { code } } }", {"a": cursor})
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]
    assert result["errors"][0]["message"] == f"invalid cursor {cursor!r}"


async def test_limits_apply_to_the_served_schema_directly():
    """The same refusals come from the schema object, not from the HTTP view."""
    result = await schema.execute(_nested(14))
    assert [e.message for e in result.errors if "depth" in e.message] == [
        "'anonymous' exceeds maximum operation depth of 12"
    ]
    assert json.dumps(result.data) == "null"
