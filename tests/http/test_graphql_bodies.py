"""How /graphql reads a request body (CONTRACT §3): the common POST of one JSON operation
takes a short path (`MetergraphGraphQL.parse_http_body`); every other body goes through
strawberry's general reading. Both must answer alike: the same data for the same
operation, and the same 400 for a body neither accepts."""

from __future__ import annotations

import json

import pytest

QUERY = "query Who($x: Boolean!) { me @include(if: $x) { principalType } }"
OPERATION = {"query": QUERY, "variables": {"x": True}, "operationName": "Who"}


def _headers(tenant, content_type: str, **more: str) -> dict[str, str]:
    return {"Content-Type": content_type, "Authorization": f"Bearer {tenant.token}", **more}


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "Application/JSON; charset=UTF-8", "application/json; charset=latin-1"],
)
async def test_one_operation_is_answered_whichever_path_reads_it(tenant, client, content_type):
    response = await client.post("/graphql", content=json.dumps(OPERATION), headers=_headers(tenant, content_type))
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"principalType": "SERVICE_USER"}}}


async def test_a_query_string_read_through_both_paths_gives_the_same_answer(tenant, client):
    fast = await client.post("/graphql", content=json.dumps(OPERATION), headers=_headers(tenant, "application/json"))
    general = await client.get(
        "/graphql",
        params={"query": QUERY, "variables": json.dumps({"x": True}), "operationName": "Who"},
        headers={"Authorization": f"Bearer {tenant.token}"},
    )
    assert fast.json() == general.json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"query": 5}, "`query` must be a string or null"),
        ({"query": QUERY, "variables": [1]}, "`variables` must be an object or null"),
        ({"query": QUERY, "extensions": "x"}, "`extensions` must be an object or null"),
    ],
)
async def test_members_of_the_wrong_type_are_refused_with_400(tenant, client, body, message):
    response = await client.post("/graphql", content=json.dumps(body), headers=_headers(tenant, "application/json"))
    assert response.status_code == 400
    assert message in response.text


async def test_json_nested_too_deeply_is_a_400(tenant, client):
    body = '{"query": "{ me { principalType } }", "variables": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = await client.post("/graphql", content=body, headers=_headers(tenant, "application/json"))
    assert response.status_code == 400


async def test_a_batch_is_read_by_the_general_path(tenant, client):
    response = await client.post(
        "/graphql", content=json.dumps([OPERATION, OPERATION]), headers=_headers(tenant, "application/json")
    )
    # Batching is not enabled: strawberry's own refusal, as before.
    assert response.status_code == 400


async def test_a_streaming_accept_header_is_left_to_the_general_path(tenant, client):
    response = await client.post(
        "/graphql",
        content=json.dumps(OPERATION),
        headers=_headers(tenant, "application/json", Accept="text/event-stream"),
    )
    # A query (not a subscription) is answered as JSON whatever the client accepts, as before.
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"principalType": "SERVICE_USER"}}}
