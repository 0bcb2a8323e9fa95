"""Plain HTTP routes and request-level refusals (CONTRACT §2, §3).

/healthz names the failing part; an oversized body is refused with a JSON 413; malformed
JSON, unknown input fields, bad enum values and invalid input values change nothing.
"""

from __future__ import annotations

import json

import redis.asyncio as aioredis

from app.models.organization import Currency, OrganizationConfig
from tests.conftest import data_of

DEAD_REDIS = "redis://127.0.0.1:1/0"


async def test_healthz_ok(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


async def test_healthz_names_redis_when_unreachable(app, client):
    # A second app entering its lifespan would re-run Tortoise.init and then close the
    # connections the shared app relies on; instead point the shared app at a dead Redis
    # for the duration of this test and restore it.
    original = app.state.redis
    dead = aioredis.from_url(DEAD_REDIS, socket_connect_timeout=0.5, socket_timeout=0.5)
    app.state.redis = dead
    try:
        response = await client.get("/healthz")
    finally:
        app.state.redis = original
        await dead.aclose()
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "redis": "unavailable",
        "message": "Redis cannot be reached",
    }
    # The real Redis is back in place.
    assert (await client.get("/healthz")).status_code == 200


async def test_body_over_limit_is_refused_with_json_413(client, settings, tenant):
    assert settings.max_body_bytes == 1_000_000
    before = await Currency.all().count()
    # A syntactically valid mutation padded with a long string variable.
    body = json.dumps(
        {
            "query": 'mutation($n: String!) { createCurrency(input: {code: "BIG", name: $n}) { currency { id } } }',
            "variables": {"n": "x" * settings.max_body_bytes},
        }
    )
    assert len(body) > settings.max_body_bytes
    response = await client.post(
        "/graphql",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {tenant.token}"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/json"), response.text
    assert response.json() == {"message": "Content Too Large"}
    assert await Currency.all().count() == before


async def test_body_over_limit_without_content_length_is_refused_with_json_413(client, settings):
    """A streamed (chunked) body has no Content-Length: the limit applies as it is read."""

    async def chunks():
        for _ in range(settings.max_body_bytes // 100_000 + 2):
            yield b" " * 100_000

    response = await client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"message": "Content Too Large"}


async def test_body_under_limit_is_accepted(tenant, client):
    body = json.dumps({"query": "{ me { organizationId } }" + " " * 900_000})
    response = await client.post(
        "/graphql",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {tenant.token}"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"organizationId": tenant.organization_id}}}


async def test_unknown_route_answers_json(client):
    response = await client.get("/no-such-route")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


async def test_malformed_json_is_400_and_changes_nothing(tenant, client):
    before = await Currency.all().count()
    response = await client.post(
        "/graphql",
        content=b'{"query": "mutation { createCurrency(input: {code: \\"MAL\\"',
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {tenant.token}"},
    )
    assert response.status_code == 400
    assert "JSON" in response.text
    assert await Currency.all().count() == before


async def test_unknown_input_field_is_a_validation_error(tenant):
    before = await Currency.all().count()
    result = await tenant.gql(
        'mutation { createCurrency(input: {code: "BOG", name: "Bogus", bogus: 1}) '
        "{ currency { id } userErrors { field code } } }"
    )
    assert "data" not in result or result["data"] is None
    assert len(result["errors"]) == 1
    message = result["errors"][0]["message"]
    assert "bogus" in message and "CreateCurrencyInput" in message
    assert await Currency.all().count() == before
    codes = data_of(await tenant.gql("{ currencies { nodes { code } } }"))["currencies"]["nodes"]
    assert {"code": "BOG"} not in codes


async def test_bad_enum_value_is_a_validation_error(tenant):
    keys = data_of(await tenant.gql("{ serviceUsers { nodes { accessKeys { nodes { id version status } } } } }"))
    key = keys["serviceUsers"]["nodes"][0]["accessKeys"]["nodes"][0]
    result = await tenant.gql(
        "mutation($id: ID!, $v: Int!) { updateAccessKey(input: {id: $id, version: $v, status: NOPE}) "
        "{ accessKey { status } userErrors { field } } }",
        {"id": key["id"], "v": key["version"]},
    )
    assert result.get("data") is None
    assert len(result["errors"]) == 1
    message = result["errors"][0]["message"]
    assert "NOPE" in message and "AccessKeyStatus" in message
    after = data_of(await tenant.gql("{ serviceUsers { nodes { accessKeys { nodes { id version status } } } } }"))
    assert after["serviceUsers"]["nodes"][0]["accessKeys"]["nodes"][0] == key


async def test_invalid_timezone_is_a_user_error_and_changes_nothing(tenant):
    before = data_of(await tenant.gql("{ organizationConfig { version timezone } }"))["organizationConfig"]
    result = data_of(
        await tenant.gql(
            "mutation($v: Int!) { updateOrganizationConfig(input: "
            '{version: $v, timezone: "Mars/Olympus_Mons", daysBeforeBillDue: 10}) '
            "{ organizationConfig { version } userErrors { field code message } } }",
            {"v": before["version"]},
        )
    )
    payload = result["updateOrganizationConfig"]
    assert payload["organizationConfig"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "timezone"], "INVALID")]
    after = data_of(await tenant.gql("{ organizationConfig { version timezone daysBeforeBillDue } }"))[
        "organizationConfig"
    ]
    assert after["version"] == before["version"]
    assert after["timezone"] == before["timezone"] == "UTC"
    stored = await OrganizationConfig.get(organization_id=tenant.organization_id)
    assert stored.version == before["version"] and stored.timezone == "UTC" and stored.days_before_bill_due != 10
