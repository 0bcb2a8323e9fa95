"""Seed to bill through the real `metergraph dev`, with the README's own documents.

The nine steps of the README's quick start are read from README.md (the fenced blocks
under `<!-- seed-steps ... -->`) and run, in order, against `metergraph dev` started as a
user starts it, over public HTTP and a `graphql-transport-ws` websocket only. Twice: with
no DATABASE_URL / REDIS_URL in a fresh directory (embedded services, default data dir),
and with both URLs set (a fresh database, its own queue) and a `--data-dir` that does
not exist yet. Then Ctrl-C, and no process may be left.

The bill of step 9, by hand (SEMANTICS §4.4, §7.2, §7.3):
- the derived field is megabytes / 1000: acme stores 50 + 30 = 80 GB in January, its
  child acme-eu 70 GB; the 999 GB of 2026-02-01T00:00Z belong to February;
- the child has no plan, so the block of 150 GB is rated under acme's plan, tiered:
  100 × 0.20 + 50 × 0.10 = 20.00 + 5.00 = 25.00;
- PARENT_BREAKDOWN splits 25.00 by units: 25 × 80/150 = 13.333…, 25 × 70/150 = 11.666…;
  13.33 + 11.66 = 24.99 and the missing cent goes to the largest remainder (acme-eu):
  13.33 and 11.67;
- standing charge 25.00 (in arrears, a full month);
- commitment fee 100.00 (its fee date is the bill date 2026-02-01);
- commitment consumed: every line type is eligible, so min(100, 13.33 + 11.67 + 25.00)
  = 50.00, drawn as −50.00;
- total: 13.33 + 11.67 + 25.00 + 100.00 − 50.00 = 100.00.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets

from app.db import asyncpg_url
from app.services.demo import CREDENTIALS_MARK as DEMO_CREDENTIALS
from tests.conftest import _with_database
from tests.test_embedded_dev import (
    ROOT,
    DevProcess,
    alive,
    descendants,
    dev_env,
    free_port,
    group_is_empty,
    needs_proc,
    processes_mentioning,
)

README = ROOT / "README.md"
D = Decimal


def seed_steps() -> dict[int, list[tuple[str, str]]]:
    """{step number: [(language, code), ...]} from the README's seed-steps section."""
    text = README.read_text()
    section = text[text.index("<!-- seed-steps") : text.index("<!-- /seed-steps -->")]
    steps = {}
    for chunk in re.split(r"^#### ", section, flags=re.M)[1:]:
        number = int(chunk.split(".", 1)[0])
        steps[number] = re.findall(r"^```(\w+)\n(.*?)^```", chunk, flags=re.S | re.M)
    assert sorted(steps) == list(range(1, 10)), sorted(steps)
    return steps


def documents(steps: dict, number: int, **placeholders: str) -> list[str]:
    found = []
    for language, code in steps[number]:
        if language == "graphql":
            for name, value in placeholders.items():
                code = code.replace(name, value)
            found.append(code)
    return found


def user_errors(value) -> list:  # noqa: ANN001
    """Every userErrors list anywhere in a result, flattened."""
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in (v if k == "userErrors" else user_errors(v))]
    if isinstance(value, list):
        return [e for item in value for e in user_errors(item)]
    return []


