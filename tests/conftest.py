"""Test harness: real PostgreSQL and real Redis, never fakes.

The services named by DATABASE_URL / REDIS_URL are used when set (CI points them at the
machine's own); otherwise the embedded ones are started in a temporary directory. Each
session gets a fresh database built by the project's real migrations and dropped at the
end. Tests isolate themselves by creating their own organizations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio
from hypothesis import settings as hypothesis_settings

from app.db import StatementCounter, asyncpg_url, count_statements, run_migrations
from app.settings import Settings, use_settings

# Properties never time their examples: tests assert no wall-clock time, and a loaded
# machine runs an example slower. CI (`.ci/run`) draws the same examples on every run
# (`derandomize`), so a landing run never fails on an example no earlier run met; local
# runs draw new ones, which is where a property is broken.
hypothesis_settings.register_profile("local", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else "local")

TEST_SECRET_KEY = "metergraph-test-secret-key-" + "x" * 32


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def service_urls(tmp_path_factory: pytest.TempPathFactory):
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if database_url and redis_url:
        yield database_url, redis_url
        return
    from app.embedded import start_services

    services = start_services(tmp_path_factory.mktemp("services"), database_url=database_url, redis_url=redis_url)
    try:
        yield services.database_url, services.redis_url
    finally:
        services.stop()


@pytest_asyncio.fixture(scope="session")
async def settings(service_urls, tmp_path_factory) -> AsyncIterator[Settings]:
    server_url, redis_url = service_urls
    name = f"metergraph_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(asyncpg_url(server_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = _with_database(asyncpg_url(server_url), name)
    test_settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=TEST_SECRET_KEY,
        data_dir=Path(tmp_path_factory.mktemp("data")),
        # Tests play one tenant's administrators, and one deployment's operators, at once.
        operator_organizations=("*",),
    )
    use_settings(test_settings)
    try:
        await run_migrations(database_url)
        yield test_settings
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture(scope="session")
async def app(settings):
    from app.main import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


class Tenant:
    """An organization with an Administrator service user and its bearer token."""

    def __init__(self, client: httpx.AsyncClient, credentials: dict, token: str):
        self.client = client
        self.organization_id = credentials["organizationId"]
        self.access_key_id = credentials["accessKeyId"]
        self.api_secret = credentials["apiSecret"]
        self.token = token

    async def gql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        return await gql(self.client, query, variables, token=self.token if token is None else token)


async def gql(client: httpx.AsyncClient, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code in (200, 400), response.text
    return response.json()


async def client_token(client: httpx.AsyncClient, key_id: str, secret: str) -> httpx.Response:
    return await client.post("/oauth/token", auth=(key_id, secret), data={"grant_type": "client_credentials"})


async def new_tenant(client: httpx.AsyncClient, name: str = "Acme") -> Tenant:
    from app.services.organizations import bootstrap_organization

    credentials = (await bootstrap_organization(name)).as_json()
    response = await client_token(client, credentials["accessKeyId"], credentials["apiSecret"])
    assert response.status_code == 200, response.text
    return Tenant(client, credentials, response.json()["access_token"])


@pytest_asyncio.fixture
async def tenant(client) -> Tenant:
    return await new_tenant(client, "Acme")


@pytest_asyncio.fixture
async def other_tenant(client) -> Tenant:
    return await new_tenant(client, "Globex")


@pytest.fixture
def count_queries() -> Callable[[], AbstractContextManager[StatementCounter]]:
    """Counts the SQL statements sent inside `with count_queries() as counted:` (in
    `counted.statements`), whatever sends them: the API in process, a service, a loader."""
    return count_statements


def data_of(result: dict) -> dict:
    assert "errors" not in result, result
    return result["data"]
