"""`GET /openapi.json` describes the plain routes as they behave: schemathesis generates
requests from the document and sends them to the API served the way users run it
(`metergraph serve` in its own process, on a free port, against this session's database
and Redis), then checks every answer against the document."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import redis
import schemathesis
from hypothesis import given
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection, positive_data_acceptance

from app.http.openapi import openapi_document
from tests.conftest import TEST_SECRET_KEY
from tests.fuzz import EXAMPLES, fuzz_settings

QUEUE = f"metergraph:test-openapi:{uuid.uuid4().hex[:10]}"
ROUTES = {
    ("GET", "/healthz"),
    ("POST", "/oauth/token"),
    ("POST", "/organizations/{orgId}/measurements"),
    ("GET", "/openapi.json"),
    *{("GET", f"/exports/{kind}.{fmt}") for kind in ("bills", "measurements", "usage") for fmt in ("csv", "jsonl")},
    ("GET", "/exports/jobs/{id}/download"),
    ("GET", "/bills/{id}/statement.json"),
    ("GET", "/bills/{id}/statement.csv"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served_api(settings, tmp_path_factory) -> Iterator[str]:
    """The API as `metergraph serve` runs it; batches it accepts go to a queue of its own."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "METERGRAPH_SECRET_KEY": TEST_SECRET_KEY,
        "METERGRAPH_DATA_DIR": str(tmp_path_factory.mktemp("openapi")),
    }
    command = [
        str(Path(sys.executable).with_name("metergraph")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--queue-name",
        QUEUE,
        "--log-level",
        "warning",
    ]
    # Its log goes to a file: a pipe nobody reads would fill up and stall the server.
    log = Path(env["METERGRAPH_DATA_DIR"]) / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        redis.Redis.from_url(settings.redis_url).delete(QUEUE)


def _wait_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"metergraph serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("metergraph serve did not become healthy")


@pytest_asyncio.fixture(scope="session")
async def credentials(app) -> dict:
    from app.services.organizations import bootstrap_organization

    return (await bootstrap_organization("OpenAPI")).as_json()


@pytest.fixture(scope="session")
def bearer(served_api, credentials) -> str:
    response = httpx.post(
        f"{served_api}/oauth/token",
        auth=(credentials["accessKeyId"], credentials["apiSecret"]),
        data={"grant_type": "client_credentials"},
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture(scope="session")
def api_schema(served_api):
    loaded = schemathesis.openapi.from_url(f"{served_api}/openapi.json")
    loaded.config.update(base_url=served_api)
    return loaded


def test_document_is_served_and_lists_the_routes(served_api):
    response = httpx.get(f"{served_api}/openapi.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    document = response.json()
    assert document == openapi_document()
    assert document["openapi"] == "3.1.0"
    assert {(method.upper(), path) for path, item in document["paths"].items() for method in item} == ROUTES


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_routes_behave_as_documented(api_schema, mode, credentials, bearer):
    """Every answer has a documented status, content type, headers and body; none is a 5xx.
    Requests carry valid credentials (the document says which), so that generated bodies
    reach the route's own checks; the `ignored_auth` check also sends them without.
    Valid (POSITIVE) and invalid (NEGATIVE) requests, for every operation."""
    seen: set[str] = set()

    @given(case=api_schema.as_strategy(mode))
    @fuzz_settings(max(EXAMPLES, 20))
    def check(case):
        seen.add(case.operation.label)
        # Negative cases may be about the credentials, which are replaced by valid ones
        # here: the check would then take the 200 for "invalid credentials accepted".
        excluded = [ignored_auth] if mode is GenerationMode.NEGATIVE else []
        if case.operation.path == "/oauth/token":
            case.headers = {**(case.headers or {}), "Authorization": _basic(credentials)}
            # Its wrong credentials are throttled (429 after a few): the check wants 401 or
            # 403 only. tests/fuzz/test_plain_routes.py holds bad credentials to 401/429.
            excluded = [ignored_auth]
        elif case.operation.path.startswith("/organizations/"):
            case.path_parameters = {"orgId": credentials["organizationId"]}
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {bearer}"}
        elif case.operation.path.startswith("/exports/"):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {bearer}"}
            # Each filter is described exactly, but rules across filters (from before to, a
            # usage range within 10,000 periods) cannot be written in OpenAPI: a schema-valid
            # request may get its documented 400. tests/http/test_exports.py holds those.
            excluded = [*excluded, positive_data_acceptance]
        response = case.call()
        if response.status_code == 413:
            # A body over the size limit is refused with the documented 413 before it is
            # read: a rejection, though not one of the codes the negative-data check lists.
            excluded = [*excluded, negative_data_rejection]
        case.validate_response(response, excluded_checks=excluded)

    check()
    assert len(seen) >= 2, seen


def _basic(credentials: dict) -> str:
    import base64

    pair = f"{credentials['accessKeyId']}:{credentials['apiSecret']}".encode()
    return "Basic " + base64.b64encode(pair).decode()