class Client:
    def __init__(self, http: httpx.AsyncClient, token: str):
        self.http, self.token = http, token

    async def gql(self, document: str) -> dict:
        response = await self.http.post(
            "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body and user_errors(body["data"]) == [], body
        return body["data"]


async def watch_progress(ws_url: str, token: str, document: str) -> list[str]:
    """The statuses billJobProgress yields over graphql-transport-ws, until it completes."""
    statuses = []
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": document}}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if message["type"] == "complete":
                return statuses
            assert message["type"] == "next" and "errors" not in message["payload"], message
            statuses.append(message["payload"]["data"]["billJobProgress"]["status"])


async def until_stored(client: Client, document: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        data = await client.gql(document)
        if data["ingestBatch"]["status"] == "PROCESSED":
            return data
        assert time.monotonic() < deadline, f"the batch was never processed: {data}"
        await asyncio.sleep(0.2)


async def walk_through(port: int, credentials: dict) -> dict:
    """Steps 1–9; returns the bill of step 9."""
    steps = seed_steps()
    base, org = f"http://127.0.0.1:{port}", credentials["organizationId"]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        assert "/oauth/token" in steps[1][0][1]  # 1. the README's curl, spoken by httpx
        response = await http.post(
            "/oauth/token",
            auth=(credentials["accessKeyId"], credentials["apiSecret"]),
            data={"grant_type": "client_credentials"},
        )
        assert response.status_code == 200, response.text
        client = Client(http, response.json()["access_token"])
        config = (await client.gql(*documents(steps, 2)))["updateOrganizationConfig"]["organizationConfig"]
        assert config == {"timezone": "Europe/London", "currency": "USD", "version": 2}
        assert (await client.gql(*documents(steps, 3)))["createProduct"]["product"]["code"] == "storage"
        account = (await client.gql(*documents(steps, 4)))["createAccount"]["account"]
        [child] = account["children"]["nodes"]
        await client.gql(*documents(steps, 5, ACCOUNT_ID=account["id"]))
        body = next(code for language, code in steps[6] if language == "json")
        headers = {"Authorization": f"Bearer {client.token}", "Content-Type": "application/json"}
        response = await http.post(f"/organizations/{org}/measurements", content=body, headers=headers)
        assert response.status_code == 200 and response.json()["result"] == "accepted", response.text
        stored = await until_stored(client, *documents(steps, 7, BATCH_ID=response.json()["batchId"]))
        assert stored["ingestBatch"] == {
            "status": "PROCESSED",
            "accepted": 4,
            "stored": 4,
            "duplicates": 0,
            "rejected": 0,
        }
        assert stored["measurements"]["totalCount"] == 3
        create, subscribe = documents(steps, 8)
        job = (await client.gql(create))["createBillJob"]["billJob"]
        statuses = await watch_progress(
            f"ws://127.0.0.1:{port}/graphql", client.token, subscribe.replace("BILL_JOB_ID", job["id"])
        )
        assert statuses[-1] == "COMPLETE", statuses
        [bill] = (await client.gql(*documents(steps, 9, ACCOUNT_ID=account["id"])))["bills"]["nodes"]
        bill["child"] = child["id"]
        # Not a seed step: the administrator sees dev's workers, which did the work above.
        bill["workers"] = (await client.gql("{ system { workers { pid jobsDone } } }"))["system"]["workers"]
        return bill


def assert_the_bill(bill: dict) -> None:
    assert (bill["accountCode"], bill["billDate"], bill["status"]) == ("acme", "2026-02-01", "PENDING")
    lines = [
        (
            x["lineItemType"],
            x["childAccountId"],
            D(x["units"]) if x["units"] is not None else None,
            D(x["convertedSubtotal"]),
        )
        for x in bill["lineItems"]["nodes"]
    ]
    assert lines == [
        ("USAGE", None, D(80), D("13.33")),
        ("USAGE", bill["child"], D(70), D("11.67")),
        ("STANDING_CHARGE", None, lines[2][2], D("25.00")),
        ("COMMITMENT_FEE", None, lines[3][2], D("100.00")),
        ("COMMITMENT_CONSUMED", None, lines[4][2], D("-50.00")),
    ], lines
    assert D(bill["billTotal"]) == D("100.00")


def run_and_stop(
    dev: DevProcess, port: int, leftovers_of: str, workers: int = 1, then: Callable[[], object] = lambda: None
) -> None:
    try:
        credentials = dev.credentials()
        assert f"  Workers     {workers}" in dev.out
        bill = asyncio.run(walk_through(port, credentials))
        print(f"\nwalk-through: {time.monotonic() - dev.started:.1f} s from `metergraph dev` start to the bill read")
        assert_the_bill(bill)
        worker_pids = dev.children("app.cli worker")
        assert sorted(w["pid"] for w in bill["workers"]) == sorted(worker_pids) and len(worker_pids) == workers
        # at least: the ingest batch, the bill job, and its account chunk(s)
        assert sum(w["jobsDone"] for w in bill["workers"]) >= 3, bill["workers"]
        then()
        children = descendants(dev.proc.pid)
        assert dev.interrupt(whole_group=True) == 0, dev.err  # Ctrl-C in the terminal
    finally:
        dev.kill_leftovers()
    assert [pid for pid in children if alive(pid)] == []
    assert group_is_empty(dev.proc.pid)
    assert processes_mentioning(leftovers_of) == []


# Plain (not async) tests: the walk-through runs its own event loop with asyncio.run.
@needs_proc
def test_seed_to_bill_with_embedded_services(tmp_path):
    port = free_port()
    dev = DevProcess(["--port", str(port)], cwd=tmp_path, env=dev_env())
    run_and_stop(dev, port, leftovers_of=str(tmp_path))
    assert (tmp_path / ".metergraph" / "postgres").is_dir()


@pytest.fixture
def fresh_database(service_urls):
    server, _ = service_urls
    name = f"metergraph_walk_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(asyncpg_url(server))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(asyncpg_url(server), name)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@needs_proc
def test_seed_to_bill_with_urls_and_a_missing_data_dir(tmp_path, service_urls, fresh_database):
    port, data_dir = free_port(), tmp_path / "not" / "there" / "yet"
    # Its own queue: other test sessions may share this Redis (README, Commands).
    queue = f"metergraph:walk:{uuid.uuid4().hex[:12]}"
    env = dev_env(DATABASE_URL=fresh_database, REDIS_URL=service_urls[1])
    # --demo: the demo organization loads beside the walk-through, on the same workers.
    dev = DevProcess(
        ["--port", str(port), "--data-dir", str(data_dir), "--queue-name", queue, "--workers", "2", "--demo"],
        cwd=tmp_path,
        env=env,
    )
    run_and_stop(dev, port, leftovers_of=str(data_dir), workers=2, then=lambda: dev.wait_for(DEMO_CREDENTIALS, 120))
    assert any(line.startswith('Demo organization "Metergraph Demo" created') for line in dev.out), dev.out
    assert data_dir.is_dir() and not (data_dir / "postgres").exists()
