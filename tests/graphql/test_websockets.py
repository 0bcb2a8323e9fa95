"""WebSockets on a real server (CONTRACT §2, §3): `metergraph serve` in a subprocess,
spoken to with the `websockets` client over both subprotocols.

Authentication is the `connection_init` payload `{"Authorization": "Bearer ..."}`: a valid
token is acknowledged, a tampered one closes the socket with 4403, none is accepted and
fields then answer UNAUTHENTICATED.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[2]
METERGRAPH = ROOT / ".venv" / "bin" / "metergraph"
TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
ME = "{ me { organizationId } }"
TIMEOUT = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process = process
        self.port = port
        self.log = log
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}/graphql"


@pytest.fixture(scope="module")
def server(settings, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("METERGRAPH_")},
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "METERGRAPH_SECRET_KEY": settings.secret_key,
        "METERGRAPH_DATA_DIR": str(tmp / "data"),
    }
    log = tmp / "server.log"
    executable = [str(METERGRAPH)] if METERGRAPH.exists() else [sys.executable, "-m", "app.cli"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*executable, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"server exited with {process.returncode}:\n{log.read_text()}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"server not healthy within 30 s:\n{log.read_text()}"
            time.sleep(0.2)
        yield Server(process, port, log)
    finally:
        process.terminate()
        try:
            returncode = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
            pytest.fail(f"server did not exit on SIGTERM:\n{log.read_text()}")
    # uvicorn shuts down gracefully, then re-raises the captured SIGTERM: -15 is a clean stop.
    assert returncode in (0, -signal.SIGTERM), f"server exited with {returncode}:\n{log.read_text()}"
    text = log.read_text()
    assert "Application shutdown complete" in text
    # Nothing in these tests is a server failure: no error was masked as INTERNAL.
    # (strawberry itself logs every error of a result, expected ones included.)
    assert "unexpected error" not in text, text


async def _recv(ws) -> dict:
    """The next protocol message, skipping graphql-ws keep-alives."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        if message.get("type") != "ka":
            return message


async def _acked(ws) -> None:
    message = await _recv(ws)
    # graphql-transport-ws sends `"payload": null` when on_ws_connect returns None.
    assert message["type"] == "connection_ack" and message.get("payload") is None, message
    assert set(message) <= {"type", "payload"}


async def _closed_code(ws) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert closed.value.rcvd is not None, "the client, not the server, closed"
    return closed.value.rcvd.code


def _init(token: str | None) -> str:
    payload = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return json.dumps({"type": "connection_init", "payload": payload})


def _tampered(token: str) -> str:
    # Flip one character of the signature.
    return token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]


async def test_http_query_to_live_server(server, tenant):
    async with httpx.AsyncClient(base_url=server.http) as client:
        response = await client.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {tenant.token}"}
        )
        assert response.status_code == 200
        assert response.json() == {"data": {"me": {"organizationId": tenant.organization_id}}}
        health = await client.get("/healthz")
        assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        # The served app has the same body limit as the tested one.
        big = await client.post("/graphql", content=b" " * 1_000_001, headers={"Content-Type": "application/json"})
        assert (big.status_code, big.json()) == (413, {"message": "Content Too Large"})


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_valid_token_is_acknowledged(server, tenant, protocol):
    async with websockets.connect(server.ws, subprotocols=[protocol]) as ws:
        assert ws.subprotocol == protocol
        await ws.send(_init(tenant.token))
        await _acked(ws)


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_tampered_token_closes_with_4403(server, tenant, protocol):
    async with websockets.connect(server.ws, subprotocols=[protocol]) as ws:
        await ws.send(_init(_tampered(tenant.token)))
        if protocol == LEGACY_WS:
            # graphql-ws tells why before closing.
            error = await _recv(ws)
            assert error["type"] == "connection_error" and error["payload"]["message"]
        assert await _closed_code(ws) == 4403


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_garbage_authorization_closes_with_4403(server, protocol):
    async with websockets.connect(server.ws, subprotocols=[protocol]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "Token nope"}}))
        assert await _closed_code(ws) == 4403


async def test_transport_ws_runs_a_query(server, tenant):
    async with websockets.connect(server.ws, subprotocols=[TRANSPORT_WS]) as ws:
        await ws.send(_init(tenant.token))
        await _acked(ws)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": ME}}))
        assert await _recv(ws) == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"me": {"organizationId": tenant.organization_id}}},
        }
        assert await _recv(ws) == {"id": "1", "type": "complete"}
        # The connection stays usable.
        await ws.send(json.dumps({"type": "ping"}))
        assert await _recv(ws) == {"type": "pong"}


async def test_transport_ws_without_token_answers_unauthenticated(server):
    async with websockets.connect(server.ws, subprotocols=[TRANSPORT_WS]) as ws:
        await ws.send(_init(None))
        await _acked(ws)
        await ws.send(json.dumps({"id": "a", "type": "subscribe", "payload": {"query": ME}}))
        result = await _recv(ws)
        assert (result["id"], result["type"]) == ("a", "next")
        assert result["payload"]["data"] is None
        assert [e["extensions"]["code"] for e in result["payload"]["errors"]] == ["UNAUTHENTICATED"]
        assert await _recv(ws) == {"id": "a", "type": "complete"}


async def test_legacy_ws_refuses_queries(server, tenant):
    """graphql-ws (legacy) runs subscriptions only; the schema has no Subscription type yet."""
    async with websockets.connect(server.ws, subprotocols=[LEGACY_WS]) as ws:
        await ws.send(_init(tenant.token))
        await _acked(ws)
        await ws.send(json.dumps({"id": "1", "type": "start", "payload": {"query": ME}}))
        error = await _recv(ws)
        assert (error["id"], error["type"]) == ("1", "error")
        assert "organizationId" not in json.dumps(error)
        assert error["payload"]["message"] == "queries are not allowed"
        assert "extensions" not in error["payload"]  # a client error, not a masked INTERNAL one


async def test_unknown_subprotocol_is_refused(server):
    async with websockets.connect(server.ws, subprotocols=["graphql-nope"]) as ws:
        assert await _closed_code(ws) == 4406
