"""`billJobProgress` end to end (CONTRACT §4, SEMANTICS §7.4, DESIGN §4): a real
`metergraph serve` and a real `metergraph worker`, both subprocesses, spoken to with the
`websockets` client over both subprotocols, watching a real bill job.

The two processes share this session's database and a Redis of their own (embedded,
started here): the server enqueues on the default queue, and no other program's worker
can take this test's jobs or hear its progress.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import Tenant, client_token, data_of
from tests.graphql.test_permissions_enforced import principal
from tests.graphql.test_websockets import LEGACY_WS, ROOT, TRANSPORT_WS, Server, _acked, _free_port, _init, _recv
from tests.scenarios import CREATE_BILL_JOB, Story, band

METERGRAPH = ROOT / ".venv" / "bin" / "metergraph"
JAN = "2026-01-01T00:00:00Z"
ACCOUNTS = 3
WAIT = 60
PROGRESS = """subscription($id: ID!) { billJobProgress(id: $id) {
  id version status type total pending failed billIds dtCompleted bills { totalCount } failures { accountId } } }"""
STATUS_ORDER = ["PENDING", "INITIALIZING", "RUNNING", "COMPLETE"]


def _command(*args: str) -> list[str]:
    return [str(METERGRAPH), *args] if METERGRAPH.exists() else [sys.executable, "-m", "app.cli", *args]


class Live:
    """The served API on a private Redis, and a way to start a worker next to it."""

    def __init__(self, server: Server, env: dict[str, str], tmp: Path):
        self.server, self.env, self.tmp = server, env, tmp

    def start_worker(self) -> subprocess.Popen:
        log = (self.tmp / f"worker-{uuid.uuid4().hex[:6]}.log").open("wb")
        return subprocess.Popen(_command("worker"), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _wait_healthy(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, f"server exited with {process.returncode}:\n{log.read_text()}"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"server not healthy within 30 s:\n{log.read_text()}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def live(settings, tmp_path_factory) -> Iterator[Live]:
    from app.embedded import start_services

    tmp = tmp_path_factory.mktemp("bill-subscription")
    redis = start_services(tmp / "redis", database_url=settings.database_url, redis_url=None)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("METERGRAPH_")},
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": redis.redis_url,
        "METERGRAPH_SECRET_KEY": settings.secret_key,
        "METERGRAPH_DATA_DIR": str(tmp / "data"),
    }
    port, log = _free_port(), tmp / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command("serve", "--host", "127.0.0.1", "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(process, port, log)
        yield Live(Server(process, port, log), env, tmp)
    finally:
        _stop(process)
        redis.stop()
    assert "unexpected error" not in log.read_text(), log.read_text()


@pytest.fixture
async def http(live) -> Iterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.server.http, timeout=30) as client:
        yield client


async def live_tenant(http: httpx.AsyncClient, name: str) -> Tenant:
    """A new organization whose every call goes to the live server."""
    from app.services.organizations import bootstrap_organization

    credentials = (await bootstrap_organization(name)).as_json()
    response = await client_token(http, credentials["accessKeyId"], credentials["apiSecret"])
    assert response.status_code == 200, response.text
    return Tenant(http, credentials, response.json()["access_token"])


async def billed_story(tenant: Tenant) -> Story:
    story = Story(tenant)
    await story.product(
        {
            "code": "live",
            "name": "Live",
            "meters": [
                {
                    "code": "live",
                    "name": "Live",
                    "dataFields": [{"category": "MEASURE", "code": "n", "name": "N"}],
                    "aggregations": [{"code": "n", "name": "N", "targetField": "n", "aggregation": "SUM"}],
                }
            ],
            "planTemplates": [
                {
                    "code": "live",
                    "name": "Live",
                    "currency": "USD",
                    "billFrequency": "MONTHLY",
                    "standingCharge": "5",
                    "pricings": [{"aggregationCode": "n", "startDate": JAN, "pricingBands": [band("0", "1")]}],
                    "plans": [{"code": "live", "name": "Live"}],
                }
            ],
        }
    )
    for i in range(ACCOUNTS):
        await story.account(f"live-{i}", [("live", JAN)])
    await story.ingest(
        [
            {"meter": "live", "account": f"live-{i}", "ts": "2026-01-09T00:00:00Z", "measure": {"n": i + 1}}
            for i in range(ACCOUNTS)
        ]
    )
    return story


async def subscribe(live: Live, token: str | None, job_id: str, protocol: str):  # noqa: ANN201 - an open websocket
    ws = await websockets.connect(live.server.ws, subprotocols=[protocol])
    await ws.send(_init(token))
    await _acked(ws)
    start = "subscribe" if protocol == TRANSPORT_WS else "start"
    await ws.send(json.dumps({"id": "p", "type": start, "payload": {"query": PROGRESS, "variables": {"id": job_id}}}))
    return ws


async def events(ws, protocol: str) -> list[dict]:
    """Every BillJob the subscription sends, until it completes."""
    data_type = "next" if protocol == TRANSPORT_WS else "data"
    received = []
    while True:
        message = await asyncio.wait_for(_recv(ws), WAIT)
        if message["type"] == "complete":
            assert message["id"] == "p"
            return received
        assert (message["id"], message["type"]) == ("p", data_type), message
        assert "errors" not in message["payload"], message
        received.append(message["payload"]["data"]["billJobProgress"])


async def test_progress_from_pending_to_complete_then_a_late_subscriber(live, http, app):
    tenant = await live_tenant(http, "Subscriber")
    story = await billed_story(tenant)
    job = (await story.ok(CREATE_BILL_JOB, {"input": {"lastDateInBillingPeriod": "2026-01-31"}}, "createBillJob"))[
        "billJob"
    ]

    ws = await subscribe(live, tenant.token, job["id"], TRANSPORT_WS)
    try:
        # Nothing runs the job yet: the first message is its current state.
        first = await asyncio.wait_for(_recv(ws), WAIT)
        assert first["type"] == "next" and first["payload"]["data"]["billJobProgress"]["status"] == "PENDING"
        worker = live.start_worker()
        try:
            rest = await events(ws, TRANSPORT_WS)
        finally:
            _stop(worker)
    finally:
        await ws.close()
    received = [first["payload"]["data"]["billJobProgress"], *rest]

    assert {r["id"] for r in received} == {job["id"]}
    versions = [r["version"] for r in received]
    assert versions == sorted(set(versions)), versions  # each a newer state than the one before
    ranks = [STATUS_ORDER.index(r["status"]) for r in received]
    assert ranks == sorted(ranks), [r["status"] for r in received]
    pendings = [r["pending"] for r in received if r["status"] == "RUNNING"]
    assert pendings == sorted(pendings, reverse=True)
    last = received[-1]
    assert (last["status"], last["total"], last["pending"], last["failed"], len(last["billIds"])) == (
        "COMPLETE",
        ACCOUNTS,
        0,
        0,
        ACCOUNTS,
    )
    assert last["bills"]["totalCount"] == ACCOUNTS and last["failures"] == [] and last["dtCompleted"]
    assert len(received) >= 2

    bills = data_of(await tenant.gql("{ bills { nodes { accountCode billTotal } } }"))["bills"]["nodes"]
    assert sorted((b["accountCode"], b["billTotal"]) for b in bills) == [
        (f"live-{i}", f"{i + 6}.00") for i in range(ACCOUNTS)
    ]

    # A late subscriber, over the other protocol, gets the terminal state and completion.
    late = await subscribe(live, tenant.token, job["id"], LEGACY_WS)
    try:
        assert await events(late, LEGACY_WS) == [last]
    finally:
        await late.close()


async def test_another_organizations_job_is_not_found_and_nothing_leaks(live, http, app):
    owner = await live_tenant(http, "Owner")
    job = (await Story(owner).ok(CREATE_BILL_JOB, {"input": {"billDate": "2026-02-01"}}, "createBillJob"))["billJob"]
    stranger = await live_tenant(http, "Stranger")
    for protocol in (TRANSPORT_WS, LEGACY_WS):
        for job_id in (job["id"], str(uuid.uuid4()), "nonsense"):
            ws = await subscribe(live, stranger.token, job_id, protocol)
            try:
                message = await asyncio.wait_for(_recv(ws), WAIT)
                assert "PENDING" not in json.dumps(message) and "status" not in json.dumps(message), message
                if protocol == TRANSPORT_WS:
                    assert message["type"] == "error", message
                    errors = message["payload"]
                else:
                    assert message["type"] in ("error", "data"), message
                    errors = message["payload"]["errors"] if message["type"] == "data" else [message["payload"]]
                assert [e.get("extensions", {}).get("code") for e in errors] == ["NOT_FOUND"], message
                assert errors[0]["message"] == f"no bill job with id {job_id}"
            finally:
                await ws.close()
    # Without a token the subscription answers UNAUTHENTICATED; a principal of the owner
    # without config:retrieve on the job, FORBIDDEN.
    no_policy = await principal(owner)
    for token, code in ((None, "UNAUTHENTICATED"), (no_policy, "FORBIDDEN")):
        ws = await subscribe(live, token, job["id"], TRANSPORT_WS)
        try:
            message = await asyncio.wait_for(_recv(ws), WAIT)
            assert message["type"] == "error", message
            assert [e["extensions"]["code"] for e in message["payload"]] == [code], message
            assert "PENDING" not in json.dumps(message)
        finally:
            await ws.close()
