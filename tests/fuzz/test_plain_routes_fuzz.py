"""Malformed and hostile requests to the ingest and token routes: whatever arrives, the
answer is a 4xx with a JSON `message` (or, for a body that happens to be a valid batch,
200 accepted), never a 5xx."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Tenant, new_tenant
from tests.fuzz import fuzz_settings
from tests.fuzz.strategies import HOSTILE_TEXT

QUEUE = f"metergraph:test-fuzz-routes:{uuid.uuid4().hex[:10]}"
FIELDS = [
    "meter",
    "account",
    "ts",
    "ets",
    "uid",
    "who",
    "what",
    "where",
    "other",
    "metadata",
    "measure",
    "income",
    "cost",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(HOSTILE_TEXT, children, max_size=5),
    max_leaves=20,
)
# Measurements that look nearly right: the known keys with values of any kind.
measurement = st.dictionaries(st.sampled_from(FIELDS) | HOSTILE_TEXT, json_values, max_size=8)
batches = st.one_of(
    st.fixed_dictionaries({"measurements": st.lists(measurement, max_size=5)}),
    st.fixed_dictionaries({"measurements": json_values}),
    json_values,
).map(lambda value: json.dumps(value).encode())
# Bytes no JSON parser expects: truncated documents, deep nesting, huge numbers, NUL,
# invalid UTF-8, lone surrogates escaped.
hostile_bodies = st.one_of(
    st.binary(max_size=300),
    batches.map(lambda body: body[: len(body) // 2]),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 5000).map(lambda depth: b'{"measurements":' + b"[" * depth),
    st.sampled_from(
        [
            b"",
            b"null",
            b"{}",
            b'{"measurements": []}',
            b'{"measurements": [1e999999]}',
            b'{"measurements": [{"meter": "\\ud800", "account": "a", "ts": "2026-01-01T00:00:00Z"}]}',
            b'{"measurements": [{"meter": "m\\u0000", "account": "a\\u0000", "ts": "2026-01-01T00:00:00Z",'
            b' "uid": "\\u0000", "who": {"\\u0000": "\\u0000"}, "measure": {"n": 1e400}}]}',
            b'\xff\xfe{"measurements": []}',
            b'{"measurements": [{}]}' * 3,
        ]
    ),
)
content_types = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "",
    ]
)


@pytest_asyncio.fixture
async def route_tenant(app, client) -> AsyncIterator[Tenant]:
    """A fresh organization; batches it gets accepted go to a queue of its own."""
    arq = app.state.arq
    previous, arq.default_queue_name = arq.default_queue_name, QUEUE
    try:
        yield await new_tenant(client, "Routes")
    finally:
        arq.default_queue_name = previous
        await arq.delete(QUEUE)


def assert_client_error(response: httpx.Response, *allowed_ok: int) -> dict:
    """A 4xx carrying a JSON message (or one of `allowed_ok`); never a 5xx."""
    assert response.status_code < 500, (response.status_code, response.text[:500])
    body = response.json()
    if response.status_code not in allowed_ok:
        assert 400 <= response.status_code < 500, (response.status_code, body)
        assert isinstance(body.get("message"), str) and body["message"], body
    return body


@given(body=batches | hostile_bodies, content_type=content_types)
@fuzz_settings()
async def test_ingest_answers_hostile_bodies_with_a_4xx(route_tenant, body, content_type):
    response = await route_tenant.client.post(
        f"/organizations/{route_tenant.organization_id}/measurements",
        content=body,
        headers={"Authorization": f"Bearer {route_tenant.token}", "Content-Type": content_type},
    )
    answer = assert_client_error(response, 200)
    if response.status_code == 200:
        assert answer["result"] == "accepted" and uuid.UUID(answer["batchId"])


@given(
    authorization=HOSTILE_TEXT | st.builds(lambda t: "Bearer " + t, HOSTILE_TEXT),
    org=st.one_of(st.uuids().map(str), HOSTILE_TEXT),
)
@fuzz_settings()
async def test_ingest_answers_bad_credentials_and_paths_with_a_4xx(route_tenant, authorization, org):
    headers = {"Authorization": authorization} if authorization.isprintable() and authorization.isascii() else {}
    response = await route_tenant.client.post(
        f"/organizations/{quote(org, safe='') or 'x'}/measurements", content=b'{"measurements": []}', headers=headers
    )
    assert_client_error(response)


def _basic(key_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()


authorizations = st.one_of(
    HOSTILE_TEXT,
    st.builds(_basic, HOSTILE_TEXT, HOSTILE_TEXT),
    st.binary(max_size=60).map(lambda raw: "Basic " + base64.b64encode(raw).decode()),
    st.builds(lambda t: "Basic " + t, HOSTILE_TEXT),
)


@given(
    authorization=authorizations,
    body=hostile_bodies | st.sampled_from([b"grant_type=client_credentials"]),
    content_type=content_types,
)
@fuzz_settings()
async def test_token_answers_hostile_requests_with_a_4xx(client, authorization, body, content_type):
    headers = {"Content-Type": content_type}
    if authorization.isprintable() and authorization.isascii():
        headers["Authorization"] = authorization
    response = await client.post("/oauth/token", content=body, headers=headers)
    assert_client_error(response)


@given(key_id=HOSTILE_TEXT, grant=HOSTILE_TEXT | st.just("client_credentials"))
@fuzz_settings()
async def test_token_with_a_real_secret_and_hostile_key_ids(route_tenant, key_id, grant):
    """The real secret under any key id (NUL, very long, unicode) and any grant type."""
    response = await route_tenant.client.post(
        "/oauth/token",
        data={"grant_type": grant},
        headers={"Authorization": _basic(key_id or "k", route_tenant.api_secret)},
    )
    assert_client_error(response)


async def test_over_long_key_id_is_a_failed_credential(client):
    """Found by the fuzz: a key id longer than the column (64) failed Tortoise's length check
    of the filter value, a 500."""
    response = await client.post("/oauth/token", auth=("k" * 65, "secret"), data={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json() == {"message": "invalid client credentials"}


async def test_over_long_login_email_is_a_failed_credential(client):
    """The same through `login`: an email longer than the column (254) was INTERNAL."""
    response = await client.post(
        "/graphql",
        json={
            "query": 'mutation($e: String!) { login(email: $e, password: "x") { token } }',
            "variables": {"e": "a" * 300 + "@example.com"},
        },
    )
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], errors


async def test_json_nested_thousands_deep_is_a_400(client):
    """Found by the fuzz: `json.loads` ran out of recursion on the token route's body, a 500."""
    deep = b"[" * 100_000 + b"]" * 100_000
    response = await client.post(
        "/oauth/token", content=deep, headers={"Content-Type": "application/json", "Authorization": _basic("k", "s")}
    )
    assert response.status_code == 400
    assert response.json() == {"message": "grant_type must be client_credentials"}
