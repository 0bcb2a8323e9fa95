"""Rate limits on the plain routes (CONTRACT §5): ingest answers 429 with Retry-After and
stores nothing of a refused batch; /oauth/token throttles wrong secrets per key id and per
client address, never right ones.

Limits are set through the organization configuration service (what updateOrganizationConfig
calls), so that no request is spent setting them. Token tests run from routable client
addresses of their own (loopback is throttled per identity only).
"""

from __future__ import annotations

import itertools
import uuid

import httpx
import pytest

from app.services import organization_config
from app.services.rate_limits import config
from tests.conftest import client_token
from tests.http.test_ingest import ONE, batches_of
from tests.workers import ingest_queue, post_measurements  # noqa: F401 - fixture

_addresses = (f"192.0.2.{n}" for n in itertools.count(1))


async def set_limits(tenant, **limits: tuple[int, int] | None) -> None:
    """Set the tenant's limits, e.g. ingestPerAccessKey=(1, 2): 1 request/s, burst 2."""
    org = uuid.UUID(tenant.organization_id)
    current = await organization_config.get_config(org)
    changes = {
        name: None if value is None else {"requestsPerSecond": value[0], "burst": value[1]}
        for name, value in limits.items()
    }
    command = organization_config.UpdateOrganizationConfig(version=current.version, rate_limits=changes)
    await organization_config.update_config(org, command, actor="test")


def _client_from_new_address(app) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(next(_addresses), 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _is_429(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert "rate limit" in response.json()["message"]


async def test_ingest_beyond_the_key_limit_is_429_and_stores_nothing(tenant, ingest_queue):
    await set_limits(tenant, ingestPerAccessKey=(1, 2))
    for uid in ("a", "b"):
        assert (await post_measurements(tenant, [{**ONE, "uid": uid}])).status_code == 200
    refused = await post_measurements(tenant, [{**ONE, "uid": "c"}])
    _is_429(refused)
    assert await batches_of(tenant) == 2


async def test_ingest_beyond_the_organization_limit_is_429(tenant, ingest_queue):
    await set_limits(tenant, ingestPerOrganization=(1, 1))
    assert (await post_measurements(tenant, [ONE])).status_code == 200
    _is_429(await post_measurements(tenant, [{**ONE, "uid": "u-2"}]))
    assert await batches_of(tenant) == 1


async def test_ingest_limits_are_per_organization(tenant, other_tenant, ingest_queue):
    await set_limits(tenant, ingestPerOrganization=(1, 1))
    assert (await post_measurements(tenant, [ONE])).status_code == 200
    _is_429(await post_measurements(tenant, [ONE]))
    assert (await post_measurements(other_tenant, [ONE])).status_code == 200


async def test_wrong_secrets_are_throttled_per_key_id(tenant, app):
    async with _client_from_new_address(app) as client:
        for _ in range(config.GUESSES_PER_IDENTITY.burst):
            assert (await client_token(client, tenant.access_key_id, "not the secret")).status_code == 401
        # No guess is checked now, not even the right one.
        _is_429(await client_token(client, tenant.access_key_id, tenant.api_secret))
    async with _client_from_new_address(app) as client:  # the key id's budget, not the address's
        _is_429(await client_token(client, tenant.access_key_id, tenant.api_secret))


async def test_right_secrets_are_never_throttled(tenant, app):
    async with _client_from_new_address(app) as client:
        for _ in range(config.GUESSES_PER_IDENTITY.burst + 5):
            assert (await client_token(client, tenant.access_key_id, tenant.api_secret)).status_code == 200


async def test_guesses_per_address_are_throttled_across_key_ids(tenant, app, monkeypatch):
    monkeypatch.setattr(config, "GUESSES_PER_ADDRESS", config.Rate(per_second=1 / 60, burst=5))
    async with _client_from_new_address(app) as client:
        for _ in range(5):
            assert (await client_token(client, uuid.uuid4().hex, "guess")).status_code == 401
        _is_429(await client_token(client, uuid.uuid4().hex, "guess"))
    async with _client_from_new_address(app) as client:
        assert (await client_token(client, tenant.access_key_id, tenant.api_secret)).status_code == 200


@pytest.mark.parametrize("header", [None, "Basic !!!", "Bearer x"])
async def test_requests_without_credentials_spend_no_guess(tenant, app, header, monkeypatch):
    """Only a checked key id and secret is a guess; a malformed request is a plain 401."""
    monkeypatch.setattr(config, "GUESSES_PER_ADDRESS", config.Rate(per_second=1 / 60, burst=1))
    async with _client_from_new_address(app) as client:
        headers = {"Authorization": header} if header else {}
        for _ in range(3):
            response = await client.post("/oauth/token", data={"grant_type": "client_credentials"}, headers=headers)
            assert response.status_code == 401


async def test_loopback_is_not_throttled_per_address(tenant, client, monkeypatch):
    """127.0.0.1 is a local proxy that did not forward the client's address (or a test
    client): one budget for all its callers would lock them all out, so only the key id's
    budget applies."""
    monkeypatch.setattr(config, "GUESSES_PER_ADDRESS", config.Rate(per_second=1 / 60, burst=1))
    for _ in range(3):
        assert (await client_token(client, uuid.uuid4().hex, "guess")).status_code == 401
    assert (await client_token(client, tenant.access_key_id, tenant.api_secret)).status_code == 200
